"""Recording habits for the third person-record generator (``third_persons.py``).

Each function takes a true value and writes it as one kind of agency system or
practitioner writes it: a name in one column in the order a case-management screen
shows it, a date of birth typed day first or estimated from an age, an address typed
as free text with its postcode inside, an NHS number copied from a letter. Written from
how UK agencies record, without reading Clearsight's parsers.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

# Letters an optical reader or a tired typist confuses (a scanned referral form).
_OCR = (("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("cl", "d"), ("e", "c"),
        ("h", "b"), ("I", "l"), ("S", "5"))  # fmt: skip
# Neighbouring keys on a UK QWERTY keyboard, for a slip of one letter.
_KEYS = {
    "a": "qsz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "y": "tu", "z": "x",
}  # fmt: skip
# Street words and the abbreviations typed for them.
STREET_ABBREV = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl",
                 "Crescent": "Cres", "Terrace": "Terr", "Drive": "Dr", "Grove": "Gr"}  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def plain_letters(text: str) -> str:
    """The name as an English keyboard writes it: accents and Polish letters dropped."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slip(rng: random.Random, text: str) -> str:
    """One keying error: a neighbouring key, two letters swapped, one dropped or doubled."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("key", "swap", "drop", "double"))
    c = text[i]
    if kind == "key" and c.lower() in _KEYS:
        new = rng.choice(_KEYS[c.lower()])
        return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1 :]
    if kind == "swap" and text[i + 1 : i + 2].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2 :]
    if kind == "double":
        return text[:i] + c + text[i:]
    return text[:i] + text[i + 1 :]


def ocr_slip(rng: random.Random, text: str) -> str:
    """One confusion of a scanned form; a keying slip when no confusable letters."""
    options = [(a, b) for a, b in _OCR if a in text]
    if not options:
        return slip(rng, text)
    a, b = rng.choice(options)
    return text.replace(a, b, 1)


def punctuation_dropped(rng: random.Random, surname: str) -> str:
    """O'Brien -> OBrien or O Brien; Shah-Khan -> Shah Khan or ShahKhan."""
    joiner = rng.choice(("", " "))
    return surname.replace("'", joiner).replace("-", rng.choice((" ", "")))


def one_column(rng: random.Random, fore: str, middle: str, sur: str, style: str) -> str:
    """A whole name in one cell, as case-management screens and referral forms show it."""
    given = f"{fore} {middle}".strip()
    if style == "comma":  # "SMITH, John Paul" (children's services, GP lists)
        return f"{sur.upper()}, {given}"
    if style == "comma_initial":  # "Smith, John P"
        initial = f" {middle[0]}" if middle else ""
        return f"{sur}, {fore}{initial}"
    if style == "surname_first":  # "SMITH John" (custody, court lists)
        return f"{sur.upper()} {given}"
    return f"{given} {sur}"  # "John Paul Smith" (a charity's contact list)


def initials(fore: str, middle: str, dotted: bool) -> str:
    """J.P. or J P: forename and middle names reduced to initials."""
    parts = [p[0] for p in f"{fore} {middle}".split() if p]
    return ("".join(f"{p}." for p in parts)) if dotted else " ".join(parts)


def write_date(d: date, style: str) -> str:
    """A date of birth in one of the forms agencies type."""
    if style == "iso":
        return d.isoformat()
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_short":  # "5/6/08": no leading zeros, two-digit year
        return f"{d.day}/{d.month}/{d.year % 100:02d}"
    if style == "dmy_dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    raise ValueError(f"unknown date style {style!r}")


def swap_day_month(d: date) -> date | None:
    """The date with day and month swapped (a US-order slip); None if not a date."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def postcode_for(rng: random.Random, outward: str) -> str:
    """A postcode in the given outward code (``BD8``), the inward part drawn."""
    inward = f"{rng.randrange(1, 10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{outward} {inward}"


def write_postcode(postcode: str, style: str) -> str:
    if style == "spaced":
        return postcode
    if style == "no_space":
        return postcode.replace(" ", "")
    if style == "lower":
        return postcode.lower()
    if style == "outward":
        return postcode.split()[0]
    raise ValueError(f"unknown postcode style {style!r}")


def write_street(street: str, abbreviate: bool) -> str:
    if not abbreviate:
        return street
    words = street.split()
    return " ".join(STREET_ABBREV.get(w, w) for w in words)


def free_text_address(
    rng: random.Random, flat: str, number: int, street: str, town: str, postcode: str
) -> str:
    """An address typed as one line: flat forms vary, commas come and go."""
    flat_part = ""
    if flat:
        flat_part = rng.choice((f"Flat {flat}, ", f"Flat {flat} ", f"{flat}/", f"Apt {flat}, "))
    sep = rng.choice((", ", " "))
    return f"{flat_part}{number} {street}{sep}{town}{sep}{postcode}".strip()


def nhs_number(rng: random.Random) -> str:
    """A ten-digit NHS number with a valid modulus-11 check digit."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def write_nhs(rng: random.Random, number: str, spaced: bool, mistype: bool) -> str:
    """As recorded: ``485 777 3456`` from a letter, or one digit mistyped or swapped."""
    if mistype:
        i = rng.randrange(0, 9)
        if rng.random() < 0.5:
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        else:
            number = (
                number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1 :]
            )
    if spaced:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number


def phone_number(rng: random.Random) -> str:
    """A mobile in Ofcom's range kept for drama (07700 900000-900999): never a real line."""
    return f"07700 900{rng.randrange(1000):03d}"


def write_phone(number: str, style: str) -> str:
    compact = number.replace(" ", "")
    if style == "international":
        return "+44" + compact[1:]
    if style == "compact":
        return compact
    return number
