"""A third generator of multi-agency submissions with true offender groups (issue 17, session 23).

    .venv/bin/python benchmarks/third_networks.py generate --seed 1 --out /dev/shm/net3/seed-1
    .venv/bin/python benchmarks/third_networks.py measure --seed 1 2 3 4 --work /dev/shm/net3

Written by someone who had read neither Clearsight's network code nor its two other
network generators (``clearsight synth``, ``independent_networks.py``): only the
submission standard, the README, the CLI and ingest docs and the scorer
(``independent_network_score.py``). The people and the way each agency writes a person
come from the third person generator (``third_persons.py``, ``third_sources.py``, also
written blind); the cases (groups and look-alikes) from ``third_net_cases.py``, whose
docstring gives the published source of every pattern.

**How agencies record a case** (each habit drawn per source and seed):

- *Who is named, and how.* A man a child talks about is named in full in a police crime,
  arrest or charge (the investigation identified him), but by a first name, a nickname or
  a car in a missing-person report, a strategy meeting, a clinic note or a charity's
  referral (Jay 2014, §5; IICSA 2022, Part C.3; Oldham review 2022, ch. 5). A partial
  naming makes a new person record in that system: police intelligence creates a
  nominal "UNKNOWN" with the nickname as an alias, or a forename-only nominal (College of
  Policing APP, information management: unidentified nominals); partner systems write
  the first name alone. Some systems search before creating one (the same "Tiger" is
  reused), some never do.
- *Roles.* Police: the child ``victim`` or ``missing_person``, the men ``suspect``, an
  adult found with a missing child ``associate``, the charged ``offender``. Children's
  social care, health, schools and charities: the child ``subject`` and the men
  ``associate`` (some children's social care systems use ``suspect`` for a named
  perpetrator). Parents in a child's referral: ``associate`` in some systems,
  ``reporting_person`` in others (Working Together 2023 names parents in the referral).
- *Places.* Police write a location row for the flat, hotel or takeaway; children's
  social care writes a postcode or a location row; health and schools rarely record
  where the harm happened (their record is of the attendance); a charity only in its
  narrative.
- *Things.* Police intelligence links a man to a car (registered keeper, ANPR) and a
  phone (a handset seized or a number in a child's phone: HMICFRS 2016 PEEL
  vulnerability); a school or social worker records a registration mark without an
  owner; an online handle is recorded in the child's record.
- *Flags and outcomes.* The CSE flag is set unevenly (HMICFRS 2015, "In harm's way";
  Jay §9): per source, per seed. Crimes end in charge (outcome 1) or, most often,
  "evidential difficulties" (15, 16), as IICSA 2022 Part C found.
- *Coverage.* Which partner agencies submit varies per seed (``third_persons._source_set``):
  police in every area, children's social care, health and education in the main area,
  a youth justice service, a charity, housing, a second children's social care at times.

**The truth** (the scorer's files): ``truth.csv`` (``source_id``, ``person_id``,
``true_person``), ``case_records.csv`` (``source_id``, ``event_id``, ``case``: a group,
a negative case, or ``background``), ``cases.csv`` (``case_id``, ``kind``, ``members``,
``victims``) and ``groups.csv`` (``group_id``, ``members``, ``recorded_offenders``: members
named in an offending role in one of the group's own events, ``partner_only``: no police
record among the group's events, ``pattern``, ``shares_with``: a group it shares a man with).
Seeds 1-999 are tuning, 6000-6999 held out. ``measure`` prints, beside the full figures,
what the records reveal (``network_revealable.reading``, session 27): recovery of the
groups the records could reveal, and networks spurious against the pieces each group's
records join (perfect names) and against either that or the strict reading.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from third_habits import write_postcode, write_street
from third_net_cases import (
    PLANS,
    Case,
    Cast,
    Episode,
    Named,
    Place,
    Thing,
    busy_place_case,
    co_offending_case,
    family_case,
    group_case,
    lone_case,
    peer_case,
    professional_case,
)
from third_persons import PERSON_COLUMNS, TODAY, Person, _held_by, _source_set, build_world
from third_sources import SOURCE_KINDS, Profile, draw_profile, render

TUNING = range(1, 1000)
HELD_OUT = range(6000, 7000)
OFFENDING = frozenset({"offender", "suspect", "facilitator", "associate"})
# Pattern weights: street grooming is the pattern the reviews describe most (Jay,
# Rochdale, Telford, Oldham); the others are variations they name.
PATTERN_WEIGHTS = {
    "street_grooming": 4,
    "party_house": 2,
    "recruited": 1.5,
    "two_areas": 1.5,
    "partner_only": 1.5,
    "online_first": 1.5,
}
# An episode's agency to the source kinds that can record it.
AGENCY_KINDS = {
    "police": ("police",),
    "csc": ("csc",),
    "health": ("health",),
    "education": ("education",),
    "charity": ("charity",),
    "youth_justice": ("youth_justice",),
}
EVENT_COLUMNS = (
    "event_id",
    "event_type",
    "reported_date",
    "occurred_date",
    "related_event_id",
    "location_id",
    "postcode",
    "offence",
    "cse_flag",
    "status",
    "closed_date",
    "outcome_code",
    "specialist_unit",
    "narrative",
)


@dataclass
class Habits:
    """How one source records a case, drawn per seed around its agency's practice."""

    place_style: str  # rows, postcode, none
    nick_style: str  # alias, forename, unknown
    reuse_partial: float  # chance a partial naming finds the earlier record
    cse_flag_rate: float
    family_role: str
    man_role: str  # the role a partner gives a named man
    frequents: float  # chance intelligence records a man frequenting the place
    estimate_year: float  # chance a partial record carries an estimated year of birth


def draw_habits(rng: random.Random, kind: str) -> Habits:
    r = rng.random
    place = {
        "police": {"rows": 0.8, "postcode": 0.2},
        "csc": {"rows": 0.3, "postcode": 0.4, "none": 0.3},
        "charity": {"none": 0.8, "postcode": 0.2},
    }.get(kind, {"none": 0.85, "postcode": 0.15})
    return Habits(
        place_style=rng.choices(list(place), weights=list(place.values()))[0],
        nick_style=rng.choice(("alias", "unknown", "forename"))
        if kind == "police"
        else rng.choice(("forename", "forename", "alias")),
        reuse_partial=rng.uniform(0.0, 0.8),
        cse_flag_rate={"police": rng.uniform(0.4, 0.95), "csc": rng.uniform(0.5, 0.9)}.get(
            kind, rng.uniform(0.0, 0.4)
        ),
        family_role=rng.choice(("associate", "reporting_person", "associate", "witness")),
        man_role="suspect" if kind == "csc" and r() < 0.4 else "associate",
        frequents=rng.uniform(0.2, 0.8) if kind == "police" else 0.0,
        estimate_year=0.3 if kind == "police" else 0.05,
    )


@dataclass
class Book:
    """One source's tables as they fill."""

    prof: Profile
    habits: Habits
    persons: list[dict[str, str]] = field(default_factory=list)
    truth: list[str] = field(default_factory=list)
    main: dict[str, str] = field(default_factory=dict)  # true person -> record id
    partial: dict[tuple[str, str], str] = field(default_factory=dict)
    events: list[dict[str, str]] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    involvements: list[tuple[str, str, str]] = field(default_factory=list)
    locations: dict[str, dict[str, str]] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)
    associations: dict[tuple[str, str, str, str], str] = field(default_factory=dict)
    event_ids: dict[int, str] = field(default_factory=dict)  # id(episode) -> event id

    def add_person(self, p: Person, row: dict[str, str]) -> str:
        self.persons.append(row)
        self.truth.append(p.tid)
        return row["person_id"]

    def record(self, rng: random.Random, p: Person) -> str:
        if p.tid not in self.main:
            row, _ = render(rng, p, self.prof)
            self.main[p.tid] = self.add_person(p, row)
        return self.main[p.tid]

    def partial_record(self, rng: random.Random, p: Person, how: str, nick: str) -> str:
        """A man named by a first name or a nickname only: a thin record of its own."""
        if how == "nick" and not nick:
            how = "first"
        key = (p.tid, how)
        if key in self.partial and rng.random() < self.habits.reuse_partial:
            return self.partial[key]
        up = str.upper if self.prof.upper else str
        row = {"person_id": self.prof.next_id(rng), "sex": p.sex}
        if how == "first":
            row["forenames"] = up(p.known_as if p.known_as and rng.random() < 0.3 else p.forename)
        elif self.habits.nick_style == "alias":
            row["aliases"] = nick
        elif self.habits.nick_style == "unknown":
            row["forenames"], row["aliases"] = up("Unknown"), nick
        else:
            row["forenames"] = nick
        if rng.random() < self.habits.estimate_year:  # "aged about 30"
            row["date_of_birth"] = str(p.dob.year + rng.choice((-2, -1, 0, 1, 2)))
        pid = self.add_person(p, row)
        self.partial[key] = pid
        return pid

    def location(self, rng: random.Random, place: Place) -> str:
        if place.pid not in self.locations:
            lid = f"L{len(self.locations) + 1:05d}"
            street = write_street(place.street, self.prof.abbreviate)
            self.locations[place.pid] = {
                "location_id": lid,
                "location_type": "other" if place.kind not in LOCATION_TYPES else place.kind,
                "name": place.name if rng.random() < 0.8 else "",
                "address": f"{place.number} {street}, {place.town}",
                "postcode": place.postcode if rng.random() < 0.85 else "",
            }
        return self.locations[place.pid]["location_id"]

    def thing(self, t: Thing) -> str:
        if t.tid not in self.objects:
            oid = f"O{len(self.objects) + 1:05d}"
            self.objects[t.tid] = {
                "object_id": oid,
                "object_type": t.kind,
                "value": t.value,
                "description": t.description,
            }
        return self.objects[t.tid]["object_id"]

    def associate(self, from_id: str, to_type: str, to_id: str, kind: str) -> None:
        self.associations.setdefault(("person", from_id, to_type, to_id), kind)


LOCATION_TYPES = {
    "residential",
    "hotel",
    "takeaway",
    "licensed_premises",
    "shop",
    "park",
    "car_park",
    "vehicle",
    "school",
    "care_home",
    "hospital",
    "other",
}


class Writer:
    def __init__(self, rng: random.Random, profiles: list[Profile], cast: Cast) -> None:
        self.rng = rng
        self.cast = cast
        self.books = {p.source_id: Book(p, draw_habits(rng, p.kind)) for p in profiles}
        self.by_kind: dict[tuple[str, str], list[Book]] = defaultdict(list)
        for b in self.books.values():
            self.by_kind[(b.prof.kind, b.prof.area)].append(b)

    def book_for(self, ep: Episode) -> Book | None:
        for kind in AGENCY_KINDS[ep.agency]:
            found = self.by_kind.get((kind, ep.area))
            if found:
                return found[0]
        if ep.agency == "youth_justice":  # no service this seed: the police record it
            return self.by_kind[("police", ep.area)][0]
        return None  # the agency does not submit this seed, or not in this area

    def write(self, ep: Episode) -> None:
        book = self.book_for(ep)
        if book is None:
            return
        rng, h = self.rng, book.habits
        eid = f"{book.prof.source_id[:3].upper()}-E{len(book.events) + 1:06d}"
        book.event_ids[id(ep)] = eid
        written: list[str] = []
        seen_ids: set[str] = set()
        child_ids: list[str] = []
        for n in ep.people:
            pid, text = self._person_id(book, n)
            if pid in seen_ids:
                continue
            seen_ids.add(pid)
            role = n.role
            if role == "man":  # a man a child names, in a partner's record
                role = h.man_role if book.prof.kind == "csc" else "associate"
            elif role == "family":  # a parent in the child's referral
                role = h.family_role
            book.involvements.append((eid, pid, role))
            if n.person.age < 18 and role in ("victim", "subject", "missing_person"):
                child_ids.append(pid)
            elif text:
                written.append(text)
        for who, t, how in ep.things:
            if who.tid in book.main:
                book.associate(book.main[who.tid], "object", book.thing(t), how)
        for t in ep.seen:
            oid = book.thing(t)
            for cid in child_ids:
                book.associate(cid, "object", oid, "seen_with" if t.kind == "vehicle" else "other")
        row = {"event_id": eid, "event_type": ep.event_type}
        when = min(ep.when, TODAY - timedelta(days=1))
        row["occurred_date"] = when.isoformat() if rng.random() < 0.8 else ""
        reported = min(when + timedelta(days=rng.choice((0, 0, 1, 3, 14))), TODAY)
        row["reported_date"] = reported.isoformat()
        if ep.follows is not None and id(ep.follows) in book.event_ids:
            row["related_event_id"] = book.event_ids[id(ep.follows)]
        if ep.place is not None:
            if h.place_style == "rows":
                row["location_id"] = book.location(rng, ep.place)
            elif h.place_style == "postcode":
                row["postcode"] = write_postcode(ep.place.postcode, "spaced")
            if (
                ep.event_type == "intelligence"
                and h.frequents
                and rng.random() < h.frequents
                and h.place_style == "rows"
            ):
                for n in ep.people:
                    if n.person.age >= 18 and n.person.tid in book.main:
                        book.associate(
                            book.main[n.person.tid],
                            "location",
                            book.location(rng, ep.place),
                            "frequents",
                        )
        row["offence"] = (
            ep.offence if ep.event_type in ("crime", "arrest", "charge", "court_outcome") else ""
        )
        if ep.cse:
            row["cse_flag"] = (
                "yes" if rng.random() < h.cse_flag_rate else rng.choice(("", "unknown"))
            )
        else:
            row["cse_flag"] = rng.choice(("no", "", "no"))
        closed = when + timedelta(days=rng.randrange(10, 200))
        if closed < TODAY:
            row["status"], row["closed_date"] = "closed", closed.isoformat()
        else:
            row["status"] = "open"
        if ep.event_type == "crime":
            row["outcome_code"] = ep.outcome or rng.choice(("1", "14", "15", "16", "18"))
        if book.prof.kind == "police" and ep.cse:
            row["specialist_unit"] = "yes" if rng.random() < 0.6 else "no"
        row["narrative"] = narrative(rng, ep, written)
        book.events.append(row)
        book.cases.append(ep.case)

    def _person_id(self, book: Book, n: Named) -> tuple[str, str]:
        """The record an episode names and the name as the practitioner wrote it."""
        p = n.person
        if n.naming in ("first", "nick") and p.age >= 18:
            nick = self.cast.nick(p)
            pid = book.partial_record(self.rng, p, n.naming, nick)
            return pid, (nick if n.naming == "nick" and nick else p.forename)
        return book.record(self.rng, p), f"{p.forename} {p.surname}"


def narrative(rng: random.Random, ep: Episode, names: list[str]) -> str:
    """A short, non-graphic practitioner note, naming the men as they were named."""
    who = ", ".join(f"'{n}'" for n in names) or "older males (not named)"
    where = f" at {ep.place.name or ep.place.street}" if ep.place else ""
    car = next((t for t in ep.seen if t.kind == "vehicle"), None)
    car_text = f" Seen in a {car.description}, reg {car.value}." if car else ""
    if ep.note:
        return f"{ep.note}{where}. Adults: {who}."
    text = {
        "missing_episode": f"Reported missing; located{where} in company of {who}.",
        "crime": f"{ep.offence}. Disclosure names {who}.",
        "arrest": f"Arrested: {ep.offence}.",
        "charge": f"Charged: {ep.offence}.",
        "court_outcome": f"Court outcome: {ep.offence}.",
        "intelligence": f"Intelligence: {who} seen{where}.",
        "incident": f"Police attended{where}. Present: {who}.",
        "strategy_meeting": f"Strategy meeting. Concerns: {who}.",
        "referral": f"Referral. Young person mentions {who}.",
        "health_attendance": f"Attended clinic. Mentions {who}." if names else "Attended clinic.",
        "education_concern": f"Concern raised by school. Mentions {who}.",
    }.get(ep.event_type, f"Recorded{where}. {who}.")
    if not ep.cse and ep.event_type in ("crime", "incident"):
        text = f"{ep.offence or 'Incident'}{where}."
    return text + car_text


def build_cases(seed: int, scale: float, world_areas: list[str], cast: Cast) -> list[Case]:
    rng = cast.rng
    cases: list[Case] = []
    n_groups = max(2, round(10 * scale))
    patterns = rng.choices(
        list(PATTERN_WEIGHTS), weights=list(PATTERN_WEIGHTS.values()), k=n_groups
    )
    for i, pattern in enumerate(patterns):
        share = None
        shares_with = ""
        groups = [c for c in cases if c.is_group and PLANS[c.kind].police]
        if groups and rng.random() < 0.2:  # a man in two groups (IICSA 2022, Part B.2)
            other = rng.choice(groups)
            share, shares_with = rng.choice(other.members), other.case_id
        plan = PLANS[pattern]
        case = group_case(cast, f"G{i + 1:02d}", plan, world_areas, share)
        case.shares_with = shares_with
        cases.append(case)
    main = world_areas[0]
    n = max(1, round(3 * scale))
    for i in range(n):
        cases.append(lone_case(cast, f"L{i + 1:02d}", rng.choice(world_areas)))
    group_places = [pl for pl in cast.places if pl.kind in ("takeaway", "hotel", "other")]
    for i in range(n):
        area = rng.choice(world_areas)
        shared = [pl for pl in group_places if pl.area == area]
        # A busy place that a group also uses, half the time: the place proves nothing.
        place = (
            rng.choice(shared)
            if shared and rng.random() < 0.5
            else cast.place(area, rng.choice(("takeaway", "other", "hotel")))
        )
        cases.append(busy_place_case(cast, f"B{i + 1:02d}", area, place))
    for i in range(max(1, round(2 * scale))):
        cases.append(professional_case(cast, f"R{i + 1:02d}", main))
    for i in range(n):
        cases.append(peer_case(cast, f"Y{i + 1:02d}", rng.choice(world_areas)))
    for i in range(max(1, round(4 * scale))):
        cases.append(co_offending_case(cast, f"C{i + 1:02d}", rng.choice(world_areas)))
    # Children's social care referrals naming a child's parents (family, not a group).
    households: dict[int, list[Person]] = defaultdict(list)
    for p in cast.world.people:
        households[id(p.address)].append(p)
    fams = [
        h
        for h in households.values()
        if any(p.role == "child" for p in h) and any(p.role == "parent" for p in h) and len(h) >= 2
    ]
    for i, h in enumerate(rng.sample(fams, k=min(len(fams), round(120 * scale)))):
        child = rng.choice([p for p in h if p.role == "child"])
        parents = [p for p in h if p.role == "parent"]
        cases.append(family_case(cast, f"F{i + 1:03d}", child.address.area, child, parents))
    return cases


def _background(rng: random.Random, writer: Writer, world_people: list[Person]) -> None:
    """Each person's ordinary records: one event each in the sources that hold them."""
    profiles = [b.prof for b in writer.books.values()]
    for p in world_people:
        for prof in _held_by(rng, p, profiles):
            book = writer.books[prof.source_id]
            copies = 2 if rng.random() < prof.duplicate_rate else 1
            for c in range(copies):
                if c == 0:
                    pid = book.record(rng, p)
                else:  # the same person entered twice in one system
                    row, _ = render(rng, p, prof)
                    pid = book.add_person(p, row)
                want = SOURCE_KINDS[prof.kind]
                eid = f"{prof.source_id[:3].upper()}-E{len(book.events) + 1:06d}"
                reported = TODAY - timedelta(days=rng.randrange(1, 6 * 365))
                et = rng.choice(want.event_types)
                row_e = {
                    "event_id": eid,
                    "event_type": et,
                    "reported_date": reported.isoformat(),
                    "cse_flag": rng.choice(("no", "", "")),
                }
                if et == "crime":
                    row_e["outcome_code"] = rng.choice(("1", "14", "15", "16", "18"))
                book.events.append(row_e)
                book.cases.append("background")
                roles = want.child_roles if p.age < 18 else want.adult_roles
                book.involvements.append((eid, pid, rng.choice(roles)))


def generate(seed: int, out: Path, scale: float = 1.0) -> list[Path]:
    """Write one folder per source under ``out`` and the scorer's truth files."""
    world = build_world(seed, scale)
    rng = random.Random(seed * 104729 + 23)
    profiles = [
        draw_profile(rng, kind, area, i)
        for i, (kind, area) in enumerate(_source_set(rng, world.areas))
    ]
    cast = Cast(random.Random(seed * 7907 + 5), world)
    writer = Writer(rng, profiles, cast)
    cases = build_cases(seed, scale, world.areas, cast)
    in_case = {p.tid for c in cases for p in c.members + c.victims}
    _background(
        rng, writer, [p for p in world.people if p.tid not in in_case or rng.random() < 0.8]
    )
    for case in cases:
        for ep in sorted(case.episodes, key=lambda e: e.when):
            writer.write(ep)
    return _write_all(out, writer, cases)


def _write_csv(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _write_all(out: Path, writer: Writer, cases: list[Case]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    folders: list[Path] = []
    truth, case_records = [], []
    offending: dict[str, set[str]] = defaultdict(set)
    police_seen: set[str] = set()
    for sid, book in writer.books.items():
        if not book.persons:
            continue
        folder = out / sid
        folder.mkdir(parents=True, exist_ok=True)
        prof = book.prof
        manifest = {
            "standard_version": "1.0",
            "source_id": sid,
            "organisation": prof.organisation,
            "agency_type": SOURCE_KINDS[prof.kind].agency_type,
            "area": prof.area,
            "extract_date": TODAY.isoformat(),
            "period_start": "2019-04-01",
            "period_end": (TODAY - timedelta(days=1)).isoformat(),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        _write_csv(folder / "persons.csv", PERSON_COLUMNS, book.persons)
        _write_csv(folder / "events.csv", EVENT_COLUMNS, book.events)
        inv = [{"event_id": e, "person_id": p, "role": r} for e, p, r in book.involvements]
        _write_csv(folder / "involvements.csv", ("event_id", "person_id", "role"), inv)
        if book.locations:
            _write_csv(
                folder / "locations.csv",
                ("location_id", "location_type", "name", "address", "postcode"),
                list(book.locations.values()),
            )
        if book.objects:
            _write_csv(
                folder / "objects.csv",
                ("object_id", "object_type", "value", "description"),
                list(book.objects.values()),
            )
        if book.associations:
            rows = [
                {"from_type": a, "from_id": b, "to_type": c, "to_id": d, "association_type": k}
                for (a, b, c, d), k in book.associations.items()
            ]
            _write_csv(
                folder / "associations.csv",
                ("from_type", "from_id", "to_type", "to_id", "association_type"),
                rows,
            )
        folders.append(folder)
        true_of = {row["person_id"]: t for row, t in zip(book.persons, book.truth, strict=True)}
        truth += [{"source_id": sid, "person_id": k, "true_person": t} for k, t in true_of.items()]
        case_of: dict[str, str] = {}
        for event, cid in zip(book.events, book.cases, strict=True):
            case_records.append({"source_id": sid, "event_id": event["event_id"], "case": cid})
            case_of[event["event_id"]] = cid
            if prof.kind == "police" and cid != "background":
                police_seen.add(cid)
        for eid, pid, role in book.involvements:
            if role in OFFENDING:
                offending[case_of[eid]].add(true_of[pid])
    _write_csv(out / "truth.csv", ("source_id", "person_id", "true_person"), truth)
    _write_csv(out / "case_records.csv", ("source_id", "event_id", "case"), case_records)
    _write_csv(
        out / "cases.csv",
        ("case_id", "kind", "members", "victims"),
        [
            {
                "case_id": c.case_id,
                "kind": c.kind,
                "members": ";".join(p.tid for p in c.members),
                "victims": ";".join(p.tid for p in c.victims),
            }
            for c in cases
        ],
    )
    groups = []
    for c in cases:
        if not c.is_group:
            continue
        members = [p.tid for p in c.members]
        groups.append(
            {
                "group_id": c.case_id,
                "members": ";".join(members),
                "recorded_offenders": ";".join(m for m in members if m in offending[c.case_id]),
                "partner_only": "no" if c.case_id in police_seen else "yes",
                "pattern": c.kind,
                "shares_with": c.shares_with,
            }
        )
    _write_csv(
        out / "groups.csv",
        ("group_id", "members", "recorded_offenders", "partner_only", "pattern", "shares_with"),
        groups,
    )
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write one seed's submissions and truth")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("measure", help="run the product path on seeds and score them")
    m.add_argument("--seed", type=int, nargs="+", required=True)
    m.add_argument("--scale", type=float, default=1.0)
    m.add_argument("--work", type=Path, default=Path("/dev/shm/third-networks"))
    m.add_argument("--keep", action="store_true", help="keep each seed's data and exports")
    m.add_argument("--out", type=Path, help="write the per-seed figures as JSON here")
    args = parser.parse_args()
    if args.command == "generate":
        folders = generate(args.seed, args.out, args.scale)
        with (args.out / "truth.csv").open(encoding="utf-8") as f:
            n = sum(1 for _ in f) - 1
        print(f"{n} person records in {len(folders)} submissions under {args.out}")
        return
    from independent_network_score import measure_seeds

    results = measure_seeds(
        args.seed,
        args.scale,
        args.work,
        diagnose=False,
        keep=args.keep,
        generator=generate,
        held_out=HELD_OUT,
    )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str), "utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
