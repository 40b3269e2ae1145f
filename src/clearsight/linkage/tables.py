"""Tables written by the linkage stage (documented in docs/linkage.md)."""

from __future__ import annotations

import duckdb

from clearsight.linkage.errors import LinkageError
from clearsight.store.sql import table_exists

DDL = """
CREATE SEQUENCE IF NOT EXISTS link_run_ids START 1;
CREATE TABLE IF NOT EXISTS link_runs (
    run_id INTEGER PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    backend VARCHAR NOT NULL,
    trained BOOLEAN NOT NULL,
    model_json VARCHAR,
    settings_hash VARCHAR,
    threshold DOUBLE NOT NULL,
    review_low DOUBLE NOT NULL,
    review_high DOUBLE NOT NULL,
    n_records BIGINT,
    n_pairs BIGINT,
    n_links BIGINT,
    n_entities BIGINT,
    status VARCHAR NOT NULL,
    -- What the model compared and how it was trained, with reasons (JSON).
    design_json VARCHAR
);
CREATE TABLE IF NOT EXISTS person_entities (
    source_id VARCHAR NOT NULL,
    person_id VARCHAR NOT NULL,
    record_key VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    run_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR NOT NULL,
    n_records BIGINT NOT NULL,
    n_sources BIGINT NOT NULL,
    sources VARCHAR[],
    agency_types VARCHAR[],
    run_id INTEGER NOT NULL
);
-- Merges, splits and withdrawals of entities between runs, with their date and
-- reason (``identity.py``): an entity id is kept across runs otherwise.
CREATE TABLE IF NOT EXISTS entity_changes (
    run_id INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    change VARCHAR NOT NULL CHECK (change IN ('merge', 'split', 'withdrawn')),
    entity_id VARCHAR NOT NULL,
    other_entity_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    -- The sources of a withdrawn entity's last records: who may be told it is gone.
    source_ids VARCHAR[]
);
CREATE TABLE IF NOT EXISTS link_decisions (
    record_key_l VARCHAR NOT NULL,
    record_key_r VARCHAR NOT NULL,
    decision VARCHAR NOT NULL CHECK (decision IN ('accept', 'reject')),
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    reason VARCHAR NOT NULL,
    CHECK (record_key_l < record_key_r)
);
-- The log keeps every decision; the latest one for a pair is the one in force.
CREATE OR REPLACE VIEW current_link_decisions AS
SELECT * FROM link_decisions
QUALIFY row_number() OVER (
    PARTITION BY record_key_l, record_key_r ORDER BY decided_at DESC, decision
) = 1;
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the linkage tables when missing; a read-only store must already have them."""
    present = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name IN ('link_runs', 'person_entities', 'current_link_decisions')"
    ).fetchall()[0][0]
    if (
        present == 3
        and _has_design_column(con)
        and table_exists(con, "entity_changes")
        and not _changes_need_upgrade(con)
    ):
        return
    try:
        con.execute(DDL)
        # Stores linked before the design was recorded gain its column.
        con.execute("ALTER TABLE link_runs ADD COLUMN IF NOT EXISTS design_json VARCHAR")
        if _changes_need_upgrade(con):
            _upgrade_changes(con)
    except duckdb.InvalidInputException as exc:
        if "read-only" not in str(exc).lower():
            raise
        if present == 3:
            return
        raise LinkageError("no linkage run yet; run 'clearsight link' first") from exc


def _changes_need_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """True for an ``entity_changes`` written before withdrawals were recorded."""
    return not con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'entity_changes' AND column_name = 'source_ids'"
    ).fetchall()[0][0]


def _upgrade_changes(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``entity_changes`` with today's columns and check, keeping every row.

    DuckDB cannot alter a CHECK constraint in place, and the older one refuses
    the ``withdrawn`` change.
    """
    con.execute("ALTER TABLE entity_changes RENAME TO entity_changes_before_withdrawals")
    con.execute(DDL)
    con.execute(
        "INSERT INTO entity_changes (run_id, changed_at, change, entity_id, other_entity_id, "
        "reason) SELECT run_id, changed_at, change, entity_id, other_entity_id, reason "
        "FROM entity_changes_before_withdrawals"
    )
    con.execute("DROP TABLE entity_changes_before_withdrawals")


def _has_design_column(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'link_runs' AND column_name = 'design_json'"
        ).fetchall()[0][0]
    )


# Splink names every table it creates with this prefix; the store holds no other.
SPLINK_PREFIX = "__splink__"


def drop_splink_leftovers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop Splink intermediate tables an interrupted or older run left in the store.

    Returns their names. Runs now drop their own (``LinkageBackend.release``);
    these would otherwise keep copies of names and birth dates outside the
    tables that access control and retention govern.
    """
    names = [
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND starts_with(table_name, ?) "
            "AND table_type = 'BASE TABLE'",
            [SPLINK_PREFIX],
        ).fetchall()
    ]
    for name in names:
        con.execute(f'DROP TABLE IF EXISTS main."{name}"')
    return names


def latest_run(con: duckdb.DuckDBPyConnection) -> tuple[int, float, float, float, str] | None:
    """(run_id, threshold, review_low, review_high, model_json) of the last finished run."""
    rows = con.execute(
        "SELECT run_id, threshold, review_low, review_high, model_json FROM link_runs "
        "WHERE status = 'finished' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    run_id, threshold, low, high, model = rows[0]
    return int(run_id), float(threshold), float(low), float(high), str(model)
