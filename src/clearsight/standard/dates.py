"""Dates as agencies write them, read into ISO form and reported.

The standard asks for ISO 8601; UK systems export what their screens show. Each
reading here is unambiguous or follows the UK convention, and each is reported with
the raw value kept, so a person can check a batch whose convention is in doubt:

- day first, ``16/07/2008`` (also ``-`` and ``.``): UK agencies write the day first;
  where the month-first reading is a date too (``05/06/2008``) the report says so;
- a two-digit year, ``16/07/08`` or ``16-JUL-08`` (the ``DD-MON-YY`` form Oracle-based
  case systems export): the century is the latest that does not put the year after
  this one. The subjects of this work are children and the adults around them, not
  centenarians, so the reading is the one the recorder meant; the report names it.
  A dash-separated two-digit form (``24-01-01``) is not read: it is as likely to be
  an ISO date with its century dropped;
- a month's name, ``16 July 2008``, ``16-Jul-2008``, ``July 16, 2008``;
- eight digits with no separator: ``20080716`` (ISO 8601's basic form) or
  ``16072008`` (day first). The two never both read as dates in 1880-2100: a basic
  form's month is the other's century;
- for a date that may be partial (a date of birth): a month and year, ``07/2008`` or
  ``July 2008``, and an estimated year, ``c. 2008``, ``approx 2008``, ``2008 (est)``,
  which is what the partial date already means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = ["Reading", "read", "read_partial"]

YEAR_MIN, YEAR_MAX = 1880, 2100

DAY_FIRST_DATE = "day_first_date"
AMBIGUOUS_DAY_FIRST_DATE = "ambiguous_day_first_date"
TWO_DIGIT_YEAR = "two_digit_year"
MONTH_NAME_DATE = "month_name_date"
COMPACT_DATE = "compact_date"
MONTH_YEAR_DATE = "month_year_date"
ESTIMATED_YEAR = "estimated_year"

# What a reading of a two-digit year says of its century (``_century``).
_CENTURY = "a two-digit year: the latest century not after this year"
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}){_TIME}$")
_DAY_FIRST_YY = re.compile(rf"^(\d{{1,2}})([/.])(\d{{1,2}})\2(\d{{2}}){_TIME}$")
_DAY_NAMED = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s\-/.]*([a-z]{{3,9}})\.?,?[\s\-/.]*(\d{{4}}|\d{{2}}){_TIME}$"
)
_NAMED_DAY = re.compile(r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_COMPACT = re.compile(r"^(\d{8})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_NAMED_MONTH_YEAR = re.compile(r"^([a-z]{3,9})\.?,?\s+(\d{4})$")
_ESTIMATED = re.compile(
    r"^(?:(?:c|ca|circa|approx|approximately|about|around|est|estimated)\.?\s*(\d{4})"
    r"|(\d{4})\s*\(?(?:est|estimated|approx|approximate|approx\.)\.?\)?)$"
)
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


@dataclass(frozen=True)
class Reading:
    """A written date read: its ISO form, the report's code and its words."""

    iso: str
    code: str
    reason: str


def _calendar(year: int, month: int, day: int) -> str | None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(word: str) -> int | None:
    # "Sept", "Jul", "Febr": people shorten a month's name; the word must begin one.
    for number, name in enumerate(_MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


def _century(two_digits: int) -> int:
    this_year = date.today().year
    year = this_year - this_year % 100 + two_digits
    return year if year <= this_year else year - 100


def _day_first(value: str) -> Reading | None:
    match = _DAY_FIRST.match(value)
    if match is None:
        return None
    day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    read = _calendar(year, month, day)
    if read is None:
        return None
    other = _calendar(year, day, month) if day != month else None
    if other is not None:
        return Reading(
            read,
            AMBIGUOUS_DAY_FIRST_DATE,
            f"{value!r} read day first as {read}; month first it would be {other}",
        )
    return Reading(read, DAY_FIRST_DATE, f"{value!r} read day first as {read}")


def _two_digit_year(value: str) -> Reading | None:
    match = _DAY_FIRST_YY.match(value)
    if match is None:
        return None
    day, month, short = int(match.group(1)), int(match.group(3)), int(match.group(4))
    year = _century(short)
    read = _calendar(year, month, day)
    if read is None:
        return None
    other = _calendar(year, day, month) if day != month else None
    also = f"; month first it would be {other}" if other else ""
    return Reading(
        read,
        TWO_DIGIT_YEAR,
        f"{value!r} read day first as {read} ({_CENTURY}){also}",
    )


def _named(value: str) -> Reading | None:
    lowered = value.lower()
    match = _DAY_NAMED.match(lowered)
    if match is not None:
        day, word, year_text = match.groups()
    else:
        match = _NAMED_DAY.match(lowered)
        if match is None:
            return None
        word, day, year_text = match.groups()
    month = _month(word)
    if month is None:
        return None
    short = len(year_text) == 2
    year = _century(int(year_text)) if short else int(year_text)
    read = _calendar(year, month, int(day))
    if read is None:
        return None
    if short:
        return Reading(
            read,
            TWO_DIGIT_YEAR,
            f"{value!r} read as {read} ({_CENTURY})",
        )
    return Reading(read, MONTH_NAME_DATE, f"{value!r} read as {read}")


def _compact(value: str) -> Reading | None:
    if _COMPACT.match(value) is None:
        return None
    basic = _calendar(int(value[:4]), int(value[4:6]), int(value[6:]))
    if basic is not None:
        return Reading(basic, COMPACT_DATE, f"{value!r} read as {basic} (YYYYMMDD)")
    day_first = _calendar(int(value[4:]), int(value[2:4]), int(value[:2]))
    if day_first is not None:
        return Reading(day_first, COMPACT_DATE, f"{value!r} read as {day_first} (DDMMYYYY)")
    return None


@lru_cache(maxsize=65536)
def read(value: str) -> Reading | None:
    """A full date written in a form other than ISO, read; None when it is none of them."""
    for reader in (_day_first, _two_digit_year, _named, _compact):
        reading = reader(value)
        if reading is not None:
            return reading
    return None


def _month_year(value: str) -> Reading | None:
    lowered = value.lower()
    match = _MONTH_YEAR.match(lowered)
    if match is not None:
        month: int | None = int(match.group(1))
        year = int(match.group(2))
    else:
        match = _NAMED_MONTH_YEAR.match(lowered)
        if match is None:
            return None
        month, year = _month(match.group(1)), int(match.group(2))
    if month is None or not 1 <= month <= 12 or not YEAR_MIN <= year <= YEAR_MAX:
        return None
    iso = f"{year:04d}-{month:02d}"
    return Reading(iso, MONTH_YEAR_DATE, f"{value!r} read as the month {iso}")


def _estimated(value: str) -> Reading | None:
    match = _ESTIMATED.match(value.lower())
    if match is None:
        return None
    year = int(match.group(1) or match.group(2))
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    return Reading(str(year), ESTIMATED_YEAR, f"{value!r} read as the year {year}, an estimate")


@lru_cache(maxsize=65536)
def read_partial(value: str) -> Reading | None:
    """As ``read``, and a month with its year or an estimated year (a partial date)."""
    return read(value) or _month_year(value) or _estimated(value)
