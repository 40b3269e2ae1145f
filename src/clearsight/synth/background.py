"""Ordinary, non-CSE work each agency records: the background the cases hide in.

Each source is filled up to its share of the area's records (``PROFILES``), with about
three events per record: police crimes, incidents, missing episodes and intelligence,
children's social care referrals, health attendances, school concerns and voluntary
sector referrals about people no group touches.
"""

from __future__ import annotations

import random

from clearsight.synth import narratives, noise
from clearsight.synth.narratives import Slots
from clearsight.synth.police import OTHER_OFFENCES, police_outcome
from clearsight.synth.pools import Pools
from clearsight.synth.source import PROFILES, Source
from clearsight.synth.world import (
    EXTRACT_DATE,
    PERIOD_END,
    PERIOD_START,
    YEAR,
    Person,
    World,
    age_at,
)


class Background:
    """Fills every source with background work, drawing from the area's one random
    stream (the same ``rnd`` the cases were drawn from, so a seed still makes one world)."""

    def __init__(
        self, world: World, sources: dict[str, Source], pools: Pools, rnd: random.Random
    ) -> None:
        self.world = world
        self.sources = sources
        self.pools = pools
        self.rnd = rnd

    def fill(self, target_records: int) -> None:
        """Ordinary, non-CSE work fills each source up to its share of records, with about
        three events per record."""
        rnd = self.rnd
        children = [p for p in self.world.background if p.dob > _year_ago(18)]
        adults = [p for p in self.world.background if p.dob <= _year_ago(18)]
        pupils = [p for p in children if p.dob <= _year_ago(4)]
        for agency, src in self.sources.items():
            prof = PROFILES[agency]
            want = max(0, round(target_records * prof.share) - len(src.persons))
            n_child = min(
                round(want * prof.children), len(pupils if agency == "education" else children)
            )
            n_adult = min(want - n_child, len(adults))
            chosen = rnd.sample(pupils if agency == "education" else children, n_child)
            chosen += rnd.sample(adults, n_adult)
            records = [src.ref(person) for person in chosen]
            people = chosen
            events_wanted = max(0, round(3.0 * (len(src.persons))) - len(src.events))
            if not records:
                continue
            getattr(self, f"_bg_{agency}")(src, people, records, events_wanted)

    def _pick(self, n: int, i: int) -> int:
        # Every record gets at least one event, then events land at random.
        return i if i < n else self.rnd.randrange(n)

    def _postcode_or_location(self, src: Source, person: Person) -> tuple[int, str]:
        x = self.rnd.random()
        if x < 0.08 and self.world.places:
            return src.location(self.world.places[self.rnd.randrange(len(self.world.places))]), ""
        if x < 0.55:
            return -1, noise.postcode(person.postcode, self.rnd)
        return -1, ""

    def _bg_police(
        self, src: Source, people: list[Person], records: list[int], wanted: int
    ) -> None:
        rnd, pools = self.rnd, self.pools
        n = len(records)
        start = len(src.events)
        suspects = [i for i, p in enumerate(people) if p.suspect_class]
        others = [i for i, p in enumerate(people) if not p.suspect_class]
        i = 0
        while len(src.events) - start < wanted:
            k = self._pick(n, i)
            i += 1
            person, record = people[k], records[k]
            reported = rnd.randint(PERIOD_START, PERIOD_END)
            x = rnd.random()
            child = person.dob > reported - 18 * YEAR
            location, postcode = self._postcode_or_location(src, person)
            if child and not person.suspect_class and x < 0.3:
                text = narratives.write(
                    "police_missing_bg",
                    Slots(
                        name=src.first[record],
                        age=age_at(person, reported),
                        sex=person.sex,
                        town=person.town,
                    ),
                    pools,
                    rnd,
                )
                event = src.event(
                    "missing_episode",
                    reported,
                    occurred=reported,
                    postcode=postcode,
                    cse="no" if rnd.random() < 0.7 else "",
                    status="closed",
                    closed=min(PERIOD_END, reported + rnd.randint(0, 2)),
                    narrative=text,
                )
                src.involve(event, record, "missing_person")
                if others and rnd.random() < 0.5:
                    src.involve(event, records[rnd.choice(others)], "reporting_person")
                continue
            if x < 0.62:
                offence = OTHER_OFFENCES[rnd.randrange(len(OTHER_OFFENCES))]
                text = narratives.write(
                    "police_crime",
                    Slots(offence=offence, town=person.town, street=rnd.choice(pools.streets)),
                    pools,
                    rnd,
                )
                event = src.event(
                    "crime",
                    reported,
                    occurred=reported - rnd.randint(0, 14) if rnd.random() < 0.85 else 0,
                    location=location,
                    postcode=postcode,
                    offence=offence,
                    cse=rnd.choices(
                        ("no", "unknown", "", "yes"), weights=(0.8, 0.05, 0.145, 0.005)
                    )[0],
                    specialist="no" if rnd.random() < 0.7 else "",
                    narrative=text if rnd.random() < 0.95 else None,
                )
                identified: list[int] = []
                if person.suspect_class:
                    src.involve(event, record, "suspect")
                    identified.append(record)
                    if others and rnd.random() < 0.5:
                        src.involve(event, records[rnd.choice(others)], "victim")
                else:
                    src.involve(event, record, "victim")
                    if suspects and rnd.random() < 0.35:
                        other = records[rnd.choice(suspects)]
                        src.involve(event, other, "suspect")
                        identified.append(other)
                    if others and rnd.random() < 0.2:
                        src.involve(event, records[rnd.choice(others)], "witness")
                police_outcome(src, event, reported, identified, 0.12, False, self.rnd, self.pools)
                continue
            kind = "intelligence" if person.suspect_class and x < 0.75 else "incident"
            text = narratives.write(
                "police_incident",
                Slots(town=person.town, street=rnd.choice(pools.streets)),
                pools,
                rnd,
            )
            event = src.event(
                kind,
                reported,
                location=location,
                postcode=postcode,
                cse="no" if rnd.random() < 0.6 else "",
                status="closed" if rnd.random() < 0.9 else "open",
                narrative=text,
            )
            if src.events[event][8] == "closed":
                src.events[event][9] = min(PERIOD_END, reported + rnd.randint(0, 30))
            role = (
                "associate"
                if kind == "intelligence"
                else rnd.choice(("reporting_person", "victim"))
            )
            src.involve(event, record, role)
            if rnd.random() < 0.3:
                src.involve(event, records[rnd.randrange(n)], "witness")
        self._bg_objects(src, people, records)

    def _bg_objects(self, src: Source, people: list[Person], records: list[int]) -> None:
        rnd = self.rnd
        for person, record in zip(people, records, strict=True):
            if person.suspect_class and person.phones and rnd.random() < 0.12:
                number = person.phones[0]
                obj = src.obj("phone", number, noise.phone(number, rnd))
                src.associate("person", record, "object", obj, "uses")
            if person.suspect_class and rnd.random() < 0.04:
                from clearsight.synth.identifiers import vehicle_mark

                mark = vehicle_mark(rnd)
                obj = src.obj("vehicle", mark, noise.vehicle(mark, rnd), "")
                src.associate("person", record, "object", obj, "owns")

    def _bg_partner(
        self,
        src: Source,
        people: list[Person],
        records: list[int],
        wanted: int,
        kinds: tuple[tuple[str, str, float], ...],
        role: str,
    ) -> None:
        rnd, pools = self.rnd, self.pools
        n = len(records)
        cum = []
        total = 0.0
        for _, _, weight in kinds:
            total += weight
            cum.append(total)
        for i in range(wanted):
            k = self._pick(n, i)
            person, record = people[k], records[k]
            reported = rnd.randint(PERIOD_START, PERIOD_END)
            event_type, context, _ = kinds[_index(cum, rnd.random() * total)]
            age = age_at(person, reported)
            text = narratives.write(
                context,
                Slots(name=src.first[record], age=age, sex=person.sex, town=person.town),
                pools,
                rnd,
                child=age < 18,
            )
            closed = reported + rnd.randint(1, 120)
            status = "" if rnd.random() < 0.3 else ("closed" if closed <= PERIOD_END else "open")
            event = src.event(
                event_type,
                reported,
                cse="no" if rnd.random() < 0.5 else "",
                status=status,
                closed=closed if status == "closed" else 0,
                narrative=text if rnd.random() < 0.93 else None,
            )
            src.involve(event, record, role)
            if rnd.random() < 0.3:
                src.involve(event, records[rnd.randrange(n)], "associate")

    def _bg_csc(self, src: Source, people: list[Person], records: list[int], wanted: int) -> None:
        self._bg_partner(
            src,
            people,
            records,
            wanted,
            (
                ("referral", "csc_referral", 0.75),
                ("strategy_meeting", "csc_referral", 0.1),
                ("other", "csc_referral", 0.15),
            ),
            "subject",
        )

    def _bg_health(
        self, src: Source, people: list[Person], records: list[int], wanted: int
    ) -> None:
        self._bg_partner(
            src,
            people,
            records,
            wanted,
            (("health_attendance", "health", 0.95), ("other", "health", 0.05)),
            "subject",
        )

    def _bg_education(
        self, src: Source, people: list[Person], records: list[int], wanted: int
    ) -> None:
        self._bg_partner(
            src, people, records, wanted, (("education_concern", "education", 1.0),), "subject"
        )

    def _bg_vcs(self, src: Source, people: list[Person], records: list[int], wanted: int) -> None:
        self._bg_partner(
            src,
            people,
            records,
            wanted,
            (("referral", "vcs", 0.8), ("other", "vcs", 0.2)),
            "subject",
        )


def _index(cum: list[float], x: float) -> int:
    for i, c in enumerate(cum):
        if x < c:
            return i
    return len(cum) - 1


def _year_ago(years: float) -> int:
    return int(EXTRACT_DATE - years * YEAR)
