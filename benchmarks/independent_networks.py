"""An independent generator of multi-agency submissions holding offender groups, and its measure.

    .venv/bin/python benchmarks/independent_networks.py generate --seed 1 --out DIR [--scale S]
    .venv/bin/python benchmarks/independent_networks.py measure --seed 1 --seed 2 [--diagnose]

Why: every networks figure of the project was measured on its own generator (``clearsight
synth``), which the networks stage was tuned on. This generator is written from the
submission standard (STANDARD.md) and from published case patterns of group-based child
sexual exploitation (``independent_world.py`` names them), WITHOUT reading, importing or
copying ``src/clearsight/synth/``, ``benchmarks/synth.py``, the generator parts of
``benchmarks/networks.py``, ``tests/scenarios/`` or ``src/clearsight/graph/``. People and
how agencies write a person down come from the independent person generator
(``independent_persons.py``, ``independent_records.py``); episodes and links from
``independent_patterns.py``; how each agency records an episode (which roles, whether it
names the adults, its CSE flag, places) from ``independent_agencies.py``, drawn per seed.

Per seed, under ``--out``: one submission folder per source (two or three areas: police,
children's services and health in each; education, the voluntary sector and youth justice
in the first; the voluntary sector in others half the time), and the truth:
``truth.csv`` (source_id, person_id, true_person), ``groups.csv`` (group_id, pattern,
areas, partner_only, members, recorded_offenders: true person ids, ``;``-separated; a
group is partner-only when none of its offending-side records is a police record),
``cases.csv`` (every case: groups, lone offenders, busy places, with members and
victims) and ``case_records.csv`` (source_id, event_id, case).

The measure (``independent_network_score.py``) runs the product path; tuning seeds are
1-999, held-out seeds 5000-5999 (``--diagnose`` is refused on them).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

from independent_agencies import OFFENDING_ROLES, Book, event_habits
from independent_habits import RECORDED, SHORT, agency_habits
from independent_names import TOWNS
from independent_patterns import new_case, play_busy_place, play_group, play_lone
from independent_persons import Population
from independent_world import PATTERNS, START, Case, World

AREAS = ("west-yorkshire", "greater-manchester", "south-yorkshire")
PREFIX = {"west-yorkshire": "wy", "greater-manchester": "gm", "south-yorkshire": "sy"}
# The third area's towns and postcode districts (the person generator knows two areas).
SOUTH_YORKSHIRE = [
    ("Rotherham", "S60"),
    ("Rotherham", "S65"),
    ("Sheffield", "S2"),
    ("Sheffield", "S9"),
    ("Doncaster", "DN1"),
    ("Barnsley", "S70"),
]
GROUPS_FIRST_AREA = 16  # groups in the first area at scale 1 (others: 45% of it)
LONE_FIRST_AREA = 6
BUSY_PLACES = 2
# Households per area, as a multiple of the person generator's: about 10,000 records a seed.
POPULATION = 1.8


def plan_books(rng: random.Random, areas: tuple[str, ...]) -> list[Book]:
    plan = []
    for area in areas:
        agencies = ["police", "childrens_social_care", "health"]
        if area == areas[0]:
            agencies += ["education", "voluntary_sector", "youth_justice"]
        elif rng.random() < 0.5:
            agencies.append("voluntary_sector")
        plan += [(area, a) for a in agencies]
    return [
        Book(
            f"{PREFIX[area]}-{SHORT[agency]}",
            agency,
            area,
            agency_habits(rng, agency),
            event_habits(rng, agency),
        )
        for area, agency in plan
    ]


def _pattern_weights(rng: random.Random) -> list[float]:
    """Each seed its own mix of group shapes."""
    return [rng.uniform(0.5, 1.5) for _ in PATTERNS]


def _cases(world: World, rng: random.Random, scale: float) -> None:
    police_knows = rng.uniform(0.6, 0.92)
    weights = _pattern_weights(rng)
    areas = world.areas
    for k, area in enumerate(areas):
        share = 1.0 if k == 0 else 0.45
        busy = []
        for i in range(max(1, round(BUSY_PLACES * scale))):
            place = world.place(area, rng.choice(("hotel", "takeaway", "car_park")), busy=True)
            busy.append(place)
            adults = world.pick(area, 18, 65, None, rng.randint(6, 12))
            case = Case(f"busy-{PREFIX[area]}-{i}", "busy_place", [area], adults, [], [place])
            case.victims = world.victims(area, rng.randint(1, 3))
            world.cases.append(case)
            play_busy_place(world, case, place)
        for j in range(max(2, round(GROUPS_FIRST_AREA * share * scale))):
            pattern = rng.choices(PATTERNS, weights=weights)[0]
            second = None
            if pattern == "two_areas":
                others = [a for a in areas if a != area]
                if not others:
                    pattern = "hotel"
                else:
                    second = rng.choice(others)
            case = new_case(world, f"G-{PREFIX[area]}-{j:02d}", pattern, area, second)
            case.places += busy if pattern == "hotel" and rng.random() < 0.5 else []
            play_group(world, case, police_knows)
        for j in range(max(1, round(LONE_FIRST_AREA * share * scale))):
            offender = world.pick(area, 20, 58, "male", 1)
            case = Case(f"lone-{PREFIX[area]}-{j:02d}", "lone", [area], offender, [])
            case.victims = world.victims(area, rng.randint(2, 4))
            if offender and case.victims:
                play_lone(world, case, busy, police_knows)
        # Two adults charged together with a burglary or a theft: co-offending, no child,
        # no exploitation. Not a group of this benchmark.
        for _ in range(round(8 * share * scale)):
            pair = world.pick(area, 18, 45, "male", 2)
            if len(pair) == 2:
                world.episode(
                    "background",
                    "police",
                    area,
                    "crime",
                    world.day_in(START, 880),
                    [(p, "offender") for p in pair],
                    cse=False,
                    offence=rng.choice(("Burglary - residential", "Theft from a shop")),
                )


def generate(seed: int, out: Path, scale: float = 1.0) -> list[Path]:
    """Write one seed's submissions and truth under ``out``; return the folders."""
    rng = random.Random(seed)
    areas = AREAS if rng.random() < 0.5 else AREAS[:2]
    # The person generator places people with its own town list: the third area is added
    # to it here, at run time, rather than by editing that generator.
    TOWNS.setdefault("south-yorkshire", SOUTH_YORKSHIRE)
    population = Population(rng, areas, POPULATION * scale)
    world = World(rng, population.people, areas)
    books = plan_books(rng, areas)
    by_key = {(b.area, b.agency): b for b in books}
    _cases(world, rng, scale)
    for e in world.episodes:
        book = by_key.get((e.area, e.agency)) or by_key.get((e.area, "childrens_social_care"))
        if book is None or (e.agency == "youth_justice" and book.agency != e.agency):
            continue
        if book.agency != e.agency:  # no such agency in the area: children's services hear
            e.event_type = "referral"
        book.record(rng, e)
    for link in world.links:
        by_key[(link.area, link.agency)].link(rng, link)
    for p in population.people:  # what agencies hold about everyone, exploitation aside
        band = 0 if p.age() < 18 else 1 if p.age() < 26 else 2
        for book in books:
            if book.area == p.area and rng.random() < RECORDED[book.agency][band]:
                day = world.day_in(START, 880)
                book.background(rng, p, day.isoformat())
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    for book in books:
        book.write(out / book.source_id)
        folders.append(out / book.source_id)
    write_truth(out, books, world)
    return folders


def write_truth(out: Path, books: list[Book], world: World) -> None:
    def table(name: str, header: list[str], rows: list[list[str]]) -> None:
        with (out / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    table(
        "truth.csv",
        ["source_id", "person_id", "true_person"],
        [[b.source_id, rid, pid] for b in books for rid, pid in b.truth],
    )
    table(
        "case_records.csv",
        ["source_id", "event_id", "case"],
        [[b.source_id, eid, case] for b in books for eid, case in b.cases],
    )
    # Offending-side records of each case: (true person, police?) per case.
    offending: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for b in books:
        case_of = dict(b.cases)
        pid_of = dict(b.truth)
        for eid, rid, role in b.involvements:
            if role in OFFENDING_ROLES:
                offending[case_of[eid]].append((pid_of[rid], b.agency == "police"))
    groups, cases = [], []
    for c in world.cases:
        members = [p.pid for p in c.members]
        cases.append([c.case_id, c.kind, ";".join(members), ";".join(v.pid for v in c.victims)])
        if c.kind in ("lone", "busy_place"):
            continue
        recorded = sorted({pid for pid, _ in offending[c.case_id] if pid in members})
        police = any(police for pid, police in offending[c.case_id] if pid in members)
        groups.append(
            [
                c.case_id,
                c.kind,
                ";".join(c.areas),
                "no" if police else "yes",
                ";".join(members),
                ";".join(recorded),
            ]
        )
    for area, staff in world.professionals.items():
        cases.append([f"staff-{PREFIX[area]}", "professional", ";".join(p.pid for p in staff), ""])
    for child, parents in sorted(world.relatives.items()):
        cases.append([f"family-of-{child}", "relative", ";".join(sorted(parents)), ""])
    table("cases.csv", ["case_id", "kind", "members", "victims"], cases)
    table(
        "groups.csv",
        ["group_id", "pattern", "areas", "partner_only", "members", "recorded_offenders"],
        groups,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write one seed's submissions and truth")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--scale", type=float, default=1.0, help="1: about 8,000-12,000 records")
    gen.add_argument("--out", type=Path, required=True)
    measure = sub.add_parser("measure", help="generate, ingest, analyse, export and score")
    measure.add_argument("--seed", type=int, action="append", required=True)
    measure.add_argument("--scale", type=float, default=1.0)
    measure.add_argument("--work", type=Path, default=Path("/dev/shm/independent-networks"))
    measure.add_argument("--diagnose", action="store_true", help="tuning seeds only")
    measure.add_argument("--keep", action="store_true", help="keep each seed's store")
    args = parser.parse_args()
    if args.command == "generate":
        folders = generate(args.seed, args.out, args.scale)
        for folder in folders:
            n = sum(1 for _ in (folder / "persons.csv").open(encoding="utf-8")) - 1
            print(f"{folder.name}: {n} person records")
        return
    from independent_network_score import measure_seeds

    measure_seeds(args.seed, args.scale, args.work, args.diagnose, args.keep)


if __name__ == "__main__":
    main()
