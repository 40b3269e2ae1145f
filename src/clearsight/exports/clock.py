"""The time of day an event happened, when the agency recorded one with its date.

The standard's ``occurred_date`` is a date; many case systems export a date and time in
that field (``2024-03-23 21:40``, ``2024-03-23T21:40:00Z``, or UK day first,
``23/03/2024 21:40``, which ingest reads too). The store keeps the date and the raw text;
the time is read back from the raw text here, for i2 charts (``TimeSet``) and the web's
weekday-by-hour heat matrix. A time of exactly midnight is read as no time: case systems
write ``00:00`` when the officer entered a date alone. A time with a UTC offset is turned
into UK local time, the time analysts and victims' accounts use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/London")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
# The time part of an ISO 8601 date-time or of a UK day-first date with a time.
_TIME = re.compile(r"[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class LocalTime:
    """When an event happened, in UK local time."""

    day: date
    hour: int
    minute: int

    @property
    def weekday(self) -> int:
        return self.day.weekday()

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def local_time(raw: str | None, day: date | None) -> LocalTime | None:
    """The local time an event happened, from its raw ``occurred_date`` and the calendar
    date the store read from it (an offset may move it to the next or previous local
    day); None when the value carries no time, or midnight."""
    if raw is None or day is None:
        return None
    found = _TIME.search(raw.strip())
    if found is None:
        return None
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    if hour > 23 or minute > 59 or (hour, minute, second) == (0, 0, 0):
        return None
    if found.group(4):
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_zone(found.group(4)))
        local = at.astimezone(LOCAL)
        return LocalTime(local.date(), local.hour, local.minute)
    return LocalTime(day, hour, minute)


def clock_time(raw: str | None) -> str | None:
    """``HH:MM`` (UK local) of an ISO date-and-time raw value, else None; None too when
    the offset moves the event to another local day (the stored date alone stands)."""
    text = (raw or "").strip()
    if not _ISO_DAY.match(text):
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    at = local_time(text, day)
    return str(at) if at is not None and at.day == day else None


def _zone(offset: str) -> timezone:
    if offset == "Z":
        return UTC
    digits = offset[1:].replace(":", "")
    shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-shift if offset.startswith("-") else shift)
