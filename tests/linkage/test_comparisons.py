"""The model's comparison levels, evaluated by DuckDB on hand-made pairs.

Each comparison is a CASE over its levels, first match wins, as Splink builds it.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from clearsight.linkage import model


def _level(name: str, pair: dict[str, Any]) -> str:
    """The label of the level a pair falls in for comparison ``name``."""
    (comparison,) = [
        c.get_comparison("duckdb").as_dict()
        for c in model.comparisons()
        if c.get_comparison("duckdb").as_dict()["output_column_name"] == name
    ]
    cases = " ".join(
        f"WHEN {lvl['sql_condition']} THEN '{lvl.get('label_for_charts', '')}'"
        for lvl in comparison["comparison_levels"]
        if lvl["sql_condition"] != "ELSE"
    )
    con = duckdb.connect()
    columns = ", ".join(f"? AS {k}" for k in pair)
    row = con.execute(
        f"SELECT CASE {cases} ELSE 'else' END FROM (SELECT {columns})", list(pair.values())
    ).fetchall()
    return str(row[0][0])


def _place(postcode: tuple[str | None, str | None], address: tuple[str, str]) -> dict[str, Any]:
    pair: dict[str, Any] = {}
    for side, pc, addr in (("l", postcode[0], address[0]), ("r", postcode[1], address[1])):
        number, _, street = addr.partition(" ")
        pair |= {
            f"postcode_{side}": pc,
            f"address_{side}": addr,
            f"addr_number_{side}": number,
            f"addr_street_{side}": street.split(" ")[0],
        }
    return pair


def test_a_move_is_counted_once_by_the_postcode() -> None:
    moved = _place(("LS1 4AB", "M1 2CD"), ("12 park road leeds", "3 mill lane salford"))
    assert _level("address", moved) == model.ADDRESS_SAID_BY_POSTCODE


def test_the_same_address_with_a_mistyped_postcode_still_counts() -> None:
    typo = _place(("LS1 4AB", "LS1 4BA"), ("12 park road leeds", "12 park road leeds"))
    assert _level("address", typo) == "exact"


@pytest.mark.parametrize("postcode", [("LS1 4AB", "LS1 4AB"), (None, "LS1 4AB")])
def test_a_different_address_is_evidence_where_the_postcode_does_not_say_it(
    postcode: tuple[str | None, str | None],
) -> None:
    # Same postcode, different house; or no postcode to carry the disagreement.
    other = _place(postcode, ("12 park road leeds", "3 mill lane leeds"))
    assert _level("address", other) == "else"
