"""Link charts saved on the server, one user's own: which items are on the chart and
where, which are pinned or hidden, which were expanded, the filters, and the analyst's
notes on items and links.

A saved chart holds item ids and the analyst's own words, never a name or value from the
records: reopened, its items are drawn from the store as the owner may see them then, so a
chart cannot keep what its owner has since lost access to. Only its owner may open it.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.web.queries import Row, rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS charts (
    chart_id VARCHAR PRIMARY KEY,
    owner VARCHAR NOT NULL,
    network_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    positions JSON NOT NULL,
    pinned JSON NOT NULL,
    hidden JSON NOT NULL,
    expanded JSON NOT NULL,
    filters JSON NOT NULL,
    notes JSON NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
"""

# Bounds on what one save may carry: a chart of a few hundred items with short notes fits
# many times over; anything larger is a mistake or an attack on the store.
MAX_ITEMS = 5000
MAX_ID = 200
MAX_NOTE = 2000
MAX_TITLE = 120
MAX_COORDINATE = 1e6


class ChartError(ValueError):
    """A chart sent to be saved that is not one: the message names the field and why."""


@dataclass(frozen=True)
class ChartState:
    title: str
    positions: dict[str, tuple[float, float]]
    pinned: list[str]
    hidden: list[str]
    expanded: list[str]
    filters: dict[str, Any]
    notes: dict[str, str]

    def as_json(self) -> Row:
        return {
            "title": self.title,
            "positions": {k: list(v) for k, v in self.positions.items()},
            "pinned": self.pinned,
            "hidden": self.hidden,
            "expanded": self.expanded,
            "filters": self.filters,
            "notes": self.notes,
        }


def _ids(body: Row, name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list):
        raise ChartError(f"{name}: expected a list of item ids, got {type(value).__name__}")
    if len(value) > MAX_ITEMS:
        raise ChartError(f"{name}: {len(value)} ids, more than {MAX_ITEMS}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item or len(item) > MAX_ID:
            raise ChartError(f"{name}[{i}]: expected an item id of 1-{MAX_ID} characters")
    return list(dict.fromkeys(value))


def parse_state(body: Any) -> ChartState:
    """A chart as the page sends it, checked field by field."""
    if not isinstance(body, dict):
        raise ChartError("chart: expected a JSON object")
    title = body.get("title", "")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise ChartError(f"title: expected a name of 1-{MAX_TITLE} characters")
    raw = body.get("positions", {})
    if not isinstance(raw, dict) or len(raw) > MAX_ITEMS:
        raise ChartError(f"positions: expected an object of at most {MAX_ITEMS} item ids")
    positions: dict[str, tuple[float, float]] = {}
    for key, xy in raw.items():
        if len(key) > MAX_ID:
            raise ChartError(f"positions[{key[:40]}…]: item id longer than {MAX_ID}")
        if (
            not isinstance(xy, list)
            or len(xy) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in xy)
            or not all(math.isfinite(v) and abs(v) <= MAX_COORDINATE for v in xy)
        ):
            raise ChartError(f"positions[{key}]: expected [x, y], two finite numbers")
        positions[key] = (float(xy[0]), float(xy[1]))
    notes_raw = body.get("notes", {})
    if not isinstance(notes_raw, dict) or len(notes_raw) > MAX_ITEMS:
        raise ChartError(f"notes: expected an object of at most {MAX_ITEMS} item ids")
    notes: dict[str, str] = {}
    for key, text in notes_raw.items():
        if len(key) > MAX_ID:
            raise ChartError(f"notes[{key[:40]}…]: item id longer than {MAX_ID}")
        if not isinstance(text, str) or len(text) > MAX_NOTE:
            raise ChartError(f"notes[{key}]: expected text of at most {MAX_NOTE} characters")
        if text.strip():
            notes[key] = text.strip()
    filters = body.get("filters", {})
    if not isinstance(filters, dict) or len(json.dumps(filters)) > 10_000:
        raise ChartError("filters: expected a small JSON object")
    return ChartState(
        title=title.strip(),
        positions=positions,
        pinned=_ids(body, "pinned"),
        hidden=_ids(body, "hidden"),
        expanded=_ids(body, "expanded"),
        filters=filters,
        notes=notes,
    )


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def _present(con: duckdb.DuckDBPyConnection) -> bool:
    """Read live, not from the app's catalog cache: the first save creates the table, and
    the chart must reopen at once."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'charts'"
        " AND schema_name = current_schema()"
    ).fetchall()
    return bool(found[0][0])


def save(
    con: duckdb.DuckDBPyConnection,
    owner: str,
    network_id: str,
    state: ChartState,
    chart_id: str | None = None,
) -> str:
    """Save a new chart, or overwrite ``chart_id`` when ``owner`` owns it; the chart id."""
    ensure_schema(con)
    values = [
        json.dumps({k: list(v) for k, v in state.positions.items()}),
        json.dumps(state.pinned),
        json.dumps(state.hidden),
        json.dumps(state.expanded),
        json.dumps(state.filters),
        json.dumps(state.notes),
    ]
    if chart_id is not None:
        if get(con, owner, chart_id) is None:
            raise ChartError(f"chart {chart_id}: no such chart of yours")
        con.execute(
            "UPDATE charts SET title = ?, positions = ?, pinned = ?, hidden = ?,"
            " expanded = ?, filters = ?, notes = ?, updated_at = now()"
            " WHERE chart_id = ? AND owner = ?",
            [state.title, *values, chart_id, owner],
        )
        return chart_id
    new_id = "CH-" + secrets.token_hex(6)
    con.execute(
        "INSERT INTO charts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now())",
        [new_id, owner, network_id, state.title, *values],
    )
    return new_id


def get(con: duckdb.DuckDBPyConnection, owner: str, chart_id: str) -> Row | None:
    """The chart when ``owner`` owns it, else None (another's chart is not theirs to see)."""
    if not _present(con):
        return None
    found = rows(
        con,
        "SELECT chart_id, network_id, title, positions, pinned, hidden, expanded, filters,"
        " notes, created_at, updated_at FROM charts WHERE chart_id = ? AND owner = ?",
        [chart_id, owner],
    )
    if not found:
        return None
    chart = found[0]
    for name in ("positions", "pinned", "hidden", "expanded", "filters", "notes"):
        chart[name] = json.loads(str(chart[name]))
    return chart


def owned(con: duckdb.DuckDBPyConnection, owner: str, network_id: str | None = None) -> list[Row]:
    """The owner's charts, newest first, of one network or of all."""
    if not _present(con):
        return []
    where, params = "owner = ?", [owner]
    if network_id is not None:
        where += " AND network_id = ?"
        params.append(network_id)
    return rows(
        con,
        "SELECT chart_id, network_id, title, updated_at, len(json_keys(notes)) AS n_notes"
        " FROM charts"
        f" WHERE {where} ORDER BY updated_at DESC, chart_id LIMIT 200",
        params,
    )
