"""Case patterns of the independent network generator: what each kind of group does.

Each function plays one published shape of group-based CSE (``independent_world``'s
docstring names the sources) into episodes and links: who offends together, who is
named in a partner's referral, where, with which phones, vehicles and accounts. Whether
the police know the group at all is a per-seed rate (``police_knows``): a group the
police never hear of is visible only through partners. Written for this benchmark
without reading Clearsight's own generator or graph code.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from independent_records import EXTRACT, Person
from independent_world import START, Case, Place, World

PARTNERS = ("childrens_social_care", "voluntary_sector", "health", "education")
NARRATIVE = {
    "crime": "Child disclosed sexual offences by adults named; concerns of exploitation.",
    "missing_episode": "Child reported missing overnight; located at an address with adults.",
    "intelligence": "Intelligence that the adults named are associating with children.",
    "referral": "Referral: child associating with older males; exploitation concern.",
    "health_attendance": "Child attended; accompanied by an adult; safeguarding concern.",
    "education_concern": "Child collected from school by older males not known to family.",
    "strategy_meeting": "Strategy meeting held: child at risk of sexual exploitation.",
    "court_outcome": "Young person sentenced for sexual offences against a child.",
}
OFFENCES = (
    "Sexual activity with a child",
    "Rape of a female under 16",
    "Causing or inciting a child to engage in sexual activity",
    "Meeting a child following sexual grooming",
    "Sexual assault of a female child under 13",
)


class Play:
    """One case being played out over its active months."""

    def __init__(self, world: World, case: Case, police_knows: float) -> None:
        self.w = world
        self.rng: random.Random = world.rng
        self.case = case
        self.area = case.areas[0]
        self.police = self.rng.random() < police_knows
        self.start = START + timedelta(days=self.rng.randint(0, 640))
        self.span = self.rng.randint(60, 520)
        world.cases.append(case)

    def day(self) -> date:
        return self.w.day_in(self.start, self.span)

    def some(self, people: list[Person], low: int, high: int) -> list[Person]:
        return self.rng.sample(people, min(len(people), self.rng.randint(low, high)))

    def crime(
        self, offenders: list[Person], victim: Person, place: Place | None, area: str = ""
    ) -> None:
        if not self.police:
            return
        area = area or self.area
        # A child often cannot name every man present ("unknown males"): only those she
        # can identify are suspects of the crime record (the rate is drawn per seed).
        named = [o for o in offenders if self.rng.random() < self.w.identified]
        offenders = named or offenders[:1]
        day = self.day()
        parts = [(o, "offender") for o in offenders] + [(victim, "victim")]
        e = self.w.episode(
            self.case.case_id,
            "police",
            area,
            "crime",
            day,
            parts,
            place=place,
            offence=self.rng.choice(OFFENCES),
            narrative=NARRATIVE["crime"],
        )
        if self.rng.random() < 0.35:  # arrests follow from the crime, some charged
            charged = [(o, "charged" if self.rng.random() < 0.5 else "offender") for o in offenders]
            later = min(day + timedelta(days=self.rng.randint(3, 120)), EXTRACT)
            kind = "charge" if any(p == "charged" for _o, p in charged) else "arrest"
            self.w.episode(self.case.case_id, "police", area, kind, later, charged, follows=e.key)

    def missing(self, child: Person, found_with: list[Person], place: Place | None) -> None:
        if not self.police:
            return
        parts = self.w.with_family(child, [(child, "missing")] + [(a, "named") for a in found_with])
        self.w.episode(
            self.case.case_id,
            "police",
            self.area,
            "missing_episode",
            self.day(),
            parts,
            place=place,
            narrative=NARRATIVE["missing_episode"],
        )

    def intel(self, named: list[Person], place: Place | None = None, area: str = "") -> None:
        if not self.police:
            return
        area = area or self.area
        day = self.day()
        self.w.episode(
            self.case.case_id,
            "police",
            area,
            "intelligence",
            day,
            [(a, "named") for a in named],
            place=place,
            narrative=NARRATIVE["intelligence"],
        )
        for a in named:
            if place is not None:
                self.w.link(self.case.case_id, "police", area, a, "frequents", place=place, day=day)

    def referral(
        self, child: Person, named: list[Person], agency: str = "", area: str = ""
    ) -> None:
        agency = agency or self.rng.choice(PARTNERS)
        area = area or self.area
        kind = {
            "childrens_social_care": self.rng.choice(("referral", "referral", "strategy_meeting")),
            "voluntary_sector": "referral",
            "health": "health_attendance",
            "education": "education_concern",
            "youth_justice": "court_outcome",
        }[agency]
        parts = [(child, "victim")] + [(a, "named") for a in named]
        if agency == "youth_justice":  # the youth offending team records the young person
            parts = [(a, "charged") for a in named]
        if agency == "childrens_social_care" and self.rng.random() < 0.6:
            parts.append((self.w.professional(area), "professional"))
        parts = self.w.with_family(child, parts)
        self.w.episode(
            self.case.case_id, agency, area, kind, self.day(), parts, narrative=NARRATIVE[kind]
        )

    def uses(self, person: Person, kind: str, area: str = "") -> None:
        if not self.police:
            return
        t = self.w.thing(kind, person)
        self.case.things.append(t)
        self.w.link(self.case.case_id, "police", area or self.area, person, "uses", thing=t)

    def associates(self, people: list[Person]) -> None:
        if not self.police or len(people) < 2:
            return
        for a, b in itertools.pairwise(people):
            if self.rng.random() < 0.5:
                self.w.link(self.case.case_id, "police", self.area, a, "associate_of", other=b)


def new_case(world: World, gid: str, pattern: str, area: str, second: str | None) -> Case:
    """Members and victims of one group of ``pattern``."""
    w, rng = world, world.rng
    n = rng.choice((2, 3, 3, 3, 4, 4, 5, 6))
    if pattern == "large":
        n = rng.randint(7, 12)
    if pattern == "peer":
        members = w.pick(area, 15, 20, "male", n)
    elif pattern == "family":
        members = _family(w, area, n)
    elif pattern == "boyfriend":
        members = w.pick(area, 18, 27, "male", 1) + w.pick(area, 20, 45, "male", n - 1)
    elif pattern == "two_areas" and second is not None:
        half = max(1, n // 2)
        members = w.pick(area, 19, 50, "male", n - half) + w.pick(second, 19, 50, "male", half)
    else:
        members = w.pick(area, 19, 52, "male", n)
    nv = rng.randint(4, 7) if pattern == "large" else rng.choice((1, 2, 2, 3, 3, 4))
    areas = [area] + ([second] if pattern == "two_areas" and second else [])
    return Case(gid, pattern, areas, members, w.victims(area, nv))


def _family(w: World, area: str, n: int) -> list[Person]:
    """A father and his adult sons (or brothers), with cousins or friends to make up n."""
    homes = [
        h
        for h in w.households.values()
        if h[0].area == area
        and sum(1 for p in h if p.sex == "male" and p.age() >= 18 and p.pid not in w.used) >= 2
    ]
    members: list[Person] = []
    if homes:
        members = [p for p in w.rng.choice(homes) if p.sex == "male" and p.age() >= 18]
        w.used.update(p.pid for p in members)
    return members + w.pick(area, 19, 50, "male", max(0, n - len(members)))


def play_group(world: World, case: Case, police_knows: float) -> None:
    """The episodes and links of one group, by its pattern."""
    pattern = case.kind
    play = Play(world, case, 0.0 if pattern == "partner_only" else police_knows)
    rng, m, area = world.rng, case.members, case.areas[0]
    if len(m) < 2 or not case.victims:
        return
    kind = {"takeaway": "takeaway", "hotel": "hotel", "large": "hotel"}.get(pattern, "residential")
    place = world.place(area, kind, busy=kind == "hotel")
    case.places.append(place)
    if pattern in ("takeaway", "hotel", "large", "family"):
        for a in m:
            link = "employed_at" if pattern == "takeaway" else "frequents"
            if play.police and rng.random() < 0.6:
                world.link(case.case_id, "police", area, a, link, place=place)
        if pattern == "family":
            play.associates(m)
            for a, b in itertools.pairwise(m):
                if play.police:
                    world.link(case.case_id, "police", area, a, "family_of", other=b)
    if pattern in ("taxi", "never_together", "online", "two_areas"):
        thing = {"taxi": "vehicle", "online": "online_account"}.get(pattern, "phone")
        for a in m:
            play.uses(a, thing, area=a.area)
        if pattern == "never_together" and case.things and play.police:
            # One phone passed between members: a "business" line, attributed to two.
            shared = case.things[0]
            other = rng.choice(m[1:])
            world.link(case.case_id, "police", other.area, other, "uses", thing=shared)
    together = pattern not in ("never_together", "taxi")
    for v in case.victims:
        if together:
            for _ in range(rng.randint(1, 3)):
                play.crime(play.some(m, 2, 4), v, place)
        else:
            for a in play.some(m, 2, len(m)):  # one offender a record, the same victim
                play.crime([a], v, place if rng.random() < 0.6 else None, area=a.area)
        if pattern == "boyfriend":
            for _ in range(rng.randint(1, 3)):
                play.missing(v, [m[0], *play.some(m[1:], 0, 1)], place)
            play.referral(v, [m[0]], agency="childrens_social_care")
        elif pattern == "peer":
            play.referral(v, play.some(m, 1, 2), agency="education")
            if rng.random() < 0.5:
                play.referral(v, [rng.choice(m)], agency="youth_justice")
        elif rng.random() < 0.5:
            play.missing(v, play.some(m, 1, 2), place)
        if rng.random() < 0.75:
            play.referral(v, play.some(m, 0, 2))
    if pattern == "partner_only":
        for v in case.victims:
            for agency in ("childrens_social_care", "voluntary_sector", "health"):
                if rng.random() < 0.7:
                    play.referral(v, play.some(m, 1, 3), agency=agency)
    if pattern == "one_incident":
        _one_incident(play, case, place)
    if pattern == "two_areas":
        for a in m:
            if a.area != area:
                play.crime(
                    [a, rng.choice([x for x in m if x.area == area])],
                    case.victims[0],
                    None,
                    area=a.area,
                )
    if pattern in ("hotel", "takeaway", "large", "online") or rng.random() < 0.3:
        play.intel(play.some(m, 2, 3), place)
    if pattern != "never_together":
        play.associates(m)


def _one_incident(play: Play, case: Case, place: Place) -> None:
    """One episode recorded by police, social care and a hospital, each its own subset."""
    w, rng = play.w, play.rng
    child, adults = case.victims[0], case.members
    day = play.day()
    seen = play.some(adults, 2, 4)
    parts = [(child, "missing")] + [(a, "named") for a in seen]
    w.episode(
        case.case_id,
        "police",
        play.area,
        "incident",
        day,
        parts,
        place=place,
        narrative="Child located at an address with several adults; exploitation concern.",
    )
    later = min(day + timedelta(days=rng.randint(0, 4)), EXTRACT)
    csc = [(child, "victim")] + [(a, "named") for a in play.some(seen, 1, 2)]
    csc.append((w.professional(play.area), "professional"))
    w.episode(
        case.case_id,
        "childrens_social_care",
        play.area,
        "referral",
        later,
        w.with_family(child, csc),
        narrative=NARRATIVE["referral"],
    )
    hospital = [(child, "victim")] + [(a, "named") for a in play.some(seen, 0, 1)]
    w.episode(
        case.case_id,
        "health",
        play.area,
        "health_attendance",
        day,
        hospital,
        narrative=NARRATIVE["health_attendance"],
    )


def play_lone(world: World, case: Case, busy: list[Place], police_knows: float) -> None:
    """A lone offender with several victims: crimes, some at a busy place; no group."""
    play = Play(world, case, max(police_knows, 0.8))
    offender = case.members[0]
    groups = [
        c
        for c in world.cases
        if c.kind not in ("lone", "busy_place") and c.victims and case.areas[0] in c.areas
    ]
    if groups and world.rng.random() < world.shared_victim:
        # A child exploited by a group is also abused by a man who is not one of them
        # (victims of groups are targeted again by others): a shared child, no group.
        case.victims.append(world.rng.choice(world.rng.choice(groups).victims))
    for v in case.victims:
        place = world.rng.choice(busy) if busy and world.rng.random() < 0.5 else None
        play.crime([offender], v, place)
        if world.rng.random() < 0.6:
            play.referral(v, [offender])


def play_busy_place(world: World, case: Case, place: Place) -> None:
    """A hotel, takeaway or car park where unrelated adults and children are seen.

    A child found there may be found near an adult who is recorded as present (each
    such adult in a record of their own): two men seen at one busy hotel are not a group.
    """
    rng = world.rng
    for a in case.members:  # unrelated adults: staff, guests, customers, passers-by
        if rng.random() < 0.6:
            world.link(case.case_id, "police", place.area, a, "frequents", place=place)
    for _ in range(rng.randint(3, 6)):
        day = world.day_in(START, 880)
        seen = rng.sample(case.members, min(len(case.members), rng.randint(1, 3)))
        world.episode(
            case.case_id,
            "police",
            place.area,
            "incident",
            day,
            [(a, "witness") for a in seen],
            place=place,
            cse=False,
            narrative="Disturbance at premises; witnesses spoken to.",
        )
    for child in case.victims:  # children found there, reported missing by family
        parts = [(child, "missing")]
        if rng.random() < 0.5:
            parts.append((rng.choice(case.members), "named"))
        world.episode(
            case.case_id,
            "police",
            place.area,
            "missing_episode",
            world.day_in(START, 880),
            world.with_family(child, parts),
            place=place,
            narrative="Child reported missing; found at premises.",
        )
