"""A third, independent generator of multi-agency person records (issue 18, session 22).

    .venv/bin/python benchmarks/third_persons.py --seed 1 --out /dev/shm/third/seed-1

Written by someone who had read neither Clearsight's linkage code nor its two other
generators (``clearsight synth``, ``independent_persons.py``): only the submission
standard, the README and the benchmark harness. The recording habits come from how UK
agencies record people, not from what Clearsight handles, so the linkage meets habits
it was not tuned on.

**The world.** Two or three police force areas (drawn per seed), each with its towns,
outward postcodes and streets. Households of one heritage (White British, Pakistani,
Bangladeshi, Sikh Punjabi, Polish, Romanian / Roma, Irish, Welsh, Somali, Black British,
Chinese, Kurdish / Arab) with parents and children; single adults beside them. A
surname passes as the heritage passes it (inherited; Somali and Kurdish children take
the father's forename; Sikh men Singh and women Kaur with the family name only
sometimes written; Polish -ski / -ska). Some people moved (a previous address, now and
then in another area); some children live in a children's home (one address shared by
many) and some of those are adopted or known by a carer's surname; some women have a
maiden name in older records.

**The sources** (6-8 per seed, the set drawn per seed): police in each area, children's
social care, a health trust, education, a youth justice service, a charity, housing.
Each draws its own habits per seed: names split in two columns or a whole name in one
(``SMITH, John Paul``, ``Smith, John P``, ``SMITH John``, ``John Smith``), upper case,
middle names in the forename field or as initials (with dots or without), "known as"
names in the forename field or in ``aliases``, transliteration and anglicised spellings
(Mohammed / Muhammad / Mohamed, Aleksandra / Alexandra, Siobhan / Shivaun), accents
and Polish letters dropped, apostrophes and hyphens dropped (O'Brien / OBrien, Shah-Khan
/ Shah Khan), Mc / Mac, a Polish woman under the masculine form, a Somali surname
written as the father's name, Chinese family name first, typing slips and scanned-form
(OCR) slips. Dates of birth ISO, ``DD/MM/YYYY``, ``D/M/YY``, ``DD-MM-YYYY``, a year
estimated from an age (``YYYY``, ``01/01/YYYY``), the ``1900-01-01`` placeholder, day
and month swapped, one digit wrong, blank for adults named by others. Postcodes spaced,
unspaced, lower case, the outward code only, or only inside a free-text address with
``Rd`` / ``St`` / ``Ave``; ``NFA``. NHS numbers only in health and children's social
care, some spaced, a few mistyped. Records of one person twice in one system.

**The truth.** ``truth.csv`` (``source_id``, ``person_id``, ``true_person``) and
``planted.csv`` (``left``, ``right``, ``kind``): a row with ``right`` empty is a
departure a record carries (``left`` its ``source_id:person_id``, ``kind`` the habit);
a row with ``right`` is a look-alike pair of true persons that must not merge
(``twins``, ``siblings``, ``father_son``, ``parent_child`` (any other parent and child
of one household), ``common_name``, ``two_areas``).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from third_habits import free_text_address, nhs_number, phone_number, postcode_for
from third_names import COMMON_NAMES, HERITAGES, KNOWN_AS, Heritage, gendered
from third_sources import SOURCE_KINDS, Profile, draw_profile, render

TODAY = date(2025, 10, 1)

# Areas: (force area code, [(town, outward codes)]). Street names repeat across the
# country, as they do.
AREAS: dict[str, list[tuple[str, list[str]]]] = {
    "west-yorkshire": [("Bradford", ["BD3", "BD5", "BD7", "BD8", "BD9"]),
                       ("Dewsbury", ["WF12", "WF13"]), ("Keighley", ["BD21"])],
    "greater-manchester": [("Oldham", ["OL1", "OL4", "OL8"]), ("Rochdale", ["OL11", "OL16"]),
                           ("Manchester", ["M8", "M13", "M14"])],
    "south-wales": [("Cardiff", ["CF10", "CF11", "CF24"]), ("Swansea", ["SA1", "SA6"])],
    "lancashire": [("Blackburn", ["BB1", "BB2"]), ("Preston", ["PR1", "PR2"])],
    "west-midlands": [("Walsall", ["WS1", "WS2"]), ("Birmingham", ["B10", "B11", "B8"])],
}  # fmt: skip
STREETS = (
    "Victoria Road", "Church Street", "Park Avenue", "Oak Close", "Mill Lane",
    "Station Road", "Queens Crescent", "High Street", "Albert Terrace", "Cemetery Road",
    "Manor Drive", "Green Lane", "Springfield Grove", "Marlborough Road", "Leeds Road",
    "Ashgrove", "Beech Avenue", "Hollins Lane", "Kings Road", "St Paul's Road",
    "Wellington Street", "Westgate", "Moorside Road", "Primrose Hill", "Cross Lane",
)  # fmt: skip
HOMES = ("Willow House", "The Laurels", "Fernbank", "Oakwood Lodge", "Brook House")


@dataclass
class Address:
    flat: str
    number: int
    street: str
    town: str
    postcode: str
    area: str
    home: str = ""  # a children's home's name

    def line(self, rng: random.Random) -> str:
        text = free_text_address(rng, self.flat, self.number, self.street, self.town, self.postcode)
        return f"{self.home}, {text}" if self.home else text


@dataclass
class Person:
    tid: str
    heritage: Heritage
    sex: str
    forename: str
    middle: list[str]
    surname: str
    dob: date
    address: Address
    previous: Address | None = None
    family_name: str = ""  # Sikh family name
    former_surname: str = ""  # before adoption, marriage or a carer's name
    known_as: str = ""
    nhs: str = ""
    phone: str = ""
    in_care: Address | None = None
    role: str = "child"  # child, parent, adult
    ethnicity: str = ""
    nationality: str = ""

    @property
    def age(self) -> int:
        return (TODAY - self.dob).days // 365


@dataclass
class World:
    areas: list[str]
    people: list[Person] = field(default_factory=list)
    negatives: list[tuple[str, str, str]] = field(default_factory=list)


def _address(rng: random.Random, area: str) -> Address:
    town, outwards = rng.choice(AREAS[area])
    flat = str(rng.randrange(1, 30)) if rng.random() < 0.25 else ""
    return Address(flat, rng.randrange(1, 240), rng.choice(STREETS), town,
                   postcode_for(rng, rng.choice(outwards)), area)  # fmt: skip


def _heritage(rng: random.Random) -> Heritage:
    return rng.choices(HERITAGES, weights=[h.weight for h in HERITAGES])[0]


def _dob(rng: random.Random, age_lo: int, age_hi: int) -> date:
    return TODAY - timedelta(days=rng.randrange(age_lo * 365 + 1, age_hi * 365 + 364))


def _person(
    rng: random.Random, world: World, h: Heritage, sex: str, dob: date, address: Address,
    surname: str, role: str, avoid: set[str] | None = None, forename: str = "",
) -> Person:  # fmt: skip
    # No two members of one household share a given name (``avoid``): families do not
    # give one name twice, except a son named for his father (planted apart).
    avoid = set() if avoid is None else avoid
    names = h.male if sex == "male" else h.female
    # A household larger than the heritage's short list: names repeat rather than fail
    # (only then; every other draw is the one earlier seeds made).
    pool = [n for n in names if n not in avoid] or list(names)
    forename = forename or rng.choice(pool)
    middle = []
    second = rng.choice(pool)
    if h.middle and second != forename and rng.random() < 0.45:
        middle.append(second)
    avoid.update([forename, *middle])
    p = Person(
        f"T{len(world.people):06d}", h, sex, forename, middle, surname, dob, address, role=role
    )
    if h.surname_rule == "sikh":
        p.family_name = surname
        p.surname = "Singh" if sex == "male" else "Kaur"
    elif h.surname_rule == "gendered":
        p.surname = gendered(surname, sex)
    if forename in KNOWN_AS and rng.random() < 0.35:
        p.known_as = rng.choice(KNOWN_AS[forename])
    p.ethnicity = rng.choice(h.ethnicity)
    p.nationality = rng.choice(h.nationality)
    p.nhs = nhs_number(rng)
    p.phone = phone_number(rng) if role != "child" or p.age >= 12 else ""
    if rng.random() < 0.15:
        p.previous = _address(rng, address.area if rng.random() < 0.85 else rng.choice(world.areas))
    world.people.append(p)
    return p


def _household(rng: random.Random, world: World, area: str) -> None:
    h = _heritage(rng)
    home = _address(rng, area)
    family = rng.choice(h.surnames)
    father_name = rng.choice(h.male)
    used = {father_name}
    parents: list[Person] = []
    mother_age = rng.randrange(24, 50)
    if rng.random() < 0.6:  # a father on record
        father = _person(rng, world, h, "male", _dob(rng, mother_age, mother_age + 8), home,
                         family, "parent", used, forename=father_name)  # fmt: skip
        parents.append(father)
    mother_surname = family if rng.random() < 0.7 else rng.choice(h.surnames)
    mother = _person(rng, world, h, "female", _dob(rng, mother_age, mother_age), home,
                     mother_surname, "parent", used)  # fmt: skip
    if mother_surname == family and h.surname_rule == "inherit" and rng.random() < 0.3:
        mother.former_surname = rng.choice(h.surnames)  # a maiden name in older records
    parents.append(mother)
    child_surname = father_name if h.surname_rule == "patronymic" else family
    age = rng.randrange(0, min(18, mother_age - 16))
    children: list[Person] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4))):
        if age < 0:
            break
        twins = age >= 1 and rng.random() < 0.04
        dob = _dob(rng, age, age)
        for _ in range(2 if twins else 1):
            sex = rng.choice(("male", "female"))
            child = _person(rng, world, h, sex, dob, home, child_surname, "child", used)
            world.negatives.extend((parent.tid, child.tid, "parent_child") for parent in parents)
            if h.surname_rule == "patronymic":
                # The grandfather's name, which some forms take as the family name.
                child.middle, child.family_name = [], family
            for other in children:
                kind = "twins" if other.dob == dob else "siblings"
                world.negatives.append((other.tid, child.tid, kind))
            children.append(child)
        age -= rng.randrange(1, 5)
    if parents[0].sex == "male" and rng.random() < 0.05:
        # A son given his father's names ("junior").
        son = next((c for c in children if c.sex == "male"), None)
        if son is not None:
            father = parents[0]
            son.forename, son.middle = father.forename, list(father.middle)
            son.surname, son.known_as = father.surname, father.known_as
            world.negatives.remove((father.tid, son.tid, "parent_child"))
            world.negatives.append((father.tid, son.tid, "father_son"))
    for child in children:
        if rng.random() < 0.07:
            _into_care(rng, world, child, area)


def _into_care(rng: random.Random, world: World, child: Person, area: str) -> None:
    """A child placed in a children's home; some adopted or known by a carer's surname."""
    town, outwards = AREAS[area][0]
    name = HOMES[rng.randrange(len(HOMES))]
    # One postcode per home, drawn from its name so every child placed there shares it.
    home_rng = random.Random(f"{area}:{name}")
    child.in_care = Address("", home_rng.randrange(1, 90), rng.choice(STREETS[:3]), town,
                            postcode_for(home_rng, outwards[0]), area, home=name)  # fmt: skip
    if child.age < 12 and rng.random() < 0.4:
        child.former_surname = child.surname
        child.surname = rng.choice(_heritage(rng).surnames)


def _lookalikes(rng: random.Random, world: World, n_common: int, n_two_areas: int) -> None:
    """Crowds of one common name, and one name and birth date in two areas."""
    by_key = {h.key: h for h in HERITAGES}
    for key, fore, sur in rng.sample(COMMON_NAMES, k=min(n_common, len(COMMON_NAMES))):
        crowd: list[Person] = []
        year = rng.randrange(1975, 2009)
        for _ in range(rng.randrange(5, 11)):
            area = rng.choice(world.areas)
            age = TODAY.year - year + rng.randrange(-2, 3)
            p = _person(rng, world, by_key[key], "male", _dob(rng, age, age), _address(rng, area),
                        sur, "adult" if age >= 18 else "child")  # fmt: skip
            p.forename, p.known_as = fore, ""
            for other in crowd:
                world.negatives.append((other.tid, p.tid, "common_name"))
            crowd.append(p)
    if len(world.areas) < 2:
        return
    for _ in range(n_two_areas):
        h = _heritage(rng)
        sex = rng.choice(("male", "female"))
        age = rng.randrange(10, 45)
        dob = _dob(rng, age, age)
        sur = rng.choice(h.surnames)
        first = None
        for area in rng.sample(world.areas, 2):
            role = "adult" if age >= 18 else "child"
            p = _person(rng, world, h, sex, dob, _address(rng, area), sur, role)
            p.previous = None
            if first is None:
                first = p
            else:
                p.forename, p.middle, p.surname = first.forename, [], first.surname
                world.negatives.append((first.tid, p.tid, "two_areas"))


def build_world(seed: int, scale: float) -> World:
    rng = random.Random(seed)
    areas = rng.sample(sorted(AREAS), rng.choice((2, 3)))
    world = World(areas)
    weights = [0.6] + [0.4 / (len(areas) - 1)] * (len(areas) - 1)
    for _ in range(round(1550 * scale)):
        _household(rng, world, rng.choices(areas, weights=weights)[0])
    for _ in range(round(1250 * scale)):
        area = rng.choices(areas, weights=weights)[0]
        h = _heritage(rng)
        sex = "male" if rng.random() < 0.75 else "female"
        _person(rng, world, h, sex, _dob(rng, 18, 55), _address(rng, area),
                rng.choice(h.surnames), "adult")  # fmt: skip
    _lookalikes(rng, world, n_common=max(2, round(6 * min(scale, 1.0))),
                n_two_areas=max(2, round(15 * scale)))  # fmt: skip
    return world


def _held_by(rng: random.Random, p: Person, profiles: list[Profile]) -> list[Profile]:
    """The sources that hold a record of this person: by area, age and role."""
    areas = {p.address.area} | ({p.previous.area} if p.previous else set())
    held = []
    for prof in profiles:
        if prof.area not in areas:
            continue
        want = SOURCE_KINDS[prof.kind]
        chance = want.child if p.age < 18 else (want.parent if p.role == "parent" else want.adult)
        if not want.min_age <= p.age <= want.max_age:
            chance = 0.0
        if rng.random() < chance:
            held.append(prof)
    if not held:
        held = [next(pr for pr in profiles if pr.kind == "police" and pr.area in areas)]
    return held


def _source_set(rng: random.Random, areas: list[str]) -> list[tuple[str, str]]:
    """(kind, area) of the sources this seed: police in every area, partners drawn."""
    main, other = areas[0], areas[1]
    chosen = [("police", a) for a in areas]
    chosen += [("csc", main), ("health", rng.choice(areas[:2])), ("education", main)]
    optional = [("youth_justice", main), ("charity", rng.choice(areas[:2])),
                ("housing", other), ("csc", other)]  # fmt: skip
    rng.shuffle(optional)
    chosen += optional[: rng.randrange(max(0, 6 - len(chosen)), 9 - len(chosen))]
    return chosen


def generate(seed: int, out: Path, scale: float = 1.0) -> list[Path]:
    """Write one folder per source under ``out`` with truth.csv and planted.csv."""
    world = build_world(seed, scale)
    rng = random.Random(seed * 7919 + 1)
    profiles = [draw_profile(rng, kind, area, i) for i, (kind, area) in
                enumerate(_source_set(rng, world.areas))]  # fmt: skip
    rows: dict[str, list[tuple[Person, dict[str, str], set[str]]]] = {
        pr.source_id: [] for pr in profiles
    }
    for p in world.people:
        for prof in _held_by(rng, p, profiles):
            copies = 2 if rng.random() < prof.duplicate_rate else 1
            for _ in range(copies):
                row, departures = render(rng, p, prof)
                rows[prof.source_id].append((p, row, departures))
    out.mkdir(parents=True, exist_ok=True)
    folders: list[Path] = []
    truth: list[tuple[str, str, str]] = []
    planted: list[tuple[str, str, str]] = []
    for prof in profiles:
        records = rows[prof.source_id]
        rng.shuffle(records)
        folder = out / prof.source_id
        _write_source(rng, folder, prof, records)
        folders.append(folder)
        for p, row, departures in records:
            truth.append((prof.source_id, row["person_id"], p.tid))
            key = f"{prof.source_id}:{row['person_id']}"
            planted.extend((key, "", kind) for kind in sorted(departures))
    present = {t for _, _, t in truth}
    planted.extend((a, b, kind) for a, b, kind in world.negatives if a in present and b in present)
    _write_csv(out / "truth.csv", ("source_id", "person_id", "true_person"), truth)
    _write_csv(out / "planted.csv", ("left", "right", "kind"), planted)
    return folders


def _write_csv(path: Path, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


PERSON_COLUMNS = ("person_id", "forenames", "surname", "aliases", "date_of_birth", "sex",
                  "ethnicity_self_defined", "ethnicity_officer_defined", "nationality",
                  "postcode", "address", "phones", "nhs_number")  # fmt: skip


def _write_source(
    rng: random.Random,
    folder: Path,
    prof: Profile,
    records: list[tuple[Person, dict[str, str], set[str]]],
) -> None:
    """persons.csv, events.csv, involvements.csv and the manifest of one source."""
    folder.mkdir(parents=True, exist_ok=True)
    want = SOURCE_KINDS[prof.kind]
    manifest = {
        "standard_version": "1.0", "source_id": prof.source_id,
        "organisation": prof.organisation, "agency_type": want.agency_type, "area": prof.area,
        "extract_date": TODAY.isoformat(), "period_start": "2019-04-01",
        "period_end": (TODAY - timedelta(days=1)).isoformat(),
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    with (folder / "persons.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PERSON_COLUMNS)
        w.writeheader()
        w.writerows(row for _, row, _ in records)
    events, involvements = [], []
    for n, (p, row, _) in enumerate(records):
        event_id = f"{prof.source_id[:3].upper()}-E{n + 1:06d}"
        reported = TODAY - timedelta(days=rng.randrange(1, 6 * 365))
        events.append((event_id, rng.choice(want.event_types), reported.isoformat()))
        roles = want.child_roles if p.age < 18 else want.adult_roles
        involvements.append((event_id, row["person_id"], rng.choice(roles)))
    _write_csv(folder / "events.csv", ("event_id", "event_type", "reported_date"), events)
    _write_csv(folder / "involvements.csv", ("event_id", "person_id", "role"), involvements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    folders = generate(args.seed, args.out, args.scale)
    with (args.out / "truth.csv").open(encoding="utf-8") as f:
        n = sum(1 for _ in f) - 1
    print(f"{n} person records in {len(folders)} submissions under {args.out}")


if __name__ == "__main__":
    main()
