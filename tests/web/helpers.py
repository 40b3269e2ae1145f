"""Facts about the test store, read with plain SQL so tests do not trust the app's queries."""

from __future__ import annotations

from pathlib import Path

import duckdb


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    # The app holds the file open in this process; DuckDB shares the instance.
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def people_in(db: Path, area: str, limit: int = 5) -> list[tuple[str, str]]:
    """(entity id, surname) of unsealed, named records of ``area``."""
    rows = query(
        db,
        """
        SELECT p.source_id || '/' || p.person_id, p.surname FROM current_persons p
        JOIN sources s USING (source_id)
        WHERE s.area = ? AND p.surname IS NOT NULL AND length(p.surname) >= 5
          AND NOT EXISTS (SELECT 1 FROM sealed_records r
                          WHERE r.source_id = p.source_id AND r.person_id = p.person_id)
        ORDER BY 1 LIMIT ?
        """,
        [area, limit],
    )
    return [(str(a), str(b)) for a, b in rows]


def networks_only_in(db: Path, area: str) -> list[str]:
    if not query(db, "SELECT 1 FROM duckdb_tables() WHERE table_name = 'networks'"):
        return []
    rows = query(db, "SELECT network_id FROM networks WHERE areas = [?] ORDER BY 1", [area])
    return [str(r[0]) for r in rows]


def sealed_entity(db: Path) -> str:
    rows = query(db, "SELECT source_id || '/' || person_id FROM sealed_records LIMIT 1")
    return str(rows[0][0])


def audit_actions(db: Path, actor: str) -> list[tuple[str, str | None, str | None]]:
    rows = query(
        db, "SELECT action, target, reason FROM audit_log WHERE actor = ? ORDER BY seq", [actor]
    )
    return [
        (str(a), None if t is None else str(t), None if r is None else str(r)) for a, t, r in rows
    ]
