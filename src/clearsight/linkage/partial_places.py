"""What a town recorded alone is worth against an address.

A partner often records where a person lives as far as it knows it: a charity's contact
sheet or a referral says "Halifax", with no house, street or postcode (``features.py``
reads such a place as ``addr_town_only``). The place comparison has a level for it
(``comparisons.py``): the town agrees, one address a town only.

EM cannot weigh it, for the reason it could not weigh a year of birth recorded alone
(``partial_dates.py``): it trains the place on pairs that agree on another identifier (a
full birth date, an NHS number), which the sources that write a town alone seldom hold,
so the level's m is how often such records happen to be among those pairs, not how often
one person's town agrees; it came out barely above u, and a town that agreed was worth
almost nothing. Its m is set instead from two facts stated here, and u stays as random
sampling measured it (how often two strangers' records name one town).
"""

from __future__ import annotations

from typing import Any

from clearsight.linkage.model import PLACE_TOWN_ONLY
from clearsight.linkage.partial_dates import with_partial_levels

# 1. How often one person's two records with a place hold a town alone is how often any
# two such records do: an agency records a town alone because of what it was told or how
# its form works, not because of whom it was told about (issue 18: a missing value is
# neutral). So the share is measured on the records (``design.town_only_share``).
#
# 2. Given one place is a town alone, how often one person's other record is in that
# town. Two agencies' records of one person are made months or years apart and people
# move, most of them within their town; a partner may also name the town where it met a
# young person rather than where they live (children being exploited are often seen
# away from home). Counting three in ten of one person's such pairs as in another town
# is a cautious choice: it weighs agreement less than a town that seldom changes would.
TOWN_AGREES = 0.7

PLACE = "place"


def weighed(model: dict[str, Any], share: float) -> dict[str, Any]:
    """The model with the town level's m set from ``share`` (see the module).

    ``share`` is ``Design.town_only_share``: of the records with a place, the share
    holding a town alone.
    """
    return with_partial_levels(model, PLACE, share, {PLACE_TOWN_ONLY: TOWN_AGREES})
