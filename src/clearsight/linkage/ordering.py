"""Ordered levels: no partial agreement of a field weighs more than its exact agreement.

Every comparison's first level after the null level is the field's complete agreement
(the same birth date, the same address and postcode, the same NHS number) and its last
is disagreement; the levels between are partial agreements that relax it (a keying
error, a transposed day and month, a postcode alone). The forenames are compared in part
first: their partial levels (a nickname, a keystroke, an initial) relax the first
forename's exact agreement (``ANCHOR``), and "every forename agrees" above it is the
fuller agreement of two or more names, which weighs at least as much.
Whatever a pair of records shows at a partial level, the same pair agreeing exactly
would be at least as much evidence that they are one person: in the Fellegi-Sunter
model the Bayes factor of the exact level is the upper bound of its field's agreement
levels.

Unsupervised training can break that order, and does where it has few pairs or where
the data's errors are not independent of one another:

- EM blocked on the names trains the birth date on pairs that agree on both names.
  Where a source's duplicates carry one error each (benchmark generators corrupt one
  field per copy), nearly every such pair differs in its birth date, so EM learns that
  one person's two records rarely agree exactly on it: the exact birth date came to
  weigh less than one character of the day or month differing.
- A level that neither the EM pairs nor the random sample reached keeps its floors
  (``model.M_FLOOR`` and half of one sampled pair): a Bayes factor of about 2,000 that
  no record showed, above an exact forename's.

So after training: the exact level is raised to the strongest partial level that the
data did estimate (its m above the floor and its u above the floor), and every partial
level is then capped at the exact level. Both change m only; u, and with it the
term-frequency adjustments, stay as estimated. Each change is a run-log note.

One level stands for two fields: forename and surname swapped (``comparisons.SWAPPED``)
is scored by the forenames comparison while the surname comparison is null for the
pair, so that the one fact is counted once. It is no partial agreement of the forename
alone: the pair agrees on both names, crossed. The same pair agreeing exactly would
agree on the forename and on the surname, so its bound is the sum of both exact
weights, and it does not raise the forename's exact level (capped at the forename's
exact weight, a person recorded with the names in the wrong fields lost the surname's
evidence, and every exact forename was raised towards it).
"""

from __future__ import annotations

import json
import math
from typing import Any

from clearsight.linkage.comparisons import FIRST_FORENAME_LABEL, SWAPPED_LABEL
from clearsight.linkage.model import M_FLOOR

# Levels that score several fields at once: (comparison, level label) -> the comparisons
# whose exact agreements together bound it.
SPANNING = {("forenames", SWAPPED_LABEL): ("forenames", "surname")}
# A field compared in part first: the level whose partial agreements the levels below it
# relax. The forenames' partial levels (a nickname, one keystroke, an initial) relax the
# *first* forename's exact agreement, so that level bounds them and bounds names swapped
# (which cross the first forename); "every forename agrees", above it, is two names'
# evidence and only has to weigh at least as much as the first alone. Without it a
# keystroke in the first forename was capped at two names' weight, above the first
# forename agreeing exactly (benchmarks/README.md, session 31).
ANCHOR = {"forenames": FIRST_FORENAME_LABEL}


def _weight(level: dict[str, Any]) -> float:
    return math.log2(float(level["m_probability"]) / float(level["u_probability"]))


def _estimated(level: dict[str, Any], u_floor: float) -> bool:
    return float(level["m_probability"]) > M_FLOOR and float(level["u_probability"]) > u_floor


def ordered(model: dict[str, Any], u_sample_pairs: float) -> tuple[dict[str, Any], list[str]]:
    """The model with each comparison's levels in order, and a note per change.

    ``model`` is regularised (``model.regularised``): every non-null level has an m and
    a u at or above the floors that ``u_sample_pairs`` sets.
    """
    u_floor = 0.5 / u_sample_pairs
    out: dict[str, Any] = json.loads(json.dumps(model))
    notes: list[str] = []
    exact_weights: dict[str, float] = {}
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        if len(levels) < 2:
            continue
        at = next(
            (i for i, lvl in enumerate(levels) if lvl.get("label_for_charts") == ANCHOR.get(name)),
            0,
        )
        exact_weights[name] = _weight(levels[at])
        if len(levels) < 3:
            continue  # agreement and disagreement only: nothing to order
        exact = levels[at]
        partial = [
            lvl
            for lvl in levels[at + 1 : -1]
            if (name, lvl.get("label_for_charts")) not in SPANNING
        ]
        strongest = max(
            (lvl for lvl in partial if _estimated(lvl, u_floor)), key=_weight, default=None
        )
        if strongest is not None and _weight(strongest) > _weight(exact):
            before = _weight(exact)
            exact["m_probability"] = min(
                1.0, float(exact["u_probability"]) * 2 ** _weight(strongest)
            )
            notes.append(
                f"{name}: exact agreement ({before:.1f}) raised to {_weight(exact):.1f} "
                f"towards '{strongest.get('label_for_charts')}' ({_weight(strongest):.1f}; "
                "at most an m of 1): no partial agreement outweighs the exact one"
            )
        exact_weights[name] = top = _weight(exact)
        for lvl in partial:
            if _weight(lvl) > top:
                before = _weight(lvl)
                lvl["m_probability"] = float(lvl["u_probability"]) * 2**top
                notes.append(
                    f"{name}: '{lvl.get('label_for_charts')}' ({before:.1f}) capped at "
                    f"{top:.1f}, the exact agreement's weight"
                )
        for lvl in levels[:at]:
            if _weight(lvl) < top:
                before = _weight(lvl)
                lvl["m_probability"] = min(1.0, float(lvl["u_probability"]) * 2**top)
                notes.append(
                    f"{name}: '{lvl.get('label_for_charts')}' ({before:.1f}) raised to "
                    f"{_weight(lvl):.1f}: a fuller agreement weighs at least the exact "
                    f"'{exact.get('label_for_charts')}'"
                )
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        for lvl in comparison["comparison_levels"]:
            fields = SPANNING.get((name, lvl.get("label_for_charts")))
            if fields is None or lvl.get("is_null_level"):
                continue
            # A field the model does not compare adds nothing to the bound.
            top = sum(exact_weights.get(field, 0.0) for field in fields)
            if _weight(lvl) > top:
                before = _weight(lvl)
                lvl["m_probability"] = min(1.0, float(lvl["u_probability"]) * 2**top)
                notes.append(
                    f"{name}: '{lvl.get('label_for_charts')}' ({before:.1f}) capped at "
                    f"{_weight(lvl):.1f}, the exact agreement of {' and '.join(fields)}"
                )
    return out, notes
