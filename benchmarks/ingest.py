"""Ingest throughput and peak memory on synthetic multi-agency data.

    .venv/bin/python benchmarks/ingest.py --scale 100      # ~1M persons, ~3M events

Generates the submissions with ``clearsight synth`` (or reuses ``--data``), then
times ``clearsight ingest`` of all of them into a fresh store in a child process,
so the peak RSS is the ingest's own. Not a test: the figures go to README.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--data", type=Path, help="reuse submissions generated earlier")
    parser.add_argument("--workdir", type=Path, help="keep files here (default: a temp dir)")
    parser.add_argument(
        "--skip-language",
        action="store_true",
        help="time loading alone, without the narrative language check",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clearsight-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = args.data or _synth(work / "data", args.scale, args.seed)
        submissions = sorted(p for p in (data / "submissions").iterdir() if p.is_dir())
        store = work / "bench.duckdb"
        store.unlink(missing_ok=True)
        started = time.perf_counter()
        run = subprocess.run(
            [
                str(BIN / "clearsight"),
                "ingest",
                "--json",
                "--db",
                str(store),
                *(["--skip-language"] if args.skip_language else []),
                *map(str, submissions),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results = json.loads(run.stdout)
        rows = sum(r["rows_read"] for r in results)
        per_file: dict[str, int] = {}
        for r in results:
            for f in r["files"]:
                per_file[f["file"]] = per_file.get(f["file"], 0) + f["rows_read"]
        report = {
            "language_check": not args.skip_language,
            "submissions": len(submissions),
            "rows": rows,
            "rows_by_file": per_file,
            "seconds": round(seconds, 1),
            "rows_per_second": round(rows / seconds),
            "peak_rss_mb": round(peak_mb),
            "store_mb": round(store.stat().st_size / 2**20),
        }
        print(json.dumps(report, indent=2))


def _synth(out: Path, scale: float, seed: int) -> Path:
    subprocess.run(
        [
            str(BIN / "clearsight"),
            "synth",
            "--out",
            str(out),
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--quiet",
        ],
        check=True,
    )
    return out


if __name__ == "__main__":
    main()
