"""CSV exports of network-stage tables: incidents linked across agencies and the decision
record behind every network member. Column lists are contracts: kept exactly."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.exports.safe_csv import write_csv
from clearsight.store.sql import table_exists

INCIDENT_COLUMNS = (
    "incident_id",
    "source_id",
    "event_id",
    "event_type",
    "agency_type",
    "area",
    "event_date",
    "linked_to",
    "score",
    "explanation",
)

NETWORK_EVIDENCE_COLUMNS = (
    "network_id",
    "entity_id",
    "rule_id",
    "strength",
    "source_id",
    "record_ids",
    "first_date",
    "last_date",
)


def _write(
    con: duckdb.DuckDBPyConnection, table: str, sql: str, columns: tuple[str, ...], out: Path
) -> int:
    if not table_exists(con, table):
        raise ValueError(f"no {table} table in this store; run 'clearsight networks' first")
    # Record ids and explanations are as agencies wrote them: the house writer
    # neutralises cells a spreadsheet would read as a formula.
    return write_csv(out, columns, con.execute(sql).fetchall(), lineterminator="\n")


def write_incidents_csv(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """One row per record linked into an incident, with the record it was linked to, the
    score and the explanation of that pair (docs/networks.md, Incidents)."""
    return _write(
        con,
        "incident_records",
        f"SELECT {', '.join(INCIDENT_COLUMNS)} FROM incident_records "
        "ORDER BY incident_id, event_date, source_id, event_id",
        INCIDENT_COLUMNS,
        out,
    )


def write_network_evidence_csv(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """The decision record: for every network member, each rule and source that put them
    there, with the records (``;``-separated) and dates."""
    return _write(
        con,
        "network_evidence",
        "SELECT network_id, entity_id, rule_id, strength, source_id, "
        "array_to_string(record_ids, ';'), first_date, last_date FROM network_evidence "
        "ORDER BY network_id, entity_id, rule_id, source_id",
        NETWORK_EVIDENCE_COLUMNS,
        out,
    )
