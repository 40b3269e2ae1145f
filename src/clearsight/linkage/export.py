"""The entity export: the contract evaluations read."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.exports.safe_csv import write_query
from clearsight.linkage import tables
from clearsight.linkage.errors import LinkageError

EXPORT_COLUMNS = ("source_id", "person_id", "entity_id")


def export_entities(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Write one row per current person record: ``source_id,person_id,entity_id``.

    Refuses when a current record has no entity (ingested after the last run),
    rather than writing a partial answer.
    """
    tables.ensure_tables(con)
    missing = con.execute(
        "SELECT count(*) FROM current_persons p LEFT JOIN person_entities e "
        "USING (source_id, person_id) WHERE e.entity_id IS NULL"
    ).fetchall()[0][0]
    if missing:
        raise LinkageError(
            f"{missing:,} current person records have no entity; run 'clearsight link' first"
        )
    # Ids and names as submitted can start like a formula (`=2+5`): the house writer
    # neutralises such cells for whoever opens the file in a spreadsheet.
    return write_query(
        con,
        """
        SELECT p.source_id, p.person_id, e.entity_id
        FROM current_persons p JOIN person_entities e USING (source_id, person_id)
        ORDER BY p.source_id, p.person_id
        """,
        out,
    )
