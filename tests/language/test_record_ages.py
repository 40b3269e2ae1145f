"""Who the words are about, from the record: involved people's dates of birth at the
event date decide whether a child concept applies and give the ages in the finding."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from clearsight.language import check
from clearsight.language.referents import RecordPerson
from clearsight.language.store import check_narratives, list_findings

# (event, narrative, occurred date, [(person, role, date of birth)])
RECORDS = [
    (
        "E1",
        "She says her boyfriend collects her from school.",
        "2024-06-01",
        [("P1", "victim", "2010-01-15"), ("P2", "suspect", "1991-03-02")],
    ),
    (
        "E2",
        "She attended with her boyfriend.",
        "2024-06-01",
        [("P3", "witness", "1989-05-05"), ("P4", "reporting_person", "1960-01-01")],
    ),
    ("E3", "She chose to go with them.", "2024-06-01", [("P3", "witness", "1989-05-05")]),
    ("E4", "She chose to go with them.", "2024-06-01", [("P5", "victim", "2009")]),
    ("E5", "She chose to go with them.", "2024-06-01", []),
]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE events (source_id VARCHAR, batch_id INTEGER, event_id VARCHAR, "
        "reported_date DATE, occurred_date DATE, narrative VARCHAR, is_current BOOLEAN)"
    )
    connection.execute(
        "CREATE TABLE involvements (source_id VARCHAR, batch_id INTEGER, event_id VARCHAR, "
        "person_id VARCHAR, role VARCHAR, is_current BOOLEAN)"
    )
    connection.execute(
        "CREATE TABLE persons (source_id VARCHAR, batch_id INTEGER, person_id VARCHAR, "
        "date_of_birth VARCHAR, is_current BOOLEAN)"
    )
    people: dict[str, str] = {}
    for event, text, day, involved in RECORDS:
        connection.execute(
            "INSERT INTO events VALUES ('f', 1, ?, ?, ?, ?, true)", [event, day, day, text]
        )
        for person, role, dob in involved:
            connection.execute(
                "INSERT INTO involvements VALUES ('f', 1, ?, ?, ?, true)", [event, person, role]
            )
            people[person] = dob
    for person, dob in people.items():
        connection.execute("INSERT INTO persons VALUES ('f', 1, ?, ?, true)", [person, dob])
    yield connection
    connection.close()


def test_record_ages_decide_and_explain(con: duckdb.DuckDBPyConnection) -> None:
    check_narratives(con)
    found = {(f.event_id, f.rule_id): f for f in list_findings(con)}
    assert sorted(found) == [("E1", "boyfriend-adult"), ("E4", "chose-to"), ("E5", "chose-to")]
    # E1: the victim was 14 and the suspect 33 on the event date
    assert "victim aged 14" in found["E1", "boyfriend-adult"].reason
    assert "suspect aged 33" in found["E1", "boyfriend-adult"].reason
    # E4: a year of birth alone is read as its last day, so the victim may be 14
    assert "victim aged 14" in found["E4", "chose-to"].reason


def test_adults_only_record_is_no_finding() -> None:
    adults = (RecordPerson("witness", 35), RecordPerson("reporting_person", 64))
    assert check("She chose to go with them.", people=adults) == []
    assert check("She attended with her boyfriend.", people=adults) == []


def test_child_in_the_sentence_wins_over_an_adult_record() -> None:
    adults = (RecordPerson("witness", 35),)
    [f] = check("The 14-year-old chose to go with them.", people=adults)
    assert f.rule_id == "chose-to"


def test_boyfriend_needs_a_child_and_an_adult() -> None:
    child_and_suspect = (RecordPerson("victim", 14), RecordPerson("suspect", 33))
    [f] = check("Her boyfriend collects her.", people=child_and_suspect)
    assert f.rule_id == "boyfriend-adult" and f.blocking
    assert "victim aged 14" in f.context and "suspect aged 33" in f.context
    peers = (RecordPerson("victim", 14), RecordPerson("witness", 15))
    assert check("Her boyfriend collects her.", people=peers) == []
