"""Running the graph's SQL: each statement timed and logged, list literals, table checks."""

from __future__ import annotations

import logging
import time

import duckdb

log = logging.getLogger("clearsight.graph")


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run ``sql``, logging its seconds under its first meaningful line."""
    start = time.perf_counter()
    con.execute(sql)
    lines = [
        ln.strip() for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")
    ]
    log.info("  %.2f s  %s", time.perf_counter() - start, " ".join(lines[:2])[:90])


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary "
        "UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
        [name, name],
    ).fetchall()
    return any(int(r[0]) for r in rows)
