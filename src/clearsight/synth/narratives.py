"""Practitioner narratives filled from templates (``data/narratives.yaml``).

A share of narratives about children uses victim-blaming language, and a smaller share
uses hard negatives that look similar but are acceptable; the label of every narrative is
kept in the truth so a language checker can be scored.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from clearsight.synth.pools import Pools

# Contexts where the narrative is about a child at risk: these carry blaming language.
CHILD_CONTEXTS = frozenset(
    {
        "police_cse_crime",
        "police_missing",
        "csc_cse_referral",
        "csc_strategy",
        "health_cse",
        "education_cse",
        "vcs_cse",
        "police_missing_bg",
    }
)
# Everyday contexts that may be about a child: blaming language appears when they are.
EVERYDAY_CHILD_CONTEXTS = frozenset({"csc_referral", "health", "education", "vcs"})
BLAMING_RATE = 0.13
HARD_NEGATIVE_RATE = 0.08
_PRONOUNS = {
    "female": {"she": "she", "She": "She", "her": "her", "herself": "herself"},
    "male": {"she": "he", "She": "He", "her": "his", "herself": "himself"},
}


@dataclass(frozen=True)
class Slots:
    name: str = ""
    age: int = 14
    sex: str = "female"
    place: str = "an address"
    town: str = "the town centre"
    vehicle: str = "car"
    offence: str = "an offence"
    street: str = "the high street"


def write(
    context: str, slots: Slots, pools: Pools, rnd: random.Random, child: bool = False
) -> tuple[str, str]:
    """A narrative for ``context`` and its label: neutral, blaming or hard_negative.

    About one in eight narratives about a child at risk uses blaming language; ``child``
    says an everyday context (a referral, an attendance) is about a child.
    """
    label = "neutral"
    templates = pools.contexts[context]
    if context in CHILD_CONTEXTS or (child and context in EVERYDAY_CHILD_CONTEXTS):
        x = rnd.random()
        rate = BLAMING_RATE
        if x < rate:
            label, templates = "blaming", pools.blaming
        elif x < rate + HARD_NEGATIVE_RATE:
            label, templates = "hard_negative", pools.hard_negative
    template = templates[rnd.randrange(len(templates))]
    pronouns = _PRONOUNS.get(slots.sex, _PRONOUNS["female"])
    adult_age = rnd.randint(19, 34)
    text = template.format(
        name=slots.name or ("the child" if slots.age < 18 else "the person"),
        age=slots.age,
        adult_age=adult_age,
        place=slots.place,
        town=slots.town,
        vehicle=slots.vehicle,
        offence=slots.offence,
        street=slots.street,
        **pronouns,
    )
    return text[0].upper() + text[1:], label
