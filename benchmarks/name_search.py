"""Fuzzy name search (web search by name): recall of one-keying-error misspellings, and time.

    .venv/bin/python benchmarks/name_search.py --scale 2 --seed 11

Builds a store (synth and ingest, no linkage: each record is its own person) in a temp
directory, then for ``--queries`` named records of one area types "forenames surname" with
one keying error in the surname (a letter doubled, dropped, swapped with the next or
changed) and searches as that area's analyst. Prints where the record ranks, the time per
search, and how the substring search it replaced did on the same queries. Not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from clearsight.access import Principal
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import generate
from clearsight.web import people_search

AREAS = ["west-yorkshire", "greater-manchester"]


def misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["double", "drop", "swap", "change"])
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    other = "aeiou" if word[i] not in "aeiou" else "rstnl"
    return word[:i] + rng.choice(other) + word[i + 1 :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root / "data", AREAS, scale=args.scale, seed=args.seed)
        con = connect(root / "store.duckdb")
        for folder in sorted((root / "data" / "submissions").iterdir()):
            ingest(con, folder)
        area = AREAS[0]
        viewer = Principal(name="bench", role="analyst", area=area)
        records = con.execute(
            "SELECT p.source_id || '/' || p.person_id, p.forenames, p.surname"
            " FROM current_persons p JOIN sources s USING (source_id)"
            " WHERE s.area = ? AND length(p.surname) >= 5 AND p.forenames IS NOT NULL"
            " AND p.forenames NOT LIKE '% %' ORDER BY hash(p.person_id) LIMIT ?",
            [area, args.queries],
        ).fetchall()
        held = con.execute(
            "SELECT count(*) FROM current_persons p JOIN sources s USING (source_id)"
            " WHERE s.area = ?",
            [area],
        ).fetchall()[0][0]
        rng = random.Random(args.seed)
        queries = [(str(k), str(f), str(s), f"{f} {misspell(str(s), rng)}") for k, f, s in records]
        started = time.perf_counter()
        people_search.search(con, viewer, "name", queries[0][3])
        first = time.perf_counter() - started
        times: list[float] = []
        ranks: list[int | None] = []
        same_name_first = 0
        for key, forenames, surname, typed in queries:
            started = time.perf_counter()
            found = people_search.search(con, viewer, "name", typed)
            times.append(time.perf_counter() - started)
            ids = [r.entity_id for r in found]
            ranks.append(ids.index(key) + 1 if key in ids else None)
            if (
                found
                and ids[0] != key
                and (found[0].forenames, found[0].surname)
                == (
                    forenames,
                    surname,
                )
            ):
                same_name_first += 1
        substring = sum(
            1 for key, _f, _s, typed in queries if key in _substring_search(con, area, typed)
        )
        con.close()
    hit = [r for r in ranks if r is not None]
    print(f"{held:,} person records in {area}; {len(queries)} misspelt queries")
    print(f"first search (builds the word list) {first * 1000:.0f} ms")
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    print(f"search median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(
        f"rank 1: {sum(1 for r in hit if r == 1)}; top 10: {sum(1 for r in hit if r <= 10)};"
        f" top 50: {len(hit)}; first result another record of the very same name:"
        f" {same_name_first}"
    )
    print(f"substring search (before): found {substring} of {len(queries)}")


def _substring_search(con: object, area: str, typed: str) -> set[str]:
    """The search it replaced: every typed word a substring of the names (LIKE)."""
    words = typed.split()
    where = " AND ".join(
        "(coalesce(p.forenames, '') || ' ' || coalesce(p.surname, '') || ' '"
        " || array_to_string(coalesce(p.aliases, []), ' ')) LIKE ?"
        for _ in words
    )
    found = con.execute(  # type: ignore[attr-defined]
        "SELECT p.source_id || '/' || p.person_id FROM current_persons p"
        f" JOIN sources s USING (source_id) WHERE s.area = ? AND {where} LIMIT 50",
        [area, *[f"%{w.lower()}%" for w in words]],
    ).fetchall()
    return {str(r[0]) for r in found}


if __name__ == "__main__":
    main()
