"""Federated (token) against clear-text cross-force linkage on synthetic data.

python benchmarks/federation.py --areas 8 --scale 2 --seed 2 --work /tmp/fed
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from clearsight.federation.evaluate import evaluate
from clearsight.synth import areas_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=8)
    parser.add_argument("--scale", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/clearsight-federation"))
    args = parser.parse_args()
    started = time.perf_counter()
    # A fixed benchmark key: synthetic data only.
    score = evaluate(
        args.work, areas_for(args.areas), scale=args.scale, seed=args.seed, key=b"b" * 40
    )
    print(json.dumps({**score.as_dict(), "seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
