"""Surname-first names split at ingest; length limits and plausible dates from the standard."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from clearsight.ingest import ingest
from clearsight.ingest.names import shows_order, split_surname_first, surname_first
from tests.ingest.conftest import EVENTS, PERSONS, MakeSubmission, Rows

OTHER = PERSONS[1]


def person(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return con.execute(
        "SELECT forenames, surname, forenames_raw, surname_raw FROM persons WHERE person_id = 'P1'"
    ).fetchall()[0]


def codes(con: duckdb.DuckDBPyConnection, column: str) -> list[tuple[int, str]]:
    return con.execute(
        "SELECT row_number, reason_code FROM value_warnings WHERE column_name = ? "
        "ORDER BY row_number, reason_code",
        [column],
    ).fetchall()


def load_person(con: duckdb.DuckDBPyConnection, make: MakeSubmission, **cells: str) -> None:
    row = {"person_id": "P1", **cells}
    result = ingest(con, make(persons=[row, OTHER]))
    assert result.rows_quarantined == 0


def test_surname_first_in_forenames_is_split(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, forenames="SMITH, John Paul", surname="")
    assert person(con) == ("john paul", "smith", "SMITH, John Paul", None)
    assert codes(con, "forenames") == [(2, "name_split")]
    reason = con.execute("SELECT reason FROM value_warnings").fetchall()[0][0]
    assert "surname smith, forenames john paul" in reason


def test_surname_first_in_surname_is_split(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, surname="O'NEIL-SMITH, Zoë")
    assert person(con) == ("zoe", "oneil smith", None, "O'NEIL-SMITH, Zoë")
    assert codes(con, "surname") == [(2, "name_split")]


def test_a_name_without_a_comma_is_never_split(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, forenames="JOHN PAUL SMITH")
    assert person(con) == ("john paul smith", None, "JOHN PAUL SMITH", None)
    assert con.execute("SELECT count(*) FROM value_warnings").fetchall() == [(0,)]


def test_a_comma_is_not_split_when_both_columns_are_filled(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, forenames="John, Paul", surname="Smith")
    assert person(con) == ("john paul", "smith", "John, Paul", "Smith")
    assert con.execute("SELECT count(*) FROM value_warnings").fetchall() == [(0,)]


def test_upper_case_is_cleaned_and_kept_raw(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, forenames="BETHANY", surname="HUGHES")
    assert person(con) == ("bethany", "hughes", "BETHANY", "HUGHES")


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("SMITH, John", ("smith", "john")),
        ("Smith,John Paul", ("smith", "john paul")),
        ("SMITH,", ("smith", None)),
        (", John", (None, "john")),
        ("SMITH, John, Paul", ("smith", "john paul")),
        ("John Smith", None),
        (",", None),
    ],
)
def test_split_surname_first(raw: str, parts: tuple[str | None, str | None] | None) -> None:
    assert split_surname_first(raw) == parts


def test_900000_character_narrative_does_not_load_and_the_event_does(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    events = [{**EVENTS[0], "narrative": "Referral. " * 90_000}]
    result = ingest(con, make_submission(events=events))
    assert result.rows_quarantined == 0
    assert con.execute("SELECT narrative FROM events").fetchall() == [(None,)]
    warning = con.execute(
        "SELECT column_name, reason_code, reason, value FROM value_warnings"
    ).fetchall()
    assert len(warning) == 1
    column, code, reason, value = warning[0]
    assert (column, code) == ("narrative", "value_too_long")
    assert "900000 characters, over the limit of 20,000" in reason
    assert len(value) < 200 and value.startswith("Referral.") and "900000 characters" in value
    events_file = next(f for f in result.files if f.file == "events.csv")
    assert events_file.warnings_by_code == {"value_too_long": 1}


def test_narrative_at_the_limit_loads(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    text = "x" * 20_000
    ingest(con, make_submission(events=[{**EVENTS[0], "narrative": text}]))
    assert con.execute("SELECT length(narrative) FROM events").fetchall() == [(20_000,)]


def test_over_long_name_is_blanked_raw_and_all(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, forenames="A" * 201, surname="Hughes")
    assert person(con) == (None, "hughes", None, "Hughes")
    assert codes(con, "forenames") == [(2, "value_too_long")]


PLAUSIBLE_CASES: list[tuple[str, dict[str, Rows], str, str]] = [
    (
        "birth in the future",
        {"persons": [{**PERSONS[0], "date_of_birth": "2099-01-01"}, OTHER]},
        "date_of_birth",
        "date_after_extract",
    ),
    (
        "birth year after the extract",
        {"persons": [{**PERSONS[0], "date_of_birth": "2026"}, OTHER]},
        "date_of_birth",
        "date_after_extract",
    ),
    (
        "birth date over 110 years before the extract",
        {"persons": [{**PERSONS[0], "date_of_birth": "1901-03-02"}, OTHER]},
        "date_of_birth",
        "implausible_age",
    ),
    (
        "birth year over 110 years before the extract",
        {"persons": [{**PERSONS[0], "date_of_birth": "1914"}, OTHER]},
        "date_of_birth",
        "implausible_age",
    ),
    (
        "event after the extract",
        {"events": [{**EVENTS[0], "occurred_date": "2026-03-01"}]},
        "occurred_date",
        "date_after_extract",
    ),
    (
        "reported after the extract",
        {"events": [{**EVENTS[0], "reported_date": "2025-10-02"}]},
        "reported_date",
        "date_after_extract",
    ),
]


@pytest.mark.parametrize(
    ("label", "tables", "column", "code"), PLAUSIBLE_CASES, ids=[c[0] for c in PLAUSIBLE_CASES]
)
def test_implausible_date_is_warned_and_kept(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    label: str,
    tables: dict[str, Rows],
    column: str,
    code: str,
) -> None:
    result = ingest(con, make_submission(**tables))
    assert result.rows_quarantined == 0, label
    assert codes(con, column) == [(2, code)]
    table = "persons" if column == "date_of_birth" else "events"
    stored = con.execute(f"SELECT {column} FROM {table} WHERE row_number = 2").fetchall()
    assert stored[0][0] is not None


@pytest.mark.parametrize(
    ("raw", "column", "table"),
    [
        ("1915", "date_of_birth", "persons"),  # may be December 1915: 109 at the extract
        ("1915-10-01", "date_of_birth", "persons"),  # exactly 110
        ("2025-10", "date_of_birth", "persons"),  # may be before 1 October 2025
        ("2025-10-01", "occurred_date", "events"),  # the extract day itself
    ],
)
def test_possible_dates_are_not_warned(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    raw: str,
    column: str,
    table: str,
) -> None:
    if table == "persons":
        ingest(con, make_submission(persons=[{**PERSONS[0], column: raw}, OTHER]))
    else:
        ingest(con, make_submission(events=[{**EVENTS[0], column: raw}]))
    assert codes(con, column) == []
    assert con.execute(f"SELECT {column} FROM {table} WHERE row_number = 2").fetchall()[0][0] in (
        raw,
        date.fromisoformat(raw) if len(raw) == 10 else raw,
    )


def test_over_long_typed_value_falls_under_the_default_limit(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, surname="Hughes", postcode="LS1 4AB" * 150)
    row = con.execute("SELECT postcode, postcode_raw FROM persons WHERE person_id = 'P1'")
    assert row.fetchall() == [(None, None)]
    assert codes(con, "postcode") == [(2, "value_too_long")]


def test_over_long_cell_of_an_extra_column_is_not_kept_in_extra(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    load_person(con, make_submission, surname="Hughes", case_notes="n" * 20_001, team="CSE")
    extra = con.execute("SELECT extra FROM persons WHERE person_id = 'P1'").fetchall()[0][0]
    assert json.loads(extra) == {"case_notes": None, "team": "CSE"}
    assert codes(con, "case_notes") == [(2, "value_too_long")]
    value = con.execute("SELECT value FROM value_warnings").fetchall()[0][0]
    assert len(value) < 200


@pytest.mark.parametrize(
    ("raw", "forenames", "surname"),
    [
        ("SMITH John", "john", "smith"),
        ("John Paul SMITH", "john paul", "smith"),
        ("O'BRIEN Siobhan Mary", "siobhan mary", "obrien"),
        ("Aisha SHAH-KHAN", "aisha", "shah khan"),
        # O'Brien with its apostrophe dropped: the letter alone is the surname's.
        ("O BRIEN Eoin Patrick", "eoin patrick", "o brien"),
    ],
)
def test_a_surname_in_capitals_is_split(
    con: duckdb.DuckDBPyConnection,
    make_submission: MakeSubmission,
    raw: str,
    forenames: str,
    surname: str,
) -> None:
    load_person(con, make_submission, forenames=raw)
    assert person(con)[:2] == (forenames, surname)
    reason = con.execute("SELECT reason FROM value_warnings").fetchall()[0][0]
    assert "words in capitals as the surname" in reason


@pytest.mark.parametrize("raw", ["JOHN PAUL SMITH", "John SMITH Paul", "J SMITH", "McDonald John"])
def test_capitals_that_mark_no_end_are_not_split(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission, raw: str
) -> None:
    load_person(con, make_submission, forenames=raw)
    assert person(con)[1] is None


def _whole_names(names: list[str]) -> Rows:
    return [{"person_id": f"P{i}", "forenames": n} for i, n in enumerate(names, start=1)]


WHOLE = [
    "john smith",
    "amy lou jones",
    "mohammed khan",
    "ewa kowalska",
    "lee",
    "sam o'neil",
    "jade crossley",
    "ali hassan",
    "kyle brown",
    "zainab ali",
    "tom ward",
    "olivia price",
]


def test_a_file_of_whole_names_in_one_column_is_split_at_the_last_word(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    rows = _whole_names(WHOLE)
    ingest(con, make_submission(persons=rows))
    got = {
        raw: (fore, sur)
        for raw, fore, sur in con.execute(
            "SELECT forenames_raw, forenames, surname FROM persons"
        ).fetchall()
    }
    assert got["amy lou jones"] == ("amy lou", "jones")
    assert got["sam o'neil"] == ("sam", "oneil")
    assert got["lee"] == ("lee", None)  # one word: nothing to split
    reasons = [r for (r,) in con.execute("SELECT reason FROM value_warnings").fetchall()]
    assert len(reasons) == len(WHOLE) - 1
    assert all("the last word as the surname" in r for r in reasons)


def test_first_names_only_are_not_read_as_whole_names(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    # A charity that records first names: mostly one word, so no habit of whole names.
    names = ["jade", "amy lou", "kyle", "zainab", "tom", "olivia", "sam", "ewa", "ali", "lee"]
    rows = _whole_names(names)
    ingest(con, make_submission(persons=rows))
    assert con.execute("SELECT count(*) FROM persons WHERE surname IS NOT NULL").fetchall() == [
        (0,)
    ]


def test_too_few_rows_say_nothing_of_a_habit(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    rows = _whole_names(WHOLE[:5])
    ingest(con, make_submission(persons=rows))
    assert con.execute("SELECT count(*) FROM persons WHERE surname IS NOT NULL").fetchall() == [
        (0,)
    ]


@pytest.mark.parametrize("raw", ["1900-01-01", "01/01/1900", "1899-12-31", "30/12/1899"])
def test_a_system_default_birth_date_is_no_date(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission, raw: str
) -> None:
    result = ingest(con, make_submission(persons=[{**PERSONS[0], "date_of_birth": raw}, OTHER]))
    assert result.rows_quarantined == 0
    stored = con.execute(
        "SELECT date_of_birth, date_of_birth_raw FROM persons WHERE row_number = 2"
    ).fetchall()
    assert stored == [(None, raw)]
    assert (2, "placeholder_date") in codes(con, "date_of_birth")
    assert (2, "implausible_age") not in codes(con, "date_of_birth")


# A case system's list in capitals, surname first, some with a middle initial (as the
# Police National Computer and many children's services systems list people).
SURNAME_FIRST = [
    "WARD CONNOR D.",
    "CONNORS GRAINNE A",
    "BUTT ZUBAIR",
    "TAYLOR JORDAN",
    "HUGHES JAMES G.",
    "ROBINSON NATHAN M",
    "ABDI UBAH",
    "MACCARTHY NIALL P.",
    "ISLAM TASLIMA",
    "HALL DAVID T",
    "PRICE OLIVIA",
    "O NEILL GRAINNE B.",
]


def test_a_file_whose_initials_follow_the_first_word_is_split_at_the_first_word(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    ingest(con, make_submission(persons=_whole_names(SURNAME_FIRST)))
    got = {
        raw: (fore, sur)
        for raw, fore, sur in con.execute(
            "SELECT forenames_raw, forenames, surname FROM persons"
        ).fetchall()
    }
    # The initial is a middle name, never the surname; a name without one (TAYLOR
    # JORDAN) is read in the file's order.
    assert got["WARD CONNOR D."] == ("connor d", "ward")
    assert got["TAYLOR JORDAN"] == ("jordan", "taylor")
    assert got["O NEILL GRAINNE B."] == ("grainne b", "o neill")
    reasons = [r for (r,) in con.execute("SELECT reason FROM value_warnings").fetchall()]
    assert len(reasons) == len(SURNAME_FIRST)
    assert all("the first word as the surname" in r for r in reasons)


def test_initials_inside_forename_first_names_keep_the_last_word(
    con: duckdb.DuckDBPyConnection, make_submission: MakeSubmission
) -> None:
    names = [*WHOLE, "hina a. khan", "j. smith", "amy l jones", "sara k ali", "tom b ward"]
    ingest(con, make_submission(persons=_whole_names(names)))
    got = dict(con.execute("SELECT forenames_raw, surname FROM persons").fetchall())
    assert got["hina a. khan"] == "khan"
    assert got["amy lou jones"] == "jones"


@pytest.mark.parametrize(
    ("raw", "order"),
    [
        ("WARD CONNOR D.", True),
        ("ABDI F", True),
        ("SMITH John", True),
        ("Hina A. Khan", False),
        ("J. Smith", False),
        ("John Paul SMITH", False),
        ("O BRIEN Patrick", True),
        ("TAYLOR JORDAN", None),
        ("A B", None),
        ("Lee", None),
    ],
)
def test_which_names_show_their_order(raw: str, order: bool | None) -> None:
    assert shows_order(raw) is order


def test_too_few_names_showing_an_order_keep_the_last_word() -> None:
    # Four surname-first names with an initial among many without: no habit shown.
    assert not surname_first(SURNAME_FIRST[:4] + ["TAYLOR JORDAN"] * 20)
    assert surname_first(SURNAME_FIRST)
    assert not surname_first(SURNAME_FIRST + ["Hina A. Khan"] * 8)
