"""More legal but unusual submissions: ids, event chains, spreadsheet habits, date forms, a
Mac zip, a typed workbook, edge dates, hostile text, a crowded event, unnamed columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.robustness.submissions import (
    ALL_COLUMNS,
    MANIFEST,
    Row,
    Written,
    event,
    full_tables,
    group_world,
    person,
    role,
    write_submission,
)

NBSP, ZWSP = "\u00a0", "\u200b"


def unusual_ids(root: Path) -> list[Written]:
    """Ids as other systems write them: spaces, colons, slashes, percent signs, quotes,
    non-ASCII, leading zeros, one id shared by a person, an event and a location."""
    ids = ["P 001", "P:002", "P/003", "50% ?#&", 'Ó\'Brien-"4"', "007", "X"]
    persons = [
        person(ids[0], "Tomos", "Price", "2010-04-04", sex="male"),
        person(ids[1], "Owain", "Reed", "1984-04-04", sex="male"),
        person(ids[2], "Huw", "Bowen", "1986-05-05", sex="male"),
        person(ids[3], "Cerys", "Lloyd", "2011-01-01", sex="female"),
        person(ids[4], "Niamh", "Burke", "2009-02-02", sex="female"),
        person(ids[5], "Bond", "James", "1970-07-07", sex="male"),
        person(ids[6], "Ex", "Ample", "1975-01-01", sex="male"),
    ]
    events = [
        event("X", "crime", "2024-04-01", cse_flag="yes", location_id="X"),
        event("E/2:b", "crime", "2024-04-09", cse_flag="yes"),
    ]
    involvements = [
        role("X", ids[0], "victim"),
        role("X", ids[1], "suspect"),
        role("X", ids[2], "suspect"),
        role("E/2:b", ids[3], "victim"),
        role("E/2:b", ids[4], "victim"),
        role("E/2:b", ids[1], "offender"),
        role("E/2:b", ids[2], "suspect"),
        role("E/2:b", ids[5], "suspect"),
        role("X", "X", "facilitator"),
    ]
    locations = [
        {"location_id": "X", "location_type": "hotel", "name": "X Hotel", "postcode": "ls11aa"}
    ]
    associations = [
        {
            "from_type": "person",
            "from_id": ids[1],
            "to_type": "location",
            "to_id": "X",
            "association_type": "frequents",
        },
        {
            "from_type": "person",
            "from_id": "X",
            "to_type": "person",
            "to_id": ids[2],
            "association_type": "associate_of",
        },
    ]
    tables = full_tables(
        {"persons": persons, "events": events, "involvements": involvements},
        locations=locations,
        associations=associations,
    )
    return [write_submission(root, "cs-ids", tables, manifest={"area": "cumbria"})]


def event_chains(root: Path) -> list[Written]:
    """Related events that point at themselves, at each other and at nothing; one person
    in two roles in one event; a child victim who is a suspect elsewhere; associations
    between any two kinds of thing, and of a person with themselves; reported months
    before it occurred; closed before it was reported."""
    world = group_world("C")
    ev = world["events"]
    ev[0]["related_event_id"] = "CE1"  # itself
    ev[1]["related_event_id"] = "CE4"
    ev.append(event("CE4", "arrest", "2024-03-03", related_event_id="CE2"))  # a cycle
    ev.append(event("CE5", "charge", "2024-04-04", related_event_id="CE-none"))
    ev.append(
        event(
            "CE6",
            "crime",
            "2024-01-01",
            occurred_date="2024-06-01",
            status="closed",
            closed_date="2023-12-01",
            cse_flag="unknown",
            outcome_code="1",
        )
    )
    ev.append(event("CE7", "court_outcome", "2024-05-05", related_event_id="CE5"))
    inv = world["involvements"]
    inv += [
        role("CE1", "CV1", "witness"),  # victim and witness in one event
        role("CE6", "CV1", "suspect"),  # a child victim, a suspect elsewhere
        role("CE6", "CS1", "victim"),
        role("CE4", "CS1", "offender"),
        role("CE5", "CS1", "offender"),
        role("CE7", "CS1", "offender"),
    ]
    objects = [{"object_id": "CO1", "object_type": "online_account", "value": "@someone"}]
    locations = [{"location_id": "CL1", "location_type": "park", "postcode": "LS1 4AB"}]

    def assoc(ft: str, fi: str, tt: str, ti: str, kind: str) -> Row:
        return {
            "from_type": ft,
            "from_id": fi,
            "to_type": tt,
            "to_id": ti,
            "association_type": kind,
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        }

    associations = [
        assoc("person", "CS1", "person", "CS1", "associate_of"),
        assoc("event", "CE1", "event", "CE2", "other"),
        assoc("location", "CL1", "object", "CO1", "other"),
        assoc("object", "CO1", "person", "CS2", "uses"),
        assoc("event", "CE6", "location", "CL1", "other"),
        assoc("person", "CV2", "location", "CL1", "frequents"),
        assoc("person", "CS3", "location", "CL1", "frequents"),
    ]
    tables = full_tables(world, objects=objects, locations=locations, associations=associations)
    return [write_submission(root, "cs-chains", tables, manifest={"area": "cleveland"})]


def spreadsheet_habits(root: Path) -> list[Written]:
    """What spreadsheets and old systems leave behind: non-breaking and zero-width spaces,
    accents in decomposed form (NFD), padded header cells, blank rows (``,,,,``) and blank
    lines, and a manifest saved with a byte-order mark."""
    world = group_world("W")
    p = world["persons"]
    p[0].update(
        forenames=f"Bethany{NBSP}",
        surname=f"Hu{ZWSP}ghes",
        postcode=f"LS1{NBSP}4AB",
        phones=f"07700{NBSP}900123",
    )
    p[1].update(forenames="Sioba\u0301n", surname="Walsh\t", postcode="  ls2 7qq")
    p[2].update(forenames=" Darren ", surname="PIKE ", phones=" 07700 900456 ")
    tables = full_tables(world)
    for t in tables.values():
        t.rename = {c: f" {c} " for c in t.header}
        t.crlf = True
    written = write_submission(root, "cs-habits", tables, manifest={"agency_type": "other"})
    for name in ("persons.csv", "events.csv", "involvements.csv"):
        path = written.path / name
        lines = path.read_bytes().decode("utf-8").split("\r\n")  # CRLF kept as written
        blank = "," * lines[0].count(",")  # a blank spreadsheet row: no record
        lines[2:2] = [blank]
        path.write_bytes("\r\n".join([*lines, blank, blank, "", ""]).encode("utf-8"))
    manifest = written.path / "manifest.json"
    manifest.write_text("\ufeff" + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    return [written]


def date_forms(root: Path) -> list[Written]:
    """ISO 8601 in the forms systems write it: a space for the T, minutes only, fractions of
    a second, a UTC offset without a colon."""
    world = group_world("T")
    forms = ["2024-01-10 09:15:00", "2024-03-02T10:00", "2024-03-05T10:00:00.123456Z"]
    for row, reported in zip(world["events"], forms, strict=True):
        row["reported_date"] = reported
    world["events"][0]["occurred_date"] = "2024-01-05T22:00:00+0100"
    world["persons"][0]["date_of_birth"] = "2010-03-04T00:00:00"
    tables = full_tables(world)
    return [write_submission(root, "cs-iso", tables, manifest={"area": "kent"})]


def mac_zip(root: Path) -> list[Written]:
    """A zip made on a Mac: files at the archive's root, with __MACOSX and .DS_Store."""
    import zipfile

    written = write_submission(
        root, "cs-maczip", full_tables(group_world("M")), manifest={"area": "kent"}
    )
    path = root / "cs-maczip.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(written.path.iterdir()):
            archive.write(file, file.name)
            archive.writestr(f"__MACOSX/._{file.name}", b"\x00\x05\x16\x07junk")
        archive.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
    return [Written(path, written.source_id, written.rows)]


def workbook(root: Path) -> list[Written]:
    """An .xlsx workbook as a spreadsheet keeps it: capitalised sheet names, dates as date
    cells, phone numbers and outcome codes as numbers (the leading zero lost), formatting
    left on empty cells beyond the data."""
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Manifest"
    sheet.append(["field", "value"])
    manifest: dict[str, object] = {**MANIFEST, "source_id": "cs-xlsx", "area": "essex"}
    manifest["extract_date"] = datetime.datetime(2025, 10, 1)
    for key, value in manifest.items():
        sheet.append([key, value])
    world = group_world("Y")
    for name, rows in world.items():
        sheet = book.create_sheet(name.capitalize())
        columns = ALL_COLUMNS[name]
        sheet.append(columns)
        for row in rows:
            sheet.append([_as_cell(c, row.get(c, "")) for c in columns])
        for n in range(1, len(rows) + 4):
            sheet.cell(row=n, column=len(columns) + 2).font = Font(bold=True)
    path = root / "cs-xlsx.xlsx"
    book.save(path)
    return [Written(path, "cs-xlsx", {name: len(rows) for name, rows in world.items()})]


def _as_cell(column: str, value: str) -> object:
    import datetime

    if not value:
        return None
    if column.endswith("_date") or column == "date_of_birth":
        return datetime.datetime.fromisoformat(value) if len(value) == 10 else value
    if column == "phones":
        return int(value.replace(" ", ""))
    if column == "outcome_code":
        return int(value)
    return value


def far_dates(root: Path) -> list[Written]:
    """Dates at the edges: an event reported in 1901 and one after the extract date, a
    charge before its crime, a closure before the report, a child who turns 18 between two
    of her events, every event closed."""
    world = group_world("G")
    ev = world["events"]
    ev[0].update(reported_date="1901-01-01", occurred_date="1900-06-01")
    ev[1].update(reported_date="2026-06-01", occurred_date="2026-05-01", closed_date="2026-01-01")
    ev[2].update(status="closed", closed_date="2024-03-06")
    ev.append(
        event(
            "GE4",
            "charge",
            "2023-01-01",
            related_event_id="GE2",
            status="closed",
            closed_date="2023-01-02",
            outcome_code="1",
        )
    )
    ev.append(event("GE5", "court_outcome", "2022-01-01", related_event_id="GE4"))
    world["persons"][0]["date_of_birth"] = "2006-01-09"  # 18 between her events
    world["involvements"] += [
        role("GE4", "GS1", "offender"),
        role("GE5", "GS1", "offender"),
        role("GE2", "GV1", "victim"),
    ]
    return [write_submission(root, "cs-far", full_tables(world), manifest={"area": "surrey"})]


def hostile_text(root: Path) -> list[Written]:
    """Text a spreadsheet or browser would act on: formula-like cells, markup, in names,
    addresses, narratives, ids and object values."""
    world = group_world("Q")
    p = world["persons"]
    p[0].update(forenames='=HYPERLINK("x")', address="<script>alert(1)</script> 1 Road")
    p[1].update(surname="<b>Walsh</b>", aliases="@SUM(A1);+cmd")
    world["events"][0]["narrative"] = "<img src=x onerror=alert(1)> -2+3 =1+1"
    world["events"][0]["offence"] = "=cmd|' /C calc'!A0"
    for r in world["involvements"]:
        if r["person_id"] == "QS1":
            r["person_id"] = "=QS1"
    p[2]["person_id"] = "=QS1"
    objects = [
        {
            "object_id": "@O1",
            "object_type": "online_account",
            "value": "=evil()",
            "description": "<i>platform</i>",
        }
    ]
    associations = [
        {
            "from_type": "person",
            "from_id": "=QS1",
            "to_type": "object",
            "to_id": "@O1",
            "association_type": "uses",
        }
    ]
    tables = full_tables(world, objects=objects, associations=associations)
    return [write_submission(root, "cs-hostile", tables, manifest={"area": "sussex"})]


def crowded_event(root: Path) -> list[Written]:
    """One intelligence report naming sixty adults beside one child, and a strategy meeting
    naming them again: a large, dense network."""
    persons = [person("K0", "Kira", "Child", "2011-01-01", sex="female")]
    persons += [
        person(f"K{i}", f"Adult{chr(65 + i % 26)}", f"Crowd{i}", f"19{70 + i % 25}", sex="male")
        for i in range(1, 61)
    ]
    events = [
        event("KE1", "crime", "2024-02-02", cse_flag="yes", offence="Sexual activity with a child"),
        event("KE2", "strategy_meeting", "2024-02-10", cse_flag="yes"),
    ]
    involvements = [role("KE1", "K0", "victim"), role("KE2", "K0", "subject")]
    involvements += [role("KE1", f"K{i}", "suspect") for i in range(1, 61)]
    involvements += [role("KE2", f"K{i}", "associate") for i in range(1, 61, 2)]
    tables = full_tables({"persons": persons, "events": events, "involvements": involvements})
    return [write_submission(root, "cs-crowd", tables, manifest={"area": "norfolk"})]


def unnamed_columns(root: Path) -> list[Written]:
    """CSVs a data-frame library and a spreadsheet wrote: an index column with an empty
    header cell first, and a trailing comma on every line."""
    written = write_submission(
        root, "cs-unnamed", full_tables(group_world("U")), manifest={"area": "hampshire"}
    )
    for name in ("persons.csv", "events.csv", "involvements.csv"):
        path = written.path / name
        lines = path.read_text(encoding="utf-8").splitlines()
        body = [f"{n},{line}," for n, line in enumerate(lines[1:])]
        path.write_text("\n".join([f",{lines[0]},", *body]) + "\n", encoding="utf-8")
    return [written]


MORE_SHAPES: dict[str, Callable[[Path], list[Written]]] = {
    "unusual_ids": unusual_ids,
    "event_chains": event_chains,
    "spreadsheet_habits": spreadsheet_habits,
    "date_forms": date_forms,
    "mac_zip": mac_zip,
    "workbook": workbook,
    "far_dates": far_dates,
    "hostile_text": hostile_text,
    "crowded_event": crowded_event,
    "unnamed_columns": unnamed_columns,
}
