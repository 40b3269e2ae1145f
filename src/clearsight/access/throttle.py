"""Login throttling: by user name, by client address, and by the pair; a growing delay,
never a lock-out.

A hard lock after N failures lets anyone lock a real user out by typing their name with
wrong passwords. The NCSC's password guidance prefers throttling, and allowing around ten
attempts; OWASP ASVS 5.0 (V6.3) asks for anti-automation that does not become a denial of
service. So an attempt is answered "try again in N seconds" when, within the window:

* this name from this address has failed ``pair_free`` times: the delay doubles with
  each further failure up to ``cap`` (an attacker at one address guessing one password);
* this address has failed ``client_free`` times, across any names: doubling up to
  ``client_cap`` (password spraying, which a per-name count never sees);
* this name has failed ``name_free`` times from any addresses: doubling up to
  ``name_cap``, kept short (a minute) so that an attacker with many addresses can slow a
  real user to one attempt a minute, never lock them out.

A success resets the name's counts (not the address's: an attacker could otherwise log in
to their own account between sprayed guesses). Checking and recording an attempt is one
step under a lock, the attempt recorded as a failure before the password is checked and
marked a success after, so concurrent attempts cannot all slip under the limit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

# One check-and-reserve at a time in the process (the web app is one process; DuckDB
# allows one writing process).
GATE = threading.Lock()


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    pair_free: int = 5
    client_free: int = 10
    name_free: int = 10
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=15)
    client_cap: timedelta = timedelta(minutes=5)
    name_cap: timedelta = timedelta(minutes=1)


def _delay(failures: int, free: int, base: timedelta, cap: timedelta) -> timedelta:
    if failures < free:
        return timedelta(0)
    return min(cap, base * (1 << min(failures - free, 30)))


def wait(
    con: duckdb.DuckDBPyConnection,
    name: str,
    client: str | None,
    now: datetime,
    policy: ThrottlePolicy,
) -> float:
    """Seconds until ``name`` may try again from ``client``; 0 when it may now."""
    since = now - policy.window
    last_ok = con.execute(
        "SELECT coalesce(max(attempted_at), TIMESTAMP '1970-01-01') FROM login_attempts"
        " WHERE name = ? AND ok",
        [name],
    ).fetchall()[0][0]
    start = max(since, last_ok)
    counts = con.execute(
        """
        SELECT count(*) FILTER (WHERE name = ? AND client IS NOT DISTINCT FROM ?
                                AND attempted_at > ?),
               max(attempted_at) FILTER (WHERE name = ? AND client IS NOT DISTINCT FROM ?
                                         AND attempted_at > ?),
               count(*) FILTER (WHERE client = ?),
               max(attempted_at) FILTER (WHERE client = ?),
               count(*) FILTER (WHERE name = ? AND attempted_at > ?),
               max(attempted_at) FILTER (WHERE name = ? AND attempted_at > ?)
        FROM login_attempts WHERE NOT ok AND attempted_at >= ?
        """,
        [name, client, start, name, client, start, client, client, name, start, name, start, since],
    ).fetchall()[0]
    pair_n, pair_last, client_n, client_last, name_n, name_last = counts
    remaining = timedelta(0)
    for n, last, free, cap in (
        (pair_n, pair_last, policy.pair_free, policy.cap),
        (client_n if client else 0, client_last, policy.client_free, policy.client_cap),
        (name_n, name_last, policy.name_free, policy.name_cap),
    ):
        if last is None:
            continue
        until = last + _delay(int(n), free, policy.base, cap)
        remaining = max(remaining, until - now)
    return remaining.total_seconds()
