"""Synthetic data generation throughput and peak memory.

    .venv/bin/python benchmarks/synth.py --scale 100      # ~1M persons, ~3M events

Runs ``clearsight.synth.generate`` in this process and prints wall time, records per
second and peak RSS (psutil sampling plus the kernel's high-water mark). Not a test.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from pathlib import Path

import psutil

from clearsight.synth import DEFAULT_AREAS, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--areas", type=int, default=len(DEFAULT_AREAS))
    parser.add_argument("--out", type=Path, help="keep the files here (default: a temp dir)")
    args = parser.parse_args()
    from clearsight.synth import areas_for

    process = psutil.Process()
    peak = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    with tempfile.TemporaryDirectory(prefix="clearsight-synth-bench-") as tmp:
        out = args.out or Path(tmp)
        sampler.start()
        started = time.perf_counter()
        summary = generate(out, areas_for(args.areas), scale=args.scale, seed=args.seed)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    # ru_maxrss is in KiB on Linux.
    high_water = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    records = summary.person_records + summary.event_records + summary.involvement_records
    result = {
        "scale": args.scale,
        "areas": args.areas,
        "person_records": summary.person_records,
        "event_records": summary.event_records,
        "involvement_records": summary.involvement_records,
        "seconds": round(seconds, 1),
        "person_records_per_second": round(summary.person_records / seconds),
        "records_per_second": round(records / seconds),
        "peak_rss_mb": round(max(peak[0], high_water) / 2**20),
        "output_mb": round(size / 2**20),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
