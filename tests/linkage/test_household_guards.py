"""The household guards read the surname as agencies write one household's surname.

Twins recorded by two agencies, one writing the family name as transliterated by
ear (Usman for Osman) or as one half of a double-barrelled surname (Ward for
Ward-Ahmed), still share a birth date and a home and differ in forename: the twin
guard must hold them back as it does for an exact surname. The pairs are scored by
the model's own surname levels (DuckDB evaluating Splink's level SQL) and marked by
``guards.mark_links`` on a real DuckDB table.
"""

from __future__ import annotations

import duckdb
import pytest

from clearsight.linkage import model
from clearsight.linkage.guards import SIBLING_GUARD, TWIN_GUARD, mark_links
from tests.linkage.test_comparisons import _gamma, _level


def _surname(left: str, right: str) -> dict[str, str | None]:
    pair: dict[str, str | None] = {}
    for side, sn in (("l", left), ("r", right)):
        # sn is the surname's letters only: "Ward-Ahmed" is "wardahmed".
        pair |= {
            f"fn1_{side}": None,
            f"sn_{side}": sn,
            f"sn1_{side}": sn,
            f"sn_code_{side}": sn.upper(),
            f"name_keys_{side}": None,
        }
    return pair


def _marked(surname_level: str, dob: str, years: tuple[int, int]) -> str | None:
    """The reason ``mark_links`` gives a pair of one home, forenames apart."""
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
        "INSERT INTO link_pairs VALUES ('a:1', 'b:1', false, false, 30.0, ?, ?, ?, ?, -1, "
        "?, ?, true, true, NULL, NULL)",
        [
            _gamma("forenames", "All other comparisons"),
            _gamma("surname", surname_level),
            _gamma("date_of_birth", dob),
            _gamma("place", "address and postcode agree"),
            *years,
        ],
    )
    mark_links(con, 17.0)
    refused, linked = con.execute("SELECT refused_because, linked FROM link_pairs").fetchone()
    assert linked is (refused is None)
    return refused


@pytest.mark.parametrize(
    ("left", "right"),
    [("osman", "usman"), ("hussain", "hussein"), ("ward", "wardahmed"), ("wood", "woodsmith")],
)
def test_a_transliterated_or_part_surname_is_one_households(left: str, right: str) -> None:
    level = _level("surname", _surname(left, right))
    assert level in ("Jaro-Winkler >= 0.8", "Jaro-Winkler >= 0.92", "phonetic code agrees")
    assert _gamma("surname", level) >= model.SURNAME_HOUSEHOLD_MIN
    # Twins: the same birth date at one home, forenames apart.
    assert _marked(level, "exact", (2011, 2011)) == TWIN_GUARD
    # Siblings: birth years two or more apart at one home, forenames apart.
    assert _marked(level, "All other comparisons", (2009, 2012)) == SIBLING_GUARD


def test_a_different_surname_is_no_household() -> None:
    level = _level("surname", _surname("osman", "walker"))
    assert level == "else"
    assert _marked("All other comparisons", "exact", (2011, 2011)) is None


def test_the_household_surname_levels_are_every_level_but_else() -> None:
    assert _gamma("surname", "Jaro-Winkler >= 0.8") == model.SURNAME_HOUSEHOLD_MIN
    assert model.SURNAME_HOUSEHOLD_MIN < model.SURNAME_SAME_MIN
