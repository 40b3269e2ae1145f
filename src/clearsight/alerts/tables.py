"""Tables of watchlists and arrival alerts (documented in docs/web.md, "Alerts and watchlists")."""

from __future__ import annotations

import duckdb

from clearsight.store.sql import table_exists

# A watch is never deleted: removing one stamps ``removed_at`` so that who watched
# whom, and when they stopped, stays answerable (both are audited as well).
# An alert is one row per area that should hear of it: each area's analysts
# acknowledge their own, so one area reading an alert does not silence another's.
DDL = """
CREATE SEQUENCE IF NOT EXISTS watch_ids START 1;
CREATE SEQUENCE IF NOT EXISTS alert_ids START 1;
CREATE TABLE IF NOT EXISTS watches (
    watch_id BIGINT NOT NULL,
    owner VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('person', 'child', 'network')),
    target_id VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    note VARCHAR,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    removed_by VARCHAR
);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    run_id INTEGER NOT NULL,
    area VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    network_id VARCHAR,
    watch_id BIGINT,
    source_id VARCHAR NOT NULL,
    batch_id INTEGER,
    person_id VARCHAR NOT NULL,
    record_key VARCHAR NOT NULL,
    record_area VARCHAR,
    linked_to VARCHAR,
    match_weight DOUBLE,
    match_probability DOUBLE,
    why JSON NOT NULL,
    acknowledged_by VARCHAR,
    acknowledged_at TIMESTAMP
);
"""

# What each kind of alert says, in words (pages, CLI, digest).
KINDS: dict[str, str] = {
    "watched_person": "joined a person you watch",
    "watched_child": "joined a child you watch",
    "watched_network": "joined a member of a network you watch",
    "network_member": "joined a member of a known network",
    "network_child": "joined a child a known network offended against",
}
WATCH_KINDS = ("person", "child", "network")


def ensure_alert_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def has_alert_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "watches") and table_exists(con, "alerts")
