"""The true population of an area: people, offender groups, their victims, phones,
vehicles and places. Agencies only ever see parts of this (see ``observe``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from clearsight.synth import identifiers as ids
from clearsight.synth.habits import AreaHabits
from clearsight.synth.pools import AreaGeo, Pools, Weighted

EXTRACT_DATE = date(2025, 10, 1).toordinal()
PERIOD_START = date(2023, 4, 1).toordinal()
PERIOD_END = date(2025, 9, 30).toordinal()
# Offending starts up to two years before the period: older cases are still open or
# reach court inside it.
ACTIVITY_START = PERIOD_START - 730
YEAR = 365.25

GROUP_TYPES = ("adult_group", "peer_group", "lone_offender", "familial")
# Share of lone offenders who find children online (NSPCC 2024: most recorded grooming
# offences begin online).
ONLINE_LONE = 0.4
# Victims' ages at the start of the group's offending, in years. Exploitation victims are
# mostly 12-17 at the time of the offences (The Children's Society, Counting lives, 2019;
# the Home Office group-based CSE characteristics paper, 2020: most victims 14-15). The
# offending goes on for months to two years after the start, so ages at the start come from
# a triangle over 11.5-17 peaking at 13.5, and the offences fall mostly at 12-17; a few
# victims are younger. Family-based abuse starts younger (Centre of expertise on CSA, 2021)
# and so do online cases (NSPCC 2024: 11-13).
VICTIM_AGE = (11.5, 17.0, 13.5)
VICTIM_YOUNGER = 0.05
VICTIM_YOUNGER_AGE = (10.0, 11.9)
FAMILIAL_VICTIM_AGE = (6.0, 15.9)
ONLINE_VICTIM_AGE = (10.0, 15.9)
PEER_VICTIM_AGE = (13.0, 16.9)

# Which agencies know a victim, each independently: some children are known only to
# partners and never appear in police data.
VICTIM_KNOWN = {"police": 0.7, "csc": 0.85, "health": 0.55, "education": 0.65, "vcs": 0.35}
PLACE_TYPES = (
    ("hotel", "{} Hotel", ("Station", "Central", "Park View", "Royal", "Kings", "Riverside")),
    ("takeaway", "{} Takeaway", ("Golden", "Express", "Star", "Pizza Plus", "Best Kebab", "Tasty")),
    ("car_park", "{} Car Park", ("Market", "Multi-storey", "Retail Park", "Leisure Centre")),
    ("park", "{} Park", ("Victoria", "Memorial", "Jubilee", "Recreation Ground", "Valley")),
    ("residential", "", ("",)),
    ("licensed_premises", "The {}", ("Crown", "Red Lion", "Railway", "White Hart", "Anchor")),
    ("shop", "{} Stores", ("Corner", "Late", "Mini Mart", "Food and Wine")),
)


@dataclass(slots=True)
class Person:
    index: int
    tid: str
    area: str
    kind: str
    heritage: int
    sex: str
    forename: str
    middle: str
    surname: str
    dob: int
    ethnicity: str
    officer: str
    nationality: str
    postcode: str
    town: str
    address: str
    previous_postcode: str
    previous_address: str
    phones: list[str]
    email: str
    nhs: str
    aliases: list[str]
    suspect_class: bool = False
    known: dict[str, bool] = field(default_factory=dict)
    family: list[Person] = field(default_factory=list)


def age_at(person: Person, at: int) -> int:
    """``person``'s age in whole years on day ``at``."""
    return int((at - person.dob) / YEAR)


@dataclass(slots=True)
class Place:
    key: str
    location_type: str
    name: str
    address: str
    postcode: str
    town: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class Vehicle:
    mark: str
    description: str


@dataclass(slots=True)
class Group:
    gid: str
    area: str
    group_type: str
    start: int
    offenders: list[Person]
    roles: list[str]
    victims: list[Person]
    phones: list[str]
    vehicles: list[Vehicle]
    places: list[Place]
    visiting: list[Person] = field(default_factory=list)
    # Known only to partners: police hold no record of any member (truth ``kind``).
    partner_only: bool = False
    # One episode recorded by police, social care and health with separate event ids.
    incident: bool = False
    # A lone offender who found children online (their victims are younger).
    online: bool = False


@dataclass
class World:
    area: str
    people: list[Person]
    groups: list[Group]
    background: list[Person]
    places: list[Place]


class Maker:
    """Makes people for one area; names and protected characteristics come from the same
    distribution whatever role the person will later play."""

    def __init__(
        self,
        area: str,
        geo: AreaGeo,
        pools: Pools,
        issuer: ids.Issuer,
        rnd: random.Random,
        counter: list[int],
    ) -> None:
        self.area = area
        self.geo = geo
        self.pools = pools
        self.issuer = issuer
        self.rnd = rnd
        self.counter = counter
        self.people: list[Person] = []

    def person(
        self,
        kind: str,
        sex: str,
        age_low: float,
        age_high: float,
        at: int,
        like: Person | None = None,
    ) -> Person:
        rnd, pools = self.rnd, self.pools
        # Relatives share heritage; everyone else draws from the one population-wide mix.
        heritage_index = like.heritage if like is not None else _pick_index(rnd, pools.heritage_cum)
        heritage = pools.heritages[heritage_index]
        names = heritage.female if sex == "female" else heritage.male
        forename = names[rnd.randrange(len(names))]
        middle = ""
        if rnd.random() < 0.3:
            pool = pools.middle_female if sex == "female" else pools.middle_male
            middle = pool[rnd.randrange(len(pool))]
        if like is not None and rnd.random() < 0.75:
            surname = like.surname
        else:
            surname = heritage.surname(rnd)
        dob = int(at - rnd.uniform(age_low, age_high) * YEAR)
        code, town = ids.postcode(self.geo, self.rnd)
        address = (
            f"{rnd.randint(1, 180)} {pools.streets[rnd.randrange(len(pools.streets))]}, {town}"
        )
        if like is not None:
            code, town, address = like.postcode, like.town, like.address
        prev_code, prev_address = "", ""
        if rnd.random() < 0.22:
            prev_code, prev_town = ids.postcode(self.geo, rnd)
            prev_address = f"{rnd.randint(1, 180)} {rnd.choice(pools.streets)}, {prev_town}"
        phones = []
        age = (at - dob) / YEAR
        if age >= 11 and rnd.random() < 0.8:
            phones.append(self.issuer.mobile())
            if rnd.random() < 0.15:
                phones.append(self.issuer.mobile())
        if age >= 18 and rnd.random() < 0.12:
            phones.append(self.issuer.landline(self.geo))
        email = (
            self.issuer.email(forename, surname, rnd) if age >= 13 and rnd.random() < 0.5 else ""
        )
        nationality = _pick(rnd, heritage.nationality)
        if rnd.random() < 0.03:
            nationality = f"GB;{nationality}" if nationality != "GB" else "GB;IE"
        self.counter[0] += 1
        person = Person(
            index=len(self.people),
            tid=f"T{self.counter[0]:08d}",
            area=self.area,
            kind=kind,
            heritage=heritage_index,
            sex=sex,
            forename=forename,
            middle=middle,
            surname=surname,
            dob=dob,
            ethnicity=_pick(rnd, heritage.ethnicity),
            officer=_pick(rnd, heritage.officer),
            nationality=nationality,
            postcode=code,
            town=town,
            address=address,
            previous_postcode=prev_code,
            previous_address=prev_address,
            phones=phones,
            email=email,
            nhs=self.issuer.nhs(),
            aliases=[],
        )
        self.people.append(person)
        return person

    def place(self, location_type: str, pattern: str, words: tuple[str, ...]) -> Place:
        rnd = self.rnd
        code, town = ids.postcode(self.geo, rnd)
        street = rnd.choice(self.pools.streets)
        name = pattern.format(rnd.choice(words)) if pattern else ""
        lat = round(self.geo.centre[0] + rnd.uniform(-0.12, 0.12), 5)
        lon = round(self.geo.centre[1] + rnd.uniform(-0.18, 0.18), 5)
        key = f"{self.area}:{len(self.people)}:{rnd.random():.12f}"
        return Place(
            key,
            location_type,
            name,
            f"{rnd.randint(1, 200)} {street}, {town}",
            code,
            town,
            lat,
            lon,
        )


def _pick(rnd: random.Random, weighted: Weighted) -> str:
    return rnd.choices(weighted.values, cum_weights=weighted.cum)[0]


# Share of adult groups (after the first) joined by an offender from another area.
CROSS_AREA = 0.15


def _pick_index(rnd: random.Random, cum: tuple[float, ...]) -> int:
    x = rnd.random() * cum[-1]
    for i, c in enumerate(cum):
        if x < c:
            return i
    return len(cum) - 1


def build_world(
    area: str,
    geo: AreaGeo,
    pools: Pools,
    issuer: ids.Issuer,
    rnd: random.Random,
    counter: list[int],
    records: int,
    visitors: list[Person],
    habits: AreaHabits,
    cross_area: float = CROSS_AREA,
) -> World:
    """The true population of ``area``, sized so its agencies hold about ``records`` records.

    ``visitors`` are offenders from another area; some join groups here, so one person
    appears in two forces' data. After the first, each adult group takes one with
    probability ``cross_area``.
    """
    maker = Maker(area, geo, pools, issuer, rnd, counter)
    n_groups = max(4, round(records / 230))
    places = [maker.place(*PLACE_TYPES[i % len(PLACE_TYPES)]) for i in range(max(14, n_groups * 2))]
    groups: list[Group] = []
    victims: list[Person] = []
    visitors_left = list(visitors)
    # The first adult group always takes a visitor, so every area pair has a
    # cross-area offender for federation and cross-force network tests.
    visited = False
    for number in range(n_groups):
        group_type, size = _group_shape(rnd, number, habits)
        start = rnd.randint(ACTIVITY_START, PERIOD_END - 90)
        group = Group(
            gid=f"G-{area}-{number + 1:04d}",
            area=area,
            group_type=group_type,
            start=start,
            offenders=[],
            roles=[],
            victims=[],
            phones=[issuer.mobile() for _ in range(rnd.randint(1, 2) if size > 1 else 0)],
            vehicles=[_vehicle(rnd) for _ in range(rnd.choice((0, 1, 1, 2, 3)))],
            places=rnd.sample(places, rnd.randint(1, min(4, len(places)))),
        )
        # The first three groups stay visible to police: the tails a test relies on.
        group.partner_only = (
            number >= 3 and group_type == "adult_group" and rnd.random() < habits.partner_only
        )
        group.incident = size > 1 and not group.partner_only and rnd.random() < habits.incidents
        group.online = group_type == "lone_offender" and rnd.random() < ONLINE_LONE
        _add_victims(maker, group, victims, size)
        _add_offenders(maker, group, size)
        if (
            visitors_left
            and group_type == "adult_group"
            and (not visited or rnd.random() < cross_area)
        ):
            visited = True
            _visit(group, visitors_left, rnd)
            # Above the default rate a group may take a second visitor: enough cross-force
            # offenders for a federation measurement (the default draws nothing more).
            if cross_area > CROSS_AREA and visitors_left and rnd.random() < cross_area:
                _visit(group, visitors_left, rnd)
        groups.append(group)
    background = _background(maker, rnd, int(records * 0.62))
    return World(area, maker.people, groups, background, places)


def _visit(group: Group, visitors: list[Person], rnd: random.Random) -> None:
    visitor = visitors.pop(rnd.randrange(len(visitors)))
    group.offenders.append(visitor)
    group.roles.append("offender")
    group.visiting.append(visitor)


def _group_shape(rnd: random.Random, number: int, habits: AreaHabits) -> tuple[str, int]:
    # The first three groups of every area pin the tails a test or a demo relies on:
    # a large network, a pair and a peer group.
    if number == 0:
        return "adult_group", rnd.randint(12, 16)
    if number == 1:
        return "adult_group", 2
    if number == 2:
        return "peer_group", rnd.randint(3, 5)
    group_type = GROUP_TYPES[_pick_index(rnd, habits.group_cum)]
    if group_type == "lone_offender":
        return group_type, 1
    if group_type == "peer_group":
        return group_type, rnd.choice((2, 2, 3, 3, 4, 5, 6))
    if group_type == "familial":
        return group_type, rnd.choice((2, 2, 3))
    # Long tail: most networks are small, a few have a dozen or more members.
    return group_type, min(25, 1 + int(1.5 * rnd.paretovariate(habits.pareto)))


def _vehicle(rnd: random.Random) -> Vehicle:
    colour = rnd.choice(("black", "silver", "white", "grey", "blue", "red"))
    make = rnd.choice(
        (
            "Ford Focus",
            "Toyota Prius",
            "VW Golf",
            "BMW 3 Series",
            "Vauxhall Astra",
            "Audi A3",
            "Nissan Qashqai",
            "Mercedes C-Class",
        )
    )
    return Vehicle(ids.vehicle_mark(rnd), f"{colour} {make}")


def _add_victims(maker: Maker, group: Group, victims: list[Person], size: int) -> None:
    rnd = maker.rnd
    if group.group_type == "lone_offender":
        count = 1 + (rnd.random() < 0.3)
    elif group.group_type == "familial":
        count = rnd.randint(1, 2)
    else:
        count = min(14, 1 + int(rnd.expovariate(1.0) * size * 0.5))
    for _ in range(count):
        # Some children are exploited by more than one group.
        if victims and group.group_type != "familial" and rnd.random() < 0.12:
            victim = victims[rnd.randrange(len(victims))]
            if victim not in group.victims:
                group.victims.append(victim)
            continue
        age = _victim_age(rnd, group)
        sex = "female" if rnd.random() < 0.85 else "male"
        # The age is the child's at the first offence police or partners can have recorded:
        # a group's offending that began before the period shows in it from its start.
        victim = maker.person("victim", sex, age, age, max(group.start, PERIOD_START))
        victim.known = {agency: rnd.random() < p for agency, p in VICTIM_KNOWN.items()}
        if not any(victim.known.values()):
            victim.known["csc"] = True
        if rnd.random() < 0.6:
            victim.aliases.append(_nickname(maker, victim))
        for parent_sex in ("female", "male") if rnd.random() < 0.45 else ("female",):
            parent = maker.person("family", parent_sex, 30, 55, group.start, like=victim)
            victim.family.append(parent)
        victims.append(victim)
        group.victims.append(victim)


def _victim_age(rnd: random.Random, group: Group) -> float:
    if group.group_type == "peer_group":
        return rnd.uniform(*PEER_VICTIM_AGE)
    if group.group_type == "familial":
        return rnd.uniform(*FAMILIAL_VICTIM_AGE)
    if group.online:
        return rnd.uniform(*ONLINE_VICTIM_AGE)
    if rnd.random() < VICTIM_YOUNGER:
        return rnd.uniform(*VICTIM_YOUNGER_AGE)
    return rnd.triangular(*VICTIM_AGE)


def _nickname(maker: Maker, person: Person) -> str:
    options = maker.pools.nicknames.get(person.forename)
    if options:
        return options[maker.rnd.randrange(len(options))]
    return person.forename[: max(3, len(person.forename) // 2)]


def _add_offenders(maker: Maker, group: Group, size: int) -> None:
    rnd = maker.rnd
    for _ in range(size):
        like = None
        if group.group_type == "peer_group":
            low, high = 14.0, 17.9
        elif group.group_type == "familial":
            low, high, like = 25.0, 60.0, group.victims[0]
        else:
            low = 18.0
            high = 18.0 + min(45.0, rnd.expovariate(1 / 12))
        sex = "male" if rnd.random() < 0.9 else "female"
        offender = maker.person("offender", sex, low, high, group.start, like=like)
        offender.suspect_class = True
        if rnd.random() < 0.35:
            offender.aliases.append(rnd.choice(maker.pools.street_names))
        role = (
            "facilitator" if size > 1 and (sex == "female" or rnd.random() < 0.08) else "offender"
        )
        group.offenders.append(offender)
        group.roles.append(role)


def _background(maker: Maker, rnd: random.Random, count: int) -> list[Person]:
    people = []
    for _ in range(count):
        sex = "female" if rnd.random() < 0.5 else "male"
        if rnd.random() < 0.45:
            person = maker.person("other", sex, 0.5, 17.9, EXTRACT_DATE - 400)
            person.suspect_class = (EXTRACT_DATE - person.dob) / YEAR >= 11 and rnd.random() < 0.1
        else:
            person = maker.person("other", sex, 18, 85, EXTRACT_DATE - 400)
            person.suspect_class = rnd.random() < (0.45 if sex == "male" else 0.2)
        if rnd.random() < 0.05:
            person.aliases.append(_nickname(maker, person))
        people.append(person)
    return people
