"""Linkage on records from a third, independent generator, beside plain Splink, in one run.

    .venv/bin/python benchmarks/linkage_third.py --seed 1 --seed 2 --seed 3 \\
        --workdir /dev/shm/s22-third
    .venv/bin/python benchmarks/linkage_third.py --seed 1 --diagnose 12
    .venv/bin/python benchmarks/linkage_third.py --seed 1000 --seed 1001 --seed 1002

The records come from ``third_persons.py`` (see its docstring), written in session 22
by someone who had read neither the linkage code nor the other two generators. The
harness is ``linkage_independent.py``'s, imported: Clearsight through the product path
(``clearsight ingest``, ``analyse --stage linkage``, ``export entities``, each a child
process) beside plain Splink with its example settings over the same person records;
pairwise precision, recall and F1 over ``source_id:person_id``; false pairs by the
look-alike planted, missed pairs by each departure either record carries, and the fate
of every missed pair in Clearsight's store.

Added here: per source, the ingest warnings by reason code and the rows quarantined (a
legal value quarantined is a finding), and the missed pairs by the pair of sources.

Seeds 1-99 are for tuning and diagnosis; 1000-1999 are held out, and ``--diagnose``
is refused for them, as in ``linkage_independent.py``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import duckdb

from linkage_independent import (
    METHODS,
    by_sources,
    categories,
    clearsight,
    diagnose,
    fates,
    plain_splink,
    read_truth,
    seed_set,
)
from linkage_independent import main as independent_main
from pair_scores import held_back, pairwise
from third_persons import generate


def ingest_findings(store: Path) -> dict[str, dict[str, int]]:
    """Per source: warnings by reason code, and ``quarantined`` rows, from the store."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        out: dict[str, dict[str, int]] = {}
        for table, fixed in (("value_warnings", None), ("quarantine", "quarantined")):
            rows = con.execute(
                f"SELECT source_id, reason_code, count(*) FROM {table} GROUP BY ALL ORDER BY ALL"
            ).fetchall()
            for source, code, n in rows:
                key = f"quarantined:{code}" if fixed else str(code)
                out.setdefault(str(source), {})[key] = int(n)
        return out
    finally:
        con.close()


def run_seed(
    seed: int, root: Path, scale: float, only: str | None, show: int, guards: str = "on"
) -> list[dict[str, Any]]:
    data = root / f"seed-{seed}"
    folders = generate(seed, data, scale)
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
            "set": seed_set(seed),
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
            result["ingest_by_source"] = ingest_findings(store)
            if show and seed_set(seed) == "tuning":
                diagnose(folders, store, {"missed": missed, "false": false_pairs}, show)
        results.append(result)
        print(json.dumps(result), flush=True)
    return results


def main() -> None:
    independent_main(run_seed, __doc__, "third")


if __name__ == "__main__":
    main()
