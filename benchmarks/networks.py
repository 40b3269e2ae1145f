"""Network detection against synthetic ground truth, and graph speed at scale.

    python benchmarks/networks.py recovery --seed 29 [--scale 1] [--linkage]
    python benchmarks/networks.py scale --persons 1000000 --events 3000000

recovery: generates synthetic data (a seed never tuned on), ingests it, resolves
identities (a) perfectly from the truth and (b) with the linkage stage when asked, runs
graph + detection + definitions, and compares offender sets by Jaccard: a true group with
at least two recorded offenders is recovered when some network's offenders have Jaccard
>= 0.5 with it; a network is spurious when no true group reaches 0.5 with it. Also reports
the police-data-only baseline (co-suspect components, exact identities).

scale: a synthetic graph of the given size written straight into the store tables (no
ingest), then graph build and detection timed.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from clearsight.graph import GraphSettings, run
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import generate

AREAS = ["west-yorkshire", "greater-manchester", "south-yorkshire"]


def _truth(truth: Path) -> tuple[dict[tuple[str, str], str], dict[str, set[str]]]:
    with (truth / "record_truth.csv").open() as f:
        records = {(r["source_id"], r["person_id"]): r["true_person_id"] for r in csv.DictReader(f)}
    groups: dict[str, set[str]] = defaultdict(set)
    with (truth / "groups.csv").open() as f:
        for r in csv.DictReader(f):
            if r["role"] != "victim" and r["lone_offender"] != "yes":
                groups[r["group_id"]].add(r["true_person_id"])
    return records, dict(groups)


def _recorded_offenders(
    con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]
) -> set[str]:
    rows = con.execute(
        "SELECT DISTINCT source_id, person_id FROM current_involvements "
        "WHERE role IN ('suspect', 'offender', 'facilitator', 'associate')"
    ).fetchall()
    return {records[(s, p)] for s, p in rows if (s, p) in records}


def _perfect_entities(con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE person_entities (source_id VARCHAR, person_id VARCHAR, "
        "record_key VARCHAR, entity_id VARCHAR, run_id INTEGER)"
    )
    rows = con.execute("SELECT source_id, person_id FROM current_persons").fetchall()
    con.executemany(
        "INSERT INTO person_entities VALUES (?, ?, ?, ?, 1)",
        [(s, p, f"{s}:{p}", records.get((s, p), f"{s}/{p}")) for s, p in rows],
    )


def _predicted(
    con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]
) -> dict[str, set[str]]:
    predicted: dict[str, set[str]] = defaultdict(set)
    for network_id, s, p in con.execute(
        "SELECT network_id, source_id, person_id FROM network_records WHERE role <> 'victim'"
    ).fetchall():
        if (s, p) in records:
            predicted[network_id].add(records[(s, p)])
    return dict(predicted)


def score(true_groups: dict[str, set[str]], predicted: dict[str, set[str]]) -> dict[str, float]:
    def best(target: set[str], candidates: list[set[str]]) -> float:
        return max((len(target & c) / len(target | c) for c in candidates), default=0.0)

    owner: dict[str, list[set[str]]] = defaultdict(list)
    for members in predicted.values():
        for person in members:
            owner[person].append(members)
    recovered = sum(best(g, [c for p in g for c in owner[p]]) >= 0.5 for g in true_groups.values())
    g_owner: dict[str, list[set[str]]] = defaultdict(list)
    for members in true_groups.values():
        for person in members:
            g_owner[person].append(members)
    spurious = sum(best(m, [g for p in m for g in g_owner[p]]) < 0.5 for m in predicted.values())
    return {
        "true_groups": len(true_groups),
        "recovered": recovered,
        "recovery": round(recovered / max(len(true_groups), 1), 4),
        "networks": len(predicted),
        "spurious": spurious,
        "spurious_rate": round(spurious / max(len(predicted), 1), 4),
    }


def _baseline(
    con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]
) -> dict[str, set[str]]:
    """Police data only, exact-match identities (name and date of birth), co-suspects."""
    import igraph as ig

    rows = con.execute(
        """
        WITH p AS (
            SELECT p.source_id, p.person_id,
                   coalesce(p.forenames || '|' || p.surname || '|' || p.date_of_birth,
                            p.source_id || '/' || p.person_id) AS ident
            FROM current_persons p JOIN sources s USING (source_id)
            WHERE s.agency_type = 'police'
        ),
        i AS (
            SELECT i.source_id, i.event_id, p.ident, p.person_id
            FROM current_involvements i JOIN p USING (source_id, person_id)
            WHERE i.role IN ('suspect', 'offender')
        )
        SELECT a.ident, b.ident FROM i a JOIN i b
          ON a.source_id = b.source_id AND a.event_id = b.event_id AND a.ident < b.ident
        """
    ).fetchall()
    idents = con.execute(
        """
        SELECT p.forenames || '|' || p.surname || '|' || p.date_of_birth AS ident,
               p.source_id, p.person_id FROM current_persons p
        """
    ).fetchall()
    names = sorted({a for a, _ in rows} | {b for _, b in rows})
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in rows])
    by_ident: dict[str, set[str]] = defaultdict(set)
    for ident, s, p in idents:
        if ident is not None and (s, p) in records:
            by_ident[ident].add(records[(s, p)])
    for s, p in records:
        by_ident[f"{s}/{p}"].add(records[(s, p)])
    predicted = {}
    for n, comp in enumerate(graph.connected_components()):
        if len(comp) >= 2:
            predicted[f"B{n}"] = set().union(*(by_ident[names[v]] for v in comp))
    return predicted


def recovery(seed: int, scale: float, linkage: bool, work: Path, settings: GraphSettings) -> None:
    db = work / "store.duckdb"
    if not db.exists():
        summary = generate(work / "synth", AREAS, scale=scale, seed=seed)
        con = connect(db)
        for submission in summary.submissions:
            ingest(con, submission)
    else:
        con = connect(db)
    records, groups = _truth(work / "synth" / "truth")
    recorded = _recorded_offenders(con, records)
    true_groups = {g: m & recorded for g, m in groups.items() if len(m & recorded) >= 2}
    print(f"seed {seed}: {len(records):,} person records, {len(true_groups)} true groups")
    print("baseline police-only co-suspects:", score(true_groups, _baseline(con, records)))
    _perfect_entities(con, records)
    start = time.perf_counter()
    summary_ = run(con, settings)
    print(
        f"perfect identities ({time.perf_counter() - start:.1f} s):",
        score(true_groups, _predicted(con, records)),
    )
    print("  ", summary_.as_dict())
    if linkage:
        from clearsight.linkage.pipeline import run as link

        con.execute("DROP TABLE IF EXISTS person_entities")
        link(con)
        start = time.perf_counter()
        summary_ = run(con, settings)
        print(
            f"linkage identities ({time.perf_counter() - start:.1f} s):",
            score(true_groups, _predicted(con, records)),
        )
        print("  ", summary_.as_dict())


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recovery")
    rec.add_argument("--seed", type=int, default=29)
    rec.add_argument("--scale", type=float, default=1.0)
    rec.add_argument("--linkage", action="store_true")
    rec.add_argument("--work", type=Path)
    sc = sub.add_parser("scale")
    sc.add_argument("--persons", type=int, default=1_000_000)
    sc.add_argument("--events", type=int, default=3_000_000)
    sc.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="clearsight-networks-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.command == "recovery":
        recovery(args.seed, args.scale, args.linkage, work, GraphSettings())
    else:
        from benchmarks_scale import scale  # type: ignore[import-not-found]

        scale(args.persons, args.events, work)


if __name__ == "__main__":
    main()
