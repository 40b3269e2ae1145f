"""Incidents linked across agencies, scored against the generator's episode truth.

``benchmarks/networks.py incidents``: each seed is generated, ingested, linked and
analysed as a force would; the incidents are then read back through the product path,
``clearsight export incidents`` (a child process on the closed store), and compared with
``truth/incidents.csv`` (one row per record of an episode the generator recorded in
several agencies).

Scores are over pairs of records (``source_id, event_id``): a *true pair* is two records of
one true episode, a *linked pair* two records the export puts in one incident.
Precision = linked pairs that are true / linked pairs; recall = true pairs linked / true
pairs. An episode is *joined whole* when every one of its records is in one incident.
Records of one source are never two records of one incident in the export (the rule
pairs records of different sources), and the truth lists them as the generator wrote
them, so both sides count every pair.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

Record = tuple[str, str]


def _groups(rows: list[dict[str, str]], key: str) -> dict[str, set[Record]]:
    out: dict[str, set[Record]] = defaultdict(set)
    for r in rows:
        out[r[key]].add((r["source_id"], r["event_id"]))
    return dict(out)


def _pairs(groups: dict[str, set[Record]]) -> set[tuple[Record, Record]]:
    return {(a, b) for members in groups.values() for a, b in combinations(sorted(members), 2)}


def export_incidents(db: Path, out: Path) -> list[dict[str, str]]:
    """``clearsight export incidents`` on the store, as an analyst would run it."""
    cli = Path(sys.executable).with_name("clearsight")
    subprocess.run(
        [str(cli), "export", "incidents", "--db", str(db), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    with out.open(newline="") as f:
        return list(csv.DictReader(f))


def score_incidents(truth: Path, exported: list[dict[str, str]]) -> dict[str, float]:
    """Pairwise precision and recall, and episodes joined whole (module docstring)."""
    with (truth / "incidents.csv").open(newline="") as f:
        true_rows = list(csv.DictReader(f))
    episodes = {k: v for k, v in _groups(true_rows, "incident_id").items() if len(v) >= 2}
    linked = _groups(exported, "incident_id")
    true_pairs, linked_pairs = _pairs(episodes), _pairs(linked)
    hit = true_pairs & linked_pairs
    where: dict[Record, set[str]] = defaultdict(set)
    for incident, members in linked.items():
        for record in members:
            where[record].add(incident)
    whole = sum(
        len(set.intersection(*(where[r] for r in members))) > 0 for members in episodes.values()
    )
    return {
        "true_episodes": len(episodes),
        "true_pairs": len(true_pairs),
        "incidents": len(linked),
        "linked_pairs": len(linked_pairs),
        "true_linked_pairs": len(hit),
        "precision": round(len(hit) / max(len(linked_pairs), 1), 4),
        "recall": round(len(hit) / max(len(true_pairs), 1), 4),
        "episodes_joined_whole": whole,
    }


def pooled_incidents(results: list[dict[str, float]]) -> dict[str, float]:
    def total(key: str) -> float:
        return sum(r[key] for r in results)

    return {
        "seeds": len(results),
        "true_episodes": total("true_episodes"),
        "incidents": total("incidents"),
        "precision": round(total("true_linked_pairs") / max(total("linked_pairs"), 1), 4),
        "recall": round(total("true_linked_pairs") / max(total("true_pairs"), 1), 4),
        "episodes_joined_whole": total("episodes_joined_whole"),
    }
