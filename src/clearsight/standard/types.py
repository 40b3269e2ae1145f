"""Value types of the submission standard.

Each type turns a raw cell (never empty: an empty cell is *not recorded* and never
reaches a type) into its canonical form with ``clean``, or ``None`` when the value
cannot be used; ``validate`` says why. Ingestion applies ``clean`` to the distinct
values of a column, so a type is written once, here, and tested here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import ClassVar

import phonenumbers
from unidecode import unidecode

from clearsight.standard import dates

__all__ = [
    "TYPES",
    "ValueType",
    "get_type",
    "nhs_check_digit",
]


@dataclass(frozen=True)
class ValueType:
    """A kind of value: how it is stored, cleaned and explained when invalid."""

    name: ClassVar[str] = "text"
    sql_type: ClassVar[str] = "VARCHAR"
    # Types that change the value keep the submitted text beside the clean one.
    keeps_raw: ClassVar[bool] = False
    reason_code: ClassVar[str] = "invalid_value"

    def clean(self, raw: str) -> str | None:
        value = raw.strip()
        return value or None

    def validate(self, raw: str) -> str | None:
        """Return why ``raw`` is not a valid value, or ``None`` when it is."""
        if self.clean(raw) is None:
            return self.explain(raw)
        return None

    def note(self, raw: str) -> tuple[str, str] | None:
        """A reading of a valid ``raw`` worth reporting: (reason code, reason), or None.

        A value read in a form other than the standard's (a UK day-first date) loads,
        and the reading is reported so that a person can check it.
        """
        return None

    def explain(self, raw: str) -> str:
        return f"not a valid {self.name}: {_shorten(raw)!r}"


def _shorten(raw: str, limit: int = 60) -> str:
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


@dataclass(frozen=True)
class Text(ValueType):
    name: ClassVar[str] = "text"


@dataclass(frozen=True)
class Identifier(ValueType):
    name: ClassVar[str] = "identifier"
    reason_code: ClassVar[str] = "invalid_identifier"


_NAME_DROP = re.compile(r"[^a-z '\-]")
_NAME_SPACE = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Name(ValueType):
    """Personal names: trimmed, lower case, diacritics and scripts folded to ASCII.

    Apostrophes vanish and hyphens become spaces, so ``O'Neil-Smith`` and
    ``oneil smith`` compare equal; what the agency wrote is kept as raw.
    """

    name: ClassVar[str] = "name"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_name"

    def clean(self, raw: str) -> str | None:
        # Format characters (zero-width space and joiners, soft hyphen, word joiner) are
        # invisible in the agency's system: dropped, never read as a space that would
        # split one name into two ("Hu\u200bghes" is hughes). unidecode spells some
        # of them as a space, so they go first.
        visible = "".join(c for c in raw if unicodedata.category(c) != "Cf")
        folded = unidecode(unicodedata.normalize("NFKC", visible)).lower()
        folded = _NAME_DROP.sub("", folded).replace("'", "")
        folded = _NAME_SPACE.sub(" ", folded).strip()
        return folded or None

    def explain(self, raw: str) -> str:
        return f"no letters in name {_shorten(raw)!r}"


@dataclass(frozen=True)
class Code(ValueType):
    """A value from a closed list; matching ignores case and surrounding space."""

    values: tuple[str, ...] = ()
    upper: bool = False
    # Other spellings agencies use for a value (``F`` for ``female``), lower case.
    also_written: Mapping[str, str] = field(default_factory=dict)
    name: ClassVar[str] = "code"
    reason_code: ClassVar[str] = "invalid_code"
    _lookup: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        lookup = {v.casefold(): v for v in self.values}
        by_fold = {v.casefold(): v for v in self.values}
        lookup |= {k: by_fold[v.casefold()] for k, v in self.also_written.items()}
        object.__setattr__(self, "_lookup", lookup)

    def clean(self, raw: str) -> str | None:
        return self._lookup.get(raw.strip().casefold())

    def explain(self, raw: str) -> str:
        allowed = ", ".join(self.values)
        return f"{_shorten(raw)!r} is not one of: {allowed}"


@dataclass(frozen=True)
class Country(Code):
    """ISO 3166-1 alpha-2 code; common aliases (``UK``) map to the code."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    name: ClassVar[str] = "country"
    reason_code: ClassVar[str] = "invalid_country"

    def clean(self, raw: str) -> str | None:
        key = raw.strip().upper()
        return super().clean(self.aliases.get(key, key))

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not an ISO 3166-1 alpha-2 country code"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_WRITTEN = (
    "ISO 8601 YYYY-MM-DD or a date-time, or as UK agencies write it: DD/MM/YYYY, "
    "DD/MM/YY, 16 Jul 2008, 20080716"
)


@dataclass(frozen=True)
class Date(ValueType):
    """An ISO 8601 date or date-time, stored as the calendar date.

    A date written as UK agencies write it (day first ``16/07/2008``, a two-digit
    year, a month's name, eight digits) is read too, and reported with the reading
    (``dates.read``: the forms, their reason codes and the rule for each).
    """

    name: ClassVar[str] = "date"
    sql_type: ClassVar[str] = "DATE"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_date"

    def clean(self, raw: str) -> str | None:
        value = raw.strip()
        return _clean_date(value) or _written(value)

    def note(self, raw: str) -> tuple[str, str] | None:
        value = raw.strip()
        if _clean_date(value) is not None:
            return None
        reading = dates.read(value)
        return None if reading is None else (reading.code, reading.reason)

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a date ({_WRITTEN})"


@lru_cache(maxsize=65536)
def _clean_date(value: str) -> str | None:
    try:
        if _DATE.match(value):
            parsed = date.fromisoformat(value)
        elif _DATETIME.match(value):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        else:
            return None
    except ValueError:
        return None
    if not dates.YEAR_MIN <= parsed.year <= dates.YEAR_MAX:
        return None
    return parsed.isoformat()


def _written(value: str) -> str | None:
    reading = dates.read(value)
    return None if reading is None else reading.iso


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate(ValueType):
    """A date that may be known only to the month (``YYYY-MM``) or year (``YYYY``).

    Besides a full date in any form ``Date`` reads, a month and year (``07/2008``,
    ``July 2008``) and an estimated year (``c. 2008``, ``2008 (est)``) are read and
    reported (``dates.read_partial``).
    """

    name: ClassVar[str] = "partial_date"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_date"

    def clean(self, raw: str) -> str | None:
        value = raw.strip()
        match = _PARTIAL.match(value)
        if match is None:
            full = _clean_date(value) if _DATETIME.match(value) else None
            if full is not None:
                return full
            reading = dates.read_partial(value)
            return None if reading is None else reading.iso
        return _kept_part(match)[0]

    def note(self, raw: str) -> tuple[str, str] | None:
        value = raw.strip()
        match = _PARTIAL.match(value)
        if match is not None:
            return _kept_part(match)[1]
        if _clean_date(value) is not None:
            return None
        reading = dates.read_partial(value)
        return None if reading is None else (reading.code, reading.reason)

    def explain(self, raw: str) -> str:
        return (
            f"{_shorten(raw)!r} is not a date ({_WRITTEN}; or partial: YYYY-MM, YYYY, "
            "07/2008, c. 2008)"
        )


IMPOSSIBLE_DAY = "impossible_day"
IMPOSSIBLE_MONTH = "impossible_month"


def _kept_part(match: re.Match[str]) -> tuple[str | None, tuple[str, str] | None]:
    """An ISO-shaped partial date's value, keeping the year and month an impossible
    part leaves (a day of 71, a month of 43), with the note that says so.

    A date of birth keyed with an impossible day or month still holds the year, and
    the month where only the day is impossible: a partial date is what the record
    then knows (issue 18: ingest keeps what it can; partial dates compare as what
    they are). Nothing is guessed: the impossible part is dropped, never read as a
    transposition or a slip of one digit.
    """
    value = match.group(0)
    year, month, day = match.groups()
    if not dates.YEAR_MIN <= int(year) <= dates.YEAR_MAX:
        return None, None
    if month is not None and not 1 <= int(month) <= 12:
        return year, (
            IMPOSSIBLE_MONTH,
            f"{value!r} has no month {int(month)}: kept as the year {year}",
        )
    if day is None:
        return value, None
    full = _clean_date(value)
    if full is not None:
        return full, None
    kept = f"{year}-{month}"
    return kept, (
        IMPOSSIBLE_DAY,
        f"{value!r} has no day {int(day)} in that month: kept as the month {kept}",
    )


# Outward code, then inward code (digit + two letters that are never C, I, K, M, O, V).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True)
class Postcode(ValueType):
    """A UK postcode in any case or spacing, stored as ``AA9A 9AA``."""

    name: ClassVar[str] = "postcode"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_postcode"

    def clean(self, raw: str) -> str | None:
        compact = _NOT_ALNUM.sub("", raw.upper())
        match = _POSTCODE.match(compact)
        if match is None:
            return None
        return f"{match.group(1)} {match.group(2)}"

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a UK postcode"


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# UK mobiles in the forms agencies usually write; anything else goes to phonenumbers.
_UK_MOBILE = re.compile(r"^(?:\+44|0044|44|0)(7\d{9})$")


@dataclass(frozen=True)
class Phone(ValueType):
    """A phone number in E.164 form, parsed as a UK number unless it says otherwise."""

    name: ClassVar[str] = "phone"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_phone"

    def clean(self, raw: str) -> str | None:
        return _clean_phone(raw.strip())

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a possible phone number"


@lru_cache(maxsize=262144)
def _clean_phone(value: str) -> str | None:
    compact = _PHONE_SEPARATORS.sub("", value)
    # The fast path gives exactly what phonenumbers gives (a property test holds
    # them together); it exists because parsing dominates ingest time otherwise.
    fast = _UK_MOBILE.match(compact)
    if fast is not None:
        return "+44" + fast.group(1)
    return parse_phone(value)


def parse_phone(value: str) -> str | None:
    """E.164 form of ``value`` by the phonenumbers library alone (no fast path)."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class Email(ValueType):
    name: ClassVar[str] = "email"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_email"

    def clean(self, raw: str) -> str | None:
        value = raw.strip().lower()
        return value if _EMAIL.match(value) else None

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not an email address"


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus-11 check digit of an NHS number, or None when no digit is possible."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


_NON_DIGIT = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class NHSNumber(ValueType):
    """Ten digits whose last is the modulus-11 check digit of the first nine."""

    name: ClassVar[str] = "nhs_number"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_nhs_number"

    def clean(self, raw: str) -> str | None:
        digits = _NON_DIGIT.sub("", raw)
        if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
            return None
        if nhs_check_digit(digits[:9]) != int(digits[9]):
            return None
        return digits

    def explain(self, raw: str) -> str:
        digits = _NON_DIGIT.sub("", raw)
        if len(digits) != 10 or not digits.isdigit():
            return f"{_shorten(raw)!r} is not 10 digits"
        return f"{_shorten(raw)!r} fails the NHS number check digit"


_VRM = re.compile(r"^[A-Z0-9]{2,7}$")


@dataclass(frozen=True)
class VehicleMark(ValueType):
    """A UK vehicle registration mark: upper case, no spaces."""

    name: ClassVar[str] = "vehicle_registration"
    keeps_raw: ClassVar[bool] = True
    reason_code: ClassVar[str] = "invalid_vehicle_registration"

    def clean(self, raw: str) -> str | None:
        compact = _NOT_ALNUM.sub("", raw.upper())
        if not _VRM.match(compact) or compact.isalpha():
            return None
        return compact

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a vehicle registration mark"


@dataclass(frozen=True)
class Handle(ValueType):
    """An online account or other object value: trimmed, case folded."""

    name: ClassVar[str] = "handle"
    keeps_raw: ClassVar[bool] = True

    def clean(self, raw: str) -> str | None:
        value = " ".join(raw.split()).casefold()
        return value or None


@dataclass(frozen=True)
class OutcomeCode(ValueType):
    """Home Office crime outcome type, 1 to 22."""

    name: ClassVar[str] = "outcome_code"
    sql_type: ClassVar[str] = "INTEGER"
    reason_code: ClassVar[str] = "invalid_outcome_code"

    def clean(self, raw: str) -> str | None:
        value = raw.strip()
        if value.isascii() and value.isdigit() and 1 <= int(value) <= 22:
            return str(int(value))
        return None

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a Home Office outcome type (1 to 22)"


@dataclass(frozen=True)
class Coordinate(ValueType):
    limit: float = 90.0
    name: ClassVar[str] = "coordinate"
    sql_type: ClassVar[str] = "DOUBLE"
    reason_code: ClassVar[str] = "invalid_coordinate"

    def clean(self, raw: str) -> str | None:
        try:
            value = float(raw.strip())
        except ValueError:
            return None
        if not -self.limit <= value <= self.limit:
            return None
        return repr(value)

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} is not a WGS84 coordinate within ±{self.limit:g}"


_SOURCE_ID = re.compile(r"^[a-z0-9-]{2,64}$")


@dataclass(frozen=True)
class SourceId(ValueType):
    name: ClassVar[str] = "source_id"
    reason_code: ClassVar[str] = "invalid_source_id"

    def clean(self, raw: str) -> str | None:
        return raw if _SOURCE_ID.match(raw) else None

    def explain(self, raw: str) -> str:
        return f"{_shorten(raw)!r} does not match [a-z0-9-]{{2,64}}"


@dataclass(frozen=True)
class ObjectValue(ValueType):
    """An object's value, cleaned by the type of object it belongs to."""

    name: ClassVar[str] = "object_value"
    keeps_raw: ClassVar[bool] = True

    def for_kind(self, kind: str | None) -> ValueType:
        return _OBJECT_KINDS.get(kind or "", HANDLE)


HANDLE = Handle()
_OBJECT_KINDS: Mapping[str, ValueType] = {
    "phone": Phone(),
    "vehicle": VehicleMark(),
    "email": Email(),
}

# Types that need no parameters from the schema; code-like types are built per column.
TYPES: Mapping[str, ValueType] = {
    t.name: t
    for t in (
        Text(),
        Identifier(),
        Name(),
        Date(),
        PartialDate(),
        Postcode(),
        Phone(),
        Email(),
        NHSNumber(),
        VehicleMark(),
        OutcomeCode(),
        SourceId(),
        ObjectValue(),
        Handle(),
    )
}
PARAMETRISED = frozenset({"code", "country", "area", "latitude", "longitude"})


def get_type(name: str) -> ValueType:
    """The parameter-free type called ``name``; KeyError when there is none."""
    return TYPES[name]
