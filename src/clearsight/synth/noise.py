"""Identity variants: how one true person ends up spelled, dated and numbered differently
in different records. Every function takes the run's random source, so output is
reproducible from the seed."""

from __future__ import annotations

import random
import string
from datetime import date
from functools import lru_cache

from clearsight.synth.identifiers import nhs_valid
from clearsight.synth.pools import Pools

_LOWER = string.ascii_lowercase


@lru_cache(maxsize=65536)
def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def typo(word: str, rnd: random.Random) -> str:
    """One edit: substitute, delete, insert or swap neighbours (names keep 2+ letters)."""
    if len(word) < 3:
        return word
    i = rnd.randrange(1, len(word))  # keep the initial: people rarely mistype it
    kind = rnd.randrange(4)
    if kind == 0:
        return word[:i] + rnd.choice(_LOWER) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + rnd.choice(_LOWER) + word[i:]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rnd.choice(_LOWER)


def forename_variant(name: str, pools: Pools, rnd: random.Random) -> str:
    x = rnd.random()
    if x < 0.30 and name in pools.nicknames:
        options = pools.nicknames[name]
        return options[rnd.randrange(len(options))]
    if x < 0.55 and name in pools.spellings:
        options = pools.spellings[name]
        return options[rnd.randrange(len(options))]
    if x < 0.85:
        return typo(name, rnd)
    return name[0]


def surname_variant(name: str, pools: Pools, rnd: random.Random) -> str:
    if name in pools.spellings and rnd.random() < 0.6:
        options = pools.spellings[name]
        return options[rnd.randrange(len(options))]
    return typo(name, rnd)


def names(
    forename: str, middle: str, surname: str, pools: Pools, rnd: random.Random, care: float
) -> tuple[str, str]:
    """Forenames and surname as one record holds them. ``care`` near 1 means few variants."""
    x = rnd.random()
    mess = 1.0 - care
    first = forename
    last = surname
    if x < 0.5 * mess:
        first = forename_variant(forename, pools, rnd)
    elif x < 0.75 * mess:
        last = surname_variant(surname, pools, rnd)
    elif x < 0.85 * mess:
        first = f"{forename[0]}."
    forenames = f"{first} {middle}" if middle and rnd.random() < 0.5 else first
    if rnd.random() < 0.08 * mess:
        # Forename and surname entered the wrong way round.
        return last, forenames
    return forenames, last


def date_of_birth(
    dob: int, rnd: random.Random, missing: float, partial: float = 0.07, day_first: float = 0.0
) -> str:
    """As one record holds it: missing, partial (``partial`` of records, month or year
    only), day and month transposed, a year out, or written day-first (``dd/mm/yyyy``)."""
    x = rnd.random()
    if x < missing:
        return ""
    x = rnd.random()
    day = date.fromordinal(dob)
    if x < partial * 0.55:
        return f"{day.year:04d}-{day.month:02d}"
    if x < partial:
        return f"{day.year:04d}"
    x = rnd.random()
    if x < 0.02 and day.day <= 12 and day.day != day.month:
        return f"{day.year:04d}-{day.day:02d}-{day.month:02d}"
    if x < 0.05:
        year = day.year + rnd.choice((-1, 1))
        return f"{year:04d}-{day.month:02d}-{min(day.day, 28):02d}"
    if x < 0.05 + day_first:
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return iso(dob)


def postcode(code: str, rnd: random.Random) -> str:
    x = rnd.random()
    if x < 0.7:
        return code
    compact = code.replace(" ", "")
    if x < 0.8:
        return compact.lower()
    if x < 0.87:
        return code.replace(" ", "  ")
    if x < 0.94:
        return compact
    return code.lower()


def phone(number: str, rnd: random.Random) -> str:
    """``number`` is 11 national digits; agencies write it many ways."""
    x = rnd.random()
    if number.startswith("07"):
        rest = number[1:]
        if x < 0.35:
            return f"{number[:5]} {number[5:]}"
        if x < 0.55:
            return number
        if x < 0.7:
            return f"+44 {rest[:4]} {rest[4:]}"
        if x < 0.8:
            return f"44{rest}"
        if x < 0.9:
            return f"+44{rest}"
        return f"{number[:5]}-{number[5:8]}-{number[8:]}"
    area, local = (number[:3], number[3:]) if number.startswith("02") else (number[:4], number[4:])
    if number.startswith("01632"):
        area, local = number[:5], number[5:]
    if x < 0.4:
        return f"({area}) {local[:3]} {local[3:]}"
    if x < 0.7:
        return f"{area} {local[:3]} {local[3:]}"
    return number


def nhs(number: str, rnd: random.Random, error: float) -> str:
    if rnd.random() >= error:
        return number if rnd.random() < 0.85 else f"{number[:3]} {number[3:6]} {number[6:]}"
    # A keying error: change one digit until the checksum no longer holds.
    for _ in range(10):
        i = rnd.randrange(10)
        wrong = number[:i] + str((int(number[i]) + rnd.randint(1, 9)) % 10) + number[i + 1 :]
        if not nhs_valid(wrong):
            return wrong
    return number


def vehicle(mark: str, rnd: random.Random) -> str:
    x = rnd.random()
    if x < 0.6:
        return mark
    if x < 0.8:
        return mark.replace(" ", "")
    if x < 0.9:
        return mark.lower()
    return mark.replace(" ", "").lower()
