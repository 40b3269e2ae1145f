"""Server-side sessions and login throttling.

The cookie holds a 128-bit random token; the store keeps only its SHA-256, so a
copy of the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb

from clearsight.access import throttle
from clearsight.access.model import Principal, ensure_access_schema
from clearsight.access.passwords import verify_password
from clearsight.access.throttle import ThrottlePolicy
from clearsight.access.users import load_principal
from clearsight.audit import printable, record


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    # last_seen is written at most this often: a write per request would make every
    # page view a write transaction.
    touch_every: timedelta = timedelta(seconds=30)


@dataclass(frozen=True)
class Session:
    token: str
    principal: Principal
    csrf_token: str
    created_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginRefused(Exception):  # noqa: N818 (reads as a verdict)
    """Why a login failed, phrased for the user without saying which part was wrong."""

    def __init__(self, message: str, *, throttled: bool = False, retry_after: int = 0) -> None:
        super().__init__(message)
        self.throttled = throttled
        self.retry_after = retry_after


def login(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    *,
    client: str | None = None,
    policy: SessionPolicy | None = None,
) -> Session:
    """Check the password and open a session; every outcome is audited. Throttled by
    name, address and the pair with a growing delay (``throttle``), atomically."""
    policy = policy or SessionPolicy()
    ensure_access_schema(con)
    # Whatever was typed goes into the log as evidence, control characters escaped; no
    # user name holds one (``add_user``), so such a name simply fails.
    name = printable(name.strip()[:64])
    attempt = secrets.token_hex(8)
    with throttle.GATE:
        now = _now()
        retry = throttle.wait(con, name, client, now, policy.throttle)
        if retry <= 0:
            # Reserved as a failure before the password is checked: attempts racing this
            # one count it. Marked a success below if it is one.
            con.execute(
                "INSERT INTO login_attempts (name, client, attempted_at, ok, attempt_id)"
                " VALUES (?, ?, ?, false, ?)",
                [name, client, now, attempt],
            )
    if retry > 0:
        seconds = max(1, math.ceil(retry))
        record(
            con,
            actor=name or "-",
            action="login_throttled",
            details={"client": client, "retry_after_s": seconds},
        )
        raise LoginRefused(
            f"Too many failed attempts: try again in {seconds} seconds.",
            throttled=True,
            retry_after=seconds,
        )
    rows = con.execute(
        "SELECT password_hash, disabled FROM users WHERE name = ?", [name]
    ).fetchall()
    stored = str(rows[0][0]) if rows else None
    ok = verify_password(stored, password) and not (rows and rows[0][1])
    principal = load_principal(con, name) if ok else None
    if principal is None:
        record(con, actor=name or "-", action="login_failed", details={"client": client})
        raise LoginRefused("Unknown user name or wrong password.")
    con.execute("UPDATE login_attempts SET ok = true WHERE attempt_id = ?", [attempt])
    token = secrets.token_urlsafe(16)  # 128 bits
    csrf = secrets.token_urlsafe(16)
    now = _now()
    con.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL)",
        [_digest(token), name, csrf, now, now],
    )
    record(con, actor=name, action="login", details={"client": client, "role": principal.role})
    return Session(token, principal, csrf, now)


def resume(
    con: duckdb.DuckDBPyConnection, token: str | None, policy: SessionPolicy | None = None
) -> Session | None:
    """The live session for a cookie token, or ``None`` (expired, revoked, disabled user)."""
    if not token or len(token) > 64:
        return None
    policy = policy or SessionPolicy()
    digest = _digest(token)
    rows = con.execute(
        "SELECT user_name, csrf_token, created_at, last_seen FROM sessions"
        " WHERE token_hash = ? AND revoked_at IS NULL",
        [digest],
    ).fetchall()
    if not rows:
        return None
    name, csrf, created, last_seen = rows[0]
    now = _now()
    if now - created > policy.absolute_timeout or now - last_seen > policy.idle_timeout:
        con.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", [now, digest])
        record(con, actor=str(name), action="session_expired")
        return None
    principal = load_principal(con, str(name))
    if principal is None:
        return None
    if now - last_seen > policy.touch_every:
        con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, digest])
    return Session(token, principal, str(csrf), created)


def logout(con: duckdb.DuckDBPyConnection, session: Session) -> None:
    con.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", [_now(), _digest(session.token)]
    )
    record(con, actor=session.principal.name, action="logout")
