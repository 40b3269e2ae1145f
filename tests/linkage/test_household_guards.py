"""The household guards read the surname as agencies write one household's surname,
and a record with no birth date that fits two people of one name is linked to neither.

Twins recorded by two agencies, one writing the family name as transliterated by
ear (Usman for Osman) or as one half of a double-barrelled surname (Ward for
Ward-Ahmed), still share a birth date and a home and differ in forename: the twin
guard must hold them back as it does for an exact surname. The pairs are scored by
the model's own surname levels (DuckDB evaluating Splink's level SQL) and marked by
``guards.mark_links`` on a real DuckDB table.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pytest

from clearsight.linkage import model
from clearsight.linkage.clusters import _undated_between
from clearsight.linkage.guards import (
    HOUSEHOLD_GUARD,
    HOUSEHOLD_YEAR_GUARD,
    NHS_GUARD,
    SIBLING_GUARD,
    TWIN_GUARD,
    mark_links,
)
from tests.linkage.test_comparisons import _gamma, _level


def _surname(left: str, right: str) -> dict[str, Any]:
    pair: dict[str, Any] = {}
    for side, written in (("l", left), ("r", right)):
        # sn is the surname's letters only: "Ward-Ahmed" is "wardahmed", in two parts.
        parts = written.split("-")
        sn = "".join(parts)
        pair |= {
            f"fn1_{side}": None,
            f"sn_{side}": sn,
            f"sn1_{side}": parts[0],
            f"sn_parts_{side}": parts if len(parts) > 1 else None,
            f"sn_code_{side}": sn.upper(),
            f"name_keys_{side}": None,
        }
    return pair


def _marked(
    surname_level: str,
    dob: str,
    years: tuple[int | None, int | None],
    forenames: str = "disagrees",
    nhs: str = "null",
    place: str = "address and postcode agree",
    initials: tuple[str, str] | None = None,
) -> str | None:
    """The reason ``mark_links`` gives a pair of one home (forenames apart by default)."""
    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE link_pairs (
            record_key_l VARCHAR, record_key_r VARCHAR, is_unknown_l BOOLEAN,
            is_unknown_r BOOLEAN, evidence DOUBLE, gamma_forenames INTEGER,
            gamma_surname INTEGER, gamma_date_of_birth INTEGER, gamma_place INTEGER,
            gamma_nhs_number INTEGER, dob_y_l INTEGER, dob_y_r INTEGER,
            dob_full_l BOOLEAN, dob_full_r BOOLEAN, refused_because VARCHAR,
            linked BOOLEAN)
        """
    )
    con.execute(
        "CREATE TABLE current_link_decisions "
        "(record_key_l VARCHAR, record_key_r VARCHAR, decision VARCHAR)"
    )
    con.execute(
        "INSERT INTO link_pairs VALUES ('a:1', 'b:1', false, false, 30.0, ?, ?, ?, ?, ?, "
        "?, ?, true, true, NULL, NULL)",
        [
            _gamma("forenames", forenames),
            _gamma("surname", surname_level),
            -1 if dob == "null" else _gamma("date_of_birth", dob),
            _gamma("place", place),
            -1 if nhs == "null" else _gamma("nhs_number", nhs),
            *years,
        ],
    )
    if initials:
        # The forenames' initials beside the levels (``pipeline.pairs_select``).
        con.execute("ALTER TABLE link_pairs ADD COLUMN fn_init_l VARCHAR")
        con.execute("ALTER TABLE link_pairs ADD COLUMN fn_init_r VARCHAR")
        con.execute("UPDATE link_pairs SET fn_init_l = ?, fn_init_r = ?", list(initials))
    mark_links(con, 17.0)
    refused, linked = con.execute("SELECT refused_because, linked FROM link_pairs").fetchone()
    assert linked is (refused is None)
    return refused


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("osman", "usman"),
        ("hussain", "hussein"),
        ("ward", "ward-ahmed"),
        ("wood", "wood-smith"),
        ("smith", "shah-smith"),
    ],
)
def test_a_transliterated_or_part_surname_is_one_households(left: str, right: str) -> None:
    level = _level("surname", _surname(left, right))
    assert level in (
        "Jaro-Winkler >= 0.8",
        "Jaro-Winkler >= 0.92",
        "phonetic code agrees",
        "one part of a double-barrelled surname",
    )
    assert _gamma("surname", level) >= model.SURNAME_HOUSEHOLD_MIN
    # Twins: the same birth date at one home, forenames apart.
    assert _marked(level, "exact", (2011, 2011)) == TWIN_GUARD
    # Siblings: birth years two or more apart at one home, forenames apart.
    assert _marked(level, "disagrees", (2009, 2012)) == SIBLING_GUARD


def test_a_different_surname_is_no_household() -> None:
    level = _level("surname", _surname("osman", "walker"))
    assert level == "else"
    assert _marked("disagrees", "exact", (2011, 2011)) is None


def test_the_household_surname_levels_are_every_level_but_else() -> None:
    assert _gamma("surname", "Jaro-Winkler >= 0.8") == model.SURNAME_HOUSEHOLD_MIN
    assert model.SURNAME_HOUSEHOLD_MIN < model.SURNAME_SAME_MIN


def test_twins_with_the_day_and_month_transposed_are_held_back() -> None:
    # One twin's date keyed the other way round is still the twins' birth date.
    assert _marked("exact", "day and month transposed", (2007, 2007)) == TWIN_GUARD


def test_twins_named_alike_with_different_nhs_numbers_are_held_back() -> None:
    # Jade and Jamie: forenames a typing error apart, and two NHS numbers.
    jade_jamie = "Jaro-Winkler >= 0.8"
    got = _marked("exact", "exact", (2010, 2010), jade_jamie, "disagrees")
    assert got == TWIN_GUARD
    # The same forename discrepancy with no second identifier to contradict it is one
    # child's typing error, weighed by the model.
    assert _marked("exact", "exact", (2010, 2010), jade_jamie) is None
    # And an agreeing NHS number lifts the guard whatever the forenames.
    assert _marked("exact", "exact", (2010, 2010), nhs="exact") is None


def test_a_household_member_with_no_birth_date_is_held_back() -> None:
    # "KARIM-TAYLOR, YASMIN" with no birth date and "Huda Karim-Taylor", born 2014, at
    # one home: nothing but the household says they are one person.
    assert _marked("exact", "null", (None, 2014)) == HOUSEHOLD_GUARD
    # The same forename with no birth date is left to the model.
    assert _marked("exact", "null", (None, 2014), "first forename agrees") is None


def test_a_household_member_with_a_year_of_birth_only_is_held_back() -> None:
    """A charity's "Rumana Islam, 2010-01-01" (a placeholder) and "Shirin Islam,
    2010-06-18" at one home: twins share the year, so the year tells them apart no
    better than no date; the forenames, agreeing at no level, say two people."""
    year, one_out = "year agrees, one date a year only", "within one year, one date a year only"
    assert _marked("exact", year, (2010, 2010)) == HOUSEHOLD_YEAR_GUARD
    assert _marked("exact", one_out, (2011, 2010)) == HOUSEHOLD_YEAR_GUARD
    rumana_shirin = ("r", "s")
    got = _marked("exact", year, (2010, 2010), initials=rumana_shirin)
    assert got == HOUSEHOLD_YEAR_GUARD
    # "Epie" and "Eve" of one initial: perhaps a mistyped "Evie", which the year cannot
    # settle; left to the model.
    assert _marked("exact", year, (1964, 1964), initials=("e", "e")) is None
    # A nickname, a variant or the same forename with a year only is one person's
    # record as a partner writes it: left to the model.
    assert _marked("exact", year, (2010, 2010), "nickname or variant") is None
    assert _marked("exact", year, (2010, 2010), "first forename agrees") is None
    # Not at one home (a town alone), or with an agreeing NHS number: left to the model.
    town = "town agrees, one address a town only"
    assert _marked("exact", year, (2010, 2010), place=town) is None
    assert _marked("exact", year, (2010, 2010), nhs="exact") is None


def test_two_nhs_numbers_are_held_back_to_review() -> None:
    """A father and his namesake son: "David Joseph Greenwood" with no birth date and
    "David Greenwood", born 1991, at one home, each with his own NHS number. The name and
    the home outweighed the one disagreeing identifier; an NHS number is one person's
    for life, so the pair goes to review with the reason instead."""
    exact, undated = "first forename agrees", "null"
    two_numbers = "disagrees"
    got = _marked("exact", undated, (None, 1991), exact, two_numbers)
    assert got == NHS_GUARD
    # The same with a full birth date that agrees: still two numbers, still held.
    assert _marked("exact", "exact", (1991, 1991), exact, two_numbers) == NHS_GUARD
    # One keyed error in the number is the same number; none, or one missing, is
    # nothing to hold back on: the model weighs the rest.
    assert _marked("exact", undated, (None, 1991), exact, "one keyed error") is None
    assert _marked("exact", undated, (None, 1991), exact, "exact") is None
    assert _marked("exact", undated, (None, 1991), exact) is None
    # Twins with two numbers keep the twin guard's more specific reason.
    assert _marked("exact", "exact", (2011, 2011), nhs=two_numbers) == TWIN_GUARD


def test_the_nhs_guard_is_off_only_with_every_guard() -> None:
    from clearsight.linkage.guards import ALL_GUARDS, NO_GUARDS, guard_sql

    assert NHS_GUARD in guard_sql(ALL_GUARDS)
    assert NHS_GUARD not in guard_sql(NO_GUARDS)


def _edges(rows: list[tuple[int, int, int]], name_led: tuple[bool, ...] = ()) -> dict[str, Any]:
    """Links strongest first as ``clusters.cluster`` reads them: (a, b, forename level);
    ``name_led`` marks the links that rest on the name alone (none unless given)."""
    return {
        "a": np.array([a for a, _, _ in rows]),
        "b": np.array([b for _, b, _ in rows]),
        "checked": np.array([True] * len(rows)),
        "fn_level": np.array([f for _, _, f in rows]),
        "name_led": np.array(name_led or (False,) * len(rows)),
    }


def test_an_undated_record_of_a_father_and_sons_name_links_to_neither() -> None:
    # Record 0, "Abdul Ali" with no birth date at the family's home; 1 is Abdul Ali
    # born 1976, 2 Abdul Ali born 2004: the name fits both as well.
    exact = _gamma("forenames", "first forename agrees")
    years = {1: 1976, 2: 2004}
    assert _undated_between(years, _edges([(0, 2, exact), (0, 1, exact)])) == {(0, 1), (0, 2)}
    # Born 1976 and 1977 (a year worked back from an age) is one person: no rival.
    assert _undated_between({1: 1976, 2: 1977}, _edges([(0, 2, exact), (0, 1, exact)])) == set()


def test_an_undated_record_is_the_one_its_address_or_phone_says() -> None:
    # "Abdul Ali" with no birth date at 4 Mill Lane: Abdul Ali born 1976 lives there (the
    # link carries the address); Abdul Ali born 2004 in another town shares only the name.
    # The address says which: the 1976 link is followed, the name-only link is held.
    exact = _gamma("forenames", "first forename agrees")
    years = {1: 1976, 2: 2004}
    links = _edges([(0, 1, exact), (0, 2, exact)], name_led=(False, True))
    assert _undated_between(years, links) == {(0, 2)}
    # Both links resting on the name alone: nothing says which; both held.
    both = _edges([(0, 1, exact), (0, 2, exact)], name_led=(True, True))
    assert _undated_between(years, both) == {(0, 1), (0, 2)}
    # A name-only link to a record a year out is the addressed person's other record.
    assert _undated_between({1: 1976, 2: 1977}, links) == set()


def test_an_undated_record_is_the_one_whose_nhs_number_it_bears() -> None:
    """A record of "EDWARDS, JERMAINE" with no birth date and an NHS number, at home:
    Jermaine born 2011 (records 1, 2 and 3, one of them with the same NHS number) and his
    father Jermaine born 1984 (record 4) share the name and the address. The number says
    which: the links to the 2011 records are followed, the father's is held."""
    exact = _gamma("forenames", "first forename agrees")
    years = {1: 2011, 2: 2011, 3: 2011, 4: 1984}
    rows = [(0, 2, exact), (0, 1, exact), (0, 4, exact), (0, 3, exact)]
    links = _edges(rows) | {"nhs_agrees": np.array([True, False, False, False])}
    assert _undated_between(years, links) == {(0, 4)}
    # Without the number, the address is shared by both: every link held.
    assert _undated_between(years, _edges(rows)) == {(0, 1), (0, 2), (0, 3), (0, 4)}
    # Numbers agreeing with both people (one keyed from the other's file) settle nothing.
    both = _edges(rows) | {"nhs_agrees": np.array([True, False, True, False])}
    assert _undated_between(years, both) == {(0, 1), (0, 2), (0, 3), (0, 4)}


def test_an_undated_record_is_the_one_whose_name_it_bears() -> None:
    # "THOMPSON, MOLLY" with no date: Molly born 2010 and her mother Holly born 1975,
    # whose forename is only like it. The record is Molly's; nothing is held back here
    # (the consistency check keeps the mother out of Molly's entity).
    exact = _gamma("forenames", "first forename agrees")
    alike = _gamma("forenames", "Jaro-Winkler >= 0.8")
    years = {1: 2010, 2: 1975}
    assert _undated_between(years, _edges([(0, 1, exact), (0, 2, alike)])) == set()


def test_twins_a_charity_records_by_the_town_only_are_held_back() -> None:
    """Two records that say only "leeds" share a town, not a home: the place comparison
    scores the town level, not "address agrees". For the twin guard a town alone is as
    good as no address to compare: the same surname and birth date with forenames apart
    is still held back."""
    town = "town agrees, one address a town only"
    assert _gamma("place", town) == model.PLACE_TOWN_ONLY
    assert model.PLACE_TOWN_ONLY not in model.PLACE_SAME_ADDRESS
    same = _level("surname", _surname("walker", "walker"))
    assert _marked(same, "exact", (2011, 2011), place=town) == TWIN_GUARD


def test_twins_one_recorded_by_an_outward_code_only_are_held_back() -> None:
    """A partner's "BD21" against the other twin's full postcode in BD21 agrees as far
    as the district: not a home, so for the twin guard as good as no address (before
    the outward code was compared, the pair had no place and the guard held it)."""
    district = "postcode district agrees, one postcode an outward code only"
    assert _gamma("place", district) == model.PLACE_OUTWARD_ONLY
    assert model.PLACE_OUTWARD_ONLY not in model.PLACE_SAME_ADDRESS
    same = _level("surname", _surname("chowdhury", "chowdhury"))
    assert _marked(same, "exact", (2014, 2014), place=district) == TWIN_GUARD


def test_twins_at_postcodes_of_one_sector_are_held_back() -> None:
    """A family's postcode is keyed by every agency that records it, and the unit (its
    last two characters) is where a keyed postcode goes wrong: twins at "OL1 2GL" and "OL1
    2XY" are at one home for the guard. An address merely alike as a string is not read
    so (free text is keyed wrongly anywhere), and the model weighs it."""
    sector = "postcode sector agrees"
    assert _gamma("place", sector) in model.PLACE_KEYED_ALIKE
    same = _level("surname", _surname("mahmood", "mahmood"))
    assert _marked(same, "exact", (1978, 1978), place=sector) == TWIN_GUARD
    alike = "address Jaro-Winkler >= 0.9"
    assert _marked(same, "exact", (1978, 1978), place=alike) is None
