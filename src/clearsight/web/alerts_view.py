"""Alerts as a viewer may see them: the analysts of an alert's area, names only where
the access policy identifies the record, pseudonyms otherwise.

An alert row is per area (``alerts.arrivals``), so an analyst reads their own
area's alerts only. The records it names may come from another area (a network
that spans two forces): the new record and the record it linked to are shown by
name only when ``visibility`` says identified, else by their keyed pseudonym,
as the network page shows members it may not identify. The waterfall of why
they linked names comparisons and levels, never values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb

from clearsight.access.model import Principal
from clearsight.access.policy import visibility
from clearsight.alerts import reading
from clearsight.web import queries

Row = dict[str, Any]
Pseudonym = Callable[[str, str], str]


def _record_keys(con: duckdb.DuckDBPyConnection, keys: set[str]) -> dict[str, Row]:
    """Record key -> its source, area and (for naming) the person's identity fields.

    On the serving copy (``web_persons``, indexed on ``source_id/person_id``) each key is an
    index lookup; without it, the plain view filtered by key."""
    if not keys:
        return {}
    pairs = sorted(tuple(k.split(":", 1)) for k in keys if ":" in k)
    if not pairs:
        return {}
    fields = "p.source_id, p.person_id, p.forenames, p.surname, p.date_of_birth"
    if queries.exists(con, "web_persons"):
        marks = ", ".join("?" for _ in pairs)
        cur = con.execute(
            f"SELECT {fields} FROM web_persons p WHERE p.k IN ({marks})",
            [f"{a}/{b}" for a, b in pairs],
        )
    else:
        cur = con.execute(
            f"SELECT {fields} FROM current_persons p "
            "WHERE list_contains(?, p.source_id || ':' || p.person_id)",
            [sorted(keys)],
        )
    areas = _areas(con)
    found: dict[str, Row] = {}
    for source, person, forenames, surname, born in cur.fetchall():
        found[f"{source}:{person}"] = {
            "source_id": source,
            "person_id": person,
            "area": areas.get(str(source)),
            "forenames": forenames,
            "surname": surname,
            "date_of_birth": born,
        }
    return found


def _areas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {
        str(s): str(a) for s, a in con.execute("SELECT source_id, area FROM sources").fetchall()
    }


def visible_entities(
    con: duckdb.DuckDBPyConnection, principal: Principal, entities: set[str]
) -> set[str]:
    """Entities with at least one record the viewer may identify (their person page opens):
    by the serving copy's entity index when built, else from ``person_entities``."""
    if not entities:
        return set()
    marks = ", ".join("?" for _ in entities)
    table = "web_persons" if queries.exists(con, "web_persons") else "person_entities"
    found = con.execute(
        f"SELECT DISTINCT entity_id, source_id FROM {table} WHERE entity_id IN ({marks})",
        sorted(entities),
    ).fetchall()
    areas = _areas(con)
    return {
        str(e)
        for e, source in found
        if visibility(principal, source_id=str(source), area=areas.get(str(source), ""))
        == "identified"
    }


def _shown(record: Row | None, key: str, principal: Principal, pseudonym: Pseudonym) -> Row:
    if (
        record is not None
        and visibility(principal, source_id=str(record["source_id"]), area=str(record["area"]))
        == "identified"
    ):
        name = " ".join(str(v) for v in (record["forenames"], record["surname"]) if v)
        return {
            "key": key,
            "identified": True,
            "name": name or "(no name recorded)",
            "date_of_birth": record["date_of_birth"],
            "area": record["area"],
        }
    return {
        "key": pseudonym("record", key),
        "identified": False,
        "name": None,
        "date_of_birth": None,
        "area": None if record is None else record["area"],
    }


def present(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonym,
    alerts: list[Row],
) -> list[Row]:
    """Each alert with its records and entity as the viewer may see them."""
    keys = {str(a["record_key"]) for a in alerts}
    keys |= {str(a["linked_to"]) for a in alerts if a["linked_to"]}
    records = _record_keys(con, keys)
    visible = visible_entities(con, principal, {str(a["entity_id"]) for a in alerts})
    shown: list[Row] = []
    for a in alerts:
        entity = str(a["entity_id"])
        linked = str(a["linked_to"]) if a["linked_to"] else None
        why = dict(a["why"])
        merged = why.pop("merged", None)
        shown.append(
            {
                "alert_id": a["alert_id"],
                "created_at": a["created_at"],
                "area": a["area"],
                "kind": a["kind"],
                "kind_words": a["kind_words"],
                "network_id": a["network_id"],
                "entity_id": entity if entity in visible else pseudonym("entity", entity),
                "entity_visible": entity in visible,
                "merged": None
                if merged is None
                else (merged if entity in visible else pseudonym("entity", str(merged))),
                "batch_id": a["batch_id"],
                "record": _shown(
                    records.get(str(a["record_key"])), str(a["record_key"]), principal, pseudonym
                ),
                "linked_to": None
                if linked is None
                else _shown(records.get(linked), linked, principal, pseudonym),
                "why": why,
                "acknowledged_by": a["acknowledged_by"],
                "acknowledged_at": a["acknowledged_at"],
            }
        )
    return shown


def area_of(principal: Principal) -> str | None:
    """The one area whose alerts the viewer reads (analysts belong to one area)."""
    return principal.area if principal.role == "analyst" else None


def alerts_page(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonym,
    *,
    unacknowledged: bool,
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    area = area_of(principal)
    if area is None:
        return []
    found = reading.list_alerts(
        con, area=area, unacknowledged=unacknowledged, limit=limit, offset=offset
    )
    return present(con, principal, pseudonym, found)


def one_alert(
    con: duckdb.DuckDBPyConnection, principal: Principal, pseudonym: Pseudonym, alert_id: int
) -> Row | None:
    found = reading.get_alert(con, alert_id)
    if found is None or area_of(principal) is None or found["area"] != area_of(principal):
        return None
    return present(con, principal, pseudonym, [found])[0]


def digest_view(
    con: duckdb.DuckDBPyConnection, principal: Principal, pseudonym: Pseudonym, day: date
) -> Row:
    area = area_of(principal)
    if area is None:
        return {
            "day": day.isoformat(),
            "area": None,
            "total": 0,
            "unacknowledged": 0,
            "by_kind": {},
            "by_network": {},
            "records": 0,
            "alerts": [],
        }
    found = reading.digest(con, day=day, area=area)
    found["alerts"] = present(con, principal, pseudonym, found["alerts"])
    return found


def as_json(row: Row) -> Row:
    """A presented alert for the JSON digest (dates as ISO text)."""
    return reading.as_json({k: v for k, v in row.items()})
