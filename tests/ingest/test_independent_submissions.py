"""The independent benchmark generator writes legal submissions that ingest keeps whole.

``benchmarks/independent_persons.py`` (the second linkage measure, written without the
project's own generator) must write submissions in the standard: every one loads,
nothing is quarantined, every person record is current, and the ``SURNAME,
Forenames`` names children's services and health write in one column are split at
ingest with the raw value kept.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from clearsight.ingest import ingest
from clearsight.store import connect

ROOT = Path(__file__).resolve().parents[2]


def test_the_independent_generator_writes_submissions_ingest_keeps_whole(
    tmp_path: Path,
) -> None:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from independent_persons import generate

    folders = generate(7, tmp_path / "data", scale=0.15)
    with (tmp_path / "data" / "truth.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert len(folders) >= 5
    assert len(truth) >= 300
    con = connect(tmp_path / "store.duckdb")
    results = [ingest(con, folder) for folder in folders]
    assert [r.status for r in results] == ["loaded"] * len(folders)
    assert sum(r.rows_quarantined for r in results) == 0
    n_current, with_comma = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE forenames LIKE '%,%' OR surname LIKE '%,%') "
        "FROM current_persons"
    ).fetchall()[0]
    assert n_current == len(truth)
    # Written "SURNAME, Forenames" in one column by some sources; split at ingest.
    splits = con.execute(
        "SELECT count(*) FROM value_warnings WHERE reason_code = 'name_split'"
    ).fetchall()[0][0]
    assert splits > 0
    assert with_comma == 0
    con.close()
