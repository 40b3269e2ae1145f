"""The year-only birth-date levels and the town level are weighed from partial-value shares."""

from __future__ import annotations

import math
from typing import Any

import pytest

from clearsight.linkage import model, partial_dates, partial_places
from clearsight.linkage.comparisons import comparisons


def _model(m_floor: float = 1e-3) -> dict[str, Any]:
    """This version's comparisons with EM's outcome on full dates only: the year-only
    levels at the floor, the rest summing to one."""
    out: dict[str, Any] = {"comparisons": []}
    for c in comparisons():
        d = c.get_comparison("duckdb").as_dict()
        levels = [lvl for lvl in d["comparison_levels"] if not lvl.get("is_null_level")]
        for lvl in levels:
            lvl["m_probability"] = m_floor
            lvl["u_probability"] = 1.0 / len(levels)
        levels[0]["m_probability"] = 1.0 - m_floor * (len(levels) - 1)
        out["comparisons"].append(d)
    return out


def _dob_levels(m: dict[str, Any]) -> list[dict[str, Any]]:
    dob = next(c for c in m["comparisons"] if c["output_column_name"] == "date_of_birth")
    return [lvl for lvl in dob["comparison_levels"] if not lvl.get("is_null_level")]


@pytest.mark.parametrize("share", [0.05, 0.3])
def test_year_only_levels_take_the_share_and_the_rest_keep_proportions(share: float) -> None:
    before = _model()
    after = partial_dates.weighed(before, share)
    levels, old = _dob_levels(after), _dob_levels(before)
    n = len(levels)
    pattern = 1 - (1 - share) ** 2
    agrees = levels[n - 1 - model.DOB_PARTIAL_YEAR]["m_probability"]
    one_out = levels[n - 1 - model.DOB_PARTIAL_WITHIN_YEAR]["m_probability"]
    assert agrees == pytest.approx(pattern * partial_dates.YEAR_AGREES)
    assert one_out == pytest.approx(pattern * partial_dates.YEAR_ONE_OUT)
    assert sum(lvl["m_probability"] for lvl in levels) == pytest.approx(1.0)
    # The full-date levels keep their ratios to one another (EM measured those).
    exact, old_exact = levels[0]["m_probability"], old[0]["m_probability"]
    last, old_last = levels[-1]["m_probability"], old[-1]["m_probability"]
    assert exact / last == pytest.approx(old_exact / old_last)
    # Other comparisons are untouched.
    others = [c for c in after["comparisons"] if c["output_column_name"] != "date_of_birth"]
    assert others == [
        c for c in before["comparisons"] if c["output_column_name"] != "date_of_birth"
    ]


def test_no_year_only_dates_leave_the_levels_to_the_floor() -> None:
    after = model.regularised(partial_dates.weighed(_model(), 0.0), u_sample_pairs=1e6)
    levels = _dob_levels(after)
    n = len(levels)
    assert levels[n - 1 - model.DOB_PARTIAL_YEAR]["m_probability"] == model.M_FLOOR
    assert math.isclose(sum(lvl["m_probability"] for lvl in levels), 1.0, rel_tol=0.01)


@pytest.mark.parametrize("share", [0.05, 0.3])
def test_the_town_level_takes_the_share_and_the_rest_keep_proportions(share: float) -> None:
    before = _model()
    after = partial_places.weighed(before, share)
    place = next(c for c in after["comparisons"] if c["output_column_name"] == "place")
    old_place = next(c for c in before["comparisons"] if c["output_column_name"] == "place")
    levels = [lvl for lvl in place["comparison_levels"] if not lvl.get("is_null_level")]
    old = [lvl for lvl in old_place["comparison_levels"] if not lvl.get("is_null_level")]
    n = len(levels)
    pattern = 1 - (1 - share) ** 2
    town = levels[n - 1 - model.PLACE_TOWN_ONLY]["m_probability"]
    assert town == pytest.approx(pattern * partial_places.TOWN_AGREES)
    assert sum(lvl["m_probability"] for lvl in levels) == pytest.approx(1.0)
    assert levels[0]["m_probability"] / levels[-1]["m_probability"] == pytest.approx(
        old[0]["m_probability"] / old[-1]["m_probability"]
    )
    others = [c for c in after["comparisons"] if c["output_column_name"] != "place"]
    assert others == [c for c in before["comparisons"] if c["output_column_name"] != "place"]
