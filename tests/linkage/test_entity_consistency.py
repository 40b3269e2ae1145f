"""Clustering keeps each entity consistent: one NHS number, birth years that agree.

Single linkage chains: A-B and B-C can each be plausible while A and C are
plainly two people (a parent and a child of one name at one address, linked
through a record without a birth date).
"""

from __future__ import annotations

import duckdb
import pytest

from clearsight.linkage import clusters, tables
from clearsight.linkage.model import (
    DOB_WITHIN_YEAR,
    DOB_YEAR,
    DOB_YEAR_MONTH,
    NHS_EXACT,
    PLACE_TOWN_ONLY,
)
from clearsight.store import ensure_schema


def _store(
    records: list[tuple[str, str | None, int | None]],
    names: dict[str, tuple[str, str, str | None]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Records (id, NHS number, birth year); ``names`` gives some (forename, surname, date)."""
    con = duckdb.connect()
    ensure_schema(con)
    tables.ensure_tables(con)
    con.execute(
        "CREATE TEMP TABLE link_input (record_key VARCHAR, source_id VARCHAR, "
        "person_id VARCHAR, nhs_number VARCHAR, dob_y INTEGER, fn1 VARCHAR, sn VARCHAR, "
        "dob VARCHAR, dob_ym VARCHAR, postcode VARCHAR, address VARCHAR, "
        "addr_tokens VARCHAR[], addr_town_only BOOLEAN DEFAULT false)"
    )
    for person_id, nhs, year in records:
        fn1, sn, date = (names or {}).get(person_id, (None, None, None))
        # ``date`` may be partial ("1972-04"): only a full date is ``dob``.
        dob = date if date and len(date) == 10 else None
        ym = date[:7] if date and len(date) >= 7 else None
        con.execute(
            "INSERT INTO link_input (record_key, source_id, person_id, nhs_number, dob_y, fn1, "
            "sn, dob, dob_ym) VALUES (?, 's', ?, ?, ?, ?, ?, ?, ?)",
            [f"s:{person_id}", person_id, nhs, year, fn1, sn, dob, ym],
        )
    # Links agree on the place unless a test says otherwise: not led by the name.
    con.execute(
        "CREATE TABLE link_pairs (record_key_l VARCHAR, record_key_r VARCHAR, "
        "match_weight DOUBLE, gamma_nhs_number INTEGER, linked BOOLEAN, "
        "gamma_date_of_birth INTEGER DEFAULT -1, gamma_place INTEGER DEFAULT 6, "
        "gamma_forenames INTEGER DEFAULT -1, "
        "gamma_phones INTEGER DEFAULT -1, "
        "gamma_emails INTEGER DEFAULT -1, refused_because VARCHAR)"
    )
    return con


def _link(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    weight: float,
    nhs: int = -1,
    place: int = 6,
    dob: int = -1,
) -> None:
    con.execute(
        "INSERT INTO link_pairs (record_key_l, record_key_r, match_weight, gamma_nhs_number, "
        "linked, gamma_place, gamma_date_of_birth) VALUES (?, ?, ?, ?, true, ?, ?)",
        [f"s:{a}", f"s:{b}", weight, nhs, place, dob],
    )


def _entities(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    clusters.cluster(con, 1)
    return dict(con.execute("SELECT person_id, entity_id FROM person_entities").fetchall())


def test_an_entity_never_holds_two_nhs_numbers() -> None:
    con = _store([("a", "9434765919", 1990), ("b", None, 1990), ("c", "9434765870", 1990)])
    _link(con, "a", "b", 30.0)
    _link(con, "b", "c", 25.0)
    e = _entities(con)
    assert e["a"] == e["b"] != e["c"]


def test_one_keyed_nhs_error_is_the_same_number() -> None:
    con = _store([("a", "9434765919", 1990), ("b", None, 1990), ("c", "9434765918", 1990)])
    _link(con, "a", "b", 30.0)
    _link(con, "b", "c", 25.0)
    e = _entities(con)
    assert e["a"] == e["b"] == e["c"]


def test_parent_and_child_are_not_chained_through_an_undated_record() -> None:
    con = _store([("parent", None, 1975), ("undated", None, None), ("child", None, 2008)])
    _link(con, "parent", "undated", 30.0)
    _link(con, "undated", "child", 25.0)
    e = _entities(con)
    assert e["parent"] == e["undated"] != e["child"]


def test_a_single_record_joining_a_larger_entity_brings_its_birth_year() -> None:
    # x and y (undated) are one entity first; p (born 1975) joins it as the smaller side,
    # so the larger stays the root and takes p's year; q (born 2008) then conflicts.
    con = _store([("x", None, None), ("y", None, None), ("p", None, 1975), ("q", None, 2008)])
    _link(con, "x", "y", 40.0)
    _link(con, "p", "x", 30.0)
    _link(con, "y", "q", 20.0)
    e = _entities(con)
    assert e["x"] == e["y"] == e["p"] != e["q"]


@pytest.mark.parametrize("year", [1989, 1992, 1980])  # a year out each way; a keyed digit
def test_birth_years_a_recording_error_explains_are_one_person(year: int) -> None:
    con = _store([("a", None, 1990), ("b", None, None), ("c", None, year)])
    _link(con, "a", "b", 30.0)
    _link(con, "b", "c", 25.0)
    e = _entities(con)
    assert e["a"] == e["c"]


def _dated(*people: tuple[str, str]) -> duckdb.DuckDBPyConnection:
    """Namesakes with their recorded birth dates (full or a year only)."""
    return _store(
        [(p, None, int(d[:4])) for p, d in people],
        {p: ("nicola", "bennett", d) for p, d in people},
    )


def test_namesakes_born_months_apart_are_not_chained_through_a_year_only_record() -> None:
    """A charity's "Nicola Bennett, 2009" fits both; the two full dates were never weighed."""
    con = _dated(("police", "2009-04-04"), ("charity", "2009"), ("school", "2010-01-14"))
    _link(con, "police", "charity", 30.0)
    _link(con, "charity", "school", 25.0)
    e = _entities(con)
    assert e["police"] == e["charity"] != e["school"]
    refused = con.execute(
        "SELECT refused_because FROM link_pairs WHERE record_key_r = 's:school'"
    ).fetchall()
    assert refused == [(clusters.CONFLICTING,)]


@pytest.mark.parametrize(
    "other",
    ["2009-04-04", "2009-04-05", "2009-04-14", "2009-03-04", "2008-04-04"],
)
def test_one_birth_date_as_keyed_chains(other: str) -> None:
    """Equal, one keystroke apart, or day and month transposed: one person's date."""
    con = _dated(("police", "2009-04-04"), ("charity", "2009"), ("school", other))
    _link(con, "police", "charity", 30.0)
    _link(con, "charity", "school", 25.0)
    e = _entities(con)
    assert e["police"] == e["charity"] == e["school"]


def test_day_and_month_transposed_is_one_date() -> None:
    con = _dated(("police", "2009-03-11"), ("charity", "2009"), ("school", "2009-11-03"))
    _link(con, "police", "charity", 30.0)
    _link(con, "charity", "school", 25.0)
    e = _entities(con)
    assert e["police"] == e["school"]


def test_two_full_dates_the_model_weighed_directly_may_join() -> None:
    """The link's own records both hold full dates: the model weighed them (a wrong date
    given once, outweighed by a phone and the address); the check does not overrule it."""
    con = _dated(("police", "2009-04-04"), ("health", "2009-04-04"), ("school", "2010-01-14"))
    _link(con, "police", "health", 30.0)
    _link(con, "health", "school", 25.0)
    e = _entities(con)
    assert e["police"] == e["school"]


def test_agreeing_nhs_numbers_lift_the_birth_year_check() -> None:
    con = _store([("a", "9434765919", 1975), ("b", "9434765919", 2008)])
    _link(con, "a", "b", 40.0, nhs=NHS_EXACT)
    e = _entities(con)
    assert e["a"] == e["b"]


def test_an_analyst_accept_is_not_overruled() -> None:
    con = _store([("a", "9434765919", 1990), ("b", "9434765870", 1990)])
    con.execute(
        "INSERT INTO link_decisions (record_key_l, record_key_r, decision, decided_by, "
        "decided_at, reason) VALUES ('s:a', 's:b', 'accept', 'analyst1', now(), 'test')"
    )
    e = _entities(con)
    assert e["a"] == e["b"]


RUNA = ("runa", "khatun")


def test_a_name_led_link_is_followed_when_one_person_bears_the_name() -> None:
    names = {"dated": (*RUNA, "1972-04-10"), "undated": (*RUNA, None)}
    con = _store([("dated", None, 1972), ("undated", None, None)], names)
    _link(con, "dated", "undated", 23.0, place=-1)
    e = _entities(con)
    assert e["dated"] == e["undated"]


def test_a_name_led_link_is_refused_when_two_people_bear_the_name() -> None:
    names = {
        "older": (*RUNA, "1972-04-10"),
        "younger": (*RUNA, "1985-01-02"),
        "undated": (*RUNA, None),
    }
    con = _store([("older", None, 1972), ("younger", None, 1985), ("undated", None, None)], names)
    _link(con, "older", "undated", 23.0, place=-1)
    _link(con, "undated", "younger", 22.0, place=-1)
    e = _entities(con)
    assert len({e["older"], e["younger"], e["undated"]}) == 3
    refused = con.execute(
        "SELECT count(*) FROM link_pairs WHERE NOT linked AND refused_because = ?",
        [clusters.NAME_SHARED],
    ).fetchall()[0][0]
    assert refused == 2


def _place(con: duckdb.DuckDBPyConnection, person_id: str, address: str) -> None:
    """An address as the features keep it; a town alone is a word or three, no number."""
    town_only = not any(c.isdigit() for c in address) and len(address.split()) <= 3
    con.execute(
        "UPDATE link_input SET address = ?, addr_tokens = ?, addr_town_only = ? "
        "WHERE person_id = ?",
        [address, sorted(set(address.split())), town_only, person_id],
    )


@pytest.mark.parametrize(
    ("rival_address", "linked"),
    [
        ("55 oak way huddersfield", True),
        ("43 albert crescent leeds", False),
        (None, False),
    ],
)
def test_a_namesake_recorded_in_another_town_is_no_rival_for_a_town_alone(
    rival_address: str | None, linked: bool
) -> None:
    """A charity's "Runa Khatun, Leeds" (no birth date) beside Runa Khatun of a Leeds
    address: a namesake recorded in Huddersfield is not whom the charity wrote about; one
    in Leeds, or one with no place recorded, could be, and the link is refused."""
    names = {
        "leeds": (*RUNA, "1972-04-10"),
        "rival": (*RUNA, "1985-01-02"),
        "charity": (*RUNA, None),
    }
    con = _store([("leeds", None, 1972), ("rival", None, 1985), ("charity", None, None)], names)
    _place(con, "leeds", "136 manor way leeds")
    _place(con, "charity", "leeds")
    if rival_address:
        _place(con, "rival", rival_address)
    _link(con, "leeds", "charity", 21.0, place=PLACE_TOWN_ONLY)
    e = _entities(con)
    assert (e["leeds"] == e["charity"]) is linked
    assert e["rival"] not in (e["leeds"], e["charity"])


def test_a_link_with_a_second_identifier_is_not_name_led() -> None:
    names = {
        "older": (*RUNA, "1972-04-10"),
        "younger": (*RUNA, "1985-01-02"),
        "undated": (*RUNA, None),
    }
    con = _store([("older", None, 1972), ("younger", None, 1985), ("undated", None, None)], names)
    _link(con, "older", "undated", 30.0, place=6)  # the same postcode
    _link(con, "undated", "younger", 22.0, place=-1)
    e = _entities(con)
    assert e["older"] == e["undated"] != e["younger"]


def test_a_namesake_born_in_another_year_is_no_rival_for_a_dated_link() -> None:
    # The link agrees on April 1972; the other "runa khatun" was born in 1985.
    names = {
        "full": (*RUNA, "1972-04-10"),
        "partial": (*RUNA, "1972-04"),
        "namesake": (*RUNA, "1985-01-02"),
    }
    con = _store([("full", None, 1972), ("partial", None, 1972), ("namesake", None, 1985)], names)
    _link(con, "full", "partial", 23.0, place=-1, dob=DOB_YEAR_MONTH)
    e = _entities(con)
    assert e["full"] == e["partial"] != e["namesake"]


def test_a_namesake_born_in_the_same_month_is_a_rival() -> None:
    names = {
        "full": (*RUNA, "1972-04-10"),
        "partial": (*RUNA, "1972-04"),
        "namesake": (*RUNA, "1972-04-25"),
    }
    con = _store([("full", None, 1972), ("partial", None, 1972), ("namesake", None, 1972)], names)
    _link(con, "full", "partial", 23.0, place=-1, dob=DOB_YEAR_MONTH)
    e = _entities(con)
    assert len({e["full"], e["partial"], e["namesake"]}) == 3


@pytest.mark.parametrize(
    ("level", "rival_year", "rivals"),
    [
        (DOB_YEAR, 1972, True),
        (DOB_YEAR, 1973, False),
        (DOB_WITHIN_YEAR, 1973, True),
        (DOB_WITHIN_YEAR, 1975, False),
    ],
)
def test_year_level_links_meet_only_namesakes_of_a_fitting_year(
    level: int, rival_year: int, rivals: bool
) -> None:
    names = {
        "full": (*RUNA, "1972-04-10"),
        "year": (*RUNA, "1972" if level == DOB_YEAR else "1971"),
        "namesake": (*RUNA, f"{rival_year}-09-30"),
    }
    con = _store(
        [
            ("full", None, 1972),
            ("year", None, 1972 if level == DOB_YEAR else 1971),
            ("namesake", None, rival_year),
        ],
        names,
    )
    _link(con, "full", "year", 23.0, place=-1, dob=level)
    e = _entities(con)
    assert (e["full"] != e["year"]) is rivals
