"""Legal but unusual submissions, written by hand as the tests need them.

Each builder writes one submission folder (or zip) that STANDARD.md allows but
``clearsight synth`` never writes: header-only tables, every optional column blank,
upper-case and shuffled headers with a byte-order mark and CRLF line endings, quoted
commas and newlines, names in Welsh, Polish, Irish and Turkish, partial and odd dates,
untidy lists, associations that cross table types. Each returns the rows it wrote per
table, so a test can check that nothing was lost.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from clearsight.standard import load_standard

MANIFEST: dict[str, str] = {
    "standard_version": "1.0",
    "organisation": "Test agency",
    "agency_type": "police",
    "area": "west-yorkshire",
    "extract_date": "2025-10-01",
    "period_start": "2023-04-01",
    "period_end": "2025-09-30",
}

Row = dict[str, str]


@dataclass
class Table:
    """One CSV as it is written: header in the given order, and how the bytes look."""

    header: list[str]
    rows: list[Row] = field(default_factory=list)
    bom: bool = False
    crlf: bool = False
    rename: dict[str, str] = field(default_factory=dict)  # standard name -> written name


@dataclass(frozen=True)
class Written:
    path: Path
    source_id: str
    rows: dict[str, int]  # table -> data rows written


def _csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if table.crlf else "\n")
    writer.writerow([table.rename.get(c, c) for c in table.header])
    for row in table.rows:
        writer.writerow([row.get(c, "") for c in table.header])
    return ("\ufeff" if table.bom else "") + out.getvalue()


def write_submission(
    root: Path,
    source_id: str,
    tables: dict[str, Table],
    *,
    manifest: dict[str, str] | None = None,
    as_zip: bool = False,
) -> Written:
    meta = {**MANIFEST, "source_id": source_id, **(manifest or {})}
    files = {"manifest.json": json.dumps(meta, indent=2)}
    files.update({f"{name}.csv": _csv_text(t) for name, t in tables.items()})
    counts = {name: len(t.rows) for name, t in tables.items()}
    if as_zip:
        path = root / f"{source_id}-{meta['extract_date']}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(f"{source_id}/{name}", text.encode("utf-8"))
        return Written(path, source_id, counts)
    path = root / f"{source_id}-{meta['extract_date']}"
    path.mkdir(parents=True)
    for name, text in files.items():
        # newline="" keeps the CRLF a table asked for, byte for byte.
        with (path / name).open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return Written(path, source_id, counts)


# The standard's own columns, in its order, and which it requires: the standard is data
# (``clearsight.standard``), so the sweep's tables follow it whatever it gains.
_TABLES = load_standard().tables
ALL_COLUMNS = {name: [c.name for c in t.columns.values()] for name, t in _TABLES.items()}
REQUIRED = {name: [c.name for c in t.columns.values() if c.required] for name, t in _TABLES.items()}


def person(pid: str, forenames: str, surname: str, dob: str = "", **more: str) -> Row:
    return {
        "person_id": pid,
        "forenames": forenames,
        "surname": surname,
        "date_of_birth": dob,
        **more,
    }


def event(eid: str, kind: str, reported: str, **more: str) -> Row:
    return {"event_id": eid, "event_type": kind, "reported_date": reported, **more}


def role(eid: str, pid: str, what: str) -> Row:
    return {"event_id": eid, "person_id": pid, "role": what}


def group_world(prefix: str = "") -> dict[str, list[Row]]:
    """Two children and three adults across two crimes and a referral: enough for a
    network (adults who offended against the same children) on any source."""
    p = prefix
    persons = [
        person(
            f"{p}V1",
            "Bethany",
            "Hughes",
            "2010-03-04",
            sex="female",
            postcode="LS1 4AB",
            phones="07700 900123",
        ),
        person(f"{p}V2", "Chloe", "Walsh", "2009-11-20", sex="female", postcode="LS2 7QQ"),
        person(
            f"{p}S1",
            "Darren",
            "Pike",
            "1985-06-01",
            sex="male",
            phones="07700 900456",
            postcode="LS6 2AA",
        ),
        person(f"{p}S2", "Kyle", "Foster", "1990-01-15", sex="male", phones="07700 900789"),
        person(f"{p}S3", "Mark", "Denton", "1979-09-09", sex="male"),
    ]
    events = [
        event(
            f"{p}E1",
            "crime",
            "2024-01-10",
            occurred_date="2024-01-05",
            cse_flag="yes",
            offence="Sexual activity with a child",
            status="open",
            narrative="Child reported being driven to a flat by two adult males.",
        ),
        event(
            f"{p}E2",
            "crime",
            "2024-03-02",
            occurred_date="2024-02-20",
            cse_flag="yes",
            offence="Rape of a child under 13",
            status="closed",
            closed_date="2024-08-01",
            outcome_code="16",
            narrative="Second child disclosed abuse by the same males.",
        ),
        event(
            f"{p}E3",
            "referral",
            "2024-03-05",
            cse_flag="yes",
            narrative="School referral about an older male collecting the child.",
        ),
    ]
    involvements = [
        role(f"{p}E1", f"{p}V1", "victim"),
        role(f"{p}E1", f"{p}S1", "suspect"),
        role(f"{p}E1", f"{p}S2", "suspect"),
        role(f"{p}E2", f"{p}V2", "victim"),
        role(f"{p}E2", f"{p}S1", "offender"),
        role(f"{p}E2", f"{p}S3", "suspect"),
        role(f"{p}E3", f"{p}V2", "subject"),
        role(f"{p}E3", f"{p}S2", "associate"),
    ]
    return {"persons": persons, "events": events, "involvements": involvements}


def full_tables(world: dict[str, list[Row]], **extra: list[Row]) -> dict[str, Table]:
    rows = {**world, **extra}
    return {name: Table(list(ALL_COLUMNS[name]), list(found)) for name, found in rows.items()}
