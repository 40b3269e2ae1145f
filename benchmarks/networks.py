"""Network detection against synthetic ground truth, and graph speed at scale.

    python benchmarks/networks.py recovery --seed 29 [--scale 1] [--linkage]
    python benchmarks/networks.py seeds --range tuning|held-out [--count 3] [--first S]
    python benchmarks/networks.py scale --persons 1000000 --events 3000000
    python benchmarks/networks.py diagnose --seed 3 [--work DIR]
    python benchmarks/networks.py incidents --range tuning|held-out [--count 8] [--work DIR]

seeds: the first COUNT seeds of the tuning range (1-9,999) or of the held-out range
(10,000-10,999), each generated, ingested, linked (no true identities) and analysed as a
force would; recovery, spurious networks, partner-only groups recovered, fragmented groups
and merged networks, per seed for tuning seeds and pooled for both. ``recovery`` refuses a
held-out seed.

recovery: generates synthetic data (a seed never tuned on), ingests it, resolves
identities (a) perfectly from the truth and (b) with the linkage stage when asked, runs
graph + detection + definitions, and compares offender sets by Jaccard: a true group with
at least two recorded offenders is recovered when some network's offenders have Jaccard
>= 0.5 with it; a network is spurious when no true group reaches 0.5 with it. Also reports
the police-data-only baseline (co-suspect components, exact identities).

A member is a recorded offender *of a group* when some record of theirs is a suspect,
offender, facilitator or associate in some event (or is employed at a place: the
facilitator the graph puts on the offending side), and some record of theirs is in the
group's own events or links (``truth/group_records.csv``). Before, an offending-side
event record anywhere was enough: a cross-area offender recorded only with the group he
visits counted as a recorded member of his home group too, where no record places him,
and an employee facilitator recorded only by police links did not count at all
(``--legacy-truth`` also scores the old way).

scale: a synthetic graph of the given size written straight into the store tables (no
ingest), then graph build and detection timed (``network_scale.py``).

diagnose: a tuning seed end to end as ``seeds`` runs it (the store in ``--work``, or in
``--work/seed-N`` where ``seeds`` left it, is reused when there; one made for another seed
is refused, so a rule change is re-run on the same linkage), then one line per missed true
group with its cause and per spurious network with its make-up (``network_diagnosis.py``).
Refuses a held-out seed.

incidents: records of one episode linked across agencies, read back through
``clearsight export incidents`` and scored against the generator's ``truth/incidents.csv``
(pairwise precision and recall, episodes joined whole; ``incident_scores.py``); per seed
for tuning seeds, pooled for both.
"""

from __future__ import annotations

import argparse
import csv
import logging
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from clearsight import graph
from clearsight.definitions import evaluate_all
from clearsight.graph import GraphSettings, NetworksSummary
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import generate
from incident_scores import export_incidents, pooled_incidents, score_incidents
from network_diagnosis import diagnose
from network_revealable import revealable
from network_scale import scale

AREAS = ["west-yorkshire", "greater-manchester", "south-yorkshire"]
# Seeds below 10,000 are tuning seeds: rules and settings may be looked at and changed on
# them (every round so far used seeds under 200). Seeds 10,000-10,999 are held out: only
# ``seeds --range held-out`` runs them, reporting pooled figures, and no rule, threshold or
# setting is ever chosen by looking at them (benchmarks/README.md).
TUNING_SEEDS = range(1, 10_000)
HELD_OUT_SEEDS = range(10_000, 11_000)
# Held-out seeds whose one run is spent and which a later session made tuning seeds (their
# misses read from then on): ``diagnose`` accepts them, and their figures are tuning figures.
# 10,056-10,063: run once in session 22, tuning seeds from session 23; 10,088-10,103: run
# once in session 24, tuning seeds from session 25 (their misses read for issue 17);
# 10,176-10,183: run once in session 27, tuning seeds from session 28; 10,240-10,247: run
# once in session 33, tuning seeds from session 34 (their misses read for issue 17);
# 10,376-10,383: run once in session 35, tuning seeds from session 36 (their misses read).
RETIRED_HELD_OUT_SEEDS = [
    *range(10_056, 10_064),
    *range(10_088, 10_104),
    *range(10_176, 10_184),
    *range(10_240, 10_248),
    *range(10_376, 10_384),
]


def run(con: duckdb.DuckDBPyConnection, settings: GraphSettings | None = None) -> NetworksSummary:
    """The networks and definitions stages, as ``clearsight analyse`` runs them."""
    summary = graph.run(con, settings)
    evaluate_all(con)
    return summary


def _truth(truth: Path) -> tuple[dict[tuple[str, str], str], dict[str, set[str]]]:
    with (truth / "record_truth.csv").open() as f:
        records = {(r["source_id"], r["person_id"]): r["true_person_id"] for r in csv.DictReader(f)}
    groups: dict[str, set[str]] = defaultdict(set)
    with (truth / "groups.csv").open() as f:
        for r in csv.DictReader(f):
            if r["role"] != "victim" and r["lone_offender"] != "yes":
                groups[r["group_id"]].add(r["true_person_id"])
    return records, dict(groups)


OFFENDING_SIDE = "('suspect', 'offender', 'facilitator', 'associate')"


def _recorded_offenders(
    con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]
) -> set[str]:
    """Legacy: true people with an offending-side record anywhere."""
    rows = con.execute(
        "SELECT DISTINCT source_id, person_id FROM current_involvements "
        f"WHERE role IN {OFFENDING_SIDE}"
    ).fetchall()
    return {records[(s, p)] for s, p in rows if (s, p) in records}


def _true_groups(
    con: duckdb.DuckDBPyConnection,
    truth: Path,
    records: dict[tuple[str, str], str],
    groups: dict[str, set[str]],
) -> dict[str, set[str]]:
    """Each group's recorded offenders: members with an offending-side record (anywhere;
    or recorded as employed at a place, the facilitator the graph puts on the offending
    side when children were exploited there) and a record in the group's own events or
    links (``group_records.csv``); the groups with at least two. Without that file (older
    truth), the legacy rule."""
    recorded = _recorded_offenders(con, records)
    path = truth / "group_records.csv"
    if not path.exists():
        return {g: m & recorded for g, m in groups.items() if len(m & recorded) >= 2}
    employed = con.execute(
        "SELECT DISTINCT source_id, from_id FROM current_associations "
        "WHERE from_type = 'person' AND to_type = 'location' AND association_type = 'employed_at'"
    ).fetchall()
    recorded |= {records[(s, p)] for s, p in employed if (s, p) in records}
    in_group: dict[str, set[str]] = defaultdict(set)
    with path.open() as f:
        for r in csv.DictReader(f):
            person = records.get((r["source_id"], r["person_id"]))
            if person is not None:
                in_group[r["group_id"]].add(person)
    true_groups = {g: m & recorded & in_group[g] for g, m in groups.items()}
    return {g: m for g, m in true_groups.items() if len(m) >= 2}


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
    """Each network's offenders: its members but victims and ``linked`` people (no
    offending-side record; police link them to the group), as the truth counts only
    recorded offenders."""
    predicted: dict[str, set[str]] = defaultdict(set)
    for network_id, s, p in con.execute(
        "SELECT network_id, source_id, person_id FROM network_records "
        "WHERE role NOT IN ('victim', 'linked')"
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
    spurious = [m for m in predicted.values() if best(m, [g for p in m for g in g_owner[p]]) < 0.5]
    # A spurious network whose offenders all belong to one true group is a fragment of it
    # (real members, too few for Jaccard 0.5): still spurious, counted apart to show it.
    fragments = sum(any(m <= g for p in m for g in g_owner[p]) for m in spurious)
    return {
        "true_groups": len(true_groups),
        "recovered": recovered,
        "recovery": round(recovered / max(len(true_groups), 1), 4),
        "networks": len(predicted),
        "spurious": len(spurious),
        "spurious_rate": round(len(spurious) / max(len(predicted), 1), 4),
        "spurious_fragments": fragments,
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


def _scores(
    label: str,
    con: duckdb.DuckDBPyConnection,
    records: dict[tuple[str, str], str],
    truths: dict[str, dict[str, set[str]]],
) -> None:
    predicted = _predicted(con, records)
    for name, true_groups in truths.items():
        print(f"{label}{name}:", score(true_groups, predicted))
    print(f"  possible duplicates (not networks): {_duplicates(con, records)}")
    print(f"  by IICSA status: {_by_status(con, truths[''], predicted)}")


def _by_status(
    con: duckdb.DuckDBPyConnection,
    true_groups: dict[str, set[str]],
    predicted: dict[str, set[str]],
) -> dict[str, dict[str, int]]:
    """Networks and spurious networks per IICSA status, and the true groups recovered
    only by networks of that status (a "possible" network, shared children only, is
    the only match of these groups)."""
    status = dict(con.execute("SELECT network_id, iicsa_status FROM network_status").fetchall())
    out: dict[str, dict[str, int]] = {}

    def jaccard(a: set[str], b: set[str]) -> float:
        return len(a & b) / len(a | b)

    for network_id, members in predicted.items():
        row = out.setdefault(str(status.get(network_id)), {})
        row["networks"] = row.get("networks", 0) + 1
        if not any(jaccard(members, g) >= 0.5 for g in true_groups.values()):
            row["spurious"] = row.get("spurious", 0) + 1
    for group in true_groups.values():
        matched = {str(status.get(n)) for n, m in predicted.items() if jaccard(group, m) >= 0.5}
        if len(matched) == 1:
            row = out.setdefault(matched.pop(), {})
            row["groups_recovered_only_here"] = row.get("groups_recovered_only_here", 0) + 1
    return out


def _duplicates(
    con: duckdb.DuckDBPyConnection, records: dict[tuple[str, str], str]
) -> dict[str, int]:
    """Pairs set aside as possible duplicates, and how many are one true person."""
    true_of: dict[str, set[str]] = defaultdict(set)
    for entity, s, p in con.execute(
        "SELECT entity_id, source_id, person_id FROM graph_person_map"
    ).fetchall():
        if (s, p) in records:
            true_of[entity].add(records[(s, p)])
    pairs = con.execute(
        "SELECT entity_a, entity_b, reason FROM network_possible_duplicates"
    ).fetchall()
    same = sum(bool(true_of[a] & true_of[b]) for a, b, _ in pairs)
    unidentified = sum(
        r == "unidentified, linked only by a shared child or place" for *_, r in pairs
    )
    return {"pairs": len(pairs), "one_true_person": same, "unidentified_pairs": unidentified}


def recovery(
    seed: int,
    scale: float,
    linkage: bool,
    work: Path,
    settings: GraphSettings,
    legacy_truth: bool = False,
) -> None:
    db = work / "store.duckdb"
    if not db.exists():
        summary = generate(work / "synth", AREAS, scale=scale, seed=seed)
        con = connect(db)
        for submission in summary.submissions:
            ingest(con, submission)
    else:
        con = connect(db)
    records, groups = _truth(work / "synth" / "truth")
    true_groups = _true_groups(con, work / "synth" / "truth", records, groups)
    truths = {"": true_groups}
    if legacy_truth:
        recorded = _recorded_offenders(con, records)
        truths[" (legacy truth)"] = {
            g: m & recorded for g, m in groups.items() if len(m & recorded) >= 2
        }
    print(f"seed {seed}: {len(records):,} person records, {len(true_groups)} true groups")
    baseline = _baseline(con, records)
    for name, groups_ in truths.items():
        print(f"baseline police-only co-suspects{name}:", score(groups_, baseline))
    _perfect_entities(con, records)
    start = time.perf_counter()
    summary_ = run(con, settings)
    _scores(f"perfect identities ({time.perf_counter() - start:.1f} s)", con, records, truths)
    print("  ", summary_.as_dict())
    if linkage:
        from clearsight.linkage.pipeline import run as link

        con.execute("DROP TABLE IF EXISTS person_entities")
        link(con)
        start = time.perf_counter()
        summary_ = run(con, settings)
        _scores(f"linkage identities ({time.perf_counter() - start:.1f} s)", con, records, truths)
        print("  ", summary_.as_dict())


def _kinds(truth: Path) -> dict[str, str]:
    """Each group's kind (``partner_only`` or ``police_visible``); older truth has none."""
    kinds: dict[str, str] = {}
    with (truth / "groups.csv").open() as f:
        for r in csv.DictReader(f):
            kinds[r["group_id"]] = r.get("kind") or "police_visible"
    return kinds


def shape_errors(
    true_groups: dict[str, set[str]], predicted: dict[str, set[str]]
) -> dict[str, int]:
    """Fragments and merges. A true group is *fragmented* when two or more reported
    networks each hold two or more of its offenders; a reported network is a *merge* when
    it holds two or more offenders of each of two or more true groups."""
    fragmented = sum(
        sum(len(g & m) >= 2 for m in predicted.values()) >= 2 for g in true_groups.values()
    )
    merges = sum(
        sum(len(g & m) >= 2 for g in true_groups.values()) >= 2 for m in predicted.values()
    )
    return {"fragmented_groups": fragmented, "merged_networks": merges}


def evaluate_seed(seed: int, scale: float, work: Path) -> dict[str, float]:
    """One seed end to end as a force would run it: synth, ingest, linkage (no true
    identities), graph and detection; scored against the truth. A store an earlier run
    left in ``work`` is reused (the same linkage, so two versions of the networks stage
    can be compared on the same data)."""
    db = _linked_store(seed, scale, work)
    truth = work / "synth" / "truth"
    con = connect(db)
    try:
        records, groups = _truth(truth)
        true_groups = _true_groups(con, truth, records, groups)
        person_records = con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0]
        start = time.perf_counter()
        run(con)
        seconds = time.perf_counter() - start
        predicted = _predicted(con, records)
        verdicts = revealable(con, records, groups, true_groups)
    finally:
        con.close()
    kinds = _kinds(truth)
    partner = {g: m for g, m in true_groups.items() if kinds.get(g) == "partner_only"}
    result: dict[str, float] = {"seed": seed, "person_records": person_records}
    result.update(score(true_groups, predicted))
    # Reported beside the full figure, never instead of it (network_revealable.py).
    shown = score({g: m for g, m in true_groups.items() if verdicts[g] is None}, predicted)
    result["revealable_groups"] = shown["true_groups"]
    result["revealable_recovered"] = shown["recovered"]
    part = score(partner, predicted)
    result["partner_only_groups"] = part["true_groups"]
    result["partner_only_recovered"] = part["recovered"]
    result.update(shape_errors(true_groups, predicted))
    result["networks_seconds"] = round(seconds, 1)
    return result


def pooled(results: list[dict[str, float]]) -> dict[str, float]:
    def total(key: str) -> float:
        return sum(r[key] for r in results)

    return {
        "seeds": len(results),
        "true_groups": total("true_groups"),
        "recovery": round(total("recovered") / max(total("true_groups"), 1), 4),
        "revealable_groups": total("revealable_groups"),
        "revealable_recovery": round(
            total("revealable_recovered") / max(total("revealable_groups"), 1), 4
        ),
        "networks": total("networks"),
        "spurious_rate": round(total("spurious") / max(total("networks"), 1), 4),
        "spurious_fragments": total("spurious_fragments"),
        "partner_only_groups": total("partner_only_groups"),
        "partner_only_recovery": round(
            total("partner_only_recovered") / max(total("partner_only_groups"), 1), 4
        ),
        "fragmented_groups": total("fragmented_groups"),
        "merged_networks": total("merged_networks"),
    }


def seeds(which: str, count: int, scale: float, work: Path, first: int | None = None) -> None:
    """COUNT seeds of the range from FIRST (default: its first seed), as a force would run
    them; per seed for tuning seeds, pooled only for held-out ones."""
    chosen = _chosen(which, count, first)
    results = []
    for seed in chosen:
        folder = work / f"seed-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        result = evaluate_seed(seed, scale, folder)
        results.append(result)
        if which == "tuning":  # held-out seeds are reported pooled only
            print(result, flush=True)
    print(f"{which} seeds {chosen[0]}-{chosen[-1]} at scale {scale}, linkage identities:")
    print(pooled(results))


def _linked_store(seed: int, scale_: float, work: Path) -> Path:
    """The seed's store, generated, ingested and linked as ``seeds`` does, or reused from
    ``work`` when an earlier run left it there (the same linkage for every re-run)."""
    from clearsight.linkage.pipeline import run as link

    db = work / "store.duckdb"
    made_for = work / "synth" / "seed"
    if db.exists():
        if made_for.exists() and made_for.read_text().strip() != str(seed):
            raise SystemExit(f"{db} is seed {made_for.read_text().strip()}'s store, not {seed}'s")
        return db
    summary = generate(work / "synth", AREAS, scale=scale_, seed=seed)
    made_for.write_text(f"{seed}\n")
    con = connect(db)
    try:
        for submission in summary.submissions:
            ingest(con, submission)
        link(con)
    finally:
        con.close()
    return db


def diagnose_seed(seed: int, scale_: float, work: Path) -> None:
    """Re-run the networks stage on the seed's linked store, then say why each missed
    group was missed and what each spurious network is made of. ``work`` is the seed's
    folder, or the folder ``seeds`` ran in (its ``seed-N`` is used)."""
    if (work / f"seed-{seed}").is_dir():
        work = work / f"seed-{seed}"
    db = _linked_store(seed, scale_, work)
    truth = work / "synth" / "truth"
    con = connect(db)
    try:
        run(con)
        records, groups = _truth(truth)
        true_groups = _true_groups(con, truth, records, groups)
        predicted = _predicted(con, records)
        verdicts = revealable(con, records, groups, true_groups)
        print(f"seed {seed}:", score(true_groups, predicted))
        for line in diagnose(con, records, true_groups, predicted, _kinds(truth), verdicts):
            print(" ", line)
    finally:
        con.close()


def _chosen(which: str, count: int, first: int | None) -> list[int]:
    """COUNT seeds of the tuning or held-out range from FIRST (default: its first)."""
    seed_range = TUNING_SEEDS if which == "tuning" else HELD_OUT_SEEDS
    start = seed_range[0] if first is None else first
    if start not in seed_range:
        raise SystemExit(f"--first {start} is not a {which} seed")
    return list(range(start, min(start + count, seed_range[-1] + 1)))


def incidents(which: str, count: int, scale_: float, work: Path, first: int | None = None) -> None:
    """Incident linking scored against the episode truth, through the export command."""
    chosen = _chosen(which, count, first)
    results = []
    for seed in chosen:
        folder = work / f"seed-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        db = _linked_store(seed, scale_, folder)
        con = connect(db)
        try:
            run(con)
        finally:
            con.close()
        exported = export_incidents(db, folder / "incidents.csv")
        result = {"seed": seed, **score_incidents(folder / "synth" / "truth", exported)}
        results.append(result)
        if which == "tuning":  # held-out seeds are reported pooled only
            print(result, flush=True)
    print(f"{which} seeds {chosen[0]}-{chosen[-1]} at scale {scale_}, incidents:")
    print(pooled_incidents(results))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recovery")
    rec.add_argument("--seed", type=int, default=29)
    rec.add_argument("--scale", type=float, default=1.0)
    rec.add_argument("--linkage", action="store_true")
    rec.add_argument("--work", type=Path)
    rec.add_argument(
        "--no-area-aware", action="store_true", help="detection without area-aware splits"
    )
    rec.add_argument(
        "--legacy-truth",
        action="store_true",
        help="also score against the old truth (offending-side records anywhere)",
    )
    se = sub.add_parser("seeds", help="tuning or held-out seeds, with linkage, pooled")
    se.add_argument("--range", choices=("tuning", "held-out"), required=True, dest="which")
    se.add_argument("--count", type=int, default=3)
    se.add_argument("--first", type=int, help="first seed of the range to run (a fresh set)")
    se.add_argument("--scale", type=float, default=0.5)
    se.add_argument("--work", type=Path)
    dg = sub.add_parser("diagnose", help="why groups were missed, on a tuning seed")
    dg.add_argument("--seed", type=int, required=True)
    dg.add_argument("--scale", type=float, default=1.0)
    dg.add_argument("--work", type=Path)
    inc = sub.add_parser("incidents", help="incident linking against the episode truth")
    inc.add_argument("--range", choices=("tuning", "held-out"), required=True, dest="which")
    inc.add_argument("--count", type=int, default=8)
    inc.add_argument("--first", type=int, help="first seed of the range to run")
    inc.add_argument("--scale", type=float, default=1.0)
    inc.add_argument("--work", type=Path)
    sc = sub.add_parser("scale")
    sc.add_argument("--persons", type=int, default=1_000_000)
    sc.add_argument("--events", type=int, default=3_000_000)
    sc.add_argument("--work", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    # Without --work the stores (1.2 GB at 1M persons) go to a folder removed afterwards.
    with tempfile.TemporaryDirectory(prefix="clearsight-networks-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        if args.command == "recovery":
            if args.seed in HELD_OUT_SEEDS:
                parser.error(
                    f"seed {args.seed} is held out: use 'seeds --range held-out' (pooled "
                    "figures only); never tune on it"
                )
            settings = GraphSettings(area_aware=not args.no_area_aware)
            recovery(args.seed, args.scale, args.linkage, work, settings, args.legacy_truth)
        elif args.command == "seeds":
            seeds(args.which, args.count, args.scale, work, args.first)
        elif args.command == "diagnose":
            if args.seed in HELD_OUT_SEEDS and args.seed not in RETIRED_HELD_OUT_SEEDS:
                parser.error(f"seed {args.seed} is held out: never diagnosed or tuned on")
            diagnose_seed(args.seed, args.scale, work)
        elif args.command == "incidents":
            incidents(args.which, args.count, args.scale, work, args.first)
        else:
            scale(args.persons, args.events, work)


if __name__ == "__main__":
    main()
