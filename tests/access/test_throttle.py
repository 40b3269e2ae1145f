"""Login throttling by name, by address and by the pair: a growing delay, never a lock-out,
and concurrent attempts cannot pass the limit. Real store, real Argon2, real clock (the
policies here use delays of a fraction of a second so the tests can wait them out)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from clearsight.access import LoginRefused, SessionPolicy, add_user, login
from clearsight.access.throttle import ThrottlePolicy
from clearsight.store import connect

PASSWORD = "a-long-enough-password"


def _policy(**changes: object) -> SessionPolicy:
    base: dict[str, object] = {
        "pair_free": 3,
        "client_free": 5,
        "name_free": 6,
        "base": timedelta(seconds=0.4),
        "cap": timedelta(seconds=30),
        "client_cap": timedelta(seconds=30),
        "name_cap": timedelta(seconds=1),
    }
    base.update(changes)
    return SessionPolicy(throttle=ThrottlePolicy(**base))  # type: ignore[arg-type]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "s.duckdb")
    for name in ("alice", "bob"):
        add_user(con, name, role="inspector", password=PASSWORD)
    return con


def _try(
    con: duckdb.DuckDBPyConnection, name: str, password: str, client: str, p: SessionPolicy
) -> str:
    try:
        login(con, name, password, client=client, policy=p)
    except LoginRefused as exc:
        return f"throttled:{exc.retry_after}" if exc.throttled else "failed"
    return "ok"


def _delay(outcome: str) -> int:
    assert outcome.startswith("throttled:"), outcome
    return int(outcome.split(":")[1])


def test_pair_delay_grows_exponentially(con: duckdb.DuckDBPyConnection) -> None:
    # A minute's base: each attempt hashes a password (Argon2, up to seconds on a loaded
    # machine), so the delay left is read within a margin, never to the second.
    p = _policy(base=timedelta(seconds=60), cap=timedelta(seconds=600))
    for _ in range(3):
        assert _try(con, "alice", "wrong", "198.51.100.1", p) == "failed"
    # Even the right password waits: a minute after the third failure.
    assert 50 < _delay(_try(con, "alice", PASSWORD, "198.51.100.1", p)) <= 60
    con.execute("UPDATE login_attempts SET attempted_at = attempted_at - INTERVAL 61 SECOND")
    assert _try(con, "alice", "wrong", "198.51.100.1", p) == "failed"
    # The fourth failure doubles it.
    assert 110 < _delay(_try(con, "alice", "wrong", "198.51.100.1", p)) <= 120
    # Another address is not slowed by this pair.
    assert _try(con, "alice", PASSWORD, "198.51.100.2", p) == "ok"


def test_spraying_across_names_is_throttled_by_address(con: duckdb.DuckDBPyConnection) -> None:
    p = _policy(base=timedelta(seconds=20))
    for i in range(5):
        assert _try(con, f"guess{i}", "Winter2026!", "203.0.113.5", p) == "failed"
    # A real name, even its right password, from the spraying address: slowed.
    assert _try(con, "bob", PASSWORD, "203.0.113.5", p).startswith("throttled")
    assert _try(con, "bob", PASSWORD, "198.51.100.9", p) == "ok"


def test_many_addresses_slow_a_user_but_never_lock_them_out(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # The name's delay at 4 s from the first throttled attempt (base and cap): long enough
    # that each attempt's Argon2 hash on a loaded machine cannot outlast it (a delay that
    # started at 0.4 s and doubled was sometimes over before the next attempt on a busy
    # CI machine), short enough to wait out.
    p = _policy(base=timedelta(seconds=4), name_cap=timedelta(seconds=4))
    tried = [_try(con, "alice", "wrong", f"203.0.113.{i}", p) for i in range(12)]
    assert tried[:6] == ["failed"] * 6
    assert all(t == "failed" or 1 <= _delay(t) <= 4 for t in tried[6:]), tried
    refused = _try(con, "alice", PASSWORD, "198.51.100.7", p)
    assert 1 <= _delay(refused) <= 4, refused
    time.sleep(_delay(refused) + 0.1)
    assert _try(con, "alice", PASSWORD, "198.51.100.7", p) == "ok"


def test_concurrent_attempts_cannot_pass_the_limit(con: duckdb.DuckDBPyConnection) -> None:
    p = _policy(base=timedelta(seconds=30))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        cur = con.cursor()
        found = _try(cur, "alice", "wrong", "198.51.100.3", p)
        with lock:
            outcomes.append(found)
        cur.close()

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 16
    # Exactly the free attempts had their password checked; every other one waited.
    assert outcomes.count("failed") == 3
    assert all(o.startswith("throttled") for o in outcomes if o != "failed")
    checked = con.execute("SELECT count(*) FROM login_attempts WHERE name = 'alice'")
    assert checked.fetchall()[0][0] == 3


def test_success_resets_the_name(con: duckdb.DuckDBPyConnection) -> None:
    p = _policy()
    for _ in range(2):
        assert _try(con, "alice", "wrong", "198.51.100.4", p) == "failed"
    assert _try(con, "alice", PASSWORD, "198.51.100.4", p) == "ok"
    for _ in range(2):
        assert _try(con, "alice", "wrong", "198.51.100.4", p) == "failed"
    assert _try(con, "alice", PASSWORD, "198.51.100.4", p) == "ok"
