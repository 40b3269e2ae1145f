"""Federated against clear-text linkage on synthetic data with cross-force offenders.

Each area is a force with its own store (its police and partners); each links and
detects networks locally, exports, and a national store imports every extract. The
same submissions are also ingested into one clear-text store and linked by the normal
linkage stage: **what clear-text linkage finds** is the set of cross-force record pairs
(two records held by different forces) that share an entity there. Both are compared
with the generator's truth.

Preparing the stores is the slow part and does not depend on the tokens, so
``prepare`` keeps them (keyed by its arguments) and ``measure`` only exports, imports
and counts: a change to tokens or scoring is re-measured in seconds.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from clearsight.federation.extract import export
from clearsight.federation.national import import_extracts
from clearsight.federation.resolve import pseudonym_records

Pair = tuple[str, str]
PREPARED = "prepared.json"


@dataclass(frozen=True)
class FederationScore:
    records: int
    true_pairs: int
    # Clear text: cross-force pairs the linkage stage puts in one entity of the union.
    clear_found: int
    clear_correct: int
    clear_recall: float
    clear_precision: float
    federated_found: int
    federated_correct: int
    federated_recall: float
    precision: float
    # Of the true pairs clear text finds, the share federation finds too (the target).
    relative_recall: float
    # Federated recall over clear-text recall (counts pairs clear text missed as well).
    recall_ratio: float
    cross_force_networks: int
    seconds: dict[str, float]
    extract_paths: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _area(record_key: str, areas: list[str]) -> str:
    source = record_key.split(":", 1)[0]
    return next(a for a in areas if source.startswith(a + "-"))


def cross_pairs(groups: list[list[str]], areas: list[str]) -> set[Pair]:
    """Record pairs of one group held by different forces (areas)."""
    pairs: set[Pair] = set()
    for members in groups:
        for a, b in itertools.combinations(sorted(set(members)), 2):
            if _area(a, areas) != _area(b, areas):
                pairs.add((a, b))
    return pairs


def _ingest_all(db: Path, folders: list[Path]) -> duckdb.DuckDBPyConnection:
    from clearsight.ingest import ingest
    from clearsight.store import connect

    con = connect(db)
    for folder in folders:
        ingest(con, folder)
    return con


def prepare(
    work: Path,
    areas: list[str],
    *,
    scale: float,
    seed: int,
    cross_area: float = 1.0,
    networks: bool = True,
) -> dict[str, float]:
    """Synthetic data, one linked (and network-detected) store per force and one clear
    store of everything; reused when ``work`` was prepared with the same arguments."""
    from clearsight import graph, linkage
    from clearsight.synth import generate

    arguments = {
        "areas": areas,
        "scale": scale,
        "seed": seed,
        "cross_area": cross_area,
        "networks": networks,
    }
    marker = work / PREPARED
    if marker.exists() and json.loads(marker.read_text())["arguments"] == arguments:
        return dict(json.loads(marker.read_text())["seconds"])
    shutil.rmtree(work, ignore_errors=True)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    generate(work / "synth", areas, scale=scale, seed=seed, cross_area=cross_area)
    seconds["synth"] = round(time.perf_counter() - started, 1)
    submissions = sorted((work / "synth" / "submissions").iterdir())

    started = time.perf_counter()
    for area in areas:
        own = [s for s in submissions if s.name.startswith(area + "-")]
        con = _ingest_all(work / "forces" / f"{area}.duckdb", own)
        linkage.run(con)
        if networks:
            graph.run(con)
        con.close()
    seconds["forces"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    clear = _ingest_all(work / "clear.duckdb", submissions)
    linkage.run(clear)
    clear.close()
    seconds["clear"] = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps({"arguments": arguments, "seconds": seconds}))
    return seconds


def _truth(work: Path, areas: list[str]) -> set[Pair]:
    truth: dict[str, list[str]] = {}
    with (work / "synth" / "truth" / "record_truth.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth.setdefault(row["true_person_id"], []).append(
                f"{row['source_id']}:{row['person_id']}"
            )
    return cross_pairs(list(truth.values()), areas)


def _clear_pairs(work: Path, areas: list[str]) -> tuple[set[Pair], int]:
    from clearsight.store import connect

    con = connect(work / "clear.duckdb", read_only=True)
    entities: dict[str, list[str]] = {}
    for record_key, entity_id in con.execute(
        "SELECT record_key, entity_id FROM person_entities"
    ).fetchall():
        entities.setdefault(str(entity_id), []).append(str(record_key))
    records = int(con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0])
    con.close()
    return cross_pairs(list(entities.values()), areas), records


def federated_pairs(work: Path, areas: list[str], key: bytes) -> tuple[set[Pair], int]:
    """Export every force, import them nationally; the cross-force record pairs of the
    national people, and the number of cross-force networks."""
    from clearsight.store import connect

    extracts: list[Path] = []
    records_of: dict[tuple[str, str], list[str]] = {}
    for area in areas:
        con = connect(work / "forces" / f"{area}.duckdb")
        path = work / "extracts" / f"{area}.json"
        export(con, key, path, force=area)
        extracts.append(path)
        for pseudonym, keys in pseudonym_records(con, key).items():
            records_of[(area, pseudonym)] = keys
        con.close()
    (work / "national.duckdb").unlink(missing_ok=True)
    national = connect(work / "national.duckdb")
    summary = import_extracts(national, extracts)
    groups: dict[str, list[str]] = {}
    for force, person, national_id in national.execute(
        "SELECT force, person, national_id FROM fed_people"
    ).fetchall():
        groups.setdefault(str(national_id), []).extend(records_of[(str(force), str(person))])
    national.close()
    return cross_pairs(list(groups.values()), areas), summary.cross_force_networks


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def measure(work: Path, areas: list[str], key: bytes) -> FederationScore:
    """Score a prepared ``work`` folder: federated and clear-text pairs against truth."""
    started = time.perf_counter()
    federated, networks = federated_pairs(work, areas, key)
    seconds = {"federate": round(time.perf_counter() - started, 1)}
    clear, records = _clear_pairs(work, areas)
    truth = _truth(work, areas)
    clear_true = clear & truth
    fed_true = federated & truth
    clear_recall = len(clear_true) / max(len(truth), 1)
    fed_recall = len(fed_true) / max(len(truth), 1)
    return FederationScore(
        records=records,
        true_pairs=len(truth),
        clear_found=len(clear),
        clear_correct=len(clear_true),
        clear_recall=round(clear_recall, 4),
        clear_precision=_ratio(len(clear_true), len(clear)),
        federated_found=len(federated),
        federated_correct=len(fed_true),
        federated_recall=round(fed_recall, 4),
        precision=_ratio(len(fed_true), len(federated)),
        relative_recall=_ratio(len(fed_true & clear_true), len(clear_true)),
        recall_ratio=round(fed_recall / clear_recall, 4) if clear_recall else 1.0,
        cross_force_networks=networks,
        seconds=seconds,
        extract_paths=[str(work / "extracts" / f"{a}.json") for a in areas],
    )


def evaluate(
    work: Path,
    areas: list[str],
    *,
    scale: float,
    seed: int,
    key: bytes,
    cross_area: float = 1.0,
    networks: bool = True,
) -> FederationScore:
    """``prepare`` (or reuse) then ``measure``."""
    prepared = prepare(
        work, areas, scale=scale, seed=seed, cross_area=cross_area, networks=networks
    )
    score = measure(work, areas, key)
    return FederationScore(**{**score.as_dict(), "seconds": {**prepared, **score.seconds}})
