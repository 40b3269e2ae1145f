"""People and how an agency writes one down, for the independent person generator.

``Person`` and ``Home`` are the registered facts of a person of ``independent_persons.py``;
``render`` is one agency's record of them, with the habits ``independent_habits`` draws:
the departures it makes (a nickname, a transliteration, a former or partial surname, a
typing error, a year of birth or an age, a former address, a town for an address) are
returned as the record's kinds. Written for this benchmark without reading Clearsight's
own generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from independent_names import NICKNAMES, STREET_ABBREVIATIONS, VARIANTS

EXTRACT = date(2025, 9, 30)
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass
class Home:
    number: int
    street: str
    town: str
    postcode: str


@dataclass
class Person:
    pid: str
    forename: str
    middle: str
    surname: str
    sex: str
    dob: date
    area: str
    home: Home
    nhs: str
    phone: str | None
    former_surname: str | None = None
    old_home: Home | None = None
    kinds: list[str] = field(default_factory=list)

    def age(self) -> int:
        return (EXTRACT - self.dob).days // 365


def _typo(rng: random.Random, word: str) -> str:
    """One keystroke wrong: a neighbouring key, a key dropped, doubled or two swapped."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    c = word[i].lower()
    row = next((r for r in KEYBOARD if c in r), None)
    kind = rng.choice(("sub", "drop", "double", "swap"))
    if kind == "sub" and row is not None:
        j = row.index(c)
        near = row[j + 1] if j + 1 < len(row) else row[j - 1]
        return word[:i] + near + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _variant(rng: random.Random, name: str) -> str | None:
    for group in VARIANTS:
        if name in group:
            return rng.choice([v for v in group if v != name])
    return None


def _dob_text(rng: random.Random, p: Person, h: dict[str, Any], kinds: list[str]) -> str:
    shares = h["dob"]
    r = rng.random()
    for style in ("full", "year", "jan1", "age"):
        share = shares.get(style, 0.0)
        if r >= share:
            r -= share
            continue
        d = p.dob
        if style == "full":
            if d.day <= 12 and d.day != d.month and rng.random() < h["swap_dm"]:
                kinds.append("dm_swap")
                return f"{d.year:04d}-{d.day:02d}-{d.month:02d}"
            return d.isoformat()
        if style == "age":  # worked back from an age given at the referral
            kinds.append("age_estimate")
            year = EXTRACT.year - p.age() - rng.choice((0, 0, 1))
            return f"{year}-01-01" if rng.random() < 0.5 else str(year)
        kinds.append("partial_dob")
        return str(d.year) if style == "year" else f"{d.year}-01-01"
    kinds.append("no_dob")
    return ""


def _address(rng: random.Random, home: Home, style: str) -> tuple[str, bool]:
    """The address as free text, and whether the postcode is written inside it."""
    kind = home.street.split()[-1]
    street = home.street
    if kind in STREET_ABBREVIATIONS and rng.random() < 0.4:
        street = street.replace(kind, STREET_ABBREVIATIONS[kind])
    line = f"{home.number} {street}, {home.town}"
    if style == "mixed":
        style = rng.choices(("town", "line_pc", "none"), weights=(0.45, 0.35, 0.2))[0]
    if style == "town":
        return home.town, False
    if style == "none":
        return "", False
    if style == "line_pc":
        pc = home.postcode if rng.random() < 0.7 else home.postcode.replace(" ", "")
        return (f"{line} {pc}" if rng.random() < 0.5 else f"{line}, {pc}"), True
    return line, False


def render(rng: random.Random, p: Person, h: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """One record of ``p`` as an agency with habits ``h`` would hold it, and its kinds."""
    kinds: list[str] = []
    forename, surname = p.forename, p.surname
    if rng.random() < h["nickname"] and forename in NICKNAMES:
        forename = rng.choice(NICKNAMES[forename])
        kinds.append("nickname")
    elif rng.random() < h["translit"] and (v := _variant(rng, forename)) is not None:
        forename = v
        kinds.append("translit")
    if p.former_surname and rng.random() < h["former"]:
        surname = p.former_surname
        kinds.append("surname_change")
    elif "-" in surname and rng.random() < h["barrel_part"]:
        surname = rng.choice(surname.split("-"))
        kinds.append("barrel_part")
    elif rng.random() < h["translit"] and (v := _variant(rng, surname)) is not None:
        surname = v
        kinds.append("translit")
    if rng.random() < h["typo"]:
        if rng.random() < 0.5:
            forename = _typo(rng, forename)
        else:
            surname = _typo(rng, surname)
        kinds.append("typo")
    given = f"{forename} {p.middle}" if p.middle and rng.random() < h["middle"] else forename
    if rng.random() < h["no_surname"]:
        surname = ""
        kinds.append("no_surname")
    fore_col, sur_col = given, surname
    if h["name"] != "split" and surname:
        one = f"{surname.upper()}, {given}"
        kinds.append("comma_name")
        fore_col, sur_col = (one, "") if h["name"] == "comma_forenames" else ("", one)
    if h["upper"]:
        fore_col, sur_col = fore_col.upper(), sur_col.upper()
    home = p.home
    if p.old_home is not None and rng.random() < h["moved"]:
        home = p.old_home
        kinds.append("moved")
    address, inside = _address(rng, home, h["address"])
    postcode = home.postcode if address and rng.random() < h["postcode_col"] else ""
    if inside and rng.random() < 0.5:
        address = address.upper()
    phone = ""
    if p.phone and rng.random() < h["phone"]:
        phone = p.phone if rng.random() < 0.6 else f"+44 {p.phone[1:5]} {p.phone[5:]}"
    alias = ""
    if rng.random() < h["alias"] and p.forename in NICKNAMES:
        alias = rng.choice(NICKNAMES[p.forename])
    row = {
        "forenames": fore_col,
        "surname": sur_col,
        "aliases": alias,
        "date_of_birth": _dob_text(rng, p, h, kinds),
        "sex": p.sex if rng.random() < h["sex"] else "",
        "postcode": postcode,
        "address": address,
        "phones": phone,
        "nhs_number": p.nhs if rng.random() < h["nhs"] else "",
    }
    return row, kinds
