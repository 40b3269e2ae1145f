"""Ingest keeps what it can: a bad optional value blanks the field, never the record."""

from __future__ import annotations

import duckdb
import pytest

from clearsight.ingest import IngestResult, ingest
from tests.ingest.conftest import EVENTS, INVOLVEMENTS, PERSONS, MakeSubmission, Rows


def warnings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str, str, str]]:
    return con.execute(
        "SELECT file, row_number, column_name, reason_code, value FROM value_warnings "
        "ORDER BY file, row_number, column_name, reason_code"
    ).fetchall()


def assert_balanced(result: IngestResult) -> None:
    assert result.files
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_quarantined, f.file


def test_impossible_date_of_birth_keeps_the_person_and_their_involvements(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    persons = [{**PERSONS[0], "date_of_birth": "1950-43-06"}, PERSONS[1]]
    result = ingest(con, make_submission(persons=persons))
    assert result.rows_quarantined == 0
    assert_balanced(result)
    row = con.execute(
        "SELECT date_of_birth, date_of_birth_raw FROM persons WHERE person_id = 'P1'"
    ).fetchall()
    # No month 43: the year is what the record still knows, a partial date of birth.
    assert row == [("1950", "1950-43-06")]
    assert con.execute("SELECT count(*) FROM involvements").fetchall() == [(len(INVOLVEMENTS),)]
    assert ("persons.csv", 2, "date_of_birth", "impossible_month", "1950-43-06") in warnings(con)
    persons_file = next(f for f in result.files if f.file == "persons.csv")
    assert persons_file.warnings_by_code == {"impossible_month": 1}
    assert persons_file.warnings == 1


@pytest.mark.parametrize(
    ("written", "kept", "code"),
    [
        ("1994-11-71", "1994-11", "impossible_day"),
        ("1992-02-30", "1992-02", "impossible_day"),
        ("1961-14-10", "1961", "impossible_month"),
        ("1961-00-10", "1961", "impossible_month"),
    ],
)
def test_an_impossible_day_or_month_of_birth_keeps_what_exists(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    written: str,
    kept: str,
    code: str,
) -> None:
    persons = [{**PERSONS[0], "date_of_birth": written}, PERSONS[1]]
    ingest(con, make_submission(persons=persons))
    row = con.execute(
        "SELECT date_of_birth, date_of_birth_raw FROM persons WHERE person_id = 'P1'"
    ).fetchall()
    assert row == [(kept, written)]
    assert ("persons.csv", 2, "date_of_birth", code, written) in warnings(con)


def test_a_year_out_of_range_is_still_no_date_of_birth(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    # A year of 1258 is the slip itself: nothing of the date is left to keep.
    persons = [{**PERSONS[0], "date_of_birth": "1258-04-27"}, PERSONS[1]]
    ingest(con, make_submission(persons=persons))
    row = con.execute(
        "SELECT date_of_birth, date_of_birth_raw FROM persons WHERE person_id = 'P1'"
    ).fetchall()
    assert row == [(None, "1258-04-27")]
    assert ("persons.csv", 2, "date_of_birth", "invalid_date", "1258-04-27") in warnings(con)


EVENT = {"event_id": "E2", "event_type": "crime", "reported_date": "2024-01-01"}
OPTIONAL_CASES: list[tuple[str, dict[str, Rows], tuple[str, int, str, str, str]]] = [
    (
        "sex",
        {"persons": [{**PERSONS[0], "sex": "fem"}]},
        ("persons.csv", 2, "sex", "invalid_code", "fem"),
    ),
    (
        "nationality",
        {"persons": [{**PERSONS[0], "nationality": "GB;Atlantis"}]},
        ("persons.csv", 2, "nationality", "invalid_country", "Atlantis"),
    ),
    (
        "ethnicity",
        {"persons": [{**PERSONS[0], "ethnicity_self_defined": "ZZ"}]},
        ("persons.csv", 2, "ethnicity_self_defined", "invalid_code", "ZZ"),
    ),
    (
        "occurred date",
        {"events": [*EVENTS, {**EVENT, "occurred_date": "2024-02-30"}]},
        ("events.csv", 3, "occurred_date", "invalid_date", "2024-02-30"),
    ),
    (
        "outcome code",
        {"events": [*EVENTS, {**EVENT, "outcome_code": "23"}]},
        ("events.csv", 3, "outcome_code", "invalid_outcome_code", "23"),
    ),
    (
        "cse flag",
        {"events": [*EVENTS, {**EVENT, "cse_flag": "Y"}]},
        ("events.csv", 3, "cse_flag", "invalid_code", "Y"),
    ),
    (
        "location that is not in the submission",
        {"events": [{**EVENTS[0], "location_id": "L7"}]},
        ("events.csv", 2, "location_id", "dangling_reference", "L7"),
    ),
    (
        "latitude",
        {"locations": [{"location_id": "L1", "latitude": "95"}]},
        ("locations.csv", 2, "latitude", "invalid_coordinate", "95"),
    ),
]


@pytest.mark.parametrize(
    ("label", "tables", "expected"), OPTIONAL_CASES, ids=[c[0] for c in OPTIONAL_CASES]
)
def test_bad_optional_value_warns_and_the_row_loads(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    label: str,
    tables: dict[str, Rows],
    expected: tuple[str, int, str, str, str],
) -> None:
    if "persons" in tables:
        tables = {"persons": [*tables["persons"], PERSONS[1]]}
    result = ingest(con, make_submission(**tables))
    assert result.rows_quarantined == 0, label
    assert_balanced(result)
    assert expected in warnings(con)
    file, row, column = expected[0], expected[1], expected[2]
    table = file.removesuffix(".csv")
    stored = con.execute(f"SELECT {column} FROM {table} WHERE row_number = {row}").fetchall()
    assert len(stored) == 1
    if column == "nationality":
        assert stored == [(["GB"],)]
    elif column == "location_id":  # a reference is kept as written, as related_event_id is
        assert stored == [("L7",)]
        involved = con.execute("SELECT count(*) FROM involvements WHERE event_id = 'E1'")
        assert involved.fetchall() == [(len(INVOLVEMENTS),)]
    else:
        assert stored == [(None,)]


@pytest.mark.parametrize(
    ("raw", "code", "read"),
    [
        ("16/07/2008", "day_first_date", "2008-07-16"),
        ("16-07-2008", "day_first_date", "2008-07-16"),
        ("16.07.2008", "day_first_date", "2008-07-16"),
        ("05/06/2008", "ambiguous_day_first_date", "2008-06-05"),
        ("16/07/08", "two_digit_year", "2008-07-16"),
        ("16-JUL-08", "two_digit_year", "2008-07-16"),
        ("16 July 2008", "month_name_date", "2008-07-16"),
        ("20080716", "compact_date", "2008-07-16"),
        ("07/2008", "month_year_date", "2008-07"),
        ("c. 2008", "estimated_year", "2008"),
    ],
)
def test_uk_date_of_birth_is_read_day_first_and_reported(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission, raw: str, code: str, read: str
) -> None:
    result = ingest(
        con, make_submission(persons=[{**PERSONS[0], "date_of_birth": raw}, PERSONS[1]])
    )
    assert result.rows_quarantined == 0
    row = con.execute(
        "SELECT date_of_birth, date_of_birth_raw FROM persons WHERE person_id = 'P1'"
    ).fetchall()
    assert row == [(read, raw)]
    assert ("persons.csv", 2, "date_of_birth", code, raw) in warnings(con)
    persons_file = next(f for f in result.files if f.file == "persons.csv")
    assert persons_file.warnings_by_code == {code: 1}


def test_uk_date_in_a_required_event_date_loads_the_event(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    events = [{**EVENTS[0], "reported_date": "16/07/2024"}]
    result = ingest(con, make_submission(events=events))
    assert result.rows_quarantined == 0
    from datetime import date

    assert con.execute("SELECT reported_date FROM events").fetchall() == [(date(2024, 7, 16),)]
    assert ("events.csv", 2, "reported_date", "day_first_date", "16/07/2024") in warnings(con)


def test_a_month_and_year_is_no_event_date(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    # An event happened on a day: a month alone is a partial date of birth's form only,
    # so a required event date written so quarantines its row with the reason.
    events = [{**EVENTS[0], "reported_date": "07/2024"}]
    ingest(con, make_submission(events=events))
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]
    reasons = con.execute(
        "SELECT reason_code FROM quarantine WHERE file = 'events.csv' AND row_number = 2"
    ).fetchall()
    assert reasons == [("invalid_date",)]


def test_uk_date_in_an_association_is_read(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    from tests.ingest.conftest import ASSOCIATIONS

    associations = [{**ASSOCIATIONS[0], "end_date": "28/02/2025"}]
    result = ingest(con, make_submission(associations=associations))
    assert result.rows_quarantined == 0
    assert ("associations.csv", 2, "end_date", "day_first_date", "28/02/2025") in warnings(con)
