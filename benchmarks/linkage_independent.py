"""Linkage on records from an independent generator, beside plain Splink, in the same run.

    .venv/bin/python benchmarks/linkage_independent.py --seed 1 --seed 2 --seed 3
    .venv/bin/python benchmarks/linkage_independent.py --seed 1 --diagnose 20
    .venv/bin/python benchmarks/linkage_independent.py --seed 1000 --seed 1001 --seed 1002
    .venv/bin/python benchmarks/linkage_independent.py --seed 1 --only clearsight --guards none

The records come from ``independent_persons.py``, a generator written without reading
the project's own (see its docstring), so the linkage code meets recording habits it
was not tuned on. Seeds 1-99 are for tuning and diagnosis; seeds 1000-1999 are
held out: they are run once, after the last change, and this script refuses to print
per-pair diagnosis for them (``--diagnose``), so that no rule is fitted to them.

Clearsight runs as an analyst would run it: ``clearsight ingest`` of every submission
into a fresh store, ``clearsight analyse --stage linkage``, ``clearsight export
entities``, each a child process. The peer is plain Splink 5 with settings close to its
own deduplication example (forename, surname, date of birth and postcode comparisons,
an exact NHS number; blocking on names, date of birth, postcode and NHS number; u by
random sampling, m by EM blocked on names then on date of birth; clusters at match
probability 0.95) over the same person records as one table. It reads the values as
written, lower-cased and trimmed: no name parsing (a ``SURNAME, Forenames`` cell is its
forename), a partial date of birth is no date.

Scores are pairwise over ``source_id:person_id`` against ``truth.csv``. The categories
come from ``planted.csv``: false pairs by the look-alike planted (twins, siblings,
father and son, common names, one name and birth date in two areas; ``other`` if none),
and missed pairs by each departure either record carries (nickname, partial date of
birth, comma name, ...; ``none`` if neither carries one), each beside its total.

``--guards`` other than ``on`` measures what the safeguarding guards cost (as
``linkage_public.py`` does): ``no-twin`` without the twin guard (and the household-member
guard, which the same switch holds), ``none`` without the twin, household, sibling and
birth-date guards; clustering's rules stay. Casework always has every guard.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb

from independent_persons import generate
from pair_scores import held_back, pairwise
from product_path import GUARD_MODES, cli

HERE = Path(__file__).resolve()
TUNING = range(1, 100)
HELD_OUT = range(1000, 2000)
METHODS = ("clearsight", "plain")


def seed_set(seed: int, spent: frozenset[int] = frozenset()) -> str:
    """``spent``: held-out seeds a later session made tuning seeds (read, so no longer
    held out); each generator's harness names its own."""
    if seed in TUNING or seed in spent:
        return "tuning"
    if seed in HELD_OUT:
        return "held-out"
    raise SystemExit(f"seed {seed}: tuning seeds are 1-99, held-out seeds 1000-1999")


# ---------------------------------------------------------------- truth and scores


def read_truth(data: Path) -> dict[str, str]:
    with (data / "truth.csv").open(encoding="utf-8") as f:
        return {f"{r['source_id']}:{r['person_id']}": r["true_person"] for r in csv.DictReader(f)}


def read_planted(data: Path) -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    """Departures per record key, and the look-alike kind per pair of true persons."""
    kinds: dict[str, set[str]] = {}
    negatives: dict[tuple[str, str], str] = {}
    with (data / "planted.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["right"]:
                a, b = sorted((r["left"], r["right"]))
                negatives.setdefault((a, b), r["kind"])
            else:
                kinds.setdefault(r["left"], set()).add(r["kind"])
    return kinds, negatives


def _pairs(clusters: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    return {(a, b) for group in members.values() for a, b in combinations(sorted(group), 2)}


def categories(
    predicted: dict[str, str], truth: dict[str, str], data: Path
) -> tuple[
    dict[str, list[int]], dict[str, list[int]], list[tuple[str, str]], list[tuple[str, str]]
]:
    """False pairs by look-alike kind and missed pairs by departure: [wrong, of total]."""
    kinds, negatives = read_planted(data)
    guessed = _pairs({r: predicted.get(r, f"single:{r}") for r in truth})
    true = _pairs(truth)
    false_pairs = sorted(guessed - true)
    missed = sorted(true - guessed)
    # Totals are record pairs: a planted look-alike pair of people with 2 and 3 records
    # offers 6 pairs that must not link. "other" has no total (any two strangers).
    per_person = Counter(truth.values())
    false_by: dict[str, list[int]] = {k: [0, 0] for k in sorted(set(negatives.values()))}
    false_by["other"] = [0, 0]
    for (pa, pb), kind in negatives.items():
        false_by[kind][1] += per_person[pa] * per_person[pb]
    for a, b in false_pairs:
        pa, pb = sorted((truth[a], truth[b]))
        false_by[negatives.get((pa, pb), "other")][0] += 1
    missed_by: dict[str, list[int]] = {}
    for pairs, slot in ((true, 1), (missed, 0)):
        for a, b in pairs:
            for kind in (kinds.get(a, set()) | kinds.get(b, set())) or {"none"}:
                missed_by.setdefault(kind, [0, 0])[slot] += 1
    return false_by, dict(sorted(missed_by.items())), false_pairs, missed


def by_sources(pairs: list[tuple[str, str]]) -> dict[str, int]:
    """Pairs counted by the kinds of agency that made their two records (``wy-vcs``: vcs)."""
    kinds = ("/".join(sorted(k.split(":", 1)[0].split("-", 1)[-1] for k in pair)) for pair in pairs)
    return dict(Counter(kinds).most_common())


# ---------------------------------------------------------------- Clearsight


def clearsight(
    folders: list[Path], work: Path, guards: str = "on"
) -> tuple[dict[str, str], dict[str, Any]]:
    store = work / "store.duckdb"
    ingested = json.loads(cli(store, "ingest", *map(str, folders), "--json"))
    quarantined = sum(int(r.get("rows_quarantined", 0)) for r in ingested)
    if guards == "on":
        analysed = json.loads(cli(store, "analyse", "--stage", "linkage", "--json"))[0]
    else:
        # The guards are not a command-line choice (casework always has them): the
        # same linkage run through the Python API, to measure what they cost.
        from clearsight.linkage import run
        from clearsight.linkage.guards import ALL_GUARDS, NO_GUARDS, Guards
        from clearsight.store import connect

        chosen = {"on": ALL_GUARDS, "no-twin": Guards(twins=False), "none": NO_GUARDS}[guards]
        con = connect(store)
        analysed = run(con, guards=chosen).as_dict()
        con.close()
    out = work / "entities.csv"
    cli(store, "export", "entities", "--out", str(out))
    with out.open(encoding="utf-8") as f:
        predicted = {
            f"{r['source_id']}:{r['person_id']}": r["entity_id"] for r in csv.DictReader(f)
        }
    info = {"rows_quarantined": quarantined}
    info.update({k: v for k, v in analysed.items() if k in ("n_pairs", "n_links")})
    return predicted, info


# ---------------------------------------------------------------- plain Splink


def person_table(folders: list[Path]) -> list[dict[str, Any]]:
    rows = []
    for folder in folders:
        source = json.loads((folder / "manifest.json").read_text("utf-8"))["source_id"]
        with (folder / "persons.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                low = {k: (v.strip().lower() or None) for k, v in r.items()}
                rows.append(
                    {
                        "unique_id": f"{source}:{r['person_id']}",
                        "first_name": low["forenames"],
                        "surname": low["surname"],
                        "dob": low["date_of_birth"],
                        "postcode": low["postcode"],
                        "nhs_number": low["nhs_number"],
                    }
                )
    return rows


def plain_splink(folders: list[Path]) -> dict[str, str]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.DataFrame(person_table(folders))
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode"),
            block_on("nhs_number"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "dob", input_is_string=True, datetime_format="%Y-%m-%d", invalid_dates_as_null=True
            ),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
        ],
    )
    con = duckdb.connect()
    linker = Linker(DuckDBAPI(connection=con).register(frame), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("nhs_number")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    rows = con.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()
    return {str(r): str(c) for r, c in rows}


# ---------------------------------------------------------------- diagnosis (tuning only)


def fates(store: Path, missed: list[tuple[str, str]]) -> dict[str, int]:
    """What became of each missed pair in the run: the counts only."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        threshold = con.execute(
            "SELECT threshold FROM link_runs WHERE status = 'finished' ORDER BY started_at DESC "
            "LIMIT 1"
        ).fetchone()
        scored = {
            (min(a, b), max(a, b)): (ev, why, linked)
            for a, b, ev, why, linked in con.execute(
                "SELECT record_key_l, record_key_r, evidence, refused_because, linked "
                "FROM link_pairs"
            ).fetchall()
        }
    finally:
        con.close()
    limit = float(threshold[0]) if threshold else 0.0
    out: Counter[str] = Counter()
    for pair in missed:
        hit = scored.get(pair)
        if hit is None:
            out["not proposed, or below the review band"] += 1
        elif hit[1]:
            out[f"held back: {hit[1]}"] += 1
        elif hit[0] < limit:
            out["scored below the threshold"] += 1
        else:
            out["linked, not followed by clustering"] += 1
    return dict(out.most_common())


def _records(folders: list[Path]) -> dict[str, dict[str, str]]:
    out = {}
    for folder in folders:
        with (folder / "persons.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                out[f"{folder.name}:{r['person_id']}"] = r
    return out


def diagnose(
    folders: list[Path], store: Path, pairs: dict[str, list[tuple[str, str]]], n: int
) -> None:
    """Print up to ``n`` missed and ``n`` false pairs with both records and their score."""
    import random

    records = _records(folders)
    con = duckdb.connect(str(store), read_only=True)
    columns = ("forenames", "surname", "aliases", "date_of_birth", "postcode", "address")
    for label, chosen in pairs.items():
        sample = random.Random(0).sample(chosen, min(n, len(chosen)))
        print(f"\n## {label}: {len(chosen)} (showing {len(sample)})", file=sys.stderr)
        for a, b in sample:
            hit = con.execute(
                "SELECT round(evidence, 1), refused_because FROM link_pairs "
                "WHERE record_key_l = ? AND record_key_r = ? OR record_key_l = ? AND "
                "record_key_r = ?",
                [a, b, b, a],
            ).fetchone()
            print(f"- {a} | {b}: {hit if hit else 'not scored'}", file=sys.stderr)
            for key in (a, b):
                r = records[key]
                print("    " + " | ".join(r.get(c, "") for c in columns), file=sys.stderr)
    con.close()


# ---------------------------------------------------------------- driver


def run_seed(
    seed: int,
    root: Path,
    scale: float,
    only: str | None,
    show: int,
    guards: str = "on",
    make: Callable[[int, Path, float], list[Path]] = generate,
    more: Callable[[Path], dict[str, Any]] | None = None,
    spent: frozenset[int] = frozenset(),
) -> list[dict[str, Any]]:
    """One seed's records from ``make`` (this harness's generator unless another's), each
    method run and scored; ``more`` adds what another harness reads from Clearsight's store."""
    data = root / f"seed-{seed}"
    folders = make(seed, data, scale)
    truth = read_truth(data)
    results = []
    for method in [only] if only else METHODS:
        started = time.perf_counter()
        work = data / f"run-{method}"
        work.mkdir(parents=True, exist_ok=True)
        if method == "clearsight":
            predicted, info = clearsight(folders, work, guards)
            info["guards"] = guards
        else:
            predicted, info = plain_splink(folders), {}
        seconds = round(time.perf_counter() - started, 1)
        false_by, missed_by, false_pairs, missed = categories(predicted, truth, data)
        result: dict[str, Any] = {
            "seed": seed,
            "set": seed_set(seed, spent),
            "method": method,
            "records": len(truth),
            "sources": len(folders),
            "seconds": seconds,
            **pairwise(predicted, truth),
            **info,
            "false_pairs_by_lookalike": false_by,
            "missed_pairs_by_departure": missed_by,
            "missed_pairs_by_sources": by_sources(missed),
        }
        if method == "clearsight":
            store = work / "store.duckdb"
            result["missed_pairs_fate"] = fates(store, missed)
            result["held_back"] = held_back(store, truth.get)
            if more is not None:
                result |= more(store)
            if show and seed_set(seed, spent) == "tuning":
                diagnose(folders, store, {"missed": missed, "false": false_pairs}, show)
        results.append(result)
        print(json.dumps(result), flush=True)
    return results


def summary(results: list[dict[str, Any]]) -> str:
    lines = [
        "| set | seed | records | method | precision | recall | F1 | false pairs | missed pairs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        fp = r["predicted_pairs"] - round(r["precision"] * r["predicted_pairs"])
        fn = r["true_pairs"] - round(r["recall"] * r["true_pairs"])
        lines.append(
            f"| {r['set']} | {r['seed']} | {r['records']} | {r['method']} | {r['precision']:.4f} "
            f"| {r['recall']:.4f} | {r['f1']:.4f} | {fp} | {fn} |"
        )
    return "\n".join(lines)


RunSeed = Callable[[int, Path, float, str | None, int, str], list[dict[str, Any]]]


def main(
    run: RunSeed | None = None,
    doc: str | None = None,
    prefix: str = "indep",
    spent: frozenset[int] = frozenset(),
) -> None:
    """The command line of this harness; another generator's script passes its own
    ``run`` (a ``run_seed``), docstring, temporary-directory prefix and spent seeds."""
    run = run or run_seed
    parser = argparse.ArgumentParser(
        description=doc or __doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seed", type=int, action="append", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", choices=METHODS)
    parser.add_argument("--workdir", type=Path, help="keep submissions and stores here")
    parser.add_argument(
        "--guards",
        choices=GUARD_MODES,
        default="on",
        help="Clearsight's guards: all (on), all but the twin guard, none (a measurement)",
    )
    parser.add_argument(
        "--diagnose",
        type=int,
        default=0,
        metavar="N",
        help="print N missed and N false pairs (tuning seeds only)",
    )
    args = parser.parse_args()
    sets = {seed_set(s, spent) for s in args.seed}
    if args.diagnose and "held-out" in sets:
        raise SystemExit("--diagnose is refused for held-out seeds (1000-1999)")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix=f"clearsight-{prefix}-", dir="/dev/shm") as tmp:
        root = args.workdir or Path(tmp)
        results = [
            r
            for seed in args.seed
            for r in run(seed, root, args.scale, args.only, args.diagnose, args.guards)
        ]
    print(summary(results))


if __name__ == "__main__":
    main()
