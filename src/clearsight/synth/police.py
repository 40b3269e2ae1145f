"""How the police record crimes and close them: offences, outcome types, the charge chain.

Shared by the exploitation cases and the background work each force records.
"""

from __future__ import annotations

import math
import random

from clearsight.synth import narratives
from clearsight.synth.narratives import Slots
from clearsight.synth.pools import Pools
from clearsight.synth.source import Source
from clearsight.synth.world import PERIOD_END

CSE_OFFENCES = (
    "Sexual activity with a child (s.9 Sexual Offences Act 2003)",
    "Causing or inciting a child to engage in sexual activity (s.10 Sexual Offences Act 2003)",
    "Arranging or facilitating a child sex offence (s.14 Sexual Offences Act 2003)",
    "Meeting a child following sexual grooming (s.15 Sexual Offences Act 2003)",
    "Sexual communication with a child (s.15A Sexual Offences Act 2003)",
    "Rape of a child under 13 (s.5 Sexual Offences Act 2003)",
    "Rape (s.1 Sexual Offences Act 2003)",
    "Paying for the sexual services of a child (s.47 Sexual Offences Act 2003)",
    "Controlling a child in relation to sexual exploitation (s.49 Sexual Offences Act 2003)",
    "Child abduction (s.2 Child Abduction Act 1984)",
)
OTHER_OFFENCES = (
    "theft from a shop",
    "burglary of a dwelling",
    "criminal damage",
    "common assault",
    "assault occasioning actual bodily harm",
    "theft of a motor vehicle",
    "harassment",
    "possession of a controlled drug",
    "a public order offence",
    "fraud by false representation",
    "robbery of personal property",
    "malicious communications",
    "theft of a pedal cycle",
)
# Home Office outcome types for closed crimes that did not end in a charge.
CSE_OUTCOMES = {
    "14": 0.2,
    "15": 0.25,
    "16": 0.22,
    "18": 0.1,
    "10": 0.03,
    "20": 0.04,
    "21": 0.04,
    "9": 0.02,
    "17": 0.02,
    "11": 0.03,
    "22": 0.02,
    "12": 0.01,
    "13": 0.02,
}
OTHER_OUTCOMES = {
    "18": 0.38,
    "14": 0.14,
    "15": 0.1,
    "16": 0.12,
    "8": 0.07,
    "3": 0.04,
    "2": 0.01,
    "10": 0.03,
    "20": 0.03,
    "21": 0.03,
    "17": 0.01,
    "9": 0.01,
    "22": 0.02,
    "6": 0.01,
    "4": 0.005,
    "5": 0.002,
    "7": 0.005,
    "11": 0.005,
    "12": 0.005,
    "13": 0.005,
}
_CSE_CODES, _CSE_WEIGHTS = tuple(CSE_OUTCOMES), tuple(CSE_OUTCOMES.values())
_OTHER_CODES, _OTHER_WEIGHTS = tuple(OTHER_OUTCOMES), tuple(OTHER_OUTCOMES.values())


def lognormal_days(rnd: random.Random, median: float, sigma: float) -> int:
    return max(1, int(median * math.exp(rnd.gauss(0.0, sigma))))


def police_outcome(
    src: Source,
    crime: int,
    reported: int,
    identified: list[int],
    charge: float,
    cse: bool,
    rnd: random.Random,
    pools: Pools,
) -> None:
    """Close, charge or leave open a crime; a charge brings arrest, charge and court
    events that point back to it (median about 250 days from recording to charge)."""
    row = src.events[crime]
    if identified and rnd.random() < charge:
        to_charge = lognormal_days(rnd, 290, 0.55)
        arrest_day = reported + rnd.randint(1, max(2, min(120, to_charge - 1)))
        if arrest_day <= PERIOD_END:
            arrest = src.event(
                "arrest",
                arrest_day,
                related=crime,
                narrative=narratives.write("police_arrest", Slots(), pools, rnd),
            )
            for record in identified:
                src.involve(arrest, record, "suspect")
        charge_day = reported + to_charge
        if charge_day <= PERIOD_END:
            charged = identified[: 1 + int(rnd.random() < 0.5) * (len(identified) - 1)]
            event = src.event(
                "charge",
                charge_day,
                related=crime,
                narrative=narratives.write("police_charge", Slots(), pools, rnd),
            )
            for record in charged:
                src.involve(event, record, "offender")
            row[8], row[9], row[10] = "closed", charge_day, "1"
            court_day = charge_day + lognormal_days(rnd, 240, 0.5)
            if court_day <= PERIOD_END:
                court = src.event(
                    "court_outcome",
                    court_day,
                    related=event,
                    status="closed",
                    closed=court_day,
                    narrative=narratives.write("police_court", Slots(), pools, rnd),
                )
                for record in charged:
                    src.involve(court, record, "offender")
            return
    closed_day = reported + lognormal_days(rnd, 240 if cse else 90, 0.9)
    if closed_day > PERIOD_END or rnd.random() < 0.08:
        row[8] = "open"
        return
    if not identified:
        code = "18" if rnd.random() < 0.7 else "14"
    elif cse:
        code = rnd.choices(_CSE_CODES, weights=_CSE_WEIGHTS)[0]
    else:
        code = rnd.choices(_OTHER_CODES, weights=_OTHER_WEIGHTS)[0]
    row[8], row[9], row[10] = "closed", closed_day, code
