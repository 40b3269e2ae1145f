"""Watchlists: an analyst watches a person, a child or a network for new records.

A watch names an entity id (person or child) or a network id. Entity ids are
kept across linkage runs (``linkage/identity.py``), so a watch keeps pointing at
the same person after incremental and full runs; when a run merges a watched
entity into another, the alert follows it (``arrivals``). Adding and removing a
watch are audited (``watch_add``, ``watch_remove``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from clearsight import audit
from clearsight.alerts.tables import WATCH_KINDS, ensure_alert_tables
from clearsight.store.sql import table_exists


class WatchError(ValueError):
    """A watch that cannot be added or removed, with the reason in one line."""


@dataclass(frozen=True)
class Watch:
    watch_id: int
    owner: str
    kind: str
    target_id: str
    area: str
    note: str | None
    created_at: datetime
    removed_at: datetime | None = None
    removed_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        for key in ("created_at", "removed_at"):
            found[key] = None if found[key] is None else found[key].isoformat()
        return found


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def check_target(con: duckdb.DuckDBPyConnection, kind: str, target_id: str) -> None:
    """Refuse a watch on something the store does not hold, naming what is missing."""
    if kind not in WATCH_KINDS:
        raise WatchError(f"unknown watch kind {kind!r}; kinds: {', '.join(WATCH_KINDS)}")
    if kind == "network":
        if (
            not table_exists(con, "networks")
            or not con.execute(
                "SELECT 1 FROM networks WHERE network_id = ?", [target_id]
            ).fetchall()
        ):
            raise WatchError(f"no network {target_id!r}; run 'clearsight networks' first")
        return
    if not table_exists(con, "entities"):
        raise WatchError("no linkage run yet; run 'clearsight link' first")
    if con.execute("SELECT 1 FROM entities WHERE entity_id = ?", [target_id]).fetchall():
        return
    # An id a run merged away: say which id the person has now.
    if table_exists(con, "entity_changes"):
        kept = con.execute(
            "SELECT entity_id FROM entity_changes WHERE change = 'merge' AND other_entity_id = ? "
            "ORDER BY run_id DESC LIMIT 1",
            [target_id],
        ).fetchall()
        if kept:
            raise WatchError(f"entity {target_id!r} was merged into {kept[0][0]!r}; watch that")
    raise WatchError(f"no entity {target_id!r} in the latest linkage run")


def add_watch(
    con: duckdb.DuckDBPyConnection,
    *,
    owner: str,
    kind: str,
    target_id: str,
    area: str,
    note: str | None = None,
    actor: str | None = None,
) -> Watch:
    """Start watching; an owner's live watch on the same target is returned as it is."""
    ensure_alert_tables(con)
    check_target(con, kind, target_id)
    if not area:
        raise WatchError("a watch needs an area: alerts go to the analysts of an area")
    same = _select(
        con,
        "WHERE owner = ? AND kind = ? AND target_id = ? AND removed_at IS NULL",
        [owner, kind, target_id],
    )
    if same:
        return same[0]
    watch_id = int(con.execute("SELECT nextval('watch_ids')").fetchall()[0][0])
    created = _now()
    con.execute(
        "INSERT INTO watches (watch_id, owner, kind, target_id, area, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [watch_id, owner, kind, target_id, area, note, created],
    )
    audit.record(
        con,
        actor=actor or owner,
        action="watch_add",
        category="alteration",
        target=f"{kind}:{target_id}",
        details={"watch_id": watch_id, "owner": owner, "area": area},
    )
    return Watch(watch_id, owner, kind, target_id, area, note, created)


def remove_watch(
    con: duckdb.DuckDBPyConnection, watch_id: int, *, by: str, owner: str | None = None
) -> Watch:
    """Stop a live watch (of ``owner`` when given: an analyst removes only their own)."""
    ensure_alert_tables(con)
    found = _select(con, "WHERE watch_id = ? AND removed_at IS NULL", [watch_id])
    if not found or (owner is not None and found[0].owner != owner):
        raise WatchError(f"no live watch {watch_id}")
    removed = _now()
    con.execute(
        "UPDATE watches SET removed_at = ?, removed_by = ? WHERE watch_id = ?",
        [removed, by, watch_id],
    )
    watch = found[0]
    audit.record(
        con,
        actor=by,
        action="watch_remove",
        category="alteration",
        target=f"{watch.kind}:{watch.target_id}",
        details={"watch_id": watch_id, "owner": watch.owner, "area": watch.area},
    )
    return Watch(**{**asdict(watch), "removed_at": removed, "removed_by": by})


def list_watches(
    con: duckdb.DuckDBPyConnection,
    *,
    owner: str | None = None,
    area: str | None = None,
    include_removed: bool = False,
) -> list[Watch]:
    if not table_exists(con, "watches"):
        return []
    clauses, params = [], []
    if owner is not None:
        clauses.append("owner = ?")
        params.append(owner)
    if area is not None:
        clauses.append("area = ?")
        params.append(area)
    if not include_removed:
        clauses.append("removed_at IS NULL")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _select(con, where, params)


def _select(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[Watch]:
    rows = con.execute(
        "SELECT watch_id, owner, kind, target_id, area, note, created_at, removed_at, removed_by "
        f"FROM watches {where} ORDER BY watch_id",
        params,
    ).fetchall()
    return [Watch(int(r[0]), *r[1:]) for r in rows]
