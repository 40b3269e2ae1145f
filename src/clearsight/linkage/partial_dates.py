"""What a year of birth recorded alone is worth against a full date.

A partner often records a year only: a charity writes the year a young person gives or
works one back from an age ("15"), a hospital an estimated age, a system a 1 January
placeholder (``features.py`` reads it as the year). The birth-date comparison has two
levels for such a pair (``comparisons.py``): the year agrees, or it is one out.

EM cannot weigh them. It trains the birth date on pairs that agree on another identifier
(an NHS number, held by health and social care, which record full dates), and those
pairs hold next to no year-only date, so EM leaves the two levels at the floor of m: a
year that agrees then counted *against* a pair, and the charity's record of a child
named in full, with her year and town, stayed apart from her police record. Their m is
set instead from two facts stated here, and u stays as random sampling measured it.
"""

from __future__ import annotations

import json
from typing import Any

from clearsight.linkage.model import DOB_PARTIAL_WITHIN_YEAR, DOB_PARTIAL_YEAR

# 1. How often one person's two dated records hold a year-only date is how often any
# two dated records do: an agency records a year only because of what it was told or
# how its form works, not because of whom it was told about (issue 18: a missing value
# is neutral, never evidence for or against). So the share is measured on the records.
#
# 2. Given one date is a year only, how often the years agree for one person. A year
# worked back from an age given on some day is the year of birth for the part of the
# year after the birthday and one after it for the part before: about half agree and
# half are one out. A year given as a year agrees; counting every partial year as
# worked back from an age is the cautious choice (it weighs agreement least). A share
# is kept for an age misstated or guessed (children being exploited are often told to
# give an older age; a professional's estimate of an adult's age is rough): a year one
# before, or further out, which falls in the "else" level with strangers.
YEAR_AGREES = 0.5
YEAR_ONE_OUT = 0.4

DATE_OF_BIRTH = "date_of_birth"


def weighed(model: dict[str, Any], share: float) -> dict[str, Any]:
    """The model with the year-only levels' m set from ``share`` (see the module).

    ``share`` is ``Design.year_only_share``: of the records with a year of birth, the
    share holding the year only.
    """
    return with_partial_levels(
        model,
        DATE_OF_BIRTH,
        share,
        {DOB_PARTIAL_YEAR: YEAR_AGREES, DOB_PARTIAL_WITHIN_YEAR: YEAR_ONE_OUT},
    )


def with_partial_levels(
    model: dict[str, Any], comparison_name: str, share: float, agreement: dict[int, float]
) -> dict[str, Any]:
    """The model with the m of a comparison's partial-value levels set from ``share``.

    ``share`` is the share of records holding a partial value (a year only, a town
    only); ``agreement`` maps each partial level (numbered as Splink numbers them, from
    the else level, 0, up) to how often one person's pair falls in it given one value
    is partial. The pairs in which one value is partial are ``1 - (1 - share)^2`` of
    the pairs, for one person's records as for strangers'. The other levels keep their
    proportions among the remaining pairs: EM measured them on pairs of two full values.
    """
    out: dict[str, Any] = json.loads(json.dumps(model))
    pattern = 1.0 - (1.0 - share) ** 2
    for comparison in out["comparisons"]:
        if comparison.get("output_column_name") != comparison_name:
            continue
        levels = [lvl for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")]
        partial = {len(levels) - 1 - level: m for level, m in agreement.items()}
        others = sum(
            float(lvl.get("m_probability") or 0.0)
            for i, lvl in enumerate(levels)
            if i not in partial
        )
        scale = (1.0 - pattern * sum(partial.values())) / others if others > 0 else 0.0
        for i, lvl in enumerate(levels):
            if i in partial:
                lvl["m_probability"] = pattern * partial[i]
            elif lvl.get("m_probability") is not None:
                lvl["m_probability"] = float(lvl["m_probability"]) * scale
    return out
