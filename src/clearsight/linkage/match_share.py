"""How many random pairs are one person, and the u probabilities freed of them.

Splink estimates each level's u (how often two different people agree) from random
pairs of records, taking every random pair for two different people. Where people
are recorded many times over (a child known to every agency, a file of several
records a person) a random pair is one person often enough to matter: the share of
random pairs that agree on a level is a mixture,

    observed(level) = share * m(level) + (1 - share) * u(level),

and the observed share for an agreeing date of birth is then mostly the matches'
(an exact birth date weighed little more than a town). Solving the mixture for u
needs ``share``, the chance that two random records are one person. Splink's own
estimate of it (``estimate_probability_two_random_records_match``) divides the pairs
a deterministic rule finds by an assumed recall (0.7, its tutorials' figure); here
the recall is what the trained model says it is: the chance that two records of one
person both hold the rule's fields (each field's fill rate, squared) and agree on
each exactly (each exact level's m, trained by EM). That is the Fellegi-Sunter
model's own reading of the rule, under its conditional independence.

Where records are seldom duplicated the share is tiny and nothing moves; the change
is noted in the run log only when it moves some level's weight.
"""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb

# The rule whose pairs estimate the share: first forename, surname and full birth
# date agreeing exactly, the rule Splink's tutorials use for the prior. Each column
# is read by the first (exact) non-null level of its comparison.
RULE: tuple[tuple[str, str], ...] = (
    ("fn1", "forenames"),
    ("sn", "surname"),
    ("dob", "date_of_birth"),
)
# A recall below this says EM could not estimate the exact levels (a comparison that
# hardly ever agrees exactly among one person's records): no share is read from it.
MIN_RECALL = 0.02
# A level's weight must move by at least this many bits for the run log to say so.
NOTED_BITS = 0.1


def _exact_m(model: dict[str, Any], name: str) -> float | None:
    for comparison in model["comparisons"]:
        if comparison.get("output_column_name") != name:
            continue
        for lvl in comparison["comparison_levels"]:
            if not lvl.get("is_null_level"):
                m = lvl.get("m_probability")
                return float(m) if isinstance(m, int | float) else None
    return None


def estimated(con: duckdb.DuckDBPyConnection, model: dict[str, Any], table: str) -> float | None:
    """The share of random pairs of ``table``'s records that are one person, or None
    when the rule's comparisons are not all in the model or EM left them untrained."""
    found = [_exact_m(model, comparison) for _, comparison in RULE]
    ms = [m for m in found if m is not None and m > 0]
    if len(ms) < len(RULE):
        return None
    columns = [column for column, _ in RULE]
    filled = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    n, agreeing, *fills = con.execute(
        f"""
        SELECT (SELECT count(*) FROM {table}),
               (SELECT coalesce(sum(k * (k - 1) / 2), 0) FROM (
                    SELECT count(*) AS k FROM {table} WHERE {filled}
                    GROUP BY {", ".join(columns)})),
               {", ".join(f"avg(({c} IS NOT NULL)::DOUBLE)" for c in columns)}
        FROM {table}
        """
    ).fetchall()[0]
    pairs = n * (n - 1) / 2
    recall = math.prod(float(f) ** 2 * m for f, m in zip(fills, ms, strict=True))
    if pairs <= 0 or not agreeing or recall < MIN_RECALL:
        return None
    share: float = min(float(agreeing) / (recall * pairs), 1.0)
    return share


def unmixed(
    model: dict[str, Any], share: float, u_floor: float
) -> tuple[dict[str, Any], list[str]]:
    """The model with each level's u solved out of the mixture, never below
    ``u_floor``, and ``share`` as the prior; the run-log notes of what moved. The
    model unchanged when no level's weight moves by ``NOTED_BITS``."""
    out: dict[str, Any] = json.loads(json.dumps(model))
    notes: list[str] = []
    before = float(out["probability_two_random_records_match"])
    out["probability_two_random_records_match"] = share
    for comparison in out["comparisons"]:
        for lvl in comparison["comparison_levels"]:
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            if lvl.get("is_null_level") or not isinstance(m, int | float):
                continue
            if not isinstance(u, int | float) or u <= 0 or m <= 0:
                continue
            solved = max((u - share * m) / (1 - share), u_floor)
            lvl["u_probability"] = solved
            moved = math.log2(u / solved) if solved > 0 else 0.0
            if moved >= NOTED_BITS:
                notes.append(
                    f"{comparison['output_column_name']}: "
                    f"'{lvl.get('label_for_charts', '?')}' weight {math.log2(m / u):.1f} -> "
                    f"{math.log2(m / solved):.1f} (u freed of the matches among random pairs)"
                )
    if not notes:
        # Nothing moves where records are seldom duplicated: the model stays as
        # trained, prior included, so such runs score exactly as before.
        return model, []
    notes.insert(
        0,
        f"one person in {1 / share:,.0f} random pairs (Splink's estimate: one in "
        f"{1 / before:,.0f}), from pairs agreeing on forename, surname and birth "
        "date and the model's recall of that rule",
    )
    return out, notes
