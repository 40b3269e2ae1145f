"""An independent generator of multi-agency person records, for a second linkage measure.

    .venv/bin/python benchmarks/independent_persons.py --seed 1 --out /dev/shm/ind-1
    .venv/bin/python benchmarks/independent_persons.py --seed 1 --scale 0.2 --out DIR

Independence: written from the submission standard (STANDARD.md) and from how agencies
in England and Wales record people, WITHOUT reading, importing or copying Clearsight's
own generator (``src/clearsight/synth/``, ``benchmarks/synth.py``) or the tests'
(``tests/linkage/minisynth.py``), so that the linkage code, tuned on those, meets
recording habits it was not fitted to. The name lists (``independent_names.py``) were
written for it.

Per seed it writes, under ``--out``: one submission folder per source (manifest.json,
persons.csv, events.csv, involvements.csv) for one or two areas and five to eight
sources of different agency types; ``truth.csv`` (source_id, person_id, true_person);
and ``planted.csv`` (kind, left, right): for a record whose recording departs from the
person's registered details, the kind of departure and the record key
(``source_id:person_id``); for a pair of different people planted to look alike (twins,
siblings, father and son of one name, common names, one name and birth date in two
areas), the kind and the two true person ids.

Each agency's recording habits are drawn per seed (``agency_habits``): police with full
names and dates and a postcode; children's services and health with the whole name in
one column as ``SURNAME, Forenames`` in upper case, the way an export mis-maps it; the
voluntary sector with a first name or nickname, a year of birth or an estimate from an
age, a town or an address line with the postcode inside. Everywhere: one-keystroke
typing errors, transliteration variants, part of a double-barrelled surname, a woman's
former surname, a former address, day and month transposed, fields left empty.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from independent_habits import EVENTS, RECORDED, SHORT, agency_habits
from independent_names import (
    BARREL_PARTS,
    COMMON_NAMES,
    HERITAGES,
    STREET_KINDS,
    STREET_WORDS,
    TOWNS,
)
from independent_records import EXTRACT, Home, Person, render

AREAS = ("west-yorkshire", "greater-manchester")
# Agency types of the first area's sources (the second area sends police and CSC).
FIRST_AREA_AGENCIES = (
    "police",
    "childrens_social_care",
    "health",
    "education",
    "voluntary_sector",
    "youth_justice",
)
PC_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# ---------------------------------------------------------------- people


def _nhs(rng: random.Random) -> str:
    """A 10-digit number with a valid modulus-11 check digit (as NHS numbers carry)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _home(rng: random.Random, area: str) -> Home:
    town, district = rng.choice(TOWNS[area])
    street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
    unit = f"{rng.randint(1, 9)}{rng.choice(PC_LETTERS)}{rng.choice(PC_LETTERS)}"
    return Home(rng.randint(1, 180), street, town, f"{district} {unit}")


def _dob(rng: random.Random, low: int, high: int) -> date:
    return EXTRACT - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 360))


def _heritage(rng: random.Random) -> str:
    names = list(HERITAGES)
    return rng.choices(names, weights=[HERITAGES[h][3] for h in names])[0]


def _forename(rng: random.Random, heritage: str, sex: str) -> str:
    male, female, _s, _w = HERITAGES[heritage]
    return rng.choice(male if sex == "male" else female)


class Population:
    """People of the areas, in households, with the planted look-alikes."""

    def __init__(self, rng: random.Random, areas: tuple[str, ...], scale: float) -> None:
        self.rng = rng
        self.people: list[Person] = []
        self.negatives: list[tuple[str, str, str]] = []
        for area in areas:
            households = int((700 if area == areas[0] else 260) * scale)
            for _ in range(households):
                self._household(area)
            self._common_names(area, max(2, int(4 * scale)))
        if len(areas) > 1:
            self._same_name_two_areas(areas, max(2, int(5 * scale)))

    def _new(self, area: str, home: Home, heritage: str, sex: str, dob: date, **kw: Any) -> Person:
        rng = self.rng
        middle = _forename(rng, heritage, sex) if rng.random() < 0.35 else ""
        p = Person(
            pid=f"P{len(self.people):06d}",
            forename=kw.pop("forename", None) or _forename(rng, heritage, sex),
            middle=middle,
            surname=kw.pop("surname"),
            sex=sex,
            dob=dob,
            area=area,
            home=home,
            nhs=_nhs(rng),
            phone=f"07{rng.randint(100000000, 999999999)}" if rng.random() < 0.6 else None,
        )
        if rng.random() < 0.12:
            p.old_home = _home(rng, area)
        self.people.append(p)
        return p

    def _household(self, area: str) -> None:
        rng = self.rng
        heritage = _heritage(rng)
        surname = rng.choice(HERITAGES[heritage][2])
        if rng.random() < 0.06:
            surname = f"{surname}-{rng.choice(BARREL_PARTS)}"
        home = _home(rng, area)
        shape = rng.random()
        if shape < 0.35:  # a single adult or young adult living alone
            sex = "male" if rng.random() < 0.7 else "female"
            self._new(area, home, heritage, sex, _dob(rng, 18, 50), surname=surname)
            return
        father = None
        if rng.random() < 0.6:
            father = self._new(area, home, heritage, "male", _dob(rng, 32, 55), surname=surname)
        mother = self._new(area, home, heritage, "female", _dob(rng, 30, 50), surname=surname)
        if rng.random() < 0.3:
            mother.former_surname = rng.choice(HERITAGES[_heritage(rng)][2])
        parents = [p for p in (father, mother) if p is not None]
        # A parent is at least 17 years older than their children here.
        oldest = min(p.age() for p in parents) - 17
        children: list[Person] = []
        special: list[tuple[str, str, str]] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            sex = rng.choice(("male", "female"))
            young = rng.random() < 0.75 or oldest < 18
            age = (10, min(17, oldest)) if young else (18, min(24, oldest))
            child = self._new(area, home, heritage, sex, _dob(rng, *age), surname=surname)
            # Brothers and sisters other than twins are born at least ten months apart.
            for _ in range(50):
                if all(abs((child.dob - c.dob).days) >= 300 for c in children):
                    break
                child.dob = _dob(rng, *age)
            # Parents do not give two of their children, or a child and themselves, one
            # forename (the son named after his father is planted below, apart).
            while child.forename in {p.forename for p in parents + children}:
                child.forename = _forename(rng, heritage, sex)
            children.append(child)
        if rng.random() < 0.05:  # twins: same birth date, other forenames
            first = children[0]
            sex = rng.choice(("male", "female"))
            twin = self._new(area, home, heritage, sex, first.dob, surname=surname)
            while twin.forename in {p.forename for p in parents + children}:
                twin.forename = _forename(rng, heritage, sex)
            special.append(("twins", first.pid, twin.pid))
            children.append(twin)
        if father is not None and rng.random() < 0.05:  # a son named after his father
            age = (min(14, oldest), min(24, oldest))
            son = self._new(
                area,
                home,
                heritage,
                "male",
                _dob(rng, *age),
                surname=surname,
                forename=father.forename,
            )
            special.append(("father_son", father.pid, son.pid))
            children.append(son)
        # A middle name is not another member's forename (nor the person's own).
        for member in parents + children:
            if member.middle in {m.forename for m in parents + children}:
                member.middle = ""
        # The planted pairs first: a reader keeps the first kind of each pair.
        self.negatives += special
        for i, child in enumerate(children):
            self.negatives += [("siblings", c.pid, child.pid) for c in children[:i]]
            self.negatives += [("parent_child", p.pid, child.pid) for p in parents]

    def _common_names(self, area: str, per_name: int) -> None:
        rng = self.rng
        for forename, surname, sex, heritage in COMMON_NAMES:
            group = [
                self._new(
                    area,
                    _home(rng, area),
                    heritage,
                    sex,
                    _dob(rng, 12, 45),
                    surname=surname,
                    forename=forename,
                )
                for _ in range(per_name)
            ]
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    self.negatives.append(("common_name", a.pid, b.pid))

    def _same_name_two_areas(self, areas: tuple[str, ...], n: int) -> None:
        rng = self.rng
        for _ in range(n):
            forename, surname, sex, heritage = rng.choice(COMMON_NAMES)
            dob = _dob(rng, 13, 40)
            a, b = (
                self._new(
                    area, _home(rng, area), heritage, sex, dob, surname=surname, forename=forename
                )
                for area in areas[:2]
            )
            self.negatives.append(("same_name_dob_two_areas", a.pid, b.pid))


@dataclass
class Source:
    source_id: str
    agency: str
    area: str
    habits: dict[str, Any]
    records: list[tuple[str, Person, dict[str, str], list[str]]] = field(default_factory=list)


def _band(p: Person) -> int:
    return 0 if p.age() < 18 else 1 if p.age() < 26 else 2


def _role(rng: random.Random, agency: str, p: Person) -> str:
    child = p.age() < 18
    if agency == "police":
        return rng.choice(
            ("victim", "missing_person", "witness")
            if child
            else ("suspect", "associate", "witness", "suspect")
        )
    return "subject" if child or agency in ("health", "youth_justice") else "associate"


def plan_sources(rng: random.Random) -> list[Source]:
    two = rng.random() < 0.7
    first = list(FIRST_AREA_AGENCIES)
    if two and rng.random() < 0.4:
        first.remove("youth_justice")
    if two and rng.random() < 0.2:
        first.remove("education")
    plan = [(AREAS[0], a) for a in first]
    if two:
        plan += [(AREAS[1], "police"), (AREAS[1], "childrens_social_care")]
    prefix = {AREAS[0]: "wy", AREAS[1]: "gm"}
    return [
        Source(f"{prefix[area]}-{SHORT[agency]}", agency, area, agency_habits(rng, agency))
        for area, agency in plan
    ]


def assign(rng: random.Random, people: list[Person], sources: list[Source]) -> None:
    """Put each person's records in the sources that would know them."""
    used: set[str] = set()

    def add(src: Source, p: Person) -> None:
        while (rid := f"{SHORT[src.agency][:1].upper()}{rng.randint(100000, 9999999)}") in used:
            pass
        used.add(rid)
        row, kinds = render(rng, p, src.habits)
        src.records.append((rid, p, row, kinds))

    for p in people:
        local = [s for s in sources if s.area == p.area]
        chosen = [s for s in local if rng.random() < RECORDED[s.agency][_band(p)]]
        partner = [s for s in chosen if s.agency != "police"]
        police = [s for s in local if s.agency == "police"]
        # Adults named as associates in partner records are usually known to police.
        if p.age() >= 18 and partner and rng.random() < 0.8:
            chosen = list({id(s): s for s in chosen + police}.values())
        if not chosen:
            chosen = police
        if rng.random() < 0.03:  # known in the other area too (moved, placed out of area)
            chosen += [s for s in sources if s.area != p.area and s.agency == "police"]
        for s in chosen:
            add(s, p)
            if rng.random() < 0.04:  # a second record raised before the first was found
                add(s, p)


# ---------------------------------------------------------------- writing


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


PERSON_COLUMNS = [
    "person_id",
    "forenames",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "phones",
    "nhs_number",
]


def write_source(rng: random.Random, src: Source, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "standard_version": "1.0",
        "source_id": src.source_id,
        "organisation": f"Independent benchmark {src.source_id}",
        "agency_type": src.agency,
        "area": src.area,
        "extract_date": EXTRACT.isoformat(),
        "period_start": "2023-04-01",
        "period_end": EXTRACT.isoformat(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    records = sorted(src.records, key=lambda r: r[0])
    _write_csv(
        folder / "persons.csv",
        PERSON_COLUMNS,
        [[rid, *(row[c] for c in PERSON_COLUMNS[1:])] for rid, _p, row, _k in records],
    )
    events, involvements = [], []
    for i, (rid, p, _row, _k) in enumerate(records):
        reported = date(2023, 4, 1) + timedelta(days=rng.randint(0, 900))
        events.append([f"E{i:06d}", rng.choice(EVENTS[src.agency]), reported.isoformat()])
        involvements.append([f"E{i:06d}", rid, _role(rng, src.agency, p)])
    _write_csv(folder / "events.csv", ["event_id", "event_type", "reported_date"], events)
    _write_csv(folder / "involvements.csv", ["event_id", "person_id", "role"], involvements)


def generate(seed: int, out: Path, scale: float = 1.0) -> list[Path]:
    """Write one seed's submissions, ``truth.csv`` and ``planted.csv``; the folders."""
    rng = random.Random(seed)
    sources = plan_sources(rng)
    areas = tuple(dict.fromkeys(s.area for s in sources))
    population = Population(rng, areas, scale)
    assign(rng, population.people, sources)
    out.mkdir(parents=True, exist_ok=True)
    folders, truth, planted = [], [], []
    for src in sources:
        folder = out / src.source_id
        write_source(rng, src, folder)
        folders.append(folder)
        for rid, p, _row, kinds in src.records:
            truth.append([src.source_id, rid, p.pid])
            planted += [[k, f"{src.source_id}:{rid}", ""] for k in kinds]
    planted += [list(n) for n in population.negatives]
    _write_csv(out / "truth.csv", ["source_id", "person_id", "true_person"], truth)
    _write_csv(out / "planted.csv", ["kind", "left", "right"], planted)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="1: about 3,000-6,000 records")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    folders = generate(args.seed, args.out, args.scale)
    for folder in folders:
        n = sum(1 for _ in (folder / "persons.csv").open(encoding="utf-8")) - 1
        print(f"{folder.name}: {n} person records")


if __name__ == "__main__":
    main()
