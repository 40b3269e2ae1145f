"""What varies by seed: which partner agencies exist in an area, how each records people,
and the shapes of the area's offender groups.

Each area of each seed draws its own habits from the ranges below, so no two seeds record
the same way and detection cannot be fitted to one generator's habits. The ranges stand on
how agencies record (HMICFRS 2023 on partner data and records systems; the ICO data sharing
code on inconsistent records); ``docs/synth.md`` lists them. The draw uses its own random
source, so the world and every agency's records stay reproducible from the seed.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

# Police and children's social care are statutory safeguarding partners in every area
# (Working Together 2023); health, schools and the voluntary sector send data only where a
# local agreement exists, which is what HMICFRS found missing in many forces.
COVERAGE = {"police": 1.0, "csc": 1.0, "health": 0.85, "education": 0.75, "vcs": 0.55}
# Share of records holding an NHS number, per agency: health systems key on it; social care
# and schools hold it where they are linked to the spine; police rarely do.
NHS_RANGE = {
    "police": (0.0, 0.05),
    "csc": (0.4, 0.9),
    "health": (0.85, 1.0),
    "education": (0.2, 0.8),
    "vcs": (0.0, 0.25),
}
# Surnames written in upper case (a police custom, less common elsewhere).
UPPER_RANGE = {"police": (0.1, 0.6), "other": (0.0, 0.3)}
# Some case systems hold a person's name in one field, "SURNAME, Forenames"; an agency with
# that habit writes it for this share of records (forenames empty). Modest, as ingest is
# still learning to split such names.
ONE_COLUMN_AGENCIES = 0.25
ONE_COLUMN_RANGE = (0.02, 0.06)
# Day-first dates of birth (dd/mm/yyyy, the UK way of writing a date) from an agency whose
# export does not convert them; modest, as ingest may still quarantine them.
DAY_FIRST_AGENCIES = 0.25
DAY_FIRST_RANGE = (0.01, 0.04)
# Dates of birth known only to the month or year (an estimate given by the person).
PARTIAL_RANGE = (0.03, 0.15)
# How fully an agency fills optional fields (phones, emails, address, nationality):
# a multiplier on its profile's rates.
FILL_RANGE = (0.6, 1.15)
# Chance a partner's record about an exploited child names one of the group's adults as an
# associate with an exploitation concern (social care most often, as the HMICFRS 2023
# inspection found "older boyfriends" named in referrals).
ASSOCIATE_RANGE = {
    "csc": (0.1, 0.5),
    "health": (0.0, 0.2),
    "education": (0.0, 0.15),
    "vcs": (0.05, 0.35),
}
# Group shapes. The shares of adult, peer and familial groups (lone offenders take the rest)
# and the tail of adult group sizes (Pareto shape: smaller means more large networks).
ADULT_RANGE = (0.35, 0.55)
PEER_RANGE = (0.12, 0.28)
FAMILIAL_RANGE = (0.04, 0.1)
PARETO_RANGE = (1.1, 1.6)
# Adult groups known only to partners: police hold no record of any member (the partner-data
# gap of HMICFRS 2023); partners name two or more of them as associates. No published share
# exists, so the range is wide and kept to a minority of groups.
PARTNER_ONLY_RANGE = (0.1, 0.3)
# Groups one of whose episodes (a child found with adults) is recorded by police, social care
# and health, each with its own event id and a subset of the people.
INCIDENT_RANGE = (0.1, 0.3)
# Adult groups (after the first) joined by an offender from the area before.
CROSS_AREA_RANGE = (0.08, 0.3)


@dataclass(frozen=True)
class AgencyHabits:
    present: bool
    nhs: float
    upper: float
    one_column: float
    day_first: float
    partial: float
    fill: float
    associates: float


@dataclass(frozen=True)
class AreaHabits:
    agencies: dict[str, AgencyHabits]
    group_cum: tuple[float, float, float, float]  # adult, peer, lone, familial (cumulative)
    pareto: float
    partner_only: float
    incidents: float
    cross_area: float

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["group_cum"] = [round(x, 4) for x in self.group_cum]
        rounded: dict[str, Any] = _rounded(out)
        return rounded


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def draw(seed: int, area: str) -> AreaHabits:
    rnd = random.Random(f"clearsight-synth-habits:{seed}:{area}")

    def within(bounds: tuple[float, float]) -> float:
        return rnd.uniform(*bounds)

    agencies = {}
    for agency, coverage in COVERAGE.items():
        upper = UPPER_RANGE["police" if agency == "police" else "other"]
        agencies[agency] = AgencyHabits(
            present=rnd.random() < coverage,
            nhs=within(NHS_RANGE[agency]),
            upper=within(upper),
            one_column=within(ONE_COLUMN_RANGE) if rnd.random() < ONE_COLUMN_AGENCIES else 0.0,
            day_first=within(DAY_FIRST_RANGE) if rnd.random() < DAY_FIRST_AGENCIES else 0.0,
            partial=within(PARTIAL_RANGE),
            fill=within(FILL_RANGE),
            associates=within(ASSOCIATE_RANGE[agency]) if agency in ASSOCIATE_RANGE else 0.0,
        )
    adult, peer, familial = within(ADULT_RANGE), within(PEER_RANGE), within(FAMILIAL_RANGE)
    lone = 1.0 - adult - peer - familial
    return AreaHabits(
        agencies=agencies,
        group_cum=(adult, adult + peer, adult + peer + lone, 1.0),
        pareto=within(PARETO_RANGE),
        partner_only=within(PARTNER_ONLY_RANGE),
        incidents=within(INCIDENT_RANGE),
        cross_area=within(CROSS_AREA_RANGE),
    )
