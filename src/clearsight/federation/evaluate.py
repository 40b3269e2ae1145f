"""Federated against clear-text linkage on synthetic data with cross-force offenders.

Each area is a force with its own store (its police and partners); each links and
detects networks locally, exports, and a national store imports every extract. The
same submissions are also linked in one clear-text store. Cross-force record pairs
(two records of one true person held by different forces) are compared with the
generator's truth.
"""

from __future__ import annotations

import csv
import itertools
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clearsight.federation.extract import export
from clearsight.federation.national import import_extracts
from clearsight.federation.resolve import pseudonym_records

Pair = tuple[str, str]


@dataclass(frozen=True)
class FederationScore:
    true_pairs: int
    clear_found: int
    clear_recall: float
    federated_found: int
    federated_correct: int
    federated_recall: float
    relative_recall: float
    precision: float
    cross_force_networks: int
    extract_paths: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _area(record_key: str, areas: list[str]) -> str:
    source = record_key.split(":", 1)[0]
    return next(a for a in areas if source.startswith(a + "-"))


def _cross_pairs(groups: list[list[str]], areas: list[str]) -> set[Pair]:
    pairs: set[Pair] = set()
    for members in groups:
        for a, b in itertools.combinations(sorted(set(members)), 2):
            if _area(a, areas) != _area(b, areas):
                pairs.add((a, b))
    return pairs


def _ingest_all(db: Path, folders: list[Path]) -> Any:
    from clearsight.ingest import ingest
    from clearsight.store import connect

    con = connect(db)
    for folder in folders:
        ingest(con, folder)
    return con


def evaluate(
    work: Path, areas: list[str], *, scale: float, seed: int, key: bytes, networks: bool = True
) -> FederationScore:
    from clearsight import graph, linkage
    from clearsight.synth import generate

    shutil.rmtree(work, ignore_errors=True)
    generate(work / "synth", areas, scale=scale, seed=seed)
    submissions = sorted((work / "synth" / "submissions").iterdir())

    extracts: list[Path] = []
    records_of: dict[tuple[str, str], list[str]] = {}
    for area in areas:
        own = [s for s in submissions if s.name.startswith(area + "-")]
        con = _ingest_all(work / f"{area}.duckdb", own)
        linkage.run(con)
        if networks:
            graph.run(con)
        path = work / "extracts" / f"{area}.json"
        export(con, key, path, force=area)
        extracts.append(path)
        for pseudonym, keys in pseudonym_records(con, key).items():
            records_of[(area, pseudonym)] = keys
        con.close()

    from clearsight.store import connect

    national = connect(work / "national.duckdb")
    summary = import_extracts(national, extracts)
    groups: dict[str, list[str]] = {}
    for force, person, national_id in national.execute(
        "SELECT force, person, national_id FROM fed_people"
    ).fetchall():
        groups.setdefault(str(national_id), []).extend(records_of[(str(force), str(person))])
    national.close()
    federated = _cross_pairs(list(groups.values()), areas)

    clear = _ingest_all(work / "clear.duckdb", submissions)
    linkage.run(clear)
    entities: dict[str, list[str]] = {}
    for record_key, entity_id in clear.execute(
        "SELECT record_key, entity_id FROM person_entities"
    ).fetchall():
        entities.setdefault(str(entity_id), []).append(str(record_key))
    clear.close()
    clear_pairs = _cross_pairs(list(entities.values()), areas)

    truth: dict[str, list[str]] = {}
    with (work / "synth" / "truth" / "record_truth.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth.setdefault(row["true_person_id"], []).append(
                f"{row['source_id']}:{row['person_id']}"
            )
    true_pairs = _cross_pairs(list(truth.values()), areas)

    clear_recall = len(clear_pairs & true_pairs) / max(len(true_pairs), 1)
    fed_correct = len(federated & true_pairs)
    fed_recall = fed_correct / max(len(true_pairs), 1)
    return FederationScore(
        true_pairs=len(true_pairs),
        clear_found=len(clear_pairs & true_pairs),
        clear_recall=round(clear_recall, 4),
        federated_found=len(federated),
        federated_correct=fed_correct,
        federated_recall=round(fed_recall, 4),
        relative_recall=round(fed_recall / clear_recall, 4) if clear_recall else 1.0,
        precision=round(fed_correct / len(federated), 4) if federated else 1.0,
        cross_force_networks=summary.cross_force_networks,
        extract_paths=[str(p) for p in extracts],
    )
