"""When offences happen: the clock time of an event, and the weekday-by-hour heat matrix
of offences (per network, per place).

The store keeps an event's ``occurred_date`` as a calendar date and the value as sent in
``occurred_date_raw`` (the standard accepts a date or a date-time). The time of day is
read from the raw value (``exports.clock.local_time``, as the i2 chart reads it); an
event whose value carries no time is counted and left out, and the page says how many.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clearsight.exports.clock import local_time

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
# The event types that are offences: a crime record is the offence (Home Office Counting
# Rules); an arrest, charge or court outcome follows one and would count it twice, and an
# incident, referral or concern is not an offence.
OFFENCE_TYPES = frozenset({"crime"})
# Shades of the matrix: a count's level is its share of the busiest cell in fifths.
LEVELS = 5


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
        at = local_time(e.get("occurred_date_raw"), e.get("occurred_date"))
        if at is None:
            matrix.untimed += 1
            continue
        matrix.counts[at.weekday][at.hour] += 1
    return matrix
