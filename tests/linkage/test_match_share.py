"""u freed of the matches among random pairs (``match_share``): where people are recorded
many times over, the share of random pairs that are one person is read from the pairs
agreeing on forename, surname and birth date and the model's recall of that rule, and
each level's u is solved out of the mixture. Real DuckDB tables; hand-made models."""

from __future__ import annotations

import math
import random
from typing import Any

import duckdb
import pytest

from clearsight.linkage import match_share
from clearsight.linkage.comparisons import comparisons

U_FLOOR = 0.5 / 1e6


def _model(prior: float = 1e-3) -> dict[str, Any]:
    """This version's comparisons: the exact level m 0.8, u 1e-3; the rest m and u 0.01."""
    out: dict[str, Any] = {"probability_two_random_records_match": prior, "comparisons": []}
    for c in comparisons():
        d = c.get_comparison("duckdb").as_dict()
        levels = [lvl for lvl in d["comparison_levels"] if not lvl.get("is_null_level")]
        for lvl in levels:
            lvl.update(m_probability=0.01, u_probability=0.01)
        levels[0].update(m_probability=0.8, u_probability=1e-3)
        out["comparisons"].append(d)
    return out


def _exact(model: dict[str, Any], name: str) -> dict[str, Any]:
    c = next(c for c in model["comparisons"] if c["output_column_name"] == name)
    return next(lvl for lvl in c["comparison_levels"] if not lvl.get("is_null_level"))


def _people(con: duckdb.DuckDBPyConnection, people: int, copies: int, seed: int) -> None:
    """``people`` fictional people, each recorded ``copies`` times; each copy keeps each
    field exactly with probability 0.8 (else a different value): one person's copies
    agree on a field exactly with probability about 0.64."""
    rng = random.Random(seed)
    rows = []
    for p in range(people):
        for _ in range(copies):
            rows.append(
                (
                    f"fore{p}" if rng.random() < 0.8 else f"fore{p}x{rng.random()}",
                    f"sur{p}" if rng.random() < 0.8 else f"sur{p}x{rng.random()}",
                    f"19{p % 90 + 10}-0{p % 9 + 1}-1{p % 9}"
                    if rng.random() < 0.8
                    else f"2001-01-{rng.randrange(10, 28)}",
                )
            )
    con.execute("CREATE TABLE link_input (fn1 VARCHAR, sn VARCHAR, dob VARCHAR)")
    con.executemany("INSERT INTO link_input VALUES (?, ?, ?)", rows)


def test_the_share_is_read_from_the_rule_and_the_models_recall() -> None:
    con = duckdb.connect()
    _people(con, people=200, copies=5, seed=7)
    model = _model()
    for name in ("forenames", "surname", "date_of_birth"):
        _exact(model, name)["m_probability"] = 0.64
    share = match_share.estimated(con, model, "link_input")
    true_share = 200 * (5 * 4 / 2) / (1000 * 999 / 2)
    assert share is not None
    assert true_share / 1.5 < share < true_share * 1.5


def test_no_share_without_the_rules_comparisons() -> None:
    con = duckdb.connect()
    _people(con, people=20, copies=2, seed=1)
    model = _model()
    model["comparisons"] = [
        c for c in model["comparisons"] if c["output_column_name"] != "date_of_birth"
    ]
    assert match_share.estimated(con, model, "link_input") is None


def test_u_is_solved_out_of_the_mixture_and_the_prior_replaced() -> None:
    model = _model(prior=1e-3)
    share = 1e-3
    out, notes = match_share.unmixed(model, share, U_FLOOR)
    dob = _exact(out, "date_of_birth")
    # observed u 1e-3 = share * m (8e-4) + (1 - share) * u: u is 2e-4 / 0.999.
    assert dob["u_probability"] == pytest.approx((1e-3 - share * 0.8) / (1 - share))
    assert out["probability_two_random_records_match"] == share
    assert any("date_of_birth" in n and "exact" in n for n in notes)
    assert notes[0].startswith("one person in 1,000 random pairs")
    # The input model is left as it was.
    assert _exact(model, "date_of_birth")["u_probability"] == 1e-3


def test_u_never_falls_below_the_floor() -> None:
    out, _ = match_share.unmixed(_model(), 0.01, U_FLOOR)
    dob = _exact(out, "date_of_birth")
    assert dob["u_probability"] == U_FLOOR
    assert math.log2(dob["m_probability"] / dob["u_probability"]) > 20


def test_seldom_duplicated_records_leave_the_model_as_trained() -> None:
    # One person in a million random pairs moves no weight by a tenth of a bit.
    model = _model(prior=2e-6)
    out, notes = match_share.unmixed(model, 1e-6, U_FLOOR)
    assert out == model
    assert notes == []
