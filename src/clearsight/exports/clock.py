"""The time of day an event happened, when the agency recorded one with its date.

The standard's ``occurred_date`` is a date; many case systems export a date and time in
that field (``2024-03-23 21:40``, ``2024-03-23T21:40:00Z``). The store keeps the date and
the raw text; the time is read back from the raw text here, for i2 charts (``TimeSet``).
A time of exactly midnight is read as no time: case systems write ``00:00`` when the
officer entered a date alone. A time with a UTC offset is turned into UK local time, the
time analysts and victims' accounts use."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/London")
_STAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def clock_time(raw: str | None) -> str | None:
    """``HH:MM`` (UK local) of an ISO date-and-time raw value, else None."""
    found = _STAMP.match((raw or "").strip())
    if found is None:
        return None
    day, hour, minute, second, offset = found.groups()
    h, m, s = int(hour), int(minute), int(second or 0)
    if h > 23 or m > 59 or (h, m, s) == (0, 0, 0):
        return None
    at = datetime.fromisoformat(day).replace(hour=h, minute=m)
    if offset:
        at = at.replace(tzinfo=_zone(offset)).astimezone(LOCAL).replace(tzinfo=None)
        if at.date().isoformat() != day:
            return None  # the local day is not the stored date: the date alone stands
    return f"{at.hour:02d}:{at.minute:02d}"


def _zone(offset: str) -> timezone:
    if offset == "Z":
        return UTC
    digits = offset[1:].replace(":", "")
    shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-shift if offset.startswith("-") else shift)
