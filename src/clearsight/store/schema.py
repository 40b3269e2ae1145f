"""Tables written by ingestion, derived from the standard so they never drift from it."""

from __future__ import annotations

import duckdb

from clearsight.standard import Standard, Table, load_standard

LINEAGE = (
    ("source_id", "VARCHAR NOT NULL"),
    ("batch_id", "INTEGER NOT NULL"),
    ("file", "VARCHAR NOT NULL"),
    ("row_number", "BIGINT NOT NULL"),
    ("is_current", "BOOLEAN NOT NULL"),
    ("superseded_by", "INTEGER"),
)

_BOOKKEEPING = """
CREATE SEQUENCE IF NOT EXISTS batch_ids START 1;
CREATE TABLE IF NOT EXISTS sources (
    source_id VARCHAR PRIMARY KEY,
    organisation VARCHAR NOT NULL,
    agency_type VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    current_batch_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id INTEGER PRIMARY KEY,
    source_id VARCHAR NOT NULL,
    organisation VARCHAR NOT NULL,
    agency_type VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    extract_date DATE NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    standard_version VARCHAR NOT NULL,
    submission VARCHAR NOT NULL,
    submission_sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_files (
    batch_id INTEGER NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
    batch_id INTEGER NOT NULL,
    source_id VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    column_name VARCHAR,
    reason_code VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    value VARCHAR,
    record JSON
);
CREATE TABLE IF NOT EXISTS value_warnings (
    batch_id INTEGER NOT NULL,
    source_id VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    row_number BIGINT NOT NULL,
    column_name VARCHAR NOT NULL,
    reason_code VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    value VARCHAR
);
"""


def lineage_columns() -> tuple[str, ...]:
    return tuple(name for name, _ in LINEAGE)


def table_columns(table: Table) -> list[tuple[str, str]]:
    """Stored columns of a submission table after the lineage columns, in order."""
    columns: list[tuple[str, str]] = []
    for column in table.columns.values():
        columns.append((column.name, column.sql_type))
        if column.keeps_raw:
            columns.append((f"{column.name}_raw", "VARCHAR"))
    columns.append(("extra", "JSON"))
    return columns


def _create_table(table: Table) -> str:
    defs = [f"{name} {sql}" for name, sql in LINEAGE]
    defs += [f"{name} {sql}" for name, sql in table_columns(table)]
    body = ",\n    ".join(defs)
    return (
        f"CREATE TABLE IF NOT EXISTS {table.name} (\n    {body}\n);\n"
        f"CREATE OR REPLACE VIEW current_{table.name} AS "
        f"SELECT * FROM {table.name} WHERE is_current;\n"
    )


def ensure_schema(con: duckdb.DuckDBPyConnection, standard: Standard | None = None) -> None:
    """Create the ingestion tables and views when they are missing."""
    std = standard or load_standard()
    con.execute(_BOOKKEEPING)
    for table in std.tables.values():
        con.execute(_create_table(table))
