"""A load killed half-way leaves the store as it was, and a re-run succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from tests.ingest.conftest import MakeSubmission

ROWS = 600_000


def _large_submission(folder: Path) -> None:
    ids = [f"P{i}" for i in range(ROWS)]
    persons = pa.table(
        {
            "person_id": ids,
            "forenames": ["Jordan"] * ROWS,
            "surname": [f"Surname{i % 5000}" for i in range(ROWS)],
            "date_of_birth": [f"{1990 + i % 30}-0{1 + i % 9}-1{i % 10}" for i in range(ROWS)],
            "postcode": [f"ls{1 + i % 20} {i % 10}ab" for i in range(ROWS)],
            "phones": [f"07700 9{i % 100000:05d}" for i in range(ROWS)],
        }
    )
    pacsv.write_csv(persons, folder / "persons.csv")
    involvements = pa.table(
        {"event_id": ["E1"] * ROWS, "person_id": ids, "role": ["witness"] * ROWS}
    )
    pacsv.write_csv(involvements, folder / "involvements.csv")


@pytest.mark.slow
def test_kill_during_ingest_leaves_store_unchanged(
    db_path: Path, make_submission: MakeSubmission
) -> None:
    first = make_submission(manifest={"source_id": "other-source"})
    subprocess.run(
        [sys.executable, "-m", "clearsight.cli", "ingest", "-q", "--db", str(db_path), str(first)],
        check=True,
    )
    folder = make_submission(persons=None, involvements=None, associations=None)
    _large_submission(folder)
    command = [
        sys.executable,
        "-m",
        "clearsight.cli",
        "ingest",
        "-q",
        "--verbose",
        "--db",
        str(db_path),
        str(folder),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "begin transaction" in line:
            break
    # Inside the transaction the load runs for seconds; kill it part-way.
    time.sleep(1.0)
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    con = duckdb.connect(str(db_path))
    assert con.execute("SELECT source_id FROM batches").fetchall() == [("other-source",)]
    assert con.execute("SELECT count(*) FROM persons").fetchall() == [(2,)]
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    con.close()

    subprocess.run(
        [sys.executable, "-m", "clearsight.cli", "ingest", "-q", "--db", str(db_path), str(folder)],
        check=True,
    )
    con = duckdb.connect(str(db_path))
    assert con.execute("SELECT count(*) FROM current_persons").fetchall() == [(ROWS + 2,)]
    con.close()
