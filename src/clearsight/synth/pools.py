"""Package data (names, spelling variants, areas, narrative templates) loaded once per run."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from random import Random
from typing import Any

import yaml


def _load(name: str) -> dict[str, Any]:
    text = resources.files("clearsight.synth").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, ready for ``random.choices``."""

    values: tuple[str, ...]
    cum: tuple[float, ...]

    @classmethod
    def of(cls, mapping: dict[str, float]) -> Weighted:
        return cls(tuple(mapping), tuple(accumulate(mapping.values())))


# Share of people whose surname is outside a heritage's list of common names;
# names.yaml lowers it where a few surnames are very common (Khan, Patel, Li).
DEFAULT_SURNAME_TAIL = 0.75


@dataclass(frozen=True)
class Heritage:
    name: str
    ethnicity: Weighted
    officer: Weighted
    nationality: Weighted
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    surname_tail: float

    def surname(self, rnd: Random) -> str:
        """A surname: a common one, or (with probability ``surname_tail``) a rare one.

        Real surnames follow a long tail (the commonest in England and Wales,
        Smith, is about 1 in 80 people); a short list alone would make strangers
        share names far too often. Rare names are blends of two of the heritage's
        own, so the tail sounds like the head.
        """
        pool = self.surnames
        first = pool[rnd.randrange(len(pool))]
        if rnd.random() >= self.surname_tail:
            return first
        second = pool[rnd.randrange(len(pool))]
        head = first[: rnd.randint(2, max(2, len(first) - 1))]
        tail = second[-rnd.randint(2, max(2, len(second) - 1)) :]
        return (head + tail.lower()).capitalize()


@dataclass(frozen=True)
class District:
    prefix: str
    low: int
    high: int
    town: str


@dataclass(frozen=True)
class AreaGeo:
    code: str
    centre: tuple[float, float]
    landline: str
    districts: tuple[District, ...]


@dataclass(frozen=True)
class Pools:
    heritages: tuple[Heritage, ...]
    heritage_cum: tuple[float, ...]
    middle_female: tuple[str, ...]
    middle_male: tuple[str, ...]
    street_names: tuple[str, ...]
    nicknames: dict[str, tuple[str, ...]]
    spellings: dict[str, tuple[str, ...]]
    areas: dict[str, AreaGeo]
    streets: tuple[str, ...]
    blaming: tuple[str, ...]
    hard_negative: tuple[str, ...]
    contexts: dict[str, tuple[str, ...]]


@cache
def pools() -> Pools:
    names = _load("names.yaml")
    variants = _load("variants.yaml")
    areas = _load("areas.yaml")
    narratives = _load("narratives.yaml")
    heritages = tuple(
        Heritage(
            name=key,
            ethnicity=Weighted.of(spec["ethnicity"]),
            officer=Weighted.of(spec["officer"]),
            nationality=Weighted.of(spec["nationality"]),
            female=tuple(spec["female"]),
            male=tuple(spec["male"]),
            surnames=tuple(spec["surnames"]),
            surname_tail=float(spec.get("surname_tail", DEFAULT_SURNAME_TAIL)),
        )
        for key, spec in names["groups"].items()
    )
    weights = [float(spec["weight"]) for spec in names["groups"].values()]
    spellings: dict[str, tuple[str, ...]] = {}
    for group in variants["transliterations"]:
        for name in group:
            others = tuple(other for other in group if other != name)
            spellings[name] = tuple(dict.fromkeys(spellings.get(name, ()) + others))
    return Pools(
        heritages=heritages,
        heritage_cum=tuple(accumulate(weights)),
        middle_female=tuple(names["middle_names"]["female"]),
        middle_male=tuple(names["middle_names"]["male"]),
        street_names=tuple(names["street_names"]),
        nicknames={k: tuple(v) for k, v in variants["nicknames"].items()},
        spellings=spellings,
        areas={
            code: AreaGeo(
                code=code,
                centre=(float(spec["centre"][0]), float(spec["centre"][1])),
                landline=str(spec["landline"]),
                districts=tuple(
                    District(str(p), int(lo), int(hi), str(t)) for p, lo, hi, t in spec["districts"]
                ),
            )
            for code, spec in areas["areas"].items()
        },
        streets=tuple(areas["streets"]),
        blaming=tuple(narratives["blaming"]),
        hard_negative=tuple(narratives["hard_negative"]),
        contexts={k: tuple(v) for k, v in narratives["contexts"].items()},
    )
