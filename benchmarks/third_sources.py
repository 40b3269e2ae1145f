"""The sources of the third generator (``third_persons.py``): who each agency holds,
the habits it draws per seed, and one person's record as it writes it.

A profile is drawn per source and seed around the agency's usual practice (children's
social care and GP-derived health lists show ``SURNAME, Forenames``; custody systems
write upper case; a charity types a first name and a town; only health and children's
social care hold NHS numbers), so which source does what varies by seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from third_habits import (
    initials,
    ocr_slip,
    one_column,
    plain_letters,
    punctuation_dropped,
    slip,
    swap_day_month,
    write_date,
    write_nhs,
    write_phone,
    write_postcode,
    write_street,
)
from third_names import SPELLINGS

if TYPE_CHECKING:
    from third_persons import Person


@dataclass(frozen=True)
class Kind:
    agency_type: str
    child: float  # chance a child of its area is on its system
    parent: float
    adult: float
    min_age: int
    max_age: int
    event_types: tuple[str, ...]
    child_roles: tuple[str, ...]
    adult_roles: tuple[str, ...]


SOURCE_KINDS: dict[str, Kind] = {
    "police": Kind("police", 0.40, 0.30, 0.70, 0, 120,
                   ("crime", "incident", "intelligence", "missing_episode"),
                   ("victim", "missing_person", "witness", "suspect"),
                   ("suspect", "reporting_person", "witness", "associate", "offender")),
    "csc": Kind("childrens_social_care", 0.45, 0.45, 0.05, 0, 120,
                ("referral", "strategy_meeting"), ("subject",), ("associate",)),
    "health": Kind("health", 0.40, 0.20, 0.15, 0, 120, ("health_attendance", "referral"),
                   ("subject",), ("subject", "associate")),
    "education": Kind("education", 0.60, 0.25, 0.0, 4, 120, ("education_concern",),
                      ("subject",), ("associate",)),
    "youth_justice": Kind("youth_justice", 0.15, 0.0, 0.0, 10, 17,
                          ("court_outcome", "other"), ("offender", "subject"), ("associate",)),
    "charity": Kind("voluntary_sector", 0.20, 0.05, 0.10, 11, 120, ("referral", "other"),
                    ("subject",), ("associate", "subject")),
    "housing": Kind("local_authority_other", 0.0, 0.35, 0.25, 16, 120, ("other",),
                    ("subject",), ("subject",)),
}  # fmt: skip

ORGANISATIONS = {
    "police": "{town} area police (synthetic)",
    "csc": "{town} children's social care (synthetic)",
    "health": "{town} community health trust (synthetic)",
    "education": "{town} education welfare service (synthetic)",
    "youth_justice": "{town} youth justice service (synthetic)",
    "charity": "{town} young people's project (synthetic charity)",
    "housing": "{town} housing options (synthetic)",
}


@dataclass
class Profile:
    """One source's habits, drawn per seed."""

    kind: str
    area: str
    source_id: str
    organisation: str
    layout: str = "split"  # or a one-column style: comma, comma_initial, surname_first, ...
    upper: bool = False
    middle: str = "field"  # field, drop, initial
    initials_rate: float = 0.0
    known_as_rate: float = 0.1
    alias_rate: float = 0.0
    spelling_rate: float = 0.05
    accents_kept: bool = False
    punct_rate: float = 0.2
    typo_rate: float = 0.02
    ocr_rate: float = 0.0
    masculine_rate: float = 0.1
    patronymic_rate: float = 0.3
    family_first_rate: float = 0.1
    sikh_family_rate: float = 0.3
    old_name_rate: float = 0.3
    dob_child: float = 0.97
    dob_adult: float = 0.7
    date_styles: dict[str, float] = field(default_factory=lambda: {"iso": 1.0})
    estimated_rate: float = 0.05
    placeholder_rate: float = 0.01
    swap_rate: float = 0.01
    dob_typo_rate: float = 0.01
    postcode_fill: float = 0.8
    postcode_styles: dict[str, float] = field(default_factory=lambda: {"spaced": 1.0})
    address_fill: float = 0.6
    abbreviate: bool = False
    old_address_rate: float = 0.4
    nfa_rate: float = 0.0
    nhs_fill: float = 0.0
    nhs_spaced: float = 0.0
    nhs_mistype: float = 0.0
    sex_fill: float = 0.9
    sex_letters: bool = False
    ethnicity_fill: float = 0.5
    phone_fill: float = 0.0
    duplicate_rate: float = 0.01
    named_by_others: float = 0.0
    serial: int = 0

    def next_id(self, rng: random.Random) -> str:
        self.serial += rng.randrange(1, 40)
        prefix = "".join(w[0] for w in self.source_id.split("-")).upper()
        return f"{prefix}{self.serial:07d}"


def draw_profile(rng: random.Random, kind: str, area: str, index: int) -> Profile:
    """The habits of one source this seed, around its agency's usual practice."""
    from third_persons import AREAS

    town = AREAS[area][0][0]
    sid = f"{town.lower()}-{kind.replace('_', '-')}-{index + 1}"
    p = Profile(kind, area, sid, ORGANISATIONS[kind].format(town=town))
    r = rng.random
    p.upper = r() < {"police": 0.7, "youth_justice": 0.5}.get(kind, 0.15)
    one_col = {"csc": 0.6, "health": 0.6, "charity": 0.4, "housing": 0.3}.get(kind, 0.1)
    if r() < one_col:
        p.layout = rng.choice(
            ("comma", "comma", "comma_initial", "surname_first", "forename_first")
        )
    p.middle = rng.choice(("field", "drop", "initial", "drop"))
    p.initials_rate = 0.03 if kind in ("police", "housing") and r() < 0.5 else 0.0
    p.known_as_rate = {"education": 0.5, "charity": 0.7, "youth_justice": 0.4}.get(kind, 0.1)
    p.alias_rate = 0.6 if kind in ("police", "youth_justice") else 0.1
    p.spelling_rate = rng.uniform(0.05, 0.25)
    p.accents_kept = kind == "health" and r() < 0.5
    p.punct_rate = rng.uniform(0.1, 0.6)
    p.typo_rate = rng.uniform(0.01, 0.05)
    p.ocr_rate = rng.uniform(0.02, 0.06) if kind in ("charity", "housing") else 0.0
    p.masculine_rate = rng.uniform(0.0, 0.4)
    p.patronymic_rate = rng.uniform(0.1, 0.5)
    p.family_first_rate = rng.uniform(0.0, 0.3)
    p.sikh_family_rate = rng.uniform(0.1, 0.6)
    p.old_name_rate = rng.uniform(0.1, 0.6)
    p.dob_adult = {"police": 0.85, "health": 0.95, "housing": 0.9}.get(kind, 0.4)
    p.dob_child = 0.99 if kind != "charity" else 0.75
    styles = ("iso", "dmy", "dmy_short", "dmy_dash")
    main_style = rng.choice(styles[:2]) if kind != "charity" else rng.choice(styles)
    p.date_styles = {main_style: 0.9, "iso": 0.05, "dmy": 0.05}
    p.estimated_rate = {"police": 0.06, "charity": 0.15, "housing": 0.05}.get(kind, 0.02)
    p.placeholder_rate = rng.uniform(0.0, 0.03)
    p.swap_rate = rng.uniform(0.0, 0.03)
    p.dob_typo_rate = rng.uniform(0.005, 0.02)
    p.postcode_fill = rng.uniform(0.3, 0.95)
    p.postcode_styles = {rng.choice(("spaced", "no_space", "lower")): 0.85, "outward": 0.15}
    p.address_fill = rng.uniform(0.4, 0.95)
    p.abbreviate = r() < 0.5
    p.nfa_rate = 0.05 if kind in ("police", "housing", "charity") else 0.0
    p.nhs_fill = {"health": 0.95, "csc": rng.uniform(0.3, 0.8)}.get(kind, 0.0)
    p.nhs_spaced = rng.uniform(0.0, 0.5) if p.nhs_fill else 0.0
    p.nhs_mistype = rng.uniform(0.005, 0.02) if p.nhs_fill else 0.0
    p.sex_letters = r() < 0.15
    p.ethnicity_fill = rng.uniform(0.2, 0.9)
    p.phone_fill = {"police": 0.5, "charity": 0.6, "housing": 0.7}.get(kind, 0.1)
    p.duplicate_rate = {"police": 0.05, "health": 0.02, "csc": 0.03}.get(kind, 0.01)
    p.named_by_others = {"csc": 0.5, "education": 0.6, "charity": 0.4}.get(kind, 0.05)
    return p


def _spell(rng: random.Random, name: str, rate: float, why: set[str]) -> str:
    variants = SPELLINGS.get(name)
    if variants and rng.random() < rate:
        written = rng.choice(variants[1:])
        why.add("transliteration")
        return written
    return name


def _names(rng: random.Random, p: Person, prof: Profile, why: set[str]) -> tuple[str, str, str]:
    """Forename, middle names and surname as this source writes them (before layout)."""
    r = rng.random
    surname = p.surname
    if p.former_surname and r() < prof.old_name_rate:
        surname = p.former_surname
        why.add("surname_changed")
    elif p.heritage.surname_rule == "sikh" and r() < prof.sikh_family_rate:
        surname = rng.choice((p.family_name, f"{p.surname} {p.family_name}"))
        why.add("sikh_family_name")
    elif p.heritage.surname_rule == "patronymic" and p.family_name and r() < prof.patronymic_rate:
        surname = p.family_name
        why.add("patronymic")
    elif p.heritage.surname_rule == "gendered" and p.sex == "female" and r() < prof.masculine_rate:
        surname = surname[:-1] + "i" if surname.endswith(("ska", "cka")) else surname
        why.add("gendered_surname")
    fore = p.forename
    if p.known_as and r() < prof.known_as_rate:
        fore = p.known_as
        why.add("nickname")
    fore = _spell(rng, fore, prof.spelling_rate, why)
    surname = _spell(rng, surname, prof.spelling_rate, why)
    middle = " ".join(p.middle)
    if middle and prof.middle == "drop":
        middle = ""
    elif middle and prof.middle == "initial":
        middle = initials(middle, "", dotted=r() < 0.5)
    if middle:
        why.add("middle_in_forename")
    if not prof.accents_kept:
        plain = (plain_letters(fore), plain_letters(surname))
        if plain != (fore, surname):
            why.add("accents_dropped")
        fore, surname = plain
        middle = plain_letters(middle)
    if ("'" in surname or "-" in surname) and r() < prof.punct_rate:
        surname = punctuation_dropped(rng, surname)
        why.add("punctuation")
    if p.heritage.surname_rule == "family_first" and r() < prof.family_first_rate:
        fore, surname = surname, fore
        why.add("family_name_first")
    if r() < prof.typo_rate:
        which = r() < 0.5
        fore, surname = (slip(rng, fore), surname) if which else (fore, slip(rng, surname))
        why.add("typo")
    if r() < prof.ocr_rate:
        fore, surname = ocr_slip(rng, fore), ocr_slip(rng, surname)
        why.add("ocr")
    if r() < prof.initials_rate:
        fore, middle = initials(fore, middle, dotted=r() < 0.6), ""
        why.add("initials")
    return fore, middle, surname


def _date_of_birth(rng: random.Random, p: Person, prof: Profile, why: set[str]) -> str:
    r = rng.random
    fill = prof.dob_child if p.age < 18 else prof.dob_adult
    if r() > fill:
        why.add("dob_missing")
        return ""
    if r() < prof.placeholder_rate:
        why.add("dob_placeholder")
        return rng.choice(("1900-01-01", "01/01/1900"))
    d = p.dob
    if r() < prof.estimated_rate:  # an age given, turned into a year
        why.add("dob_estimated")
        year = d.year + rng.choice((0, 0, -1, 1))
        return rng.choice((str(year), f"01/01/{year}", f"{year}-01-01"))
    if r() < prof.swap_rate and (swapped := swap_day_month(d)) is not None:
        d = swapped
        why.add("dob_swapped")
    elif r() < prof.dob_typo_rate:
        d = date(d.year + rng.choice((-1, 1, -10, 10)), d.month, min(d.day, 28))
        why.add("dob_typo")
    styles = list(prof.date_styles)
    style = rng.choices(styles, weights=[prof.date_styles[s] for s in styles])[0]
    if style != "iso":
        why.add("dob_short_year" if style == "dmy_short" else "dob_day_first")
    return write_date(d, style)


def _address(rng: random.Random, p: Person, prof: Profile, why: set[str]) -> tuple[str, str]:
    """(postcode, address) as recorded."""
    r = rng.random
    if p.age >= 16 and r() < prof.nfa_rate:
        why.add("nfa")
        return "", rng.choice(("NFA", "No fixed abode", "N.F.A."))
    where = p.address
    if p.in_care is not None and prof.kind in ("csc", "police", "education", "youth_justice"):
        where = p.in_care
        why.add("childrens_home")
    elif p.previous is not None and r() < prof.old_address_rate:
        where = p.previous
        why.add("moved")
    styles = list(prof.postcode_styles)
    style = rng.choices(styles, weights=[prof.postcode_styles[s] for s in styles])[0]
    postcode = write_postcode(where.postcode, style) if r() < prof.postcode_fill else ""
    if postcode and style == "outward":
        why.add("postcode_outward")
    address = ""
    if r() < prof.address_fill:
        street = write_street(where.street, prof.abbreviate)
        address = where.line(rng).replace(where.street, street)
        if not postcode:
            why.add("postcode_in_address")
    elif not postcode:
        why.add("no_address")
    return postcode, address


def render(rng: random.Random, p: Person, prof: Profile) -> tuple[dict[str, str], set[str]]:
    """One record of ``p`` as ``prof`` writes it, and the departures it carries."""
    why: set[str] = set()
    r = rng.random
    by_others = p.role == "parent" and r() < prof.named_by_others
    fore, middle, surname = _names(rng, p, prof, why)
    given = f"{fore} {middle}".strip()
    if prof.layout != "split":
        forenames, surname_cell = one_column(rng, fore, middle, surname, prof.layout), ""
        why.add(f"one_column_{prof.layout}")
    else:
        forenames, surname_cell = given, surname
    if prof.upper:
        forenames, surname_cell = forenames.upper(), surname_cell.upper()
        why.add("upper_case")
    row = {"person_id": prof.next_id(rng), "forenames": forenames, "surname": surname_cell}
    if by_others:  # a parent named in a child's record: a first name and no date of birth
        why.add("named_by_others")
        row["date_of_birth"] = ""
        if r() < 0.4:
            row["forenames"] = p.known_as or p.forename
            row["surname"] = "" if r() < 0.5 else surname_cell
    else:
        row["date_of_birth"] = _date_of_birth(rng, p, prof, why)
    if p.known_as and r() < prof.alias_rate:
        row["aliases"] = p.known_as
    row["postcode"], row["address"] = _address(rng, p, prof, why)
    if r() < prof.sex_fill:
        row["sex"] = p.sex[0].upper() if prof.sex_letters else p.sex
    if r() < prof.ethnicity_fill:
        row["ethnicity_self_defined"] = p.ethnicity
    if prof.kind == "police" and r() < 0.6:
        row["ethnicity_officer_defined"] = _officer_code(p.ethnicity)
    if r() < 0.3:
        row["nationality"] = p.nationality
    if p.phone and r() < prof.phone_fill:
        row["phones"] = write_phone(p.phone, rng.choice(("spaced", "compact", "international")))
    if r() < prof.nhs_fill and not by_others:
        mistype = r() < prof.nhs_mistype
        row["nhs_number"] = write_nhs(rng, p.nhs, r() < prof.nhs_spaced, mistype)
        why.update({"nhs_mistyped"} if mistype else set())
    return row, why


def _officer_code(self_defined: str) -> str:
    """The police IC code an officer would most likely record for a self-defined code."""
    return (
        {"W": "IC1", "A": "IC4", "B": "IC3", "M": "IC9", "O": "IC6"}.get(self_defined[:1], "IC9")
        if self_defined != "A4"
        else "IC5"
    )
