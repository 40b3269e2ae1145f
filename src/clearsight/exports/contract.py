"""The evaluation contract: one row per (network, person record), these columns exactly."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.exports.safe_csv import write_csv
from clearsight.store.sql import table_exists

CONTRACT_COLUMNS = (
    "network_id",
    "source_id",
    "person_id",
    "entity_id",
    "role",
    "definition_status",
)


def write_networks_csv(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Write the contract CSV; ``definition_status`` is the IICSA organised-network status."""
    if not table_exists(con, "network_records"):
        raise ValueError("no networks in this store; run 'clearsight networks' first")
    rows = con.execute(
        """
        SELECT r.network_id, r.source_id, r.person_id, r.entity_id, r.role,
               coalesce(s.iicsa_status, 'does_not_meet')
        FROM network_records r LEFT JOIN network_status s USING (network_id)
        ORDER BY r.network_id, r.source_id, r.person_id
        """
    ).fetchall()
    return write_csv(out, CONTRACT_COLUMNS, rows, lineterminator="\n")
