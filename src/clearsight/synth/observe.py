"""What each agency records about the true world: every agency sees part of each case.

Police hold crimes, missing episodes, intelligence and the arrest, charge and court chain;
children's social care referrals and strategy meetings; health attendances; schools
concerns; the voluntary sector referrals. Offenders are linked by varied evidence: some
share a crime, some only a phone, vehicle or place, some only a victim.
"""

from __future__ import annotations

import random
import zlib

from clearsight.synth import narratives, noise
from clearsight.synth.background import Background
from clearsight.synth.habits import AreaHabits
from clearsight.synth.narratives import Slots
from clearsight.synth.police import (
    CSE_OFFENCES,
    police_outcome,
)
from clearsight.synth.pools import Pools
from clearsight.synth.source import Source
from clearsight.synth.world import (
    PERIOD_END,
    PERIOD_START,
    Group,
    Person,
    Place,
    World,
    age_at,
)


def flag_rate(area: str) -> float:
    """How often this force flags a CSE crime as CSE: some forces under-flag badly."""
    return (0.45, 0.6, 0.75, 0.9)[zlib.crc32(area.encode()) % 4]


class Observer:
    def __init__(
        self,
        world: World,
        sources: dict[str, Source],
        pools: Pools,
        rnd: random.Random,
        habits: AreaHabits,
    ) -> None:
        self.habits = habits
        self.world = world
        self.sources = sources
        self.pools = pools
        self.rnd = rnd
        self.flag = flag_rate(world.area)

    # helpers -----------------------------------------------------------------------------
    def _slots(
        self,
        src: Source,
        child: Person,
        record: int,
        at: int,
        place: Place | None,
        group: Group | None = None,
        offence: str = "",
    ) -> Slots:
        vehicle = group.vehicles[0].description if group and group.vehicles else "car"
        if place is None:
            where = f"an address in {child.town}"
        else:
            kind = place.location_type.replace("_", " ")
            where = (
                f"{place.name}, {place.town}" if place.name else f"a {kind} address in {place.town}"
            )
        name = src.first[record] or "the child"
        return Slots(
            name=name,
            age=age_at(child, at),
            sex=child.sex,
            place=where,
            town=child.town,
            vehicle=vehicle,
            offence=offence,
        )

    def _cse_flag(self) -> str:
        x = self.rnd.random()
        if x < self.flag:
            return "yes"
        return "no" if x < self.flag + (1 - self.flag) * 0.6 else ("unknown" if x < 0.97 else "")

    def _day(self, low: int, high: int) -> int:
        low = max(low, PERIOD_START)
        high = min(high, PERIOD_END)
        return self.rnd.randint(low, high) if high > low else high

    # CSE cases ---------------------------------------------------------------------------
    def observe_group(self, group: Group) -> None:
        # Every event and link written here records this group (truth: group_records.csv).
        for src in self.sources.values():
            src.group = group.gid
        try:
            self._observe_group(group)
        finally:
            for src in self.sources.values():
                src.group = ""

    def _observe_group(self, group: Group) -> None:
        rnd = self.rnd
        police = self.sources["police"]
        known = [o for o in group.offenders if rnd.random() < 0.82]
        if group.partner_only:
            known = []
        window = (group.start, group.start + rnd.randint(200, 700))
        for victim in group.victims:
            if victim.known.get("police"):
                self._police_victim(group, victim, known, window)
            self._partners_victim(group, victim, window)
        if group.incident:
            self._incident(group, window)
        if known:
            self._police_intelligence(group, known, window)
            self._police_links(group, known)
        # Schools know peer-group offenders as pupils, sometimes with a concern.
        if group.group_type == "peer_group":
            school = self.sources["education"]
            for offender in group.offenders:
                if rnd.random() < 0.4:
                    record = school.ref(offender)
                    day = self._day(*window)
                    event = school.event(
                        "education_concern",
                        day,
                        cse="unknown",
                        narrative=(
                            f"Concerns about {school.first[record] or 'pupil'}'s "
                            "friendships and behaviour towards younger pupils.",
                            "neutral",
                        ),
                    )
                    school.involve(event, record, "subject")
        del police

    def _police_victim(
        self, group: Group, victim: Person, known: list[Person], window: tuple[int, int]
    ) -> None:
        rnd, src = self.rnd, self.sources["police"]
        vrec = src.ref(victim)
        crimes = 1 + (rnd.random() < 0.35) + (rnd.random() < 0.1)
        for _ in range(crimes):
            reported = self._day(*window)
            place = group.places[rnd.randrange(len(group.places))] if rnd.random() < 0.7 else None
            location = src.location(place) if place else -1
            offence = CSE_OFFENCES[rnd.randrange(len(CSE_OFFENCES))]
            text = narratives.write(
                "police_cse_crime",
                self._slots(src, victim, vrec, reported, place, group, offence),
                self.pools,
                rnd,
            )
            occurred = reported - rnd.randint(0, 90) if rnd.random() < 0.8 else 0
            crime = src.event(
                "crime",
                reported,
                occurred=occurred,
                location=location,
                offence=offence,
                cse=self._cse_flag(),
                specialist="yes" if rnd.random() < 0.65 else "no",
                narrative=text,
            )
            src.involve(crime, vrec, "victim")
            suspects: list[int] = []
            identified: list[int] = []
            if known and rnd.random() < 0.85:
                count = min(len(known), 1 + int(rnd.expovariate(0.8)))
                for offender in rnd.sample(known, count):
                    if rnd.random() < 0.8:
                        record = src.ref(offender)
                        identified.append(record)
                    else:
                        record = src.unknown(offender)
                    suspects.append(record)
            elif not group.partner_only and rnd.random() < 0.6:
                offender = group.offenders[rnd.randrange(len(group.offenders))]
                suspects.append(src.unknown(offender))
            for record in suspects:
                src.involve(crime, record, "suspect")
            police_outcome(src, crime, reported, identified, 0.3, True, self.rnd, self.pools)
            if rnd.random() < 0.4 and victim.family:
                src.involve(crime, src.ref(victim.family[0]), "reporting_person")
        for _ in range(min(8, int(rnd.expovariate(0.45)))):
            reported = self._day(*window)
            place = group.places[rnd.randrange(len(group.places))] if rnd.random() < 0.4 else None
            text = narratives.write(
                "police_missing",
                self._slots(src, victim, vrec, reported, place, group),
                self.pools,
                rnd,
            )
            closed = min(PERIOD_END, reported + rnd.randint(0, 3))
            missing = src.event(
                "missing_episode",
                reported,
                occurred=reported,
                location=src.location(place) if place else -1,
                cse=self._cse_flag() if rnd.random() < 0.5 else "no",
                status="closed",
                closed=closed,
                narrative=text,
            )
            src.involve(missing, vrec, "missing_person")
            if victim.family and rnd.random() < 0.6:
                src.involve(missing, src.ref(victim.family[-1]), "reporting_person")
            if known and rnd.random() < 0.15:
                src.involve(missing, src.ref(rnd.choice(known)), "associate")

    def _police_intelligence(
        self, group: Group, known: list[Person], window: tuple[int, int]
    ) -> None:
        rnd, src = self.rnd, self.sources["police"]
        for _ in range(rnd.randint(0, 3)):
            day = self._day(*window)
            place = group.places[rnd.randrange(len(group.places))]
            victim = group.victims[0]
            text = narratives.write(
                "police_intel",
                Slots(
                    place=f"{place.name or 'an address'}, {place.town}",
                    town=place.town,
                    vehicle=group.vehicles[0].description if group.vehicles else "car",
                ),
                self.pools,
                rnd,
            )
            event = src.event(
                "intelligence",
                day,
                location=src.location(place),
                cse=self._cse_flag(),
                narrative=text,
            )
            for offender in rnd.sample(known, min(len(known), rnd.randint(1, 3))):
                src.involve(event, src.ref(offender), rnd.choice(("suspect", "associate")))
            if group.vehicles and rnd.random() < 0.5:
                vehicle = group.vehicles[rnd.randrange(len(group.vehicles))]
                obj = src.obj(
                    "vehicle", vehicle.mark, noise.vehicle(vehicle.mark, rnd), vehicle.description
                )
                src.associate("event", event, "object", obj, "other")
            if group.phones and rnd.random() < 0.4:
                number = group.phones[0]
                obj = src.obj("phone", number, noise.phone(number, rnd))
                src.associate("event", event, "object", obj, "other")
            del victim

    def _police_links(self, group: Group, known: list[Person]) -> None:
        """Objects, places and person-to-person links the police hold on a group."""
        rnd, src = self.rnd, self.sources["police"]
        for offender in known:
            record = src.ref(offender)
            for number in group.phones:
                if rnd.random() < 0.45:
                    obj = src.obj("phone", number, noise.phone(number, rnd))
                    src.associate("person", record, "object", obj, "uses")
            for number in offender.phones:
                if rnd.random() < 0.3:
                    obj = src.obj("phone", number, noise.phone(number, rnd))
                    src.associate("person", record, "object", obj, "uses")
            for index, vehicle in enumerate(group.vehicles):
                owner = group.offenders[index % len(group.offenders)] is offender
                if rnd.random() < (0.8 if owner else 0.25):
                    obj = src.obj(
                        "vehicle",
                        vehicle.mark,
                        noise.vehicle(vehicle.mark, rnd),
                        vehicle.description,
                    )
                    src.associate("person", record, "object", obj, "owns" if owner else "uses")
            for place in group.places:
                if rnd.random() < 0.35:
                    kind = (
                        "employed_at"
                        if place.location_type == "takeaway" and rnd.random() < 0.4
                        else "frequents"
                    )
                    src.associate("person", record, "location", src.location(place), kind)
            if rnd.random() < 0.1:
                src.associate(
                    "person", record, "location", src.location(_home(offender)), "resides_at"
                )
        for i, first in enumerate(known):
            for second in known[i + 1 :]:
                x = rnd.random()
                if x < 0.2:
                    src.associate(
                        "person", src.ref(first), "person", src.ref(second), "associate_of"
                    )
                elif x < 0.3:
                    src.associate("person", src.ref(first), "person", src.ref(second), "seen_with")

    def _partners_victim(self, group: Group, victim: Person, window: tuple[int, int]) -> None:
        rnd = self.rnd
        if victim.known.get("csc"):
            src = self.sources["csc"]
            vrec = src.ref(victim)
            family = [src.ref(parent) for parent in victim.family if rnd.random() < 0.85]
            for parent in family:
                src.associate("person", parent, "person", vrec, "family_of")
            for _ in range(rnd.randint(1, 2)):
                day = self._day(*window)
                place = group.places[0] if rnd.random() < 0.3 else None
                text = narratives.write(
                    "csc_cse_referral",
                    self._slots(src, victim, vrec, day, place, group),
                    self.pools,
                    rnd,
                )
                referral = src.event(
                    "referral",
                    day,
                    location=src.location(place) if place else -1,
                    cse="yes" if rnd.random() < 0.7 else "unknown",
                    status="closed" if day + 60 < PERIOD_END and rnd.random() < 0.5 else "open",
                    narrative=text,
                )
                if src.events[referral][8] == "closed":
                    src.events[referral][9] = day + rnd.randint(20, 60)
                src.involve(referral, vrec, "subject")
                if family and rnd.random() < 0.5:
                    src.involve(referral, family[0], "reporting_person")
            day = self._day(*window)
            meeting = src.event(
                "strategy_meeting",
                day,
                cse="yes",
                narrative=narratives.write(
                    "csc_strategy", self._slots(src, victim, vrec, day, None), self.pools, rnd
                ),
            )
            src.involve(meeting, vrec, "subject")
            for parent in family:
                src.involve(meeting, parent, "associate")
            # Social care records adults as the child's associates (the "older boyfriends"
            # of referrals) at the area's rate; for a group police never saw, the meeting
            # names two or three of them.
            named = self._partner_associates(group, "csc")
            for adult in named:
                record = src.ref(adult)
                src.involve(meeting, record, "associate")
                src.associate("person", record, "person", vrec, "associate_of")
            if group.vehicles and rnd.random() < 0.2:
                vehicle = group.vehicles[0]
                obj = src.obj(
                    "vehicle", vehicle.mark, noise.vehicle(vehicle.mark, rnd), vehicle.description
                )
                src.associate("event", meeting, "object", obj, "other")
        for agency, context, event_type in (
            ("health", "health_cse", "health_attendance"),
            ("education", "education_cse", "education_concern"),
            ("vcs", "vcs_cse", "referral"),
        ):
            if not victim.known.get(agency):
                continue
            src = self.sources[agency]
            vrec = src.ref(victim)
            for _ in range(rnd.randint(1, 2) if agency != "vcs" else 1):
                day = self._day(*window)
                text = narratives.write(
                    context, self._slots(src, victim, vrec, day, None, group), self.pools, rnd
                )
                event = src.event(
                    event_type,
                    day,
                    cse=rnd.choice(("yes", "unknown", "")) if agency != "health" else "",
                    narrative=text,
                )
                src.involve(event, vrec, "subject")
                named = self._partner_associates(group, agency)
                if named:
                    # A named associate makes the concern one of exploitation.
                    src.events[event][7] = "yes"
                for adult in named:
                    record = src.ref(adult)
                    src.involve(event, record, "associate")
                    if agency != "health":
                        src.associate("person", record, "person", vrec, "associate_of")

    def _partner_associates(self, group: Group, agency: str) -> list[Person]:
        """The group's adults a partner's record about its child names as associates."""
        rnd = self.rnd
        if group.group_type == "peer_group":
            return []  # schools record peer offenders as pupils, not as adult associates
        adults = group.offenders
        if group.partner_only and (agency == "csc" or rnd.random() < 0.5):
            return rnd.sample(adults, min(len(adults), rnd.randint(2, 3)))
        if rnd.random() < self.habits.agencies[agency].associates:
            return [adults[rnd.randrange(len(adults))]]
        return []

    def _incident(self, group: Group, window: tuple[int, int]) -> None:
        """One episode (a child found with adults) that police, social care and health each
        record with their own event id and their own subset of the people."""
        rnd = self.rnd
        victim = group.victims[rnd.randrange(len(group.victims))]
        adults = group.offenders
        day = self._day(*window)
        incident_id = f"I-{group.gid}"
        place = group.places[rnd.randrange(len(group.places))]
        for agency, event_type, context, offset, child_role in (
            ("police", "incident", "police_missing", 0, "missing_person"),
            ("csc", "strategy_meeting", "csc_strategy", rnd.randint(1, 4), "subject"),
            ("health", "health_attendance", "health_cse", 0, "subject"),
        ):
            src = self.sources[agency]
            vrec = src.ref(victim)
            when = min(PERIOD_END, day + offset)
            slots = self._slots(src, victim, vrec, when, place, group)
            text = narratives.write(context, slots, self.pools, rnd)
            event = src.event(
                event_type,
                when,
                occurred=day,
                location=src.location(place) if agency == "police" else -1,
                postcode=place.postcode if agency == "csc" else "",
                cse="yes",
                narrative=text,
            )
            src.involve(event, vrec, child_role)
            for adult in rnd.sample(adults, rnd.randint(1, min(2, len(adults)))):
                src.involve(event, src.ref(adult), "associate")
            src.incidents.append((incident_id, event))

    # background --------------------------------------------------------------------------
    def background(self, target_records: int) -> None:
        """Ordinary, non-CSE work fills each source up to its share of records
        (``clearsight.synth.background``)."""
        Background(self.world, self.sources, self.pools, self.rnd).fill(target_records)


def _home(person: Person) -> Place:
    return Place(
        f"home:{person.tid}",
        "residential",
        "",
        person.address,
        person.postcode,
        person.town,
        0.0,
        0.0,
    )
