"""Loading valid submissions: cleaned values, lineage, counts, history, idempotency."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl

from clearsight.ingest import SubmissionError, ingest
from tests.ingest.conftest import PERSONS, MakeSubmission


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def test_valid_submission_loads_every_row_with_clean_and_raw_values(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    result = ingest(con, make_submission())
    assert result.status == "loaded"
    assert result.rows_quarantined == 0
    assert result.rows_read == result.rows_loaded == 8
    row = con.execute(
        "SELECT forenames, forenames_raw, postcode, postcode_raw, phones, nhs_number, "
        "ethnicity_self_defined, date_of_birth, file, row_number, is_current "
        "FROM persons WHERE person_id = 'P1'"
    ).fetchall()[0]
    assert row == (
        "bethany",
        "Bethany",
        "LS1 4AB",
        "ls1 4ab",
        ["+447700900123"],
        "9434765919",
        "W1",
        "2011-03-04",
        "persons.csv",
        2,
        True,
    )
    assert con.execute("SELECT value FROM objects").fetchall() == [("AB12CDE",)]


def test_batch_records_lineage_and_file_hashes(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission()
    result = ingest(con, folder)
    files = con.execute(
        "SELECT file, sha256, rows_read, rows_loaded, rows_quarantined FROM batch_files "
        "WHERE batch_id = ? ORDER BY file",
        [result.batch_id],
    ).fetchall()
    import hashlib

    expected = hashlib.sha256((folder / "persons.csv").read_bytes()).hexdigest()
    assert ("persons.csv", expected, 2, 2, 0) in files
    assert len(files) == 6
    batch = con.execute("SELECT source_id, area, standard_version, status FROM batches").fetchall()
    assert batch == [("wyp-police", "west-yorkshire", "1.0", "current")]


def test_same_submission_twice_changes_nothing(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission()
    first = ingest(con, folder)
    before = con.execute("SELECT count(*) FROM persons").fetchall()
    second = ingest(con, folder)
    assert second.status == "unchanged"
    assert second.batch_id == first.batch_id
    assert con.execute("SELECT count(*) FROM persons").fetchall() == before
    assert count(con, "SELECT count(*) FROM batches") == 1


def test_newer_extract_replaces_current_rows_and_keeps_history(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    first = ingest(con, make_submission())
    newer = make_submission(
        manifest={"extract_date": "2025-11-01"},
        persons=[PERSONS[0]],
        involvements=[{"event_id": "E1", "person_id": "P1", "role": "victim"}],
        associations=None,
    )
    second = ingest(con, newer)
    assert second.superseded_batch_id == first.batch_id
    current = con.execute("SELECT person_id FROM current_persons").fetchall()
    assert current == [("P1",)]
    history = con.execute(
        "SELECT person_id, superseded_by FROM persons WHERE NOT is_current ORDER BY person_id"
    ).fetchall()
    assert history == [("P1", second.batch_id), ("P2", second.batch_id)]
    statuses = con.execute("SELECT batch_id, status FROM batches ORDER BY batch_id").fetchall()
    assert statuses == [(first.batch_id, "superseded"), (second.batch_id, "current")]


def test_older_extract_of_a_source_is_refused(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    ingest(con, make_submission())
    older = make_submission(manifest={"extract_date": "2025-01-01"}, persons=[PERSONS[0]])
    try:
        ingest(con, older)
    except SubmissionError as exc:
        assert exc.code == "older_extract"
    else:
        raise AssertionError("older extract was loaded")
    assert count(con, "SELECT count(*) FROM batches") == 1


def test_zip_and_xlsx_load_like_the_folder(tmp_path: Path, make_submission: MakeSubmission) -> None:
    folder = make_submission()
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in folder.iterdir():
            z.write(f, f"extract/{f.name}")
    workbook = tmp_path / "sub.xlsx"
    _folder_to_xlsx(folder, workbook)
    loaded = {}
    for label, path in (("folder", folder), ("zip", archive), ("xlsx", workbook)):
        store = duckdb.connect(str(tmp_path / f"{label}.duckdb"))
        ingest(store, path)
        loaded[label] = store.execute(
            "SELECT person_id, forenames, date_of_birth, postcode, phones, nhs_number "
            "FROM persons ORDER BY person_id"
        ).fetchall()
        store.close()
    assert loaded["folder"] == loaded["zip"] == loaded["xlsx"]
    assert len(loaded["folder"]) == 2


def _folder_to_xlsx(folder: Path, target: Path) -> None:
    import csv
    import json

    book = openpyxl.Workbook()
    manifest = book.active
    assert manifest is not None
    manifest.title = "manifest"
    for key, value in json.loads((folder / "manifest.json").read_text()).items():
        manifest.append([key, value])
    for csv_file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem)
        with csv_file.open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
    book.save(target)


def test_bom_and_header_case_are_tolerated(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission()
    persons = folder / "persons.csv"
    text = persons.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    persons.write_bytes(b"\xef\xbb\xbf" + (header.upper() + "\n" + rest).encode())
    result = ingest(con, folder)
    assert result.rows_loaded == 8


def test_extra_columns_are_kept(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    ingest(con, make_submission(locations=[{"location_id": "L1", "Local Ref": "abc"}]))
    assert con.execute("SELECT extra FROM locations").fetchall() == [('{"local ref":"abc"}',)]


def test_copy_of_folder_is_idempotent_by_content(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission()
    ingest(con, folder)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert ingest(con, copy).status == "unchanged"


def test_blank_records_are_not_records(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    """``,,,,`` lines (a spreadsheet's blank rows saved as CSV) hold no value: skipped as an
    empty line is, neither read nor quarantined; the rows after keep their row numbers
    (found by tests/robustness)."""
    folder = make_submission()
    path = folder / "persons.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    blank = "," * lines[0].count(",")
    path.write_text("\n".join([lines[0], blank, *lines[1:], blank, blank]) + "\n", "utf-8")
    result = ingest(con, folder)
    persons = next(f for f in result.files if f.file == "persons.csv")
    assert (persons.rows_read, persons.rows_loaded, persons.rows_quarantined) == (
        len(PERSONS),
        len(PERSONS),
        0,
    )
    rows = con.execute("SELECT person_id, row_number FROM current_persons ORDER BY 1").fetchall()
    assert rows == [("P1", 3), ("P2", 4)]
    # A record with any value is a record: quarantined with its reason, not skipped.
    path.write_text("\n".join([lines[0], "," + blank[1:] + "x", *lines[1:]]) + "\n", "utf-8")
    result = ingest(con, folder)
    persons = next(f for f in result.files if f.file == "persons.csv")
    assert (persons.rows_read, persons.rows_quarantined) == (len(PERSONS) + 1, 1)
