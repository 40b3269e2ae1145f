"""Time the disruption what-if (graph/disruption.py).

    python benchmarks/disruption.py [--db STORE] [--sizes 10,40,100,101,1000]

Random graphs (each person linked to about four others, seeded) of each size, and with
``--db`` every network of a store: seconds per what-if, and for the store whether the
first-ranked person is also first by betweenness.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from clearsight.graph import disruption


def _random_graph(n: int, seed: int = 0) -> tuple[list[str], list[tuple[str, str, str]]]:
    rng = random.Random(seed)
    people = [f"p{i:05d}" for i in range(n)]
    links = [(people[i], people[rng.randrange(i)], "co_involved") for i in range(1, n)]
    for _ in range(n):
        a, b = rng.sample(people, 2)
        links.append((a, b, "association"))
    return people, links


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--sizes", default="10,40,100,101,1000")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        people, links = _random_graph(n)
        start = time.perf_counter()
        d = disruption.analyse(f"random-{n}", people, links)
        took = time.perf_counter() - start
        print(
            f"random graph of {n:>5} people, {len(d.links):>5} ties: {took:7.3f} s "
            f"(distances: {d.distances}, sets: {len(d.sets)})"
        )
    if args.db:
        from clearsight.store import connect

        con = connect(args.db, read_only=True)
        ids = [
            r[0]
            for r in con.execute("SELECT network_id FROM networks ORDER BY size DESC").fetchall()
        ]
        start = time.perf_counter()
        same = sizes = 0
        slowest = 0.0
        for network_id in ids:
            t0 = time.perf_counter()
            d = disruption.from_store(con, str(network_id))
            slowest = max(slowest, time.perf_counter() - t0)
            if d.ranked:
                sizes += 1
                same += d.ranked[0].betweenness_rank == 1
        took = time.perf_counter() - start
        con.close()
        print(
            f"{len(ids)} networks of {args.db}: {took:.2f} s in all, slowest {slowest:.3f} s; "
            f"first by fragmentation also first by betweenness in {same} of {sizes}"
        )


if __name__ == "__main__":
    main()
