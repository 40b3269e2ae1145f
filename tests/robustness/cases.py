"""The unusual submissions, one builder per case; each is legal by STANDARD.md. The cases
the sweep began with are here; more_cases.py holds the rest, small_stores.py the stores
whose whole content is the case."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.robustness.more_cases import MORE_SHAPES
from tests.robustness.submissions import (
    ALL_COLUMNS,
    REQUIRED,
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


def _pole_tables(
    columns: Mapping[str, Sequence[str]],
    prefix: str,
    thing: tuple[str, str],
    links: list[tuple[str, str, str]],
) -> dict[str, Table]:
    """One object (type, value), one location, and ``links`` (person id suffix, ``object`` or
    ``location``, association type) from people of ``group_world(prefix)`` to them."""
    target = {"object": f"{prefix}O1", "location": f"{prefix}L1"}
    return {
        "objects": Table(
            list(columns["objects"]),
            [{"object_id": target["object"], "object_type": thing[0], "value": thing[1]}],
        ),
        "locations": Table(list(columns["locations"]), [{"location_id": target["location"]}]),
        "associations": Table(
            list(columns["associations"]),
            [
                {
                    "from_type": "person",
                    "from_id": f"{prefix}{who}",
                    "to_type": kind,
                    "to_id": target[kind],
                    "association_type": association,
                }
                for who, kind, association in links
            ],
        ),
    }


def required_only(root: Path) -> list[Written]:
    """Every table, each with only its required columns."""
    world = group_world("R")
    tables = {
        name: Table(list(REQUIRED[name]), [{c: r.get(c, "") for c in REQUIRED[name]} for r in rows])
        for name, rows in world.items()
    }
    tables.update(
        _pole_tables(
            REQUIRED,
            "R",
            ("phone", "07700 900456"),
            [("S1", "object", "uses"), ("S2", "location", "frequents")],
        )
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
    tables.update(
        _pole_tables(ALL_COLUMNS, "N", ("vehicle", "AB12 CDE"), [("S1", "object", "owns")])
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
    birth in the future and on a system default date (1900-01-01), every event on one day."""
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
    **MORE_SHAPES,
}
