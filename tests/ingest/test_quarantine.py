"""Every quarantine reason: the row is not loaded, and says file, row, column and why."""

from __future__ import annotations

import duckdb
import pytest

from clearsight.ingest import ingest
from tests.ingest.conftest import EVENTS, INVOLVEMENTS, PERSONS, MakeSubmission, Rows

BAD_PERSON = {**PERSONS[1], "person_id": "P3"}


def quarantined(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str, str]]:
    return con.execute(
        "SELECT file, row_number, column_name, reason_code FROM quarantine "
        "ORDER BY file, row_number, column_name"
    ).fetchall()


CASES: list[tuple[str, dict[str, Rows], tuple[str, int, str, str]]] = [
    (
        "missing required value",
        {"events": [*EVENTS, {"event_id": "E2", "event_type": "crime", "reported_date": ""}]},
        ("events.csv", 3, "reported_date", "missing_required"),
    ),
    (
        "unknown code",
        {"involvements": [*INVOLVEMENTS, {"event_id": "E1", "person_id": "P1", "role": "boss"}]},
        ("involvements.csv", 4, "role", "invalid_code"),
    ),
    (
        "invalid date",
        {
            "events": [
                *EVENTS,
                {"event_id": "E2", "event_type": "crime", "reported_date": "31/13/2024"},
            ]
        },
        ("events.csv", 3, "reported_date", "invalid_date"),
    ),
    (
        "over-long required id",
        {"persons": [*PERSONS, {**BAD_PERSON, "person_id": "P" * 201}]},
        ("persons.csv", 4, "person_id", "value_too_long"),
    ),
    (
        "involvement names an absent person",
        {"involvements": [*INVOLVEMENTS, {"event_id": "E1", "person_id": "P9", "role": "witness"}]},
        ("involvements.csv", 4, "person_id", "dangling_reference"),
    ),
    (
        "involvement names an absent event",
        {"involvements": [*INVOLVEMENTS, {"event_id": "E9", "person_id": "P1", "role": "witness"}]},
        ("involvements.csv", 4, "event_id", "dangling_reference"),
    ),
    (
        "association names an absent object",
        {
            "associations": [
                {
                    "from_type": "person",
                    "from_id": "P1",
                    "to_type": "object",
                    "to_id": "O9",
                    "association_type": "uses",
                }
            ]
        },
        ("associations.csv", 2, "to_id", "dangling_reference"),
    ),
    (
        "repeated link row",
        {"involvements": [*INVOLVEMENTS, INVOLVEMENTS[0]]},
        ("involvements.csv", 4, "event_id, person_id, role", "duplicate_row"),
    ),
]


@pytest.mark.parametrize(("label", "tables", "expected"), CASES, ids=[c[0] for c in CASES])
def test_quarantine_reason(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    label: str,
    tables: dict[str, Rows],
    expected: tuple[str, int, str, str],
) -> None:
    result = ingest(con, make_submission(**tables))
    assert expected in quarantined(con), label
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    stored = int(
        con.execute("SELECT count(*) FROM " + expected[0].removesuffix(".csv")).fetchall()[0][0]
    )
    per_file = next(f for f in result.files if f.file == expected[0])
    assert stored == per_file.rows_loaded == per_file.rows_read - per_file.rows_quarantined


def test_quarantine_cascades_to_rows_that_depend_on_a_quarantined_row(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    events = [{**EVENTS[0], "event_type": "meeting"}]
    ingest(con, make_submission(events=events))
    codes = {(f, c) for f, _, _, c in quarantined(con)}
    assert ("events.csv", "invalid_code") in codes
    assert ("involvements.csv", "dangling_reference") in codes
    assert con.execute("SELECT count(*) FROM involvements").fetchall() == [(0,)]


def test_quarantined_record_keeps_every_submitted_cell(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    import json

    long_id = "P" * 201
    person = {**BAD_PERSON, "person_id": long_id, "sex": "f", "surname": "Ng"}
    ingest(con, make_submission(persons=[*PERSONS, person]))
    record = json.loads(con.execute("SELECT record FROM quarantine").fetchall()[0][0])
    assert record["person_id"] == long_id
    assert record["sex"] == "f"
    assert record["surname"] == "Ng"


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("postcode", "not a postcode", "invalid_postcode"),
        ("phones", "07700 900123;12", "invalid_phone"),
        ("nhs_number", "9434765918", "invalid_nhs_number"),
        ("emails", "someone-at-example", "invalid_email"),
    ],
)
def test_unusable_identifier_is_kept_raw_with_a_warning(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    column: str,
    value: str,
    code: str,
) -> None:
    result = ingest(con, make_submission(persons=[{**PERSONS[0], column: value}, PERSONS[1]]))
    assert result.rows_quarantined == 0
    raw = con.execute(f"SELECT {column}_raw FROM persons WHERE person_id = 'P1'").fetchall()
    assert raw == [(value,)]
    warnings = con.execute(
        "SELECT row_number, column_name, reason_code FROM value_warnings"
    ).fetchall()
    assert warnings == [(2, column, code)]
