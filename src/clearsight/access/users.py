"""Users: add, disable, list; every change audited."""

from __future__ import annotations

import itertools
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from clearsight.access.model import (
    AREA_ROLES,
    ROLES,
    AccessError,
    Principal,
    Role,
    ensure_access_schema,
)
from clearsight.access.passwords import check_strength, hash_password
from clearsight.audit import record
from clearsight.store.sql import table_exists


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    area: str | None
    source_id: str | None
    disabled: bool
    created_at: datetime


# Bumped by every change to who may see what (users, sharing rules, sealing) made in this
# process: the web app caches sessions and sealed records briefly and drops the caches
# when this moves, so a change takes effect on the next request, not within the cache
# time. (Only one process can open the store while the app serves it.)
_generation = itertools.count(1)
_current = 0
_generation_lock = threading.Lock()


def access_generation() -> int:
    """A number that changes whenever access is changed in this process."""
    return _current


def _changed() -> None:
    global _current
    with _generation_lock:
        _current = next(_generation)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def known_areas(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not table_exists(con, "sources"):
        return []
    return [
        str(r[0]) for r in con.execute("SELECT DISTINCT area FROM sources ORDER BY 1").fetchall()
    ]


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    role: str,
    password: str,
    area: str | None = None,
    source_id: str | None = None,
    actor: str = "cli",
) -> User:
    """Create a user. Analysts and partners need an area; a partner also its agency's source."""
    ensure_access_schema(con)
    name = name.strip()
    if not name or len(name) > 64 or not name.isprintable() or any(c.isspace() for c in name):
        raise AccessError("user name must be 1-64 printable characters without spaces")
    if role not in ROLES:
        raise AccessError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role in AREA_ROLES and not area:
        raise AccessError(f"a {role} needs --area")
    if role not in AREA_ROLES and area:
        raise AccessError(f"a {role} works across areas: drop --area")
    if role == "partner" and not source_id:
        raise AccessError("a partner needs --source (their agency's source_id)")
    if role != "partner" and source_id:
        raise AccessError("only a partner has --source")
    weak = check_strength(password)
    if weak:
        raise AccessError(weak)
    if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
        raise AccessError(f"user {name!r} already exists")
    created = _now()
    con.execute(
        "INSERT INTO users (name, role, area, source_id, password_hash, disabled, created_at,"
        " created_by) VALUES (?, ?, ?, ?, ?, false, ?, ?)",
        [name, role, area, source_id, hash_password(password), created, actor],
    )
    record(
        con,
        actor=actor,
        action="user_add",
        target=f"user:{name}",
        details={"role": role, "area": area, "source_id": source_id},
    )
    return User(name, role, area, source_id, False, created)


def set_disabled(
    con: duckdb.DuckDBPyConnection, name: str, *, disabled: bool = True, actor: str = "cli"
) -> None:
    """Disable (or re-enable) a user; disabling revokes every session at once."""
    ensure_access_schema(con)
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
        raise AccessError(f"no user {name!r}")
    con.execute("UPDATE users SET disabled = ? WHERE name = ?", [disabled, name])
    if disabled:
        con.execute(
            "UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
            [_now(), name],
        )
    record(
        con,
        actor=actor,
        action="user_disable" if disabled else "user_enable",
        target=f"user:{name}",
    )
    _changed()


def reset_password(con: duckdb.DuckDBPyConnection, name: str, *, actor: str = "cli") -> str:
    """Give ``name`` a new random password (returned, to be shown once, never stored in
    clear), end their sessions and forget their failed logins; audited."""
    ensure_access_schema(con)
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
        raise AccessError(f"no user {name!r}")
    # 20 URL-safe characters: 120 bits, well over the 12-character minimum.
    password = secrets.token_urlsafe(15)
    con.execute(
        "UPDATE users SET password_hash = ? WHERE name = ?", [hash_password(password), name]
    )
    con.execute(
        "UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
        [_now(), name],
    )
    record(
        con,
        actor=actor,
        action="user_password",
        target=f"user:{name}",
        details={"reset": True, "sessions_revoked": True},
    )
    _changed()
    return password


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    ensure_access_schema(con)
    rows = con.execute(
        "SELECT name, role, area, source_id, disabled, created_at FROM users ORDER BY name"
    ).fetchall()
    return [User(str(r[0]), r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def load_principal(con: duckdb.DuckDBPyConnection, name: str) -> Principal | None:
    """The principal for an enabled user, with the sources a partner may see."""
    rows = con.execute(
        "SELECT name, role, area, source_id FROM users WHERE name = ? AND NOT disabled", [name]
    ).fetchall()
    if not rows:
        return None
    user_name, role, area, source_id = rows[0]
    sources: frozenset[str] = frozenset()
    if role == "partner" and source_id:
        shared = con.execute(
            "SELECT shared_source_id FROM sharing_rules WHERE partner_source_id = ?", [source_id]
        ).fetchall()
        sources = frozenset({str(source_id), *(str(s[0]) for s in shared)})
    return Principal(str(user_name), role, area, source_id, sources)


def add_sharing_rule(
    con: duckdb.DuckDBPyConnection,
    partner_source_id: str,
    shared_source_id: str,
    *,
    purpose: str,
    actor: str = "cli",
) -> None:
    """Let a partner agency's users see another source's records (a data-sharing agreement)."""
    ensure_access_schema(con)
    con.execute(
        "INSERT INTO sharing_rules VALUES (?, ?, ?, ?, ?)",
        [partner_source_id, shared_source_id, purpose, _now(), actor],
    )
    record(
        con,
        actor=actor,
        action="sharing_rule_add",
        category="administration",
        target=f"source:{partner_source_id}",
        reason=purpose,
        details={"shared_source_id": shared_source_id},
    )
    _changed()


def seal_record(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    person_id: str,
    *,
    actor: str = "cli",
    note: str | None = None,
) -> None:
    """Mark a person record as sealed: opening it needs a typed reason, which is logged."""
    ensure_access_schema(con)
    con.execute(
        "INSERT INTO sealed_records VALUES (?, ?, ?, ?, ?)",
        [source_id, person_id, actor, _now(), note],
    )
    record(
        con,
        actor=actor,
        action="seal_record",
        category="alteration",
        target=f"record:{source_id}/{person_id}",
    )
    _changed()


def create_demo_users(
    con: duckdb.DuckDBPyConnection, *, reset: bool = False
) -> list[tuple[str, str, str | None, str]]:
    """One user per role (an analyst and a partner per area) with fresh random passwords.

    Returns ``(name, role, area, password)``; for demonstrations on synthetic data only.
    Existing demo users are left alone (and not returned), or with ``reset`` given new
    passwords (returned: lost demo passwords are recovered this way).
    """
    ensure_access_schema(con)
    wanted: list[tuple[str, str, str | None, str | None]] = []
    areas = known_areas(con)
    for area in areas:
        wanted.append((f"analyst-{area}", "analyst", area, None))
        partner_source = con.execute(
            "SELECT source_id FROM sources WHERE area = ? AND agency_type <> 'police'"
            " ORDER BY source_id LIMIT 1",
            [area],
        ).fetchall()
        if partner_source:
            wanted.append((f"partner-{area}", "partner", area, str(partner_source[0][0])))
    wanted += [
        ("national", "national", None, None),
        ("inspector", "inspector", None, None),
        ("admin", "admin", None, None),
    ]
    created: list[tuple[str, str, str | None, str]] = []
    existing = {u.name for u in list_users(con)}
    for name, role, user_area, source_id in wanted:
        if name in existing:
            if reset:
                password = reset_password(con, name, actor="system:demo")
                created.append((name, role, user_area, password))
            continue
        password = secrets.token_urlsafe(12)
        add_user(
            con,
            name,
            role=role,
            password=password,
            area=user_area,
            source_id=source_id,
            actor="system:demo",
        )
        created.append((name, role, user_area, password))
    return created
