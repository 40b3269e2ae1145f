"""Federated (token) against clear-text cross-force linkage on synthetic data.

python benchmarks/federation.py --areas 10 --scale 3 --seed 2 --cross-area 1 --work /tmp/fed

Synthetic data with many cross-force offenders (``--cross-area``: the share of adult
groups joined by an offender of another area), one store per force (linked, networks
detected), one clear-text store of everything (linked). The stores are kept in
``--work`` and reused by a rerun with the same arguments, so only export, import and
scoring are repeated.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from clearsight.synth import areas_for
from federation_evaluate import evaluate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=10)
    parser.add_argument("--scale", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--cross-area", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clearsight-federation"))
    args = parser.parse_args()
    started = time.perf_counter()
    # A fixed benchmark key: synthetic data only.
    score = evaluate(
        args.work,
        areas_for(args.areas),
        scale=args.scale,
        seed=args.seed,
        key=b"b" * 40,
        cross_area=args.cross_area,
    )
    result = {**score.as_dict(), "seconds_total": round(time.perf_counter() - started, 1)}
    result.pop("extract_paths")
    print(json.dumps({"load_average": os.getloadavg(), **result}))


if __name__ == "__main__":
    main()
