"""Hand-written scenarios (one YAML each) written out as submission folders.

The format is documented in ``tests/scenarios/README.md``. A scenario is checked when it
loads: an unknown key, role, agency type or reference is a ``ScenarioError`` naming the
file and the entry, so a typo never turns into a silently different case.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clearsight.graph.rules import standard_codes
from clearsight.standard.roles import CHILD_ROLES as STANDARD_CHILD_ROLES

CASES = Path(__file__).parent / "cases"

# What agencies can submit, from the standard (as the rule pack reads it).
AGENCY_TYPES = standard_codes("agencies")
ROLES = standard_codes("roles")
# The child side of an event: a person in one of these roles is a child of the scenario and
# never an expected network member.
CHILD_ROLES = frozenset(STANDARD_CHILD_ROLES)
ASSOCIATION_TYPES = {
    "uses",
    "owns",
    "resides_at",
    "frequents",
    "associate_of",
    "family_of",
    "employed_at",
    "seen_with",
    "other",
}
# Short keys of the YAML and the standard's column each stands for.
PERSON_KEYS = {
    "fn": "forenames",
    "sn": "surname",
    "dob": "date_of_birth",
    "sex": "sex",
    "aliases": "aliases",
    "eth": "ethnicity_self_defined",
    "officer": "ethnicity_officer_defined",
    "nat": "nationality",
    "postcode": "postcode",
    "address": "address",
    "phones": "phones",
    "emails": "emails",
    "nhs": "nhs_number",
}
EVENT_KEYS = {
    "type": "event_type",
    "date": "reported_date",
    "occurred": "occurred_date",
    "related": "related_event_id",
    "loc": "location_id",
    "postcode": "postcode",
    "offence": "offence",
    "cse": "cse_flag",
    "status": "status",
    "outcome": "outcome_code",
    "narrative": "narrative",
}
OBJECT_KEYS = {"type": "object_type", "value": "value", "description": "description"}
LOCATION_KEYS = {"type": "location_type", "name": "name", "address": "address"}
LOCATION_KEYS["postcode"] = "postcode"
SCENARIO_KEYS = {"id", "class", "title", "pattern", "sources", "agencies", "expect"}
AGENCY_KEYS = {
    "source",
    "type",
    "area",
    "organisation",
    "persons",
    "events",
    "objects",
    "locations",
    "associations",
}
EXPECT_KEYS = {
    "networks",
    "partner_only",
    "same_person",
    "distinct_people",
    "in_every_network",
    "not_members",
    "xfail",
}
TYPE_PREFIX = {"obj": "object", "loc": "location", "event": "event", "person": "person"}


class ScenarioError(ValueError):
    """A scenario file that does not follow the format, with the file and the entry."""


@dataclass(frozen=True)
class Agency:
    source_id: str
    agency_type: str
    area: str
    organisation: str
    tables: dict[str, list[dict[str, str]]]
    # person_id -> the true person (``who``) behind the record.
    who: dict[str, str]


@dataclass(frozen=True)
class Scenario:
    path: Path
    id: str
    cls: str
    title: str
    pattern: str
    sources: str
    agencies: list[Agency]
    networks: list[frozenset[str]]
    partner_only: list[bool]
    same_person: list[str]
    distinct_people: list[frozenset[str]]
    xfail: str | None
    children: frozenset[str] = field(default_factory=frozenset)
    # People who must be in every reported network that finds an expected network holding
    # them (a man in two groups is a member of both, not of one).
    in_every_network: list[str] = field(default_factory=list)
    # People in the records who must be in no reported network (a tenant, a landlord, a
    # security guard): a network that holds one is wrong however well it matches.
    not_members: list[str] = field(default_factory=list)
    # Whether the case declares ``partner_only`` (else every flag is a default false).
    partner_only_declared: bool = False

    def who(self, source_id: str, person_id: str) -> str | None:
        for agency in self.agencies:
            if agency.source_id == source_id:
                return agency.who.get(person_id)
        return None


def _fail(path: Path, where: str, reason: str) -> ScenarioError:
    return ScenarioError(f"{path.name}: {where}: {reason}")


def _check_keys(path: Path, where: str, given: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise _fail(path, where, f"unknown key(s) {', '.join(unknown)}")


def _text(value: Any) -> str:
    """A YAML value as the CSV cell an agency would write (lists joined with ``;``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    return str(value)


def _rows(
    path: Path, where: str, entries: Any, keys: dict[str, str], id_column: str, extra: set[str]
) -> list[dict[str, str]]:
    if entries is None:
        return []
    if not isinstance(entries, dict):
        raise _fail(path, where, "must be a mapping of id to fields")
    rows = []
    for entry_id, fields in entries.items():
        fields = fields or {}
        if not isinstance(fields, dict):
            raise _fail(path, f"{where} {entry_id}", "must be a mapping of fields")
        _check_keys(path, f"{where} {entry_id}", fields, set(keys) | extra)
        row = {id_column: str(entry_id)}
        row.update({keys[k]: _text(v) for k, v in fields.items() if k in keys})
        rows.append(row)
    return rows


def _endpoint(path: Path, where: str, token: str, ids: dict[str, set[str]]) -> tuple[str, str]:
    kind, _, ident = token.rpartition(":")
    kind = TYPE_PREFIX.get(kind or "person")
    if kind is None:
        raise _fail(path, where, f"unknown prefix in {token!r} (person:, obj:, loc:, event:)")
    if ident not in ids[kind]:
        raise _fail(path, where, f"{token!r} names no {kind} of this agency")
    return kind, ident


def _agency(path: Path, index: int, raw: Any) -> tuple[Agency, set[str]]:
    where = f"agencies[{index}]"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a mapping")
    _check_keys(path, where, raw, AGENCY_KEYS)
    for required in ("source", "type", "area"):
        if required not in raw:
            raise _fail(path, where, f"missing {required}")
    source_id, agency_type = str(raw["source"]), str(raw["type"])
    where = f"agency {source_id}"
    if agency_type not in AGENCY_TYPES:
        raise _fail(path, where, f"unknown agency type {agency_type!r}")
    persons = _rows(path, f"{where} person", raw.get("persons"), PERSON_KEYS, "person_id", {"who"})
    who = {
        str(key): str((fields or {}).get("who", key))
        for key, fields in (raw.get("persons") or {}).items()
    }
    raw_events = raw.get("events") or {}
    events = _rows(path, f"{where} event", raw_events, EVENT_KEYS, "event_id", {"people"})
    objects = _rows(path, f"{where} object", raw.get("objects"), OBJECT_KEYS, "object_id", set())
    locations = _rows(
        path, f"{where} location", raw.get("locations"), LOCATION_KEYS, "location_id", set()
    )
    ids = {
        "person": set(who),
        "event": {e["event_id"] for e in events},
        "object": {o["object_id"] for o in objects},
        "location": {loc["location_id"] for loc in locations},
    }
    involvements, children = [], set()
    for event_id, fields in raw_events.items():
        people = (fields or {}).get("people") or {}
        loc = (fields or {}).get("loc")
        if loc is not None and str(loc) not in ids["location"]:
            raise _fail(path, f"{where} event {event_id}", f"location {loc!r} is not listed")
        for person_id, roles in people.items():
            if str(person_id) not in who:
                raise _fail(path, f"{where} event {event_id}", f"person {person_id!r} not listed")
            for role in roles if isinstance(roles, list) else [roles]:
                if role not in ROLES:
                    raise _fail(path, f"{where} event {event_id}", f"unknown role {role!r}")
                involvements.append(
                    {"event_id": str(event_id), "person_id": str(person_id), "role": role}
                )
                if role in CHILD_ROLES:
                    children.add(who[str(person_id)])
    associations = []
    for n, line in enumerate(raw.get("associations") or []):
        parts = str(line).split()
        if len(parts) not in (3, 5):
            raise _fail(path, f"{where} association {n}", "write 'FROM TYPE TO [START END]'")
        if parts[1] not in ASSOCIATION_TYPES:
            raise _fail(path, f"{where} association {n}", f"unknown type {parts[1]!r}")
        from_type, from_id = _endpoint(path, f"{where} association {n}", parts[0], ids)
        to_type, to_id = _endpoint(path, f"{where} association {n}", parts[2], ids)
        associations.append(
            {
                "from_type": from_type,
                "from_id": from_id,
                "to_type": to_type,
                "to_id": to_id,
                "association_type": parts[1],
                "start_date": parts[3] if len(parts) == 5 else "",
                "end_date": parts[4] if len(parts) == 5 else "",
            }
        )
    tables = {"persons": persons, "events": events, "involvements": involvements}
    for name, table in (
        ("objects", objects),
        ("locations", locations),
        ("associations", associations),
    ):
        if table:
            tables[name] = table
    organisation = str(raw.get("organisation", f"{source_id} (fictional)"))
    agency = Agency(source_id, agency_type, str(raw["area"]), organisation, tables, who)
    return agency, children


def _sets(path: Path, where: str, raw: Any, known: set[str]) -> list[frozenset[str]]:
    out = []
    for n, members in enumerate(raw or []):
        if not isinstance(members, list) or not members:
            raise _fail(path, f"{where}[{n}]", "must be a non-empty list of people")
        unknown = sorted(set(map(str, members)) - known)
        if unknown:
            raise _fail(path, f"{where}[{n}]", f"no record of {', '.join(unknown)}")
        out.append(frozenset(map(str, members)))
    return out


def load(path: Path) -> Scenario:
    raw = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(raw, dict):
        raise _fail(path, "file", "must be a mapping")
    _check_keys(path, "scenario", raw, SCENARIO_KEYS)
    for required in ("id", "class", "title", "pattern", "sources", "agencies", "expect"):
        if required not in raw:
            raise _fail(path, "scenario", f"missing {required}")
    if raw["id"] != path.stem:
        raise _fail(path, "id", f"{raw['id']!r} is not the file name {path.stem!r}")
    agencies, children = [], set()
    for index, entry in enumerate(raw["agencies"]):
        agency, kids = _agency(path, index, entry)
        agencies.append(agency)
        children |= kids
    sources = [a.source_id for a in agencies]
    if len(set(sources)) != len(sources):
        raise _fail(path, "agencies", "a source_id is used twice")
    known = {w for a in agencies for w in a.who.values()}
    expect = raw["expect"] or {}
    _check_keys(path, "expect", expect, EXPECT_KEYS)
    networks = _sets(path, "expect.networks", expect.get("networks"), known)
    for n, members in enumerate(networks):
        if members & children:
            raise _fail(path, f"expect.networks[{n}]", "a child is never a network offender")
    partner_only = [bool(x) for x in expect.get("partner_only") or [False] * len(networks)]
    if len(partner_only) != len(networks):
        raise _fail(path, "expect.partner_only", "one flag per expected network")
    xfail = expect.get("xfail")
    not_members = (
        sorted(_sets(path, "expect.not_members", [expect.get("not_members")], known)[0])
        if expect.get("not_members")
        else []
    )
    for n, members in enumerate(networks):
        if members & set(not_members):
            raise _fail(path, f"expect.networks[{n}]", "holds someone in not_members")
    return Scenario(
        path=path,
        id=str(raw["id"]),
        cls=str(raw["class"]),
        title=str(raw["title"]),
        pattern=str(raw["pattern"]),
        sources=str(raw["sources"]),
        agencies=agencies,
        networks=networks,
        partner_only=partner_only,
        partner_only_declared="partner_only" in expect,
        same_person=sorted(_sets(path, "expect.same_person", [expect.get("same_person")], known)[0])
        if expect.get("same_person")
        else [],
        distinct_people=_sets(path, "expect.distinct_people", expect.get("distinct_people"), known),
        xfail=str(xfail) if xfail else None,
        children=frozenset(children),
        in_every_network=sorted(
            _sets(path, "expect.in_every_network", [expect.get("in_every_network")], known)[0]
        )
        if expect.get("in_every_network")
        else [],
        not_members=not_members,
    )


def load_all(folder: Path = CASES) -> list[Scenario]:
    return [load(p) for p in sorted(folder.glob("*.yaml"))]


def write(scenario: Scenario, out: Path) -> list[Path]:
    """The scenario's submissions as standard folders under ``out``, one per agency."""
    folders = []
    for agency in scenario.agencies:
        folder = out / agency.source_id
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "standard_version": "1.0",
            "source_id": agency.source_id,
            "organisation": agency.organisation,
            "agency_type": agency.agency_type,
            "area": agency.area,
            "extract_date": "2025-10-01",
            "period_start": "2023-04-01",
            "period_end": "2025-09-30",
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        for name, rows in agency.tables.items():
            columns: list[str] = []
            for row in rows:
                columns.extend(c for c in row if c not in columns)
            if not columns:
                columns = {
                    "persons": ["person_id"],
                    "events": ["event_id", "event_type", "reported_date"],
                    "involvements": ["event_id", "person_id", "role"],
                }[name]
            with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, restval="")
                writer.writeheader()
                writer.writerows(rows)
        folders.append(folder)
    return folders
