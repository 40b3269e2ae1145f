"""Benchmark for the victim-blaming language check.

Precision and recall on the labelled sets in tests/language/data, and throughput
of ``clearsight.language.check`` on synthetic narratives on one core (and of
``check_narratives`` writing findings into a DuckDB store), in narratives per CPU
second so that a busy machine does not distort it; wall-clock rates are printed too.

    .venv/bin/python benchmarks/language.py [--narratives 50000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from clearsight.language import check, load_rules
from clearsight.language.evaluation import read_labelled, score
from clearsight.language.store import check_narratives

DATA = Path(__file__).resolve().parents[1] / "tests" / "language" / "data"

NEUTRAL = [
    "Officers attended the address at {t} following a call from {who}.",
    "The child was spoken to in the presence of {who} and appeared tired.",
    "A strategy meeting was held on {d} with police, health and children's services.",
    "She was located at the retail park by response officers at {t}.",
    "He was returned to his placement and a return interview was requested.",
    "Intelligence indicates a grey vehicle has been seen near the school at {t}.",
    "The social worker will complete a home visit on {d}.",
    "Phone numbers found in her contacts have been submitted for checks.",
    "The CSE team reviewed the case and agreed safeguarding actions.",
    "Two adult males were seen leaving the flat shortly after {t}.",
    "She was taken to hospital as a precaution and discharged later that day.",
    "The school reports a drop in attendance over the last half term.",
    "He disclosed that adults had given him alcohol and cannabis.",
    "A referral was made to the specialist exploitation service.",
    "Her mother reported her missing at {t} and she returned the next morning.",
]
BLAMING = [
    "She is placing herself at risk by going to the flat.",
    "He is a regular misper and known to the team.",
    "Her older boyfriend collected her from school.",
    "They are making poor choices about who they spend time with.",
    "She refuses to support police action.",
    "He chose to go with the men again.",
    "The sexual activity appears consensual.",
    "She is sexually active with older men.",
]
HARD = [
    '"I chose to go," she said.',
    "She did not consent to any of it.",
    "Her boyfriend, 15, walked her home.",
    "He was charged with causing or inciting child prostitution.",
]
WHO = ["her mother", "the carer", "a neighbour", "school staff", "his father"]


def narratives(n: int, seed: int) -> list[str]:
    """``n`` synthetic narratives of 3 to 7 sentences; about 1 in 6 has a blaming phrase."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        parts = [
            rng.choice(NEUTRAL).format(
                t=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                d=f"{rng.randint(1, 28)} March",
                who=rng.choice(WHO),
            )
            for _ in range(rng.randint(3, 7))
        ]
        roll = rng.random()
        if roll < 0.17:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(BLAMING))
        elif roll < 0.25:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(HARD))
        out.append(" ".join(parts))
    return out


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--narratives", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pin_one_core()

    t0 = time.perf_counter()
    pack = load_rules()
    print(
        f"rules: {len(pack.rules)} (version {pack.version}), loaded in "
        f"{time.perf_counter() - t0:.2f}s"
    )
    for name in ("labelled.csv", "generalisation.csv"):
        examples = read_labelled(DATA / name)
        result = score(examples, pack)
        negatives = sum(1 for ex in examples if not ex.expected)
        print(
            f"{name}: {len(examples)} sentences ({negatives} negatives): "
            f"precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"(TP {result.true_positives}, FP {result.false_positives}, "
            f"FN {result.false_negatives})"
        )
        for line in result.errors:
            print("   ", line)

    texts = narratives(args.narratives, args.seed)
    chars = sum(len(t) for t in texts)
    check(texts[0], pack)  # warm caches
    t0, c0 = time.perf_counter(), time.process_time()
    found = 0
    with_findings = 0
    for text in texts:
        findings = check(text, pack)
        found += len(findings)
        with_findings += bool(findings)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"check(): {len(texts):,} narratives ({chars / len(texts):.0f} chars on average, "
        f"{with_findings:,} with findings, {found:,} findings): "
        f"{len(texts) / cpu:,.0f} narratives per CPU second on one core "
        f"({cpu:.2f}s CPU, {elapsed:.2f}s wall: {len(texts) / elapsed:,.0f}/s wall)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute("SET threads = 1")
        con.execute(
            "CREATE TABLE events (source_id VARCHAR, batch_id INTEGER, event_id VARCHAR, "
            "narrative VARCHAR, is_current BOOLEAN)"
        )
        _bulk_events(con, texts)
        t0, c0 = time.perf_counter(), time.process_time()
        stored = check_narratives(con)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"check_narratives(): {len(texts):,} events, {stored:,} findings stored: "
            f"{len(texts) / cpu:,.0f} narratives per CPU second "
            f"({cpu:.2f}s CPU, {elapsed:.2f}s wall)"
        )
        con.close()


def _bulk_events(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    table = pa.table(
        {
            "source_id": ["bench"] * len(texts),
            "batch_id": pa.array([1] * len(texts), pa.int32()),
            "event_id": [f"E{i}" for i in range(len(texts))],
            "narrative": texts,
            "is_current": [True] * len(texts),
        }
    )
    con.register("_bench_events", table)
    con.execute("INSERT INTO events SELECT * FROM _bench_events")
    con.unregister("_bench_events")


if __name__ == "__main__":
    main()
