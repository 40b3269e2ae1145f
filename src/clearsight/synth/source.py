"""One agency's submission while it is being built: rows held with internal row numbers,
turned into the agency's own ids only when written."""

from __future__ import annotations

import random
from dataclasses import dataclass

from clearsight.synth import noise
from clearsight.synth.habits import AgencyHabits
from clearsight.synth.pools import Pools
from clearsight.synth.world import Person, Place

AGENCY_TYPES = {
    "police": "police",
    "csc": "childrens_social_care",
    "health": "health",
    "education": "education",
    "vcs": "voluntary_sector",
}
ORGANISATIONS = {
    "police": "{} Police",
    "csc": "{} children's social care",
    "health": "{} health services",
    "education": "{} schools and education services",
    "vcs": "{} voluntary sector partnership",
}

PERSON_COLUMNS = (
    "person_id",
    "forenames",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "ethnicity_self_defined",
    "ethnicity_officer_defined",
    "nationality",
    "postcode",
    "address",
    "phones",
    "emails",
    "nhs_number",
)
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
INVOLVEMENT_COLUMNS = ("event_id", "person_id", "role")
OBJECT_COLUMNS = ("object_id", "object_type", "value", "description")
LOCATION_COLUMNS = (
    "location_id",
    "location_type",
    "name",
    "address",
    "postcode",
    "latitude",
    "longitude",
)
ASSOCIATION_COLUMNS = (
    "from_type",
    "from_id",
    "to_type",
    "to_id",
    "association_type",
    "start_date",
    "end_date",
)


@dataclass(frozen=True)
class Profile:
    """How carefully an agency records identity. Rates are per record."""

    share: float  # of the area's person records
    prefix: str
    dob_missing: float
    care: float
    nhs: float
    ethnicity: float  # recorded (a code or NS) for people not treated as suspects
    nationality: float
    phones: float
    emails: float
    address: float
    aliases: float
    duplicate: float
    children: float  # share of background records that are children


PROFILES = {
    "police": Profile(0.42, "NOM", 0.07, 0.55, 0.0, 0.6, 0.3, 0.55, 0.15, 0.85, 0.7, 0.04, 0.35),
    "csc": Profile(0.20, "LCS", 0.02, 0.7, 0.7, 0.85, 0.4, 0.5, 0.2, 0.95, 0.25, 0.03, 0.6),
    "health": Profile(0.18, "PAS", 0.01, 0.8, 0.95, 0.8, 0.1, 0.7, 0.3, 0.95, 0.05, 0.02, 0.4),
    "education": Profile(0.12, "EDU", 0.01, 0.85, 0.5, 0.9, 0.2, 0.3, 0.1, 0.9, 0.05, 0.02, 1.0),
    "vcs": Profile(0.08, "VCS", 0.15, 0.5, 0.05, 0.6, 0.1, 0.6, 0.4, 0.6, 0.3, 0.05, 0.55),
}
SUSPECT_ETHNICITY_RECORDED = 0.34
UNKNOWN_NAMES = (
    ("UNKNOWN", "MALE"),
    ("", ""),
    ("Unknown", ""),
    ("", "UNKNOWN"),
    ("UNKNOWN", "UNKNOWN"),
    ("Male", "Unknown"),
)

Row = tuple[str, ...]


class Source:
    def __init__(
        self, area: str, agency: str, pools: Pools, rnd: random.Random, habits: AgencyHabits
    ) -> None:
        self.area = area
        self.agency = agency
        self.source_id = f"{area}-{agency}"
        self.profile = PROFILES[agency]
        self.habits = habits
        # Truth only: (incident id, event row) for each record of a multi-agency incident.
        self.incidents: list[tuple[str, int]] = []
        self.pools = pools
        self.rnd = rnd
        self.persons: list[Row] = []
        self.truth: list[str] = []
        self.first: list[str] = []
        self.records: dict[str, list[int]] = {}
        self.events: list[list[str | int]] = []
        self.labels: list[tuple[int, str]] = []
        # Truth only, for the network benchmark: ``observe_group`` sets ``group`` while it
        # writes a group's events and links; every person record they touch is kept with
        # the group (insertion-ordered, so the truth file is deterministic).
        self.group = ""
        self.group_records: dict[tuple[int, str], None] = {}
        self.involvements: list[tuple[int, int, str]] = []
        self._involved: set[tuple[int, int, str]] = set()
        self.objects: list[Row] = []
        self._objects: dict[tuple[str, str], int] = {}
        self.locations: list[Row] = []
        self._locations: dict[str, int] = {}
        self.associations: list[tuple[str, int, str, int, str, str, str]] = []
        self._associated: set[tuple[str, int, str, int, str]] = set()

    # persons -----------------------------------------------------------------------------
    def ref(self, person: Person) -> int:
        """A record of ``person`` in this source, made on first sight. Some people get two
        records (a duplicate in the same system); later events pick either."""
        known = self.records.get(person.tid)
        if known is None:
            known = [self._record(person)]
            if self.rnd.random() < self.profile.duplicate:
                known.append(self._record(person))
            self.records[person.tid] = known
            return known[0]
        if len(known) > 1 and self.rnd.random() < 0.35:
            return known[1]
        return known[0]

    def _record(self, p: Person) -> int:
        rnd, prof, habits = self.rnd, self.profile, self.habits
        police = self.agency == "police"
        fill = habits.fill
        forenames, surname = noise.names(
            p.forename, p.middle, p.surname, self.pools, rnd, prof.care
        )
        if rnd.random() < habits.upper:
            surname = surname.upper()
        if forenames and surname and rnd.random() < habits.one_column:
            # The whole name in one field, as some case systems export it.
            forenames, surname = "", f"{surname.upper()}, {forenames}"
        aliases = ";".join(p.aliases) if p.aliases and rnd.random() < prof.aliases else ""
        # Recording, not the value, depends on role: suspects' ethnicity is often missing.
        rate = SUSPECT_ETHNICITY_RECORDED if p.suspect_class and police else prof.ethnicity
        x = rnd.random()
        ethnicity = p.ethnicity if x < rate * 0.9 else ("NS" if x < rate else "")
        officer = p.officer if police and rnd.random() < 0.6 else ""
        nationality = p.nationality if rnd.random() < prof.nationality * fill else ""
        use_previous = p.previous_postcode and rnd.random() < 0.35
        if rnd.random() < prof.address * fill:
            code = p.previous_postcode if use_previous else p.postcode
            postcode = noise.postcode(code, rnd)
            address = (
                (p.previous_address if use_previous else p.address) if rnd.random() < 0.8 else ""
            )
        else:
            postcode, address = "", ""
        phones = ""
        if p.phones and rnd.random() < prof.phones * fill:
            phones = ";".join(noise.phone(n, rnd) for n in p.phones if rnd.random() < 0.85)
        emails = p.email if p.email and rnd.random() < prof.emails * fill else ""
        nhs = noise.nhs(p.nhs, rnd, 0.015) if rnd.random() < habits.nhs else ""
        x = rnd.random()
        sex = p.sex if x < 0.97 else ("unknown" if x < 0.98 else "")
        row = (
            forenames,
            surname,
            aliases,
            noise.date_of_birth(p.dob, rnd, prof.dob_missing, habits.partial, habits.day_first),
            sex,
            ethnicity,
            officer,
            nationality,
            postcode,
            address,
            phones,
            emails,
            nhs,
        )
        return self._add_person(row, p.tid, forenames.split(" ")[0])

    def unknown(self, person: Person) -> int:
        """A suspect the agency could not identify: no usable name, rarely a street name."""
        rnd = self.rnd
        forenames, surname = UNKNOWN_NAMES[rnd.randrange(len(UNKNOWN_NAMES))]
        aliases = ";".join(person.aliases) if person.aliases and rnd.random() < 0.4 else ""
        age = noise.iso(person.dob)[:4] if rnd.random() < 0.3 else ""
        officer = person.officer if rnd.random() < 0.4 else ""
        row = (
            forenames,
            surname,
            aliases,
            age,
            "male" if person.sex == "male" else "unknown",
            "",
            officer,
            "",
            "",
            "",
            "",
            "",
            "",
        )
        return self._add_person(row, person.tid, forenames)

    def _add_person(self, row: Row, tid: str, first: str) -> int:
        self.persons.append(row)
        self.truth.append(tid)
        # Narratives name the child as recorded, but not by an initial or a placeholder.
        usable = len(first) > 2 and first.isalpha() and first.upper() != "UNKNOWN"
        self.first.append(first if usable else "")
        return len(self.persons) - 1

    # events and links --------------------------------------------------------------------
    def event(
        self,
        event_type: str,
        reported: int,
        *,
        occurred: int = 0,
        related: int = -1,
        location: int = -1,
        postcode: str = "",
        offence: str = "",
        cse: str = "",
        status: str = "",
        closed: int = 0,
        outcome: str = "",
        specialist: str = "",
        narrative: tuple[str, str] | None = None,
    ) -> int:
        text = ""
        index = len(self.events)
        if narrative is not None:
            text = narrative[0]
            self.labels.append((index, narrative[1]))
        self.events.append(
            [
                event_type,
                reported,
                occurred,
                related,
                location,
                postcode,
                offence,
                cse,
                status,
                closed,
                outcome,
                specialist,
                text,
            ]
        )
        return index

    def involve(self, event: int, person: int, role: str) -> None:
        if self.group:
            self.group_records[(person, self.group)] = None
        key = (event, person, role)
        if key not in self._involved:
            self._involved.add(key)
            self.involvements.append(key)

    def location(self, place: Place) -> int:
        index = self._locations.get(place.key)
        if index is None:
            index = len(self.locations)
            self._locations[place.key] = index
            postcode = noise.postcode(place.postcode, self.rnd)
            coords = self.rnd.random() < 0.7 and place.latitude != 0.0
            self.locations.append(
                (
                    place.location_type,
                    place.name,
                    place.address,
                    postcode,
                    f"{place.latitude:.5f}" if coords else "",
                    f"{place.longitude:.5f}" if coords else "",
                )
            )
        return index

    def obj(self, object_type: str, key: str, value: str, description: str = "") -> int:
        index = self._objects.get((object_type, key))
        if index is None:
            index = len(self.objects)
            self._objects[(object_type, key)] = index
            self.objects.append((object_type, value, description))
        return index

    def associate(
        self,
        from_type: str,
        from_index: int,
        to_type: str,
        to_index: int,
        kind: str,
        start: int = 0,
        end: int = 0,
    ) -> None:
        if from_type == to_type and from_index == to_index:
            return
        if self.group:
            for kind_, index in ((from_type, from_index), (to_type, to_index)):
                if kind_ == "person":
                    self.group_records[(index, self.group)] = None
        key = (from_type, from_index, to_type, to_index, kind)
        if key in self._associated:
            return
        self._associated.add(key)
        self.associations.append(
            (
                from_type,
                from_index,
                to_type,
                to_index,
                kind,
                noise.iso(start) if start else "",
                noise.iso(end) if end else "",
            )
        )
