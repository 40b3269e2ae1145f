"""Deliberately invalid rows for the quarantine demonstration, each one recorded."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (column, bad value, kind) per file; the first column of each file is its id.
_PERSON_DEFECTS = (
    ("sex", "femail", "unknown_code"),
    ("date_of_birth", "31/02/2009", "bad_date"),
    ("person_id", "", "missing_required"),
)
_EVENT_DEFECTS = (
    ("event_type", "misper", "unknown_code"),
    ("reported_date", "2024-13-05", "bad_date"),
    ("reported_date", "", "missing_required"),
    ("cse_flag", "Y?", "unknown_code"),
)
_INVOLVEMENT_DEFECTS = (
    ("person_id", "NOT-A-RECORD-{n}", "dangling_reference"),
    ("role", "suspected", "unknown_code"),
    ("event_id", "", "missing_required"),
)
DEFECTS = {
    "persons.csv": _PERSON_DEFECTS,
    "events.csv": _EVENT_DEFECTS,
    "involvements.csv": _INVOLVEMENT_DEFECTS,
}


@dataclass(frozen=True)
class Defect:
    source_id: str
    file: str
    row_number: int
    kind: str
    column: str


def inject(
    source_id: str,
    file: str,
    header: tuple[str, ...],
    rows: list[list[str]],
    rate: float,
    rnd: random.Random,
) -> list[Defect]:
    """Spoil about ``rate`` of ``rows`` in place (at least one when rate > 0)."""
    options = DEFECTS.get(file)
    if rate <= 0 or not rows or options is None:
        return []
    count = max(1, round(len(rows) * rate))
    found = []
    for position in sorted(rnd.sample(range(len(rows)), min(count, len(rows)))):
        column, value, kind = options[rnd.randrange(len(options))]
        rows[position][header.index(column)] = value.format(n=position)
        # The header is row 1, so the first record is row 2.
        found.append(Defect(source_id, file, position + 2, kind, column))
    return found
