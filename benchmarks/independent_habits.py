"""Recording habits of the independent person generator (``independent_persons.py``).

Which agencies know a person of each age, and how each agency's system writes a person
down, drawn per seed: written for this benchmark from how agencies in England and Wales
record people, not from Clearsight's own generator.
"""

from __future__ import annotations

import random
from typing import Any

# ---------------------------------------------------------------- who is recorded where

# Chance that a person of each age band is known to each agency type of their area.
RECORDED: dict[str, tuple[float, float, float]] = {
    # agency: (child 10-17, young adult 18-25, adult 26+)
    "police": (0.45, 0.75, 0.55),
    "childrens_social_care": (0.7, 0.25, 0.3),
    "health": (0.55, 0.3, 0.25),
    "education": (0.6, 0.05, 0.0),
    "voluntary_sector": (0.35, 0.3, 0.2),
    "youth_justice": (0.12, 0.05, 0.0),
}
SHORT = {
    "police": "police",
    "childrens_social_care": "csc",
    "health": "health",
    "education": "edu",
    "voluntary_sector": "vcs",
    "youth_justice": "yjs",
}
EVENTS = {
    "police": ("incident", "crime", "missing_episode", "intelligence"),
    "childrens_social_care": ("referral", "strategy_meeting"),
    "health": ("health_attendance",),
    "education": ("education_concern",),
    "voluntary_sector": ("referral",),
    "youth_justice": ("other",),
}


def agency_habits(rng: random.Random, agency: str) -> dict[str, Any]:
    """How one agency's system records a person, drawn per seed (rates vary by source)."""
    jitter = rng.uniform(0.6, 1.5)
    h: dict[str, Any] = {
        "name": "split",
        "upper": False,
        "middle": 0.5,
        "nickname": 0.02,
        "no_surname": 0.0,
        "alias": 0.0,
        "dob": {"full": 0.95},
        "postcode_col": 0.9,
        "address": "line",
        "phone": 0.0,
        "nhs": 0.0,
        "sex": 0.95,
        "typo": 0.04 * jitter,
        "translit": 0.3,
        "swap_dm": 0.02 * jitter,
        "former": 0.4,
        "moved": 0.5,
        "barrel_part": 0.4,
    }
    if agency == "police":
        h.update(upper=rng.random() < 0.3, middle=0.7, alias=0.15, dob={"full": 0.93})
        h.update(postcode_col=0.95, phone=0.35)
    elif agency == "childrens_social_care":
        # One name column exported as "SURNAME, Forenames", mapped to one of the two.
        h.update(name=rng.choice(("comma_forenames", "comma_surname", "split")), upper=True)
        h.update(nhs=0.7, dob={"full": 0.92}, phone=0.2, address="line_pc")
        h.update(postcode_col=rng.choice((0.0, 0.0, 0.8)), middle=0.3)
    elif agency == "health":
        h.update(name=rng.choice(("comma_forenames", "comma_surname")), upper=True, nhs=1.0)
        h.update(dob={"full": 0.99}, phone=0.5, middle=0.8, swap_dm=0.005)
    elif agency == "education":
        h.update(nickname=0.25, no_surname=0.02, dob={"full": 0.96}, postcode_col=0.0)
        h.update(address="line_pc", middle=0.1, sex=0.8)
    elif agency == "voluntary_sector":
        h.update(nickname=0.45, no_surname=0.35, middle=0.0, postcode_col=0.0, phone=0.5)
        h.update(address="mixed", sex=0.5, translit=0.4)
        h["dob"] = {"full": 0.12, "year": 0.25, "jan1": 0.2, "age": 0.25}
    elif agency == "youth_justice":
        h.update(upper=rng.random() < 0.5, nhs=0.3, alias=0.1, dob={"full": 0.97})
    return h
