"""National scale: linkage and network detection on DuckDB and on Spark local mode.

    .venv/bin/python benchmarks/scale.py --store /work/bench/scale/s100.duckdb --backend duckdb
    .venv/bin/python benchmarks/scale.py --store /work/bench/scale/s10.duckdb --backend spark
    .venv/bin/python benchmarks/scale.py --make-store /work/bench/scale/s50.duckdb --scale 50
    .venv/bin/python benchmarks/scale.py --make-store /tmp/s500.duckdb --scale 500 --areas 44

``--store`` is an ingested store (``clearsight synth`` + ``clearsight ingest``; scale 100
is about 1M person records); it is modified (linkage and network tables are replaced),
so give it a copy. ``--make-store`` generates and ingests one.

Each backend runs in its own child process. Per stage (linkage, networks) the child
records wall time, CPU time and peak RSS: its own high-water mark, reset before each
stage (``/proc/self/clear_refs``), plus that of its descendants (Spark's JVM is a child
of the Python driver), each reset likewise. The load average is printed with every
figure: the machine is shared. Not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peaks(pids: list[int]) -> None:
    # Writing 5 to clear_refs resets the peak RSS to the current RSS (Linux >= 4.0).
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def _stage(name: str, run: Any) -> dict[str, Any]:
    me = os.getpid()
    _reset_peaks([me, *_children(me)])
    cpu = time.process_time()
    started = time.perf_counter()
    result = run()
    wall = time.perf_counter() - started
    descendants = _children(me)
    return {
        "stage": name,
        "wall_s": round(wall, 1),
        "driver_cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mb": round(_hwm_mb(me), 1),
        # The JVM (Spark) or any other child: its own peak, added for the total.
        "children_peak_rss_mb": round(sum(_hwm_mb(p) for p in descendants), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "result": result,
    }


def child(store: Path, backend: str, stages: list[str]) -> None:
    """Run in the child process: the stages on one backend, one JSON line per stage."""
    from clearsight import graph, linkage
    from clearsight.graph import spark_backend as spark_networks
    from clearsight.store import connect

    con = connect(store)
    records = int(con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0])
    print(json.dumps({"backend": backend, "records": records}), flush=True)
    if backend == "spark":
        from clearsight.spark.session import get_session

        # The JVM starts here, so that the stages after it reset and read its peak.
        out = _stage("session_start", lambda: bool(get_session()))
        print(json.dumps({"backend": backend, "records": records, **out}), flush=True)
    for name in stages:
        if name == "linkage":
            out = _stage(name, lambda: linkage.run(con, backend=backend).__dict__)
        elif name == "networks":
            runner = spark_networks.run if backend == "spark" else graph.run
            out = _stage(name, lambda run=runner: _summary(run(con)))
        else:
            raise SystemExit(f"unknown stage {name}")
        print(json.dumps({"backend": backend, "records": records, **out}), flush=True)
    con.close()


def _summary(result: Any) -> dict[str, Any]:
    as_dict = getattr(result, "as_dict", None)
    return dict(as_dict()) if callable(as_dict) else {"result": str(result)}


def make_store(path: Path, scale: float, seed: int, areas: int) -> None:
    """Generate scale ``scale`` synthetic data over the first ``areas`` areas and ingest it.

    Scale is the whole data set (1 = about 10k person records), shared by the areas.
    """
    from clearsight.ingest import ingest
    from clearsight.store import connect
    from clearsight.synth import areas_for, generate

    data = path.with_suffix(".synth")
    started = time.perf_counter()
    generate(data, areas_for(areas), scale=scale, seed=seed)
    con = connect(path)
    for folder in sorted((data / "submissions").iterdir()):
        ingest(con, folder)
    records = int(con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0])
    con.close()
    shutil.rmtree(data)
    print(
        json.dumps(
            {
                "store": str(path),
                "records": records,
                "seconds": round(time.perf_counter() - started, 1),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path)
    parser.add_argument("--backend", action="append", choices=("duckdb", "spark"))
    parser.add_argument("--stages", default="linkage,networks")
    parser.add_argument("--make-store", type=Path)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--areas", type=int, default=3, help="with --make-store: how many areas")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_store:
        make_store(args.make_store, args.scale, args.seed, args.areas)
        return
    if args.store is None:
        parser.error("--store or --make-store is required")
    stages = [s for s in args.stages.split(",") if s]
    if args.child:
        child(args.store, args.backend[0], stages)
        return
    for backend in args.backend or ["duckdb"]:
        # One child per backend: its peak memory and its JVM are its own.
        subprocess.run(
            [
                sys.executable,
                str(HERE),
                "--child",
                "--store",
                str(args.store),
                "--backend",
                backend,
                "--stages",
                ",".join(stages),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
