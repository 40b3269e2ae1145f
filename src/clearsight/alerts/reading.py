"""Reading alerts: lists, the daily digest, acknowledgement, the unread count.

These read the ``alerts`` table as it is, by area; what a viewer may see of the
records an alert names (names or pseudonyms) is decided by the caller: the web
app's ``web/alerts_view.py`` through the access policy, the CLI by showing
identifiers only.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from clearsight import audit
from clearsight.alerts.tables import KINDS, has_alert_tables

Row = dict[str, Any]

COLUMNS = (
    "alert_id, created_at, run_id, area, kind, entity_id, network_id, watch_id, source_id, "
    "batch_id, person_id, record_key, record_area, linked_to, match_weight, match_probability, "
    "why, acknowledged_by, acknowledged_at"
)


def _row(names: list[str], values: tuple[Any, ...]) -> Row:
    found = dict(zip(names, values, strict=True))
    found["why"] = json.loads(found["why"]) if found.get("why") else {}
    found["kind_words"] = KINDS.get(str(found["kind"]), str(found["kind"]))
    return found


def list_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    area: str | None = None,
    day: date | None = None,
    unacknowledged: bool = False,
    limit: int | None = 200,
    offset: int = 0,
) -> list[Row]:
    """Alerts newest first, of one area (or all), of one day (or any)."""
    if not has_alert_tables(con):
        return []
    clauses, params = _filters(area=area, day=day, unacknowledged=unacknowledged)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    paging = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    cur = con.execute(
        f"SELECT {COLUMNS} FROM alerts {where} ORDER BY created_at DESC, alert_id DESC{paging}",
        params,
    )
    names = [d[0] for d in cur.description]
    return [_row(names, r) for r in cur.fetchall()]


def _filters(
    *, area: str | None, day: date | None, unacknowledged: bool
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if area is not None:
        clauses.append("area = ?")
        params.append(area)
    if day is not None:
        start = datetime.combine(day, datetime.min.time())
        clauses.append("created_at >= ? AND created_at < ?")
        params += [start, start + timedelta(days=1)]
    if unacknowledged:
        clauses.append("acknowledged_at IS NULL")
    return clauses, params


def get_alert(con: duckdb.DuckDBPyConnection, alert_id: int) -> Row | None:
    if not has_alert_tables(con):
        return None
    cur = con.execute(f"SELECT {COLUMNS} FROM alerts WHERE alert_id = ?", [alert_id])
    names = [d[0] for d in cur.description]
    found = cur.fetchall()
    return _row(names, found[0]) if found else None


def unread_count(con: duckdb.DuckDBPyConnection, area: str | None) -> int:
    """Alerts of an area nobody there has acknowledged yet (the nav's badge)."""
    if area is None or not has_alert_tables(con):
        return 0
    found = con.execute(
        "SELECT count(*) FROM alerts WHERE area = ? AND acknowledged_at IS NULL", [area]
    ).fetchall()
    return int(found[0][0])


def acknowledge(
    con: duckdb.DuckDBPyConnection, alert_id: int, *, by: str, area: str | None = None
) -> Row | None:
    """Mark an alert read by ``by`` (audited, ``alert_acknowledge``); an alert already
    acknowledged keeps who did it first. None when there is no such alert (in ``area``)."""
    found = get_alert(con, alert_id)
    if found is None or (area is not None and found["area"] != area):
        return None
    if found["acknowledged_at"] is None:
        at = datetime.now().replace(microsecond=0)
        con.execute(
            "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? "
            "WHERE alert_id = ? AND acknowledged_at IS NULL",
            [by, at, alert_id],
        )
        found.update(acknowledged_by=by, acknowledged_at=at)
    audit.record(
        con,
        actor=by,
        action="alert_acknowledge",
        category="alteration",
        target=f"alert:{alert_id}",
        details={
            "area": found["area"],
            "entity": found["entity_id"],
            "network": found["network_id"],
        },
    )
    return found


def digest(con: duckdb.DuckDBPyConnection, *, day: date, area: str | None = None) -> Row:
    """One day's alerts (of one area, or all): counts by kind and by network, and the list."""
    found = list_alerts(con, area=area, day=day, limit=None)
    by_network = Counter(str(a["network_id"]) for a in found if a["network_id"])
    return {
        "day": day.isoformat(),
        "area": area,
        "total": len(found),
        "unacknowledged": sum(1 for a in found if a["acknowledged_at"] is None),
        "by_kind": dict(sorted(Counter(str(a["kind"]) for a in found).items())),
        "by_network": dict(sorted(by_network.items())),
        "records": len({a["record_key"] for a in found}),
        "alerts": found,
    }


def as_json(row: Row) -> Row:
    """An alert with its dates as ISO text, for JSON output."""
    return {k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in row.items()}
