"""Load benchmark for the web app (not a test).

Starts ``clearsight serve`` on loopback in a child process over an existing store, logs in
N simulated analysts (one per area, round robin) and, once all are in, has each browse
entity, network, network timeline, link chart and alert pages of their own area, with a
think time between pages, for a fixed number of pages.
Prints p50/p95/p99 latency, throughput and errors as JSON.

    .venv/bin/python benchmarks/web_load.py --db big.duckdb --users 50 --pages 40

The store is changed: bench users are added (once), and every view writes its audit
entry, as in production. Login (Argon2id, deliberately slow) is not timed; with
``--overlap-logins`` the first pages are timed while other users are still logging in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from clearsight.access import add_user, list_users
from clearsight.store import connect

CSRF = re.compile(r'name="csrf" value="([^"]+)"')

# The pages an analyst opens, each as likely: a person (by entity id), or a network's
# page, graph, timeline, link chart and chart data (by network id), and the area's
# arrival alerts and their digest (the id is not used).
KINDS = {
    "person": "/person/{}",
    "network": "/network/{}",
    "graph": "/network/{}/graph.json",
    "timeline": "/timeline/network/{}",
    "chart": "/network/{}/chart",
    "chart_json": "/network/{}/chart.json",
    "alerts": "/alerts",
    "digest": "/alerts/digest.json",
}


def prepare(db: Path, sample: int) -> dict[str, dict[str, list[str]]]:
    """Bench users and, per area, sample entity and network ids; closes the store."""
    con = connect(db)
    existing = {u.name for u in list_users(con)}
    areas = [str(r[0]) for r in con.execute("SELECT DISTINCT area FROM sources").fetchall()]
    plan: dict[str, dict[str, list[str]]] = {}
    linked = bool(
        con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'person_entities'").fetchall()
    )
    for area in areas:
        name = f"bench-{area}"
        if name not in existing:
            add_user(
                con,
                name,
                role="analyst",
                area=area,
                password="bench-password-123",
                actor="system:bench",
            )
        # Entity ids once linkage has run (a linked record is reached through its entity),
        # else record keys.
        entity = "i.source_id || '/' || i.person_id"
        join = ""
        if linked:
            entity = "pe.entity_id"
            join = (
                " JOIN person_entities pe ON pe.source_id = i.source_id"
                " AND pe.person_id = i.person_id"
                " AND pe.run_id = (SELECT max(run_id) FROM person_entities)"
            )
        people = [
            str(r[0])
            for r in con.execute(
                f"SELECT {entity} FROM current_involvements i"
                f" JOIN sources s USING (source_id){join} WHERE s.area = ?"
                f" USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (7)",
                [area],
            ).fetchall()
        ]
        networks = [
            str(r[0])
            for r in con.execute(
                "SELECT network_id FROM networks WHERE list_contains(areas, ?)"
                " ORDER BY network_id LIMIT ?",
                [area, sample],
            ).fetchall()
        ]
        plan[area] = {"people": people, "networks": networks}
    n_persons = con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0]
    con.close()
    plan["_meta"] = {"persons": [str(n_persons)]}
    return plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def user(
    base: str,
    area: str,
    plan: dict[str, list[str]],
    pages: int,
    think: tuple[float, float],
    latencies: dict[str, list[float]],
    errors: list[str],
    gone: list[str],
    rng: random.Random,
    trace: list[tuple[float, str, float, int]],
    everyone_in: asyncio.Barrier | None,
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        form = await client.get("/login")
        token = CSRF.search(form.text)
        assert token, "no login form"
        r = await client.post(
            "/login",
            data={
                "username": f"bench-{area}",
                "password": "bench-password-123",
                "csrf": token.group(1),
            },
        )
        if r.status_code != 303:
            errors.append(f"login {r.status_code}")
        if everyone_in is not None:
            # Browsing is what is measured: it starts once every user has logged in.
            await everyone_in.wait()
        if r.status_code != 303:
            return
        await asyncio.sleep(rng.uniform(0, think[1]))  # stagger starts
        for _ in range(pages):
            kind = rng.choice(list(KINDS)) if plan["networks"] else "person"
            target = rng.choice(plan["people"] if kind == "person" else plan["networks"])
            path = KINDS[kind].format(target)
            start = time.perf_counter()
            try:
                resp = await client.get(path)
                # A person whose records a newer extract withdrew while the run went on
                # (ingest handed to the service) has a page saying so, 410: an answer.
                ok = resp.status_code == 200 or (kind == "person" and resp.status_code == 410)
                if resp.status_code == 410:
                    gone.append(path)
            except httpx.HTTPError as exc:
                ok, resp = False, None
                errors.append(f"{path}: {exc!r}")
            took = time.perf_counter() - start
            latencies.setdefault(kind, []).append(took)
            trace.append((start, kind, took, resp.status_code if resp else 0))
            if not ok and resp is not None:
                errors.append(f"{path}: {resp.status_code}")
            await asyncio.sleep(rng.uniform(*think))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run_load(
    base: str, plan: dict[str, dict[str, list[str]]], args: argparse.Namespace
) -> dict[str, object]:
    areas = [a for a in plan if a != "_meta" and plan[a]["people"]]
    latencies: dict[str, list[float]] = {}
    errors: list[str] = []
    gone: list[str] = []
    trace: list[tuple[float, str, float, int]] = []
    rng = random.Random(args.seed)
    everyone_in = None if args.overlap_logins else asyncio.Barrier(args.users)
    started = time.perf_counter()
    await asyncio.gather(
        *[
            user(
                base,
                areas[i % len(areas)],
                plan[areas[i % len(areas)]],
                args.pages,
                (args.think_min, args.think_max),
                latencies,
                errors,
                gone,
                random.Random(rng.random()),
                trace,
                everyone_in,
            )
            for i in range(args.users)
        ]
    )
    elapsed = time.perf_counter() - started
    if args.trace is not None:
        with Path(args.trace).open("w", encoding="utf-8") as out:
            for at, kind, seconds, status in sorted(trace):
                out.write(f"{at - started:.3f}\t{kind}\t{seconds * 1000:.1f}\t{status}\n")
    everything = [v for vs in latencies.values() for v in vs]
    if not everything:
        raise SystemExit(f"no page was timed: {errors[:3]}")
    return {
        "persons_in_store": int(plan["_meta"]["persons"][0]),
        "users": args.users,
        "logins_first": not args.overlap_logins,
        "think_s": [args.think_min, args.think_max],
        "requests": len(everything),
        "errors": len(errors),
        "error_samples": errors[:5],
        "withdrawn_person_pages": len(gone),
        "elapsed_s": round(elapsed, 1),
        "throughput_rps": round(len(everything) / elapsed, 1),
        "p50_ms": round(pct(everything, 0.50), 1),
        "p95_ms": round(pct(everything, 0.95), 1),
        "p99_ms": round(pct(everything, 0.99), 1),
        "mean_ms": round(statistics.fmean(everything) * 1000, 1),
        "by_page_p95_ms": {k: round(pct(v, 0.95), 1) for k, v in sorted(latencies.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--pages", type=int, default=40, help="pages per user")
    parser.add_argument("--think-min", type=float, default=0.5)
    parser.add_argument("--think-max", type=float, default=1.5)
    parser.add_argument("--seed", type=int, default=secrets.randbelow(1000))
    parser.add_argument("--trace", type=Path, help="write start, page, ms, status per request")
    parser.add_argument(
        "--overlap-logins",
        action="store_true",
        help="start browsing as soon as each user is in, during the others' logins",
    )
    args = parser.parse_args()
    plan = prepare(args.db, 200)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from clearsight.web.cli import serve_command;"
            f"serve_command(Path({str(args.db)!r}), '127.0.0.1', {port})",
        ],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Start-up rebuilds the serving copies when the store changed: minutes at 1M.
        deadline = time.monotonic() + 900
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        result = asyncio.run(run_load(base, plan, args))
    finally:
        server.terminate()
        server.wait(20)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
