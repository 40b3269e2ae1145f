"""Submissions refused whole: one clear line, a non-zero exit, nothing loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from clearsight.ingest import SubmissionError, ingest
from tests.ingest.conftest import PERSONS, MakeSubmission


def _rewrite(name: str, data: bytes) -> Callable[[Path], Path]:
    def change(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder

    return change


def _manifest(**fields: object) -> Callable[[Path], Path]:
    def change(folder: Path) -> Path:
        data = json.loads((folder / "manifest.json").read_text())
        data.update(fields)
        (folder / "manifest.json").write_text(json.dumps(data))
        return folder

    return change


def _zip(members: dict[str, bytes], *, compress: bool = True) -> Callable[[Path], Path]:
    def change(folder: Path) -> Path:
        archive = folder.parent / f"{folder.name}.zip"
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with zipfile.ZipFile(archive, "w", method) as z:
            for f in folder.iterdir():
                z.write(f, f.name)
            for name, data in members.items():
                z.writestr(name, data)
        return archive

    return change


HEADER = b"person_id,forenames,surname\n"
REFUSALS: list[tuple[str, Callable[[Path], Path], str, str, int | None]] = [
    (
        "not utf-8",
        _rewrite("persons.csv", HEADER + b"P1,Beth\xe9,Hughes\n"),
        "persons.csv",
        "not_utf8",
        2,
    ),
    (
        "binary junk",
        _rewrite("persons.csv", HEADER + b"P1,\x00\x01\x02,x\n"),
        "persons.csv",
        "binary_content",
        2,
    ),
    (
        "wrong delimiter",
        _rewrite("persons.csv", b"person_id;forenames\nP1;Beth\n"),
        "persons.csv",
        "wrong_delimiter",
        1,
    ),
    (
        "tab delimiter",
        _rewrite("persons.csv", b"person_id\tforenames\nP1\tBeth\n"),
        "persons.csv",
        "wrong_delimiter",
        1,
    ),
    (
        "missing required column",
        _rewrite("events.csv", b"event_id,reported_date\nE1,2024-01-01\n"),
        "events.csv",
        "missing_column",
        1,
    ),
    (
        "duplicate id",
        _rewrite("persons.csv", HEADER + b"P1,A,B\nP2,C,D\nP1,E,F\n"),
        "persons.csv",
        "duplicate_id",
        4,
    ),
    ("empty file", _rewrite("persons.csv", b""), "persons.csv", "empty_file", 1),
    ("blank file", _rewrite("persons.csv", b"\n\n"), "persons.csv", "empty_file", 1),
    (
        "record with too many fields",
        _rewrite("persons.csv", HEADER + b"P1,A,B\nP2,C,D,E\n"),
        "persons.csv",
        "malformed_row",
        3,
    ),
    (
        "50 MB single line",
        _rewrite("persons.csv", HEADER + b"P1," + b"x" * (50 << 20) + b",B\n"),
        "persons.csv",
        "line_too_long",
        2,
    ),
    (
        "duplicate header",
        _rewrite("persons.csv", b"person_id,surname,Surname\nP1,A,B\n"),
        "persons.csv",
        "bad_header",
        1,
    ),
    (
        "missing manifest",
        lambda f: (f / "manifest.json").unlink() or f,
        "manifest.json",
        "missing_file",
        None,
    ),
    (
        "manifest not json",
        _rewrite("manifest.json", b"{source_id: x"),
        "manifest.json",
        "invalid_json",
        1,
    ),
    ("unknown area", _manifest(area="atlantis"), "manifest.json", "invalid_area", None),
    (
        "malformed source_id",
        _manifest(source_id="West Yorkshire!"),
        "manifest.json",
        "invalid_source_id",
        None,
    ),
    (
        "unsupported version",
        _manifest(standard_version="2.0"),
        "manifest.json",
        "unsupported_version",
        None,
    ),
    (
        "bad manifest date",
        _manifest(extract_date="01/10/2025"),
        "manifest.json",
        "invalid_extract_date",
        None,
    ),
    ("period backwards", _manifest(period_start="2026-01-01"), "manifest.json", "bad_period", None),
    (
        "column map to no column",
        _manifest(column_map={"dob": "birthday"}),
        "manifest.json",
        "bad_column_map",
        None,
    ),
    (
        "column map not an object",
        _manifest(column_map=["dob"]),
        "manifest.json",
        "bad_column_map",
        None,
    ),
    (
        "missing required file",
        lambda f: (f / "events.csv").unlink() or f,
        "events.csv",
        "missing_file",
        None,
    ),
    ("zip with ../ path", _zip({"../escape.csv": b"x"}), "", "zip_traversal", None),
    ("zip with absolute path", _zip({"/etc/escape.csv": b"x"}), "", "zip_traversal", None),
    ("zip bomb", _zip({"bomb.csv": b"0" * (64 << 20)}), "", "zip_bomb", None),
]


@pytest.mark.parametrize(
    ("label", "change", "file", "code", "row"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refused_submission_loads_nothing(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    label: str,
    change: Callable[[Path], Path],
    file: str,
    code: str,
    row: int | None,
) -> None:
    path = change(make_submission())
    with pytest.raises(SubmissionError) as caught:
        ingest(con, path)
    error = caught.value
    assert error.code == code, label
    if file:
        assert error.file == file
    if row is not None:
        assert error.row == row
    assert "\n" not in str(error)
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "batches" in tables:
        assert con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM persons").fetchall() == [(0,)]


def test_refusal_keeps_earlier_batches_intact(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    ingest(con, make_submission())
    broken = make_submission(manifest={"extract_date": "2025-12-01"})
    (broken / "persons.csv").write_bytes(b"person_id,surname\nP1,A\nP1,B\n")
    with pytest.raises(SubmissionError):
        ingest(con, broken)
    assert con.execute("SELECT count(*) FROM current_persons").fetchall() == [(len(PERSONS),)]
    assert con.execute("SELECT count(*) FROM batches").fetchall() == [(1,)]


def test_cli_prints_one_line_and_exits_non_zero(
    db_path: Path, make_submission: MakeSubmission
) -> None:
    folder = make_submission()
    (folder / "persons.csv").write_bytes(HEADER + b"P1,A,B\nP1,C,D\n")
    run = subprocess.run(
        [sys.executable, "-m", "clearsight.cli", "ingest", "--db", str(db_path), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert lines == [
        "error: persons.csv, row 3, column person_id: duplicate person_id 'P1' "
        "(first at row 2); ids must be unique in a submission"
    ]
    assert "Traceback" not in run.stderr


def test_a_windows_1252_file_is_refused_with_how_to_save_it(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = _rewrite("persons.csv", HEADER + b"P1,Siobh\xe1n,Hughes\n")(make_submission())
    with pytest.raises(SubmissionError) as caught:
        ingest(con, folder)
    message = str(caught.value)
    assert "0xe1" in message and "'á' in Windows-1252" in message
    assert "CSV UTF-8" in message
