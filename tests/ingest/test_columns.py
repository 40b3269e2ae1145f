"""Headers that look like standard columns are reported; a column map reads them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from clearsight.ingest import SubmissionError, ingest
from clearsight.ingest.columns import probable_column
from clearsight.standard import load_standard
from tests.ingest.conftest import PERSONS, MakeSubmission

DOB_PERSONS = [
    {"person_id": "P1", "forenames": "Bethany", "surname": "Hughes", "dob": "2011-03-04"},
    {"person_id": "P2", "forenames": "Unknown", "surname": "Male", "dob": "16/07/2008"},
]


def header_warnings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    return con.execute(
        "SELECT file, column_name, reason_code, reason FROM value_warnings "
        "WHERE row_number = 1 ORDER BY file, column_name"
    ).fetchall()


def dates_of_birth(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    return con.execute(
        "SELECT person_id, date_of_birth FROM current_persons ORDER BY person_id"
    ).fetchall()


def test_dob_without_a_map_is_a_warning_naming_date_of_birth(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    result = ingest(con, make_submission(persons=DOB_PERSONS))
    persons = next(f for f in result.files if f.file == "persons.csv")
    assert len(persons.column_notes) == 1
    assert "'dob'" in persons.column_notes[0]
    assert "date_of_birth" in persons.column_notes[0]
    assert persons.warnings_by_code == {"lookalike_column": 1}
    stored = header_warnings(con)
    assert len(stored) == 1
    file, column, code, reason = stored[0]
    assert (file, column, code) == ("persons.csv", "dob", "lookalike_column")
    assert "probably means date_of_birth" in reason
    assert dates_of_birth(con) == [("P1", None), ("P2", None)]
    extra = con.execute("SELECT extra->>'dob' FROM persons ORDER BY person_id").fetchall()
    assert extra == [("2011-03-04",), ("16/07/2008",)]


def test_map_reads_dob_as_date_of_birth(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    result = ingest(con, make_submission(persons=DOB_PERSONS), column_map={"dob": "date_of_birth"})
    assert result.rows_quarantined == 0
    assert dates_of_birth(con) == [("P1", "2011-03-04"), ("P2", "2008-07-16")]
    persons = next(f for f in result.files if f.file == "persons.csv")
    assert persons.warnings_by_code == {"day_first_date": 1, "mapped_column": 1}
    assert [(c, code) for _, c, code, _ in header_warnings(con)] == [("dob", "mapped_column")]
    assert result.unused_column_map == ()


def test_a_map_that_matches_no_header_is_reported(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    result = ingest(con, make_submission(), column_map={"d_o_b": "date_of_birth"})
    assert result.status == "loaded"
    assert result.unused_column_map == ("d_o_b=date_of_birth",)


def test_column_map_in_the_manifest_reads_dob(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission(manifest={"column_map": {"DOB": "date_of_birth"}}, persons=DOB_PERSONS)
    ingest(con, folder)
    assert dates_of_birth(con) == [("P1", "2011-03-04"), ("P2", "2008-07-16")]


def test_column_map_as_text_for_a_workbook_manifest(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [
        {("first_name" if k == "forenames" else k): v for k, v in p.items()} for p in DOB_PERSONS
    ]
    folder = make_submission(
        manifest={"column_map": "dob=date_of_birth; first_name=forenames"}, persons=persons
    )
    ingest(con, folder)
    rows = con.execute("SELECT forenames, date_of_birth FROM persons ORDER BY 1").fetchall()
    assert rows == [("bethany", "2011-03-04"), ("unknown", "2008-07-16")]


def test_a_map_makes_the_same_files_a_new_submission(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    folder = make_submission(persons=DOB_PERSONS)
    assert ingest(con, folder).status == "loaded"
    assert ingest(con, folder).status == "unchanged"
    again = ingest(con, folder, column_map={"dob": "date_of_birth"})
    assert again.status == "loaded"
    current = con.execute(
        "SELECT person_id, date_of_birth FROM current_persons ORDER BY person_id"
    ).fetchall()
    assert current == [("P1", "2011-03-04"), ("P2", "2008-07-16")]


def test_a_map_to_no_column_of_the_standard_refuses(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    with pytest.raises(SubmissionError) as caught:
        ingest(con, make_submission(persons=DOB_PERSONS), column_map={"dob": "birthday"})
    assert caught.value.code == "bad_column_map"
    assert "birthday" in str(caught.value)


def test_a_map_onto_a_column_the_file_holds_refuses(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [{**p, "date_of_birth": "2001-01-01"} for p in DOB_PERSONS]
    with pytest.raises(SubmissionError) as caught:
        ingest(con, make_submission(persons=persons), column_map={"dob": "date_of_birth"})
    assert caught.value.code == "bad_column_map"
    assert caught.value.file == "persons.csv"


def test_missing_required_column_names_the_header_that_may_be_it(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [{"person_ref": p["person_id"], "surname": p["surname"]} for p in PERSONS]
    with pytest.raises(SubmissionError) as caught:
        ingest(con, make_submission(persons=persons))
    assert caught.value.code == "missing_column"
    assert "--map person_ref=person_id" in str(caught.value)
    result = ingest(con, make_submission(persons=persons), column_map={"person_ref": "person_id"})
    assert result.rows_quarantined == 0


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("dob", "date_of_birth"),
        ("birth_date", "date_of_birth"),
        ("first_name", "forenames"),
        ("firstname", "forenames"),
        ("First Name", "forenames"),
        ("last_name", "surname"),
        ("family_name", "surname"),
        ("post_code", "postcode"),
        ("nhs", "nhs_number"),
        ("surnme", "surname"),
        ("forname", "forenames"),
        ("date_of_brith", "date_of_birth"),
        ("Full Name", "forenames"),
    ],
)
def test_probable_column(header: str, column: str) -> None:
    assert probable_column(header.lower(), load_standard().tables["persons"]) == column


@pytest.mark.parametrize("header", ["case_worker", "name", "school", "notes_2", "id"])
def test_unrelated_extra_column_is_not_said_to_be_a_standard_one(header: str) -> None:
    assert probable_column(header, load_standard().tables["persons"]) is None


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clearsight.cli", "ingest", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "", "HOME": str(db.parent)},
    )


def test_cli_warns_on_dob_and_loads_it_with_map(
    db_path: Path, make_submission: MakeSubmission
) -> None:
    folder = make_submission(persons=DOB_PERSONS)
    run = _cli(db_path, str(folder))
    assert run.returncode == 0, run.stderr
    text = " ".join(run.stdout.split())
    assert "warning:" in text
    assert "'dob' is not in the standard and probably means date_of_birth" in text
    assert "lookalike_column 1" in text
    mapped = _cli(db_path, "--map", "dob=date_of_birth", "--json", str(folder))
    assert mapped.returncode == 0, mapped.stderr
    summary = json.loads(mapped.stdout)
    persons = next(f for f in summary[0]["files"] if f["file"] == "persons.csv")
    assert persons["warnings_by_code"] == {"day_first_date": 1, "mapped_column": 1}
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert dates_of_birth(con) == [("P1", "2011-03-04"), ("P2", "2008-07-16")]


def test_cli_refuses_a_malformed_map(db_path: Path, make_submission: MakeSubmission) -> None:
    run = _cli(db_path, "--map", "dob", str(make_submission()))
    assert run.returncode == 2
    assert "--map: column map entry 'dob' is not SOURCE=TARGET" in run.stderr


def test_cli_lists_warnings_by_code(db_path: Path, make_submission: MakeSubmission) -> None:
    folder = make_submission(persons=DOB_PERSONS)
    assert _cli(db_path, "--map", "dob=date_of_birth", str(folder)).returncode == 0
    run = subprocess.run(
        [
            *(sys.executable, "-m", "clearsight.cli", "quarantine", "warnings"),
            *("--db", str(db_path), "--code", "day_first_date", "--json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert [(w["file"], w["row"], w["column"], w["value"]) for w in listed] == [
        ("persons.csv", 3, "date_of_birth", "16/07/2008")
    ]
    assert "read day first as 2008-07-16" in listed[0]["reason"]


def test_workbook_manifest_row_maps_columns(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission, tmp_path: Path
) -> None:
    from tests.ingest.test_load import _folder_to_xlsx

    folder = make_submission(manifest={"column_map": "dob=date_of_birth"}, persons=DOB_PERSONS)
    workbook = tmp_path / "mapped.xlsx"
    _folder_to_xlsx(folder, workbook)
    ingest(con, workbook)
    assert dates_of_birth(con) == [("P1", "2011-03-04"), ("P2", "2008-07-16")]


def test_unnamed_columns_are_extra_columns_not_a_refusal(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    """A data-frame index column (empty header cell, first) and a trailing comma on every
    line (empty header cell, last) are extra columns: every row loads, the values are
    kept in extra under the column's position (found by tests/robustness)."""
    folder = make_submission()
    path = folder / "persons.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rewritten = [f",{lines[0]},"] + [f"{n},{line}," for n, line in enumerate(lines[1:])]
    path.write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    result = ingest(con, folder)
    persons = next(f for f in result.files if f.file == "persons.csv")
    assert (persons.rows_read, persons.rows_loaded) == (len(PERSONS), len(PERSONS))
    rows = con.execute(
        "SELECT person_id, surname, extra FROM current_persons ORDER BY person_id"
    ).fetchall()
    assert [r[:2] for r in rows] == [("P1", "hughes"), ("P2", "male")]
    first = json.loads(rows[0][2]) if isinstance(rows[0][2], str) else rows[0][2]
    assert first["unnamed_column_1"] == "0"


def test_a_column_name_written_with_spaces_is_read_as_the_column(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [
        {
            "Person ID": "P1",
            "Forenames": "Amy",
            "Date of Birth": "2011-03-04",
            "Post-Code": "LS1 1AA",
        },
        {"Person ID": "P2", "Forenames": "Beth", "Date of Birth": "", "Post-Code": ""},
    ]
    folder = make_submission(persons=persons)
    result = ingest(con, folder)
    assert result.rows_quarantined == 0
    assert dates_of_birth(con) == [("P1", "2011-03-04"), ("P2", None)]
    stored = header_warnings(con)
    spelt = {column: reason for _, column, code, reason in stored if code == "spelt_column"}
    assert set(spelt) == {"person id", "date of birth", "post-code"}
    assert "read as date_of_birth" in spelt["date of birth"]


def test_a_spelt_column_beside_the_column_itself_stays_extra(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [{**PERSONS[0], "Date of Birth": "1999-01-01"}, PERSONS[1]]
    ingest(con, make_submission(persons=persons))
    codes = {(column, code) for _, column, code, _ in header_warnings(con)}
    assert ("date of birth", "spelt_column") not in codes
    born = con.execute("SELECT date_of_birth FROM current_persons WHERE person_id = 'P1'")
    assert born.fetchall() == [("2011-03-04",)]


def test_a_full_name_column_mapped_to_forenames_is_split_by_the_files_habit(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    names = [
        "John Smith", "Amy Lou Jones", "Ewa Kowalska", "Ali Hassan", "Kyle Brown",
        "Zainab Ali", "Tom Ward", "Olivia Price", "Jade Crossley", "Sam Oneil",
    ]  # fmt: skip
    persons = [{"person_id": f"P{i}", "full_name": n} for i, n in enumerate(names, start=1)]
    unmapped = ingest(con, make_submission(persons=persons))
    notes = next(f for f in unmapped.files if f.file == "persons.csv").column_notes
    assert any("'full_name'" in n and "forenames" in n for n in notes)
    ingest(
        con,
        make_submission(persons=persons, manifest={"source_id": "wyp-police-2"}),
        column_map={"full_name": "forenames"},
    )
    got = con.execute(
        "SELECT forenames, surname FROM current_persons WHERE source_id = 'wyp-police-2'"
        " AND person_id = 'P2'"
    ).fetchall()
    assert got == [("amy lou", "jones")]
