"""No partial agreement of a field weighs more than its exact agreement (``ordering``)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from clearsight.linkage import model, ordering
from clearsight.linkage.comparisons import (
    FIRST_FORENAME_LABEL,
    FULL_FORENAMES_LABEL,
    SWAPPED_LABEL,
    comparisons,
)

SAMPLE = 1e6  # pairs in the random sample for u: the u floor is 0.5 / SAMPLE


def _model() -> dict[str, Any]:
    """This version's comparisons, every level estimated and in order: the exact level
    strongest, the partial levels weaker, disagreement against."""
    out: dict[str, Any] = {"comparisons": []}
    for c in comparisons():
        d = c.get_comparison("duckdb").as_dict()
        levels = [lvl for lvl in d["comparison_levels"] if not lvl.get("is_null_level")]
        for i, lvl in enumerate(levels):
            lvl["m_probability"] = 0.01
            lvl["u_probability"] = 0.01 * 2 ** (-(len(levels) - 1 - i))
        levels[0].update(m_probability=0.8, u_probability=1e-5)
        levels[-1].update(m_probability=0.05, u_probability=0.9)
        out["comparisons"].append(d)
    return out


def _levels(m: dict[str, Any], name: str) -> list[dict[str, Any]]:
    c = next(c for c in m["comparisons"] if c["output_column_name"] == name)
    return [lvl for lvl in c["comparison_levels"] if not lvl.get("is_null_level")]


def _w(level: dict[str, Any]) -> float:
    return math.log2(level["m_probability"] / level["u_probability"])


def test_a_model_in_order_is_unchanged() -> None:
    before = _model()
    after, notes = ordering.ordered(before, SAMPLE)
    assert after == before
    assert notes == []


def test_an_exact_birth_date_below_a_keying_error_is_raised_to_it() -> None:
    # EM on pairs agreeing on both names, where each duplicate carries one error: nearly
    # every such pair differs in the birth date, so the exact date came out weak.
    before = _model()
    dob = _levels(before, "date_of_birth")
    dob[0].update(m_probability=0.02, u_probability=5e-5)  # log2(400) = 8.6
    keying = next(lvl for lvl in dob if "day or month" in lvl["label_for_charts"])
    keying.update(m_probability=0.57, u_probability=6e-4)  # log2(950) = 9.9
    after, notes = ordering.ordered(before, SAMPLE)
    exact = _levels(after, "date_of_birth")[0]
    assert math.isclose(_w(exact), _w(keying), rel_tol=1e-9)
    assert exact["u_probability"] == 5e-5  # u, and the term-frequency adjustments, kept
    assert any("date_of_birth: exact agreement" in n and "raised" in n for n in notes)
    assert all(_w(lvl) <= _w(exact) + 1e-9 for lvl in _levels(after, "date_of_birth")[1:])


def test_a_level_no_pair_reached_is_capped_at_the_exact_level() -> None:
    # Neither EM nor the random sample saw an initial alone: both at their floors, a
    # Bayes factor of 2,000 that no record showed.
    before = _model()
    names = _levels(before, "forenames")
    _first_forename(before).update(m_probability=0.8, u_probability=0.001)  # most share: 9.6
    initial = next(lvl for lvl in names if lvl["label_for_charts"] == "initial agrees")
    initial.update(m_probability=model.M_FLOOR, u_probability=0.5 / SAMPLE)
    after, notes = ordering.ordered(before, SAMPLE)
    exact = _first_forename(after)
    capped = next(
        lvl for lvl in _levels(after, "forenames") if lvl["label_for_charts"] == "initial agrees"
    )
    # The unestimated level does not raise the exact one; it is brought down to it.
    assert math.isclose(_w(exact), math.log2(0.8 / 0.001))
    assert math.isclose(_w(capped), _w(exact))
    assert any("'initial agrees'" in n and "capped" in n for n in notes)


def test_the_exact_level_never_gets_an_m_above_one() -> None:
    # A common forename agrees by chance in 1% of random pairs: exact agreement can
    # never be worth more than log2(1 / 0.01); a rarer near-miss is capped there too.
    before = _model()
    names = _levels(before, "forenames")
    _first_forename(before).update(m_probability=0.45, u_probability=0.01)
    close = next(lvl for lvl in names if lvl["label_for_charts"] == "Jaro-Winkler >= 0.92")
    close.update(m_probability=0.55, u_probability=0.003)
    after, _notes = ordering.ordered(before, SAMPLE)
    levels = _levels(after, "forenames")
    first = _first_forename(after)
    assert first["m_probability"] == 1.0
    # Names swapped stand for both names (below): bounded by both exact levels.
    partial = levels[levels.index(first) + 1 :]
    forename_only = [lvl for lvl in partial if lvl["label_for_charts"] != SWAPPED_LABEL]
    assert all(_w(lvl) <= _w(first) + 1e-9 for lvl in forename_only)
    assert (
        sum(
            1
            for c in after["comparisons"]
            for lvl in c["comparison_levels"]
            if lvl.get("m_probability", 0) > 1
        )
        == 0
    )


def _swapped(m: dict[str, Any]) -> dict[str, Any]:
    return next(lvl for lvl in _levels(m, "forenames") if lvl["label_for_charts"] == SWAPPED_LABEL)


def _first_forename(m: dict[str, Any]) -> dict[str, Any]:
    return next(
        lvl for lvl in _levels(m, "forenames") if lvl["label_for_charts"] == FIRST_FORENAME_LABEL
    )


@pytest.mark.parametrize(
    ("m", "estimated", "kept"),
    [
        # Above the forename's exact level (9) and below both names' (9 + 8): kept. It
        # was capped at the forename alone and raised the forename's exact level with it.
        (0.012, 15.0, 15.0),
        # Above both names' exact agreement: capped there, with a note.
        (0.5, 20.0, 17.0),
    ],
)
def test_names_swapped_weigh_up_to_both_names_agreeing(
    m: float, estimated: float, kept: float
) -> None:
    # The surname comparison is null for a pair whose names are swapped: the forenames
    # level scores both names.
    before = _model()
    # Every forename agreeing (two names' evidence) is no part of the bound: names
    # swapped cross the first forename.
    _levels(before, "forenames")[0].update(m_probability=0.6, u_probability=0.6 / 2**12.0)
    _first_forename(before).update(m_probability=0.8, u_probability=0.8 / 2**9.0)
    _levels(before, "surname")[0].update(m_probability=0.6, u_probability=0.6 / 2**8.0)
    _swapped(before).update(m_probability=m, u_probability=m / 2**estimated)
    after, notes = ordering.ordered(before, SAMPLE)
    assert _levels(after, "forenames")[0]["label_for_charts"] == FULL_FORENAMES_LABEL
    assert math.isclose(_w(_swapped(after)), kept, rel_tol=1e-9)
    assert math.isclose(_w(_first_forename(after)), 9.0, rel_tol=1e-9)
    assert math.isclose(_w(_levels(after, "forenames")[0]), 12.0, rel_tol=1e-9)
    capped = [n for n in notes if SWAPPED_LABEL in n and "forenames and surname" in n]
    assert len(capped) == (kept < estimated)
    assert len(notes) == len(capped)


def test_a_partial_forename_is_bounded_by_the_first_forename_not_every_forename() -> None:
    # Two forenames agreeing weigh more than the first alone; a keystroke in the first
    # forename is a partial agreement of the first, never above it.
    before = _model()
    _levels(before, "forenames")[0].update(m_probability=0.003, u_probability=0.003 / 2**12.5)
    _first_forename(before).update(m_probability=0.05, u_probability=0.05 / 2**7.5)
    keystroke = next(
        lvl
        for lvl in _levels(before, "forenames")
        if lvl["label_for_charts"] == "one keystroke apart"
    )
    keystroke.update(m_probability=0.005, u_probability=0.005 / 2**11.3)
    after, _notes = ordering.ordered(before, SAMPLE)
    first = _first_forename(after)
    assert math.isclose(_w(first), 11.3, rel_tol=1e-9)  # raised to the keystroke, as before
    assert all(
        _w(lvl) <= _w(first) + 1e-9
        for lvl in _levels(after, "forenames")[2:-1]
        if lvl["label_for_charts"] != SWAPPED_LABEL
    )
    assert math.isclose(_w(_levels(after, "forenames")[0]), 12.5, rel_tol=1e-9)


def test_every_forename_agreeing_weighs_at_least_the_first_alone() -> None:
    before = _model()
    _levels(before, "forenames")[0].update(m_probability=0.01, u_probability=0.01 / 2**6.0)
    _first_forename(before).update(m_probability=0.8, u_probability=0.8 / 2**9.0)
    after, notes = ordering.ordered(before, SAMPLE)
    assert math.isclose(_w(_levels(after, "forenames")[0]), 9.0, rel_tol=1e-9)
    assert any(FULL_FORENAMES_LABEL in n and "raised" in n for n in notes)


def test_without_a_surname_compared_names_swapped_stay_within_the_forename() -> None:
    before = _model()
    before["comparisons"] = [
        c for c in before["comparisons"] if c["output_column_name"] != "surname"
    ]
    _levels(before, "forenames")[0].update(m_probability=0.6, u_probability=0.6 / 2**12.0)
    _first_forename(before).update(m_probability=0.8, u_probability=0.8 / 2**9.0)
    _swapped(before).update(m_probability=0.012, u_probability=0.012 / 2**15.0)
    after, _notes = ordering.ordered(before, SAMPLE)
    assert math.isclose(_w(_swapped(after)), 9.0, rel_tol=1e-9)
