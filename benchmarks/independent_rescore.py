"""Re-run only the networks and definitions stages on kept independent-generator stores.

    python benchmarks/independent_rescore.py --work W --seed 1 [--seed 2 ...] [--diagnose]
    python benchmarks/independent_rescore.py --third --score-only --work W --seed 1 ...
    python benchmarks/independent_rescore.py --third --linkage --work W --seed 1 ...

``independent_networks.py measure --keep`` leaves each seed's store, data and exports in
``W/seed-S``; this re-runs ``clearsight analyse --stage networks --stage definitions`` on
that store with whatever code ``PYTHONPATH`` points at, re-exports, and scores as the
measure does, so two versions of the networks stage are compared on the same ingest and
linkage. ``--diagnose`` is refused for held-out seeds, as in the measure. ``--third``
reads stores of ``third_networks.py measure --keep`` (held-out seeds 6000-6999);
``--score-only`` scores the kept exports and store as they are, re-running nothing (the
revealable figures of a store measured before they existed, session 27). ``--linkage``
re-runs the linkage stage first (on the kept ingest), for a change to linkage: it
rewrites the store, so run it on a copy.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from independent_network_score import HELD_OUT, Seed, pooled, revealed, seed_set
from product_path import cli

THIRD_HELD_OUT = range(6000, 7000)  # third_networks.HELD_OUT, without its generator's imports


def rescore(
    seed: int,
    work: Path,
    diagnose: bool,
    held_out: range = HELD_OUT,
    score_only: bool = False,
    linkage: bool = False,
) -> dict[str, object]:
    folder = work / f"seed-{seed}"
    store, out = folder / "store.duckdb", folder / "exports"
    load = os.getloadavg()[0]
    t = time.perf_counter()
    if not score_only:
        stages = ("linkage", "networks", "definitions") if linkage else ("networks", "definitions")
        cli(store, "analyse", *(a for s in stages for a in ("--stage", s)), "--json")
        cli(store, "export", "networks", "--out", str(out / "networks.csv"))
        cli(store, "export", "entities", "--out", str(out / "entities.csv"))
        listed = json.loads(cli(store, "network", "list", "--json", "--limit", "0"))
        (out / "network-list.json").write_text(json.dumps(listed), "utf-8")
    analyse = round(time.perf_counter() - t, 1)
    one = Seed(folder / "data", out)
    figures: dict[str, object] = dict(one.figures())
    figures.update(revealed(store, one))
    figures.update(
        seed=seed,
        set=seed_set(seed, held_out),
        load=round(load, 2),
        analyse=analyse,
        generate=0,
        ingest=0,
        linkage=0,
        exports=0,
        records=0,
    )
    print(json.dumps({k: v for k, v in figures.items() if k != "by_pattern"}), flush=True)
    if diagnose:
        from independent_network_diagnosis import diagnose_seed

        diagnose_seed(one, folder / "data", store)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--seed", type=int, action="append", required=True)
    parser.add_argument("--diagnose", action="store_true", help="tuning seeds only")
    parser.add_argument("--third", action="store_true", help="third_networks.py stores")
    parser.add_argument("--score-only", action="store_true", help="re-run nothing")
    parser.add_argument("--linkage", action="store_true", help="re-run linkage too")
    args = parser.parse_args()
    held_out = THIRD_HELD_OUT if args.third else HELD_OUT
    sets = {seed_set(s, held_out) for s in args.seed}
    if args.diagnose and "held-out" in sets:
        raise SystemExit(f"--diagnose is refused for held-out seeds ({held_out[0]}-{held_out[-1]})")
    results = [
        rescore(s, args.work, args.diagnose, held_out, args.score_only, args.linkage)
        for s in args.seed
    ]
    for which in sorted(sets):
        chosen = [r for r in results if r["set"] == which]
        print(which, json.dumps(pooled(chosen)))


if __name__ == "__main__":
    main()
