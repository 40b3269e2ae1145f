"""Running the graph's SQL: each statement timed and logged, list literals, table checks."""

from __future__ import annotations

import logging
import time

import duckdb

from clearsight.store.sql import sql_list
from clearsight.store.sql import table_exists as table_exists

log = logging.getLogger("clearsight.graph")

# The graph stage's name for the house's list literal, used by each of its modules.
_sql_list = sql_list


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run ``sql``, logging its seconds under its first meaningful line."""
    start = time.perf_counter()
    con.execute(sql)
    lines = [
        ln.strip() for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")
    ]
    log.info("  %.2f s  %s", time.perf_counter() - start, " ".join(lines[:2])[:90])
