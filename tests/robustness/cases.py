"""The unusual submissions, one builder per case; each is legal by STANDARD.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.robustness.submissions import (
    ALL_COLUMNS,
    MANIFEST,
    REQUIRED,
    Row,
    Table,
    Written,
    event,
    full_tables,
    group_world,
    person,
    role,
    write_submission,
)

LONG_NARRATIVE = ('Practitioner noted concerns, "quoted", and, commas; ' * 400)[:20000]
LONG_NAME = ("Llewellyn-" * 20)[:200]


def bare_persons(root: Path) -> list[Written]:
    """Persons only: events.csv and involvements.csv hold just their headers, the optional
    tables are absent."""
    tables = {
        "persons": Table(
            ["person_id", "forenames", "surname", "date_of_birth"],
            [
                person("B1", "Aled", "Jones", "2008-02-02"),
                person("B2", "Sian", "Evans", ""),
                person("B3", "Rhys", "Morgan", "1988"),
            ],
        ),
        "events": Table(list(REQUIRED["events"])),
        "involvements": Table(list(REQUIRED["involvements"])),
    }
    return [
        write_submission(
            root, "cs-bare", tables, manifest={"agency_type": "education", "area": "south-wales"}
        )
    ]


def header_only_optionals(root: Path) -> list[Written]:
    """The three optional tables present, each with only its header."""
    tables = full_tables(group_world("H"))
    for name in ("objects", "locations", "associations"):
        tables[name] = Table(list(ALL_COLUMNS[name]))
    return [
        write_submission(
            root, "cs-headers", tables, manifest={"agency_type": "childrens_social_care"}
        )
    ]


def required_only(root: Path) -> list[Written]:
    """Every table, each with only its required columns."""
    world = group_world("R")
    tables = {
        name: Table(list(REQUIRED[name]), [{c: r.get(c, "") for c in REQUIRED[name]} for r in rows])
        for name, rows in world.items()
    }
    tables["objects"] = Table(
        list(REQUIRED["objects"]),
        [{"object_id": "RO1", "object_type": "phone", "value": "07700 900456"}],
    )
    tables["locations"] = Table(list(REQUIRED["locations"]), [{"location_id": "RL1"}])
    tables["associations"] = Table(
        list(REQUIRED["associations"]),
        [
            {
                "from_type": "person",
                "from_id": "RS1",
                "to_type": "object",
                "to_id": "RO1",
                "association_type": "uses",
            },
            {
                "from_type": "person",
                "from_id": "RS2",
                "to_type": "location",
                "to_id": "RL1",
                "association_type": "frequents",
            },
        ],
    )
    return [write_submission(root, "cs-required", tables, manifest={"area": "north-wales"})]


def all_optional_blank(root: Path) -> list[Written]:
    """Every optional column present, every optional cell empty."""
    world = group_world("N")
    tables: dict[str, Table] = {}
    for name, rows in world.items():
        tables[name] = Table(
            list(ALL_COLUMNS[name]), [{c: r[c] for c in REQUIRED[name]} for r in rows]
        )
    tables["objects"] = Table(
        list(ALL_COLUMNS["objects"]),
        [{"object_id": "NO1", "object_type": "vehicle", "value": "AB12 CDE"}],
    )
    tables["locations"] = Table(list(ALL_COLUMNS["locations"]), [{"location_id": "NL1"}])
    tables["associations"] = Table(
        list(ALL_COLUMNS["associations"]),
        [
            {
                "from_type": "person",
                "from_id": "NS1",
                "to_type": "object",
                "to_id": "NO1",
                "association_type": "owns",
            }
        ],
    )
    return [write_submission(root, "cs-blank", tables, manifest={"agency_type": "health"})]


def _shuffled(columns: list[str]) -> list[str]:
    return [*columns[::-1], "Local_Ref", "EXTRA notes"]


def formatted(root: Path) -> list[Written]:
    """Upper- and mixed-case headers, shuffled, with unknown columns, a byte-order mark,
    CRLF line endings, and quoted commas, newlines and double quotes in free text."""
    world = group_world("F")
    world["persons"][0]["address"] = 'Flat 3, "The Maltings",\nKirkstall Road, Leeds'
    world["persons"][1]["aliases"] = 'Chlo; "CC", the girl'
    world["events"][0]["narrative"] = 'Line one, with a comma.\r\nLine two: "quoted".\nThree.'
    world["events"][1]["offence"] = 'Rape of a child, "under 13"'
    for rows in world.values():
        for r in rows:
            r["Local_Ref"] = "x, y"
            r["EXTRA notes"] = 'say "hello"\nthere'
    tables: dict[str, Table] = {}
    for name, rows in world.items():
        header = _shuffled(list(ALL_COLUMNS[name]))
        cases = [str.upper, str.title, lambda s: s[:1].upper() + s[1:]]
        rename = {c: cases[i % 3](c) for i, c in enumerate(ALL_COLUMNS[name])}
        tables[name] = Table(header, rows, bom=True, crlf=True, rename=rename)
    tables["locations"] = Table(
        _shuffled(ALL_COLUMNS["locations"]),
        [
            {
                "location_id": "FL1",
                "location_type": "takeaway",
                "name": 'Pizza, "Kebab" & Co',
                "address": "1 High St,\nLeeds",
                "postcode": "ls1 1aa",
            }
        ],
        bom=True,
        crlf=True,
        rename={c: c.upper() for c in ALL_COLUMNS["locations"]},
    )
    return [write_submission(root, "cs-format", tables, manifest={"agency_type": "police"})]


def international_names(root: Path) -> list[Written]:
    """Names as agencies in England and Wales hold them: Welsh, Polish, Irish, Turkish,
    apostrophes and hyphens, ``SURNAME, Forenames`` in one column, upper case, a single
    letter, very long names and a 20,000-character narrative."""
    persons = [
        person("I1", "Gwenllïan Ŵyn", "Ŷsgol-Price", "2011-05-05", sex="female"),
        person("I2", "Łukasz", "Żółkiewski", "1987-04-04", sex="male", nationality="PL"),
        person("I3", "Siobhán", "Ó Súilleabháin", "2010-10-10", sex="female", nationality="IE"),
        person("I4", "Işıl", "Şahin", "1992-12-12", sex="female", nationality="TR"),
        person("I5", "D'Arcy", "O'Neill-Smyth", "1984-08-08", sex="male"),
        person("I6", "", "KOWALSKI, Jan Piotr", "1986-01-01", sex="male"),
        person("I7", "JOHN", "SMITH", "1983-03-03", sex="male"),
        person("I8", "J", "Brown", "1981-07-07", sex="male"),
        person("I9", LONG_NAME, LONG_NAME, "2009-09-09", sex="female"),
        person("I10", "Ann" * 100, "Ng" * 150, "1980", sex="male"),  # over max_length: warned
    ]
    events = [
        event("IE1", "crime", "2024-05-01", narrative=LONG_NARRATIVE, cse_flag="yes"),
        event("IE2", "intelligence", "2024-05-03", narrative="Łukasz seen with Siobhán."),
    ]
    involvements = [
        role("IE1", "I1", "victim"),
        role("IE1", "I3", "victim"),
        role("IE1", "I9", "victim"),
        role("IE1", "I2", "suspect"),
        role("IE1", "I5", "suspect"),
        role("IE1", "I6", "suspect"),
        role("IE2", "I2", "subject"),
        role("IE2", "I4", "facilitator"),
        role("IE2", "I7", "associate"),
        role("IE2", "I8", "suspect"),
        role("IE2", "I10", "offender"),
    ]
    tables = full_tables({"persons": persons, "events": events, "involvements": involvements})
    return [write_submission(root, "cs-names", tables, manifest={"area": "dyfed-powys"})]


def odd_dates(root: Path) -> list[Written]:
    """Partial dates of birth, date-times with a time zone, reported before occurred, a
    birth in the future and in 1900, every event on one day."""
    persons = [
        person("D1", "Amy", "Year", "2010", sex="female"),
        person("D2", "Beth", "Month", "2011-02", sex="female"),
        person("D3", "Carl", "Future", "2031-01-01", sex="male"),
        person("D4", "Dan", "Old", "1900-01-01", sex="male"),
        person("D5", "Eve", "Zoned", "2009-06-30T00:00:00+01:00", sex="female"),
        person("D6", "Fred", "Leap", "1988-02-29", sex="male"),
    ]
    day = "2024-07-14"
    events = [
        event(
            "DE1",
            "crime",
            "2024-07-14T09:15:00+01:00",
            occurred_date="2024-07-14T23:30:00Z",
            cse_flag="yes",
        ),
        event(
            "DE2",
            "arrest",
            day,
            occurred_date=day,
            related_event_id="DE1",
            closed_date="2024-07-14T18:00:00+00:00",
            status="closed",
        ),
        event("DE3", "missing_episode", "2024-07-14T00:00:00-05:00", occurred_date=day),
    ]
    involvements = [
        role("DE1", "D1", "victim"),
        role("DE1", "D2", "victim"),
        role("DE1", "D3", "suspect"),
        role("DE1", "D4", "suspect"),
        role("DE2", "D4", "offender"),
        role("DE2", "D6", "suspect"),
        role("DE3", "D5", "missing_person"),
        role("DE3", "D3", "associate"),
    ]
    tables = full_tables({"persons": persons, "events": events, "involvements": involvements})
    return [write_submission(root, "cs-dates", tables, manifest={"area": "gwent"})]


def untidy_lists(root: Path) -> list[Written]:
    """Lists with stray spaces and empty items, phones in every format, postcodes in lower
    case without their space."""
    world = group_world("L")
    p = world["persons"]
    p[0].update(
        phones="07700 900123; ;",
        postcode="ls14ab",
        aliases=" Bee ;; B ;",
        emails="  BETH@Example.org ; ",
        nationality="GB; ;IE",
    )
    p[1].update(phones="+44 (0)7700-900-456;07700900456 ; 0113 496 0000", postcode=" ls2 7qq ")
    p[2].update(phones=";;", postcode="LS62AA", nhs_number="9434765919")
    p[3].update(phones="(0113) 4960001 ext 12", postcode="m1 1ae")
    p[4].update(phones="0044 7700 900999", emails=";")
    world["events"][0]["postcode"] = "ls11aa"
    tables = full_tables(world)
    return [write_submission(root, "cs-lists", tables, manifest={"agency_type": "youth_justice"})]


def crossed_associations(root: Path) -> list[Written]:
    """An association naming an id that exists only in another table type (quarantined as
    dangling, with its reason) and a location known only by latitude and longitude."""
    world = group_world("A")
    objects = [{"object_id": "AO1", "object_type": "phone", "value": "07700 900456"}]
    locations = [
        {"location_id": "AL1", "latitude": "53.7996", "longitude": "-1.5491"},
        {"location_id": "AS1", "name": "Same id as a person, other table"},
    ]
    associations = [
        {
            "from_type": "person",
            "from_id": "AS1",
            "to_type": "location",
            "to_id": "AL1",
            "association_type": "frequents",
        },
        {
            "from_type": "person",
            "from_id": "AO1",
            "to_type": "object",
            "to_id": "AO1",
            "association_type": "uses",
        },  # AO1 is an object, not a person: dangling
        {
            "from_type": "person",
            "from_id": "AS2",
            "to_type": "location",
            "to_id": "AS1",
            "association_type": "frequents",
        },  # AS1 is both a person and a location: fine
        {
            "from_type": "person",
            "from_id": "AS1",
            "to_type": "person",
            "to_id": "AS2",
            "association_type": "associate_of",
        },
    ]
    world["events"][0]["location_id"] = "AL1"
    tables = full_tables(world, objects=objects, locations=locations, associations=associations)
    return [
        write_submission(root, "cs-assoc", tables, manifest={"agency_type": "voluntary_sector"})
    ]


def zipped(root: Path) -> list[Written]:
    tables = full_tables(group_world("Z"))
    return [
        write_submission(
            root, "cs-zip", tables, manifest={"area": "greater-manchester"}, as_zip=True
        )
    ]


def second_extract(root: Path) -> list[Written]:
    """The same source twice: the later extract drops a person and changes a name."""
    first = full_tables(group_world("X"))
    world = group_world("X")
    world["persons"] = [r for r in world["persons"] if r["person_id"] != "XS3"]
    world["involvements"] = [r for r in world["involvements"] if r["person_id"] != "XS3"]
    world["persons"][0]["surname"] = "Hughes-Ward"
    later = full_tables(world)
    return [
        write_submission(root, "cs-again", first, manifest={"extract_date": "2025-09-01"}),
        write_submission(root, "cs-again", later, manifest={"extract_date": "2025-10-01"}),
    ]


SHAPES: dict[str, Callable[[Path], list[Written]]] = {
    "bare_persons": bare_persons,
    "header_only_optionals": header_only_optionals,
    "required_only": required_only,
    "all_optional_blank": all_optional_blank,
    "formatted": formatted,
    "international_names": international_names,
    "odd_dates": odd_dates,
    "untidy_lists": untidy_lists,
    "crossed_associations": crossed_associations,
    "zipped": zipped,
    "second_extract": second_extract,
}


# Small stores: the whole store is the case.
def _one_source(persons: list[Row], events: list[Row], involvements: list[Row]) -> dict[str, Table]:
    return full_tables({"persons": persons, "events": events, "involvements": involvements})


def one_person(root: Path) -> list[Written]:
    tables = _one_source(
        [person("P1", "Ffion", "Ellis", "2010-01-01")],
        [event("E1", "referral", "2024-02-02")],
        [role("E1", "P1", "subject")],
    )
    return [write_submission(root, "one-person", tables)]


def two_persons(root: Path) -> list[Written]:
    tables = _one_source(
        [person("P1", "Ffion", "Ellis", "2010-01-01"), person("P2", "Gareth", "Lloyd", "1980")],
        [event("E1", "crime", "2024-02-02", cse_flag="yes")],
        [role("E1", "P1", "victim"), role("E1", "P2", "suspect")],
    )
    return [write_submission(root, "two-persons", tables)]


def one_source(root: Path) -> list[Written]:
    return [write_submission(root, "only-police", full_tables(group_world()))]


def same_name(root: Path) -> list[Written]:
    written = []
    for n, src in enumerate(["same-a", "same-b"]):
        world = group_world()
        for r in world["persons"]:
            r.update(
                forenames="John",
                surname="Smith",
                date_of_birth="1990-01-01",
                phones="",
                postcode="",
            )
        written.append(
            write_submission(
                root,
                src,
                full_tables(world),
                manifest={"agency_type": ["police", "childrens_social_care"][n]},
            )
        )
    return written


def no_dob(root: Path) -> list[Written]:
    written = []
    for n, src in enumerate(["nodob-a", "nodob-b"]):
        world = group_world()
        for r in world["persons"]:
            r["date_of_birth"] = ""
        written.append(
            write_submission(
                root, src, full_tables(world), manifest={"agency_type": ["police", "health"][n]}
            )
        )
    return written


def no_offenders(root: Path) -> list[Written]:
    written = []
    for n, src in enumerate(["calm-a", "calm-b"]):
        world = group_world()
        for r in world["involvements"]:
            r["role"] = {"suspect": "witness", "offender": "reporting_person"}.get(
                r["role"], r["role"]
            )
        written.append(
            write_submission(
                root, src, full_tables(world), manifest={"agency_type": ["police", "education"][n]}
            )
        )
    return written


def all_victims(root: Path) -> list[Written]:
    written = []
    for n, src in enumerate(["victims-a", "victims-b"]):
        world = group_world()
        for r in world["involvements"]:
            r["role"] = "victim"
        written.append(
            write_submission(
                root,
                src,
                full_tables(world),
                manifest={"agency_type": ["police", "childrens_social_care"][n]},
            )
        )
    return written


SMALL_STORES: dict[str, Callable[[Path], list[Written]]] = {
    "one_person": one_person,
    "two_persons": two_persons,
    "one_source": one_source,
    "same_name": same_name,
    "no_dob": no_dob,
    "no_offenders": no_offenders,
    "all_victims": all_victims,
}


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


NBSP, ZWSP = "\u00a0", "\u200b"


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


SHAPES.update(
    {
        "unusual_ids": unusual_ids,
        "event_chains": event_chains,
        "spreadsheet_habits": spreadsheet_habits,
        "date_forms": date_forms,
        "mac_zip": mac_zip,
    }
)


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


SHAPES["workbook"] = workbook


def ids_only(root: Path) -> list[Written]:
    """Two agencies that send their people as ids alone, no names, births or phones (the
    standard makes every person column but the id optional), with full event records:
    nothing can link them, and the networks of each must still be found."""
    written = []
    for n, src in enumerate(["anon-a", "anon-b"]):
        tables = full_tables(group_world())
        tables["persons"] = Table(
            ["person_id"], [{"person_id": r["person_id"]} for r in tables["persons"].rows]
        )
        kind = ["police", "childrens_social_care"][n]
        written.append(write_submission(root, src, tables, manifest={"agency_type": kind}))
    return written


SMALL_STORES["ids_only"] = ids_only


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


SHAPES.update(
    {"far_dates": far_dates, "hostile_text": hostile_text, "crowded_event": crowded_event}
)


def empty(root: Path) -> list[Written]:
    """A submission of headers only: an agency with nothing to report this period."""
    tables = {name: Table(list(REQUIRED[name])) for name in ("persons", "events", "involvements")}
    return [write_submission(root, "nothing-yet", tables)]


def pair_across(root: Path) -> list[Written]:
    """One child known to the police and to health, nobody else: two records, one pair."""
    child = person(
        "P1",
        "Ffion",
        "Ellis",
        "2010-01-01",
        sex="female",
        phones="07700 900111",
        postcode="CF10 1AA",
    )
    written = []
    for n, src in enumerate(["pair-police", "pair-health"]):
        tables = _one_source(
            [dict(child)], [event("E1", "referral", "2024-02-02")], [role("E1", "P1", "subject")]
        )
        kind = ["police", "health"][n]
        written.append(write_submission(root, src, tables, manifest={"agency_type": kind}))
    return written


SMALL_STORES.update({"empty": empty, "pair_across": pair_across})


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


SHAPES["unnamed_columns"] = unnamed_columns
