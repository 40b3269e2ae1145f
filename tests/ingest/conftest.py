"""Small hand-written submissions: each test changes one thing from a valid base."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MANIFEST: dict[str, str] = {
    "standard_version": "1.0",
    "source_id": "wyp-police",
    "organisation": "West Yorkshire Police",
    "agency_type": "police",
    "area": "west-yorkshire",
    "extract_date": "2025-10-01",
    "period_start": "2023-04-01",
    "period_end": "2025-09-30",
}

PERSONS = [
    {
        "person_id": "P1",
        "forenames": "Bethany",
        "surname": "Hughes",
        "date_of_birth": "2011-03-04",
        "sex": "female",
        "postcode": "ls1 4ab",
        "phones": "07700 900123",
        "nhs_number": "943 476 5919",
        "ethnicity_self_defined": "w1",
    },
    {"person_id": "P2", "forenames": "Unknown", "surname": "Male", "sex": "male"},
]
EVENTS = [
    {
        "event_id": "E1",
        "event_type": "crime",
        "reported_date": "2024-01-02",
        "location_id": "L1",
        "narrative": "Referral received from school.",
    },
]
INVOLVEMENTS = [
    {"event_id": "E1", "person_id": "P1", "role": "victim"},
    {"event_id": "E1", "person_id": "P2", "role": "suspect"},
]
LOCATIONS = [{"location_id": "L1", "location_type": "hotel", "name": "Station Hotel"}]
OBJECTS = [{"object_id": "O1", "object_type": "vehicle", "value": "ab12 cde"}]
ASSOCIATIONS = [
    {
        "from_type": "person",
        "from_id": "P2",
        "to_type": "object",
        "to_id": "O1",
        "association_type": "uses",
    },
]

Rows = list[dict[str, str]]
MakeSubmission = Callable[..., Path]


def write_csv(path: Path, rows: Rows) -> None:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def make_submission(tmp_path: Path) -> MakeSubmission:
    """Write a valid submission, with any table or manifest field replaced."""
    counter = iter(range(1000))

    def make(manifest: dict[str, Any] | None = None, **tables: Rows | None) -> Path:
        folder = tmp_path / f"submission-{next(counter)}"
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps({**MANIFEST, **(manifest or {})}))
        base: dict[str, Rows | None] = {
            "persons": PERSONS,
            "events": EVENTS,
            "involvements": INVOLVEMENTS,
            "locations": LOCATIONS,
            "objects": OBJECTS,
            "associations": ASSOCIATIONS,
        }
        base.update(tables)
        for name, rows in base.items():
            if rows is not None:
                write_csv(folder / f"{name}.csv", rows)
        return folder

    return make
