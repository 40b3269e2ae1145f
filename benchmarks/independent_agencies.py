"""How each agency of the independent network generator records episodes, drawn per seed.

``event_habits`` draws, per seed and agency, which parts of an episode the agency writes
down and with which role of the standard: whether the police record the adults a missing
child was found with (and as ``associate`` or ``suspect``), whether children's services
name an "older boyfriend" as ``associate`` or as ``suspect`` (an alleged perpetrator),
whether a hospital records who brought the child, whether a parent is the reporting
person, how often each agency sets its own CSE flag, and whether it writes a location
row, a postcode or nothing. ``Book`` is one source's submission being written: its
person records (one per person, rendered with ``independent_records.render`` and the
source's person habits, sometimes a second record raised before the first was found),
events, involvements, objects, locations and associations. Written for this benchmark
without reading Clearsight's own generator or graph code.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from independent_records import EXTRACT, Person, render
from independent_world import Episode, Link, Place, Thing

ID_FORMAT = {
    "police": "{p}/{n:06d}/{y}",
    "childrens_social_care": "REF{n:07d}",
    "health": "ATT-{y}-{n:05d}",
    "education": "EC{n:05d}",
    "voluntary_sector": "V{n}",
    "youth_justice": "YJ{n:05d}",
}
PERSON_ID = {
    "police": "{a}{n:07d}",
    "childrens_social_care": "C-{n}",
    "health": "H{n:08d}",
    "education": "UPN{n:06d}",
    "voluntary_sector": "{n}",
    "youth_justice": "YP{n:05d}",
}
# Background (not exploitation) events each agency holds about people of its area.
BACKGROUND = {
    "police": ("incident", "crime", "intelligence", "incident"),
    "childrens_social_care": ("referral",),
    "health": ("health_attendance",),
    "education": ("education_concern",),
    "voluntary_sector": ("referral",),
    "youth_justice": ("other",),
}
OFFENDING_ROLES = frozenset({"suspect", "offender", "facilitator", "associate"})


def event_habits(rng: random.Random, agency: str) -> dict[str, Any]:
    """Which parts of an episode ``agency`` writes down, with which role (per seed)."""
    h: dict[str, Any] = {
        "named": 0.0,  # chance an adult named or seen with the child is recorded
        "named_role": "associate",
        "relative": rng.uniform(0.3, 0.8),
        # Partners' systems list the household in a referral; some extracts map a parent
        # who did not make the referral to "associate" (the standard has no family role).
        "relative_role": "associate" if rng.random() < 0.25 else "reporting_person",
        "professional": rng.choice(("reporting_person", "witness")),
        "cse": rng.uniform(0.5, 0.95),  # chance the agency's own CSE flag says yes
        "cse_else": rng.choice(("", "unknown")),
        "place": rng.choice(("row", "postcode", "none")),
        "duplicate": rng.uniform(0.01, 0.05),
    }
    if agency == "police":
        h.update(named=rng.uniform(0.55, 0.95), place=rng.choice(("row", "row", "postcode")))
        h["relative_role"] = "reporting_person"  # the parent who reports a child missing
        h["named_role"] = rng.choice(("associate", "associate", "suspect"))
        h["objects"] = rng.uniform(0.5, 0.95)
        h["links"] = rng.uniform(0.5, 0.95)
    elif agency == "childrens_social_care":
        h.update(named=rng.uniform(0.5, 0.95), cse=rng.uniform(0.7, 1.0))
        h["named_role"] = rng.choice(("associate", "associate", "suspect"))
    elif agency == "health":
        h.update(named=rng.uniform(0.15, 0.6), cse=rng.uniform(0.2, 0.6), place="none")
    elif agency == "education":
        h.update(named=rng.uniform(0.3, 0.7), cse=rng.uniform(0.3, 0.6), place="none")
    elif agency == "voluntary_sector":
        h.update(named=rng.uniform(0.5, 0.9), cse=rng.uniform(0.6, 0.9))
    else:
        h.update(named=1.0, named_role="offender", cse=0.4)
    return h


@dataclass
class Book:
    """One source's submission as it is written."""

    source_id: str
    agency: str
    area: str
    person_habits: dict[str, Any]
    habits: dict[str, Any]
    persons: dict[str, list[str]] = field(default_factory=dict)  # true pid -> record ids
    rows: list[dict[str, str]] = field(default_factory=list)
    truth: list[tuple[str, str]] = field(default_factory=list)  # (record id, true pid)
    events: list[dict[str, str]] = field(default_factory=list)
    involvements: list[tuple[str, str, str]] = field(default_factory=list)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)
    locations: dict[str, dict[str, str]] = field(default_factory=dict)
    associations: list[dict[str, str]] = field(default_factory=list)
    association_keys: set[tuple[str, ...]] = field(default_factory=set)
    event_ids: dict[str, str] = field(default_factory=dict)  # episode key -> event id
    cases: list[tuple[str, str]] = field(default_factory=list)  # (event id, case)

    def person(self, rng: random.Random, p: Person, fresh: bool = False) -> str:
        known = self.persons.get(p.pid)
        if known and not (fresh and rng.random() < self.habits["duplicate"]):
            return known[0]
        rid = PERSON_ID[self.agency].format(a=self.source_id[:2].upper(), n=len(self.rows) + 1)
        row, _kinds = render(rng, p, self.person_habits)
        row["person_id"] = rid
        self.rows.append(row)
        self.truth.append((rid, p.pid))
        self.persons.setdefault(p.pid, []).append(rid)
        return rid

    def _role(self, rng: random.Random, part: str, e: Episode) -> str | None:
        h, police = self.habits, self.agency == "police"
        if part == "victim":
            return "victim" if police else "subject"
        if part == "missing":
            return "missing_person"
        if part == "charged":
            return "offender"
        if part == "offender":
            return "suspect" if police else h["named_role"]
        if part == "named":
            return h["named_role"] if rng.random() < h["named"] else None
        if part == "relative":
            return h["relative_role"] if rng.random() < h["relative"] else None
        if part == "professional":
            return str(h["professional"])
        return "witness" if rng.random() < 0.9 else None

    def location(self, place: Place) -> str:
        lid = f"L{place.key[1:]}"
        if lid not in self.locations:
            h = place.home
            self.locations[lid] = {
                "location_id": lid,
                "location_type": place.kind,
                "name": place.name,
                "address": f"{h.number} {h.street}, {h.town}",
                "postcode": h.postcode,
            }
        return lid

    def record(self, rng: random.Random, e: Episode) -> None:
        n = len(self.events) + 1
        eid = ID_FORMAT[self.agency].format(p=self.source_id[:2].upper(), n=n, y=e.day.year)
        self.event_ids[e.key] = eid
        self.cases.append((eid, e.case))
        cse = self.habits["cse"] if e.cse else 0.0
        row = {
            "event_id": eid,
            "event_type": e.event_type,
            "reported_date": e.day.isoformat(),
            "occurred_date": e.day.isoformat() if rng.random() < 0.6 else "",
            "related_event_id": self.event_ids.get(e.follows, ""),
            "location_id": "",
            "postcode": "",
            "offence": e.offence,
            "cse_flag": "yes"
            if rng.random() < cse
            else ("no" if not e.cse else self.habits["cse_else"]),
            "status": "closed" if e.day.year < 2025 and rng.random() < 0.6 else "open",
            "narrative": e.narrative,
        }
        if e.place is not None and self.habits["place"] == "row":
            row["location_id"] = self.location(e.place)
        elif e.place is not None and self.habits["place"] == "postcode":
            row["postcode"] = e.place.home.postcode
        self.events.append(row)
        for p, part in e.parts:
            role = self._role(rng, part, e)
            if role is None:
                continue
            involvement = (eid, self.person(rng, p, fresh=True), role)
            if involvement not in self.involvements[-len(e.parts) :]:
                self.involvements.append(involvement)

    def link(self, rng: random.Random, link: Link) -> None:
        if rng.random() >= self.habits.get("links", 1.0):
            return
        row = {
            "from_type": "person",
            "from_id": self.person(rng, link.person),
            "association_type": link.kind,
            "start_date": link.day.isoformat(),
        }
        if link.thing is not None:
            if rng.random() >= self.habits.get("objects", 1.0):
                return
            row.update(to_type="object", to_id=self.object(rng, link.thing))
        elif link.place is not None:
            row.update(to_type="location", to_id=self.location(link.place))
        elif link.other is not None:
            row.update(to_type="person", to_id=self.person(rng, link.other))
        else:
            return
        key = tuple(row[k] for k in ("from_id", "to_type", "to_id", "association_type"))
        if key not in self.association_keys:  # one association is one row (its first date)
            self.association_keys.add(key)
            self.associations.append(row)

    def object(self, rng: random.Random, t: Thing) -> str:
        oid = f"O{t.key[1:]}"
        if oid not in self.objects:
            value = t.value
            if t.kind == "phone" and rng.random() < 0.4:
                value = f"+44 {value[1:5]} {value[5:]}"
            elif t.kind == "vehicle" and rng.random() < 0.4:
                value = value.replace(" ", "")
            self.objects[oid] = {
                "object_id": oid,
                "object_type": t.kind,
                "value": value,
                "description": t.description,
            }
        return oid

    def background(self, rng: random.Random, p: Person, day: str) -> None:
        """One record of a person this agency knows for reasons other than exploitation."""
        rid = self.person(rng, p, fresh=True)
        n = len(self.events) + 1
        eid = ID_FORMAT[self.agency].format(p=self.source_id[:2].upper(), n=n, y=day[:4])
        child = p.age() < 18
        if self.agency == "police":
            role = rng.choice(
                ("victim", "missing_person", "witness")
                if child
                else ("suspect", "witness", "victim", "reporting_person")
            )
        elif self.agency == "youth_justice":
            role = "subject"
        else:
            role = "subject" if child else "reporting_person"
        self.events.append(
            {
                "event_id": eid,
                "event_type": rng.choice(BACKGROUND[self.agency]),
                "reported_date": day,
                "cse_flag": rng.choice(("no", "", "")),
            }
        )
        self.involvements.append((eid, rid, role))
        self.cases.append((eid, "background"))

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "standard_version": "1.0",
            "source_id": self.source_id,
            "organisation": f"Independent network benchmark {self.source_id}",
            "agency_type": self.agency,
            "area": self.area,
            "extract_date": EXTRACT.isoformat(),
            "period_start": "2023-04-01",
            "period_end": EXTRACT.isoformat(),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        _table(folder / "persons.csv", self.rows)
        _table(folder / "events.csv", self.events)
        _table(
            folder / "involvements.csv",
            [{"event_id": e, "person_id": p, "role": r} for e, p, r in self.involvements],
        )
        for name, rows in (
            ("objects.csv", list(self.objects.values())),
            ("locations.csv", list(self.locations.values())),
            ("associations.csv", self.associations),
        ):
            if rows:
                _table(folder / name, rows)


def _table(path: Path, rows: list[dict[str, str]]) -> None:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, restval="")
        w.writeheader()
        w.writerows(rows)
