"""When offences happen: the clock time of an event, and the weekday-by-hour heat matrix
of offences (per network, per place).

The store keeps an event's ``occurred_date`` as a calendar date and the value as sent in
``occurred_date_raw`` (the standard accepts a date or a date-time). The time of day is
read from the raw value; an event whose value carries no time is counted and left out,
and the page says how many.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
# Agencies in England and Wales record the clock time where they are; a value sent with
# an offset (``Z``, ``+01:00``) is turned back into that local time.
LOCAL = ZoneInfo("Europe/London")
# The event types that are offences: a crime record is the offence (Home Office Counting
# Rules); an arrest, charge or court outcome follows one and would count it twice, and an
# incident, referral or concern is not an offence.
OFFENCE_TYPES = frozenset({"crime"})
# Shades of the matrix: a count's level is its share of the busiest cell in fifths.
LEVELS = 5

# The time part of an ISO 8601 date-time or of a UK day-first date with a time.
_TIME = re.compile(r"[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class ClockTime:
    """When an event happened, in local time."""

    day: date
    hour: int
    minute: int

    @property
    def weekday(self) -> int:
        return self.day.weekday()

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def clock_time(raw: str | None, day: date | None) -> ClockTime | None:
    """The local time an event happened, from its raw ``occurred_date`` and the calendar
    date the store read from it; None when the value carries no time.

    A time of exactly midnight is read as no time: case systems write ``00:00`` when the
    officer entered a date alone, so a matrix counting it would pile every undated-time
    offence into Monday-to-Sunday midnight.
    """
    if raw is None or day is None:
        return None
    found = _TIME.search(raw.strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    seconds = int(found.group(3) or 0)
    if hour > 23 or minute > 59 or (hour == 0 and minute == 0 and seconds == 0):
        return None
    if found.group(4):
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_offset(found.group(4)))
        local = at.astimezone(LOCAL)
        return ClockTime(local.date(), local.hour, local.minute)
    return ClockTime(day, hour, minute)


def is_offence(event: dict[str, Any]) -> bool:
    return str(event.get("event_type") or "") in OFFENCE_TYPES


@dataclass
class HeatMatrix:
    """Offences by weekday (Monday first) and hour of the day, local time."""

    counts: list[list[int]] = field(default_factory=lambda: [[0] * HOURS for _ in WEEKDAYS])
    offences: int = 0
    untimed: int = 0

    @property
    def timed(self) -> int:
        return self.offences - self.untimed

    @property
    def busiest(self) -> int:
        return max(max(row) for row in self.counts)

    def level(self, count: int) -> int:
        """0 for none, else 1 to ``LEVELS`` by share of the busiest cell."""
        if count <= 0 or self.busiest == 0:
            return 0
        return max(1, -(-count * LEVELS // self.busiest))

    def rows(self) -> list[dict[str, Any]]:
        """What the template draws: a row per weekday with each hour's count and shade."""
        return [
            {
                "weekday": WEEKDAYS[d],
                "cells": [
                    {"hour": h, "count": c, "level": self.level(c)} for h, c in enumerate(row)
                ],
                "total": sum(row),
            }
            for d, row in enumerate(self.counts)
        ]

    def hour_totals(self) -> list[int]:
        return [sum(row[h] for row in self.counts) for h in range(HOURS)]


def heat_matrix(events: Iterable[dict[str, Any]]) -> HeatMatrix:
    """The matrix of the offences among ``events`` (each with ``event_type``,
    ``occurred_date`` and ``occurred_date_raw``); each event counted once."""
    matrix = HeatMatrix()
    seen: set[tuple[str, str]] = set()
    for e in events:
        key = (str(e.get("source_id")), str(e.get("event_id")))
        if not is_offence(e) or key in seen:
            continue
        seen.add(key)
        matrix.offences += 1
        at = clock_time(e.get("occurred_date_raw"), e.get("occurred_date"))
        if at is None:
            matrix.untimed += 1
            continue
        matrix.counts[at.weekday][at.hour] += 1
    return matrix
