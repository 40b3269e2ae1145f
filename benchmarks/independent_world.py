"""The world of the independent network generator: places, things, groups and episodes.

Written for ``independent_networks.py`` from the submission standard and from published
case patterns of group-based child sexual exploitation (the IICSA report on CSE by
organised networks, 2022; the Home Office group-based CSE characteristics paper, 2020;
the Jay, Casey and Telford inquiry reports): the "boyfriend" model, takeaway and taxi
grooming, hotel-based abuse, peer-on-peer, online-to-offline, family-based groups,
groups known only to partners, one episode recorded by several agencies, groups whose
members never share one record, busy places where unrelated adults are seen, lone
offenders with several victims and groups spread over two force areas. It does not
read, import or copy Clearsight's own generator or graph code.

An ``Episode`` is one thing that happened as ONE agency records it: the agency, the
day, the place and the people with their *part* (``offender``, ``named``, ``victim``,
``missing``, ``relative``, ``professional``, ``witness``); ``independent_agencies``
turns parts into the standard's roles with each agency's habits. Parts are facts of
the world; whether and how an agency writes them down is the agency's habit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from independent_names import STREET_KINDS, STREET_WORDS, TOWNS
from independent_records import EXTRACT, Home, Person

START = date(2023, 4, 1)
PC_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Premises names by kind, written for this benchmark (invented; any likeness is chance).
PLACE_NAMES: dict[str, tuple[str, ...]] = {
    "hotel": ("Station Lodge", "Parkside Inn", "City Rest Hotel", "Moorview Hotel", "Canal Lodge"),
    "takeaway": ("Star Pizza", "Golden Grill", "Chicken Hut", "Kebab Corner", "Late Bites"),
    "car_park": ("Retail Park car park", "Multi-storey, Mill Street", "Leisure Centre car park"),
    "park": ("Recreation Ground", "Memorial Park", "Riverside Park"),
    "residential": ("",),
    "shop": ("Corner Stores", "Mini Market", "Vape Shop"),
}

# Patterns of group-based CSE, each a published shape (see the module docstring).
PATTERNS = (
    "boyfriend",
    "takeaway",
    "taxi",
    "hotel",
    "peer",
    "online",
    "family",
    "partner_only",
    "one_incident",
    "never_together",
    "two_areas",
    "large",
)


@dataclass
class Place:
    key: str
    kind: str
    name: str
    area: str
    home: Home
    busy: bool = False


@dataclass
class Thing:
    key: str
    kind: str  # phone, vehicle, online_account
    value: str
    description: str


@dataclass
class Episode:
    key: str
    agency: str
    area: str
    event_type: str
    day: date
    place: Place | None
    parts: list[tuple[Person, str]]
    cse: bool
    case: str  # a group id, lone-offender id, busy-place id or "background"
    offence: str = ""
    narrative: str = ""
    follows: str = ""  # the key of the episode an arrest or charge follows from


@dataclass
class Link:
    """An association an agency holds (person uses a thing, frequents a place, ...)."""

    agency: str
    area: str
    person: Person
    kind: str  # uses, frequents, employed_at, associate_of, family_of, seen_with
    thing: Thing | None = None
    place: Place | None = None
    other: Person | None = None
    day: date = START
    case: str = "background"


@dataclass
class Case:
    case_id: str
    kind: str  # a pattern, "lone", "busy_place"
    areas: list[str]
    members: list[Person]
    victims: list[Person]
    places: list[Place] = field(default_factory=list)
    things: list[Thing] = field(default_factory=list)


class World:
    """People drawn from the population into cases, and what happened to them."""

    def __init__(self, rng: random.Random, people: list[Person], areas: tuple[str, ...]) -> None:
        self.rng = rng
        self.areas = areas
        self.people = people
        self.used: set[str] = set()
        self.episodes: list[Episode] = []
        self.links: list[Link] = []
        self.cases: list[Case] = []
        self.places: list[Place] = []
        self.things: list[Thing] = []
        self.households: dict[int, list[Person]] = {}
        for p in people:
            self.households.setdefault(id(p.home), []).append(p)
        self.professionals: dict[str, list[Person]] = {}
        self.relatives: dict[str, set[str]] = {}  # child -> parents named in its records
        # Per seed: how often a child can name each offender of a crime, and how often a
        # lone offender's victims include a child a group also exploits.
        self.identified = rng.uniform(0.45, 0.9)
        self.shared_victim = rng.uniform(0.1, 0.35)

    # ------------------------------------------------------------ drawing people

    def pick(self, area: str, low: int, high: int, sex: str | None, n: int) -> list[Person]:
        pool = [
            p
            for p in self.people
            if p.area == area
            and low <= p.age() <= high
            and (sex is None or p.sex == sex)
            and p.pid not in self.used
        ]
        chosen = self.rng.sample(pool, min(n, len(pool)))
        self.used.update(p.pid for p in chosen)
        return chosen

    def victims(self, area: str, n: int) -> list[Person]:
        girls = self.pick(area, 12, 17, "female", n)
        if self.rng.random() < 0.2:  # boys are exploited too, and recorded less often
            girls += self.pick(area, 12, 17, "male", 1)
        return girls

    def parents(self, child: Person) -> list[Person]:
        return [p for p in self.households[id(child.home)] if p.age() >= 28]

    def professional(self, area: str) -> Person:
        """A social worker or youth worker who appears in many children's records."""
        staff = self.professionals.setdefault(area, self.pick(area, 26, 55, None, 5))
        return self.rng.choice(staff)

    # ------------------------------------------------------------ places and things

    def place(self, area: str, kind: str, busy: bool = False) -> Place:
        rng = self.rng
        town, district = rng.choice(TOWNS[area])
        unit = f"{rng.randint(1, 9)}{rng.choice(PC_LETTERS)}{rng.choice(PC_LETTERS)}"
        home = Home(
            rng.randint(1, 200),
            f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}",
            town,
            f"{district} {unit}",
        )
        place = Place(f"W{len(self.places):05d}", kind, rng.choice(PLACE_NAMES[kind]), area, home)
        place.busy = busy
        self.places.append(place)
        return place

    def thing(self, kind: str, owner: Person) -> Thing:
        rng = self.rng
        if kind == "phone":
            value = owner.phone or f"07{rng.randint(100000000, 999999999)}"
            desc = ""
        elif kind == "vehicle":
            letters = "".join(rng.choice(PC_LETTERS) for _ in range(3))
            value = f"{rng.choice(('YX', 'YT', 'MA', 'MF', 'BD'))}{rng.randint(10, 24)} {letters}"
            desc = rng.choice(("silver Toyota Prius", "black VW Passat", "white Skoda Octavia"))
        else:
            value = f"{owner.forename.lower()}{rng.randint(1, 999)}"
            desc = rng.choice(("Snapchat", "Instagram", "TikTok"))
        t = Thing(f"T{len(self.things):05d}", kind, value, desc)
        self.things.append(t)
        return t

    # ------------------------------------------------------------ recording helpers

    def day_in(self, start: date, span: int) -> date:
        day = start + timedelta(days=self.rng.randint(0, span))
        return min(day, EXTRACT - timedelta(days=1))

    def episode(
        self,
        case: str,
        agency: str,
        area: str,
        event_type: str,
        day: date,
        parts: list[tuple[Person, str]],
        **kw: object,
    ) -> Episode:
        e = Episode(
            key=f"X{len(self.episodes):06d}",
            agency=agency,
            area=area,
            event_type=event_type,
            day=day,
            place=kw.pop("place", None),  # type: ignore[arg-type]
            parts=parts,
            cse=bool(kw.pop("cse", True)),
            case=case,
            **kw,  # type: ignore[arg-type]
        )
        self.episodes.append(e)
        return e

    def link(
        self, case: str, agency: str, area: str, person: Person, kind: str, **kw: object
    ) -> None:
        self.links.append(Link(agency, area, person, kind, case=case, **kw))  # type: ignore[arg-type]

    def with_family(
        self, child: Person, parts: list[tuple[Person, str]]
    ) -> list[tuple[Person, str]]:
        """A parent reports a child missing or is named in the child's referral."""
        parents = self.parents(child)
        if parents and self.rng.random() < 0.7:
            parent = self.rng.choice(parents)
            self.relatives.setdefault(child.pid, set()).add(parent.pid)
            parts = [*parts, (parent, "relative")]
        return parts
