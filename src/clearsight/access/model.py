"""Who a user is: roles, the principal a request acts as, and the users table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import duckdb

Role = Literal["analyst", "partner", "national", "inspector", "admin"]
ROLES: tuple[Role, ...] = ("analyst", "partner", "national", "inspector", "admin")

# Roles that must belong to an area (they see identifiable data only there).
AREA_ROLES: frozenset[str] = frozenset({"analyst", "partner"})

DDL = """
CREATE TABLE IF NOT EXISTS users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL,
    area VARCHAR,
    source_id VARCHAR,
    password_hash VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR PRIMARY KEY,
    user_name VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS login_attempts (
    name VARCHAR NOT NULL,
    client VARCHAR,
    attempted_at TIMESTAMP NOT NULL,
    ok BOOLEAN NOT NULL,
    attempt_id VARCHAR
);
CREATE TABLE IF NOT EXISTS sharing_rules (
    partner_source_id VARCHAR NOT NULL,
    shared_source_id VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sealed_records (
    source_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    sealed_by VARCHAR NOT NULL,
    sealed_at TIMESTAMP NOT NULL,
    note VARCHAR
);
"""


class AccessError(RuntimeError):
    """A user-facing failure managing users (one line)."""


@dataclass(frozen=True)
class Principal:
    """The user a request acts for. ``sources`` is what a partner may see."""

    name: str
    role: Role
    area: str | None = None
    source_id: str | None = None
    sources: frozenset[str] = field(default_factory=frozenset)


def ensure_access_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    # Stores made before attempts were reserved by id (throttling) lack the column.
    found = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'login_attempts'"
        " AND column_name = 'attempt_id' AND database_name = current_database()"
    ).fetchall()
    if not found[0][0]:
        con.execute("ALTER TABLE login_attempts ADD COLUMN attempt_id VARCHAR")
