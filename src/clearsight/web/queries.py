"""What the pages show, read from the store through the access policy.

Every function that returns person data takes the principal and filters in SQL
with ``record_filter`` or per row with ``visibility``; nothing here returns a
record the policy would hide. Tables other stages write may be absent: the
functions then return empty results and pages say "not yet run".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import duckdb

from clearsight.access import Principal, visibility

Row = dict[str, Any]
# ``clearsight.linkage.explain_entity`` or a caching stand-in for it.
Explainer = Callable[[duckdb.DuckDBPyConnection, str], Any]
# ``entity_networks`` or a stand-in that has them in memory.
NetworksOf = Callable[[duckdb.DuckDBPyConnection, str], list["Row"]]

TIMELINE_LIMIT = 300
# Protected characteristics: shown for monitoring, never used to order or rank.
PROTECTED = ("sex", "ethnicity_self_defined", "ethnicity_officer_defined", "nationality")


@dataclass(frozen=True)
class Known:
    """What the caller (the web app, per request) already knows of the store: the tables
    present, and optionally the sources and the sealed records. Asking DuckDB's catalog
    costs milliseconds and a page would ask a dozen times; the other two are small tables
    a person page would otherwise read twice and once per request."""

    names: frozenset[str]
    sources: dict[str, Row] | None = None
    sealed: frozenset[tuple[str, str]] | None = None


_known: ContextVar[Known | None] = ContextVar("clearsight_known", default=None)


def catalog(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    found = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        " UNION SELECT view_name FROM duckdb_views() WHERE NOT temporary"
    ).fetchall()
    return frozenset(str(r[0]) for r in found)


def use_catalog(
    names: frozenset[str],
    *,
    sources: dict[str, Row] | None = None,
    sealed: frozenset[tuple[str, str]] | None = None,
) -> None:
    """Answer ``exists`` from ``names`` in the current context (thread or task), and read
    sources and sealed records from what is given rather than the store."""
    _known.set(Known(names, sources, sealed))


def exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    known = _known.get()
    return name in (known.names if known is not None else catalog(con))


def rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> list[Row]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def entity_join(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(extra FROM clause, entity id expression): a record is its own entity until linked,
    written as ``source_id/person_id`` exactly as the graph stage writes it."""
    if exists(con, "person_entities"):
        return (
            " LEFT JOIN (SELECT source_id, person_id, entity_id FROM person_entities"
            " WHERE run_id = (SELECT max(run_id) FROM person_entities)) pe"
            " ON pe.source_id = p.source_id AND pe.person_id = p.person_id",
            "coalesce(pe.entity_id, p.source_id || '/' || p.person_id)",
        )
    return "", "p.source_id || '/' || p.person_id"


# ---------------------------------------------------------------- dashboard


def dashboard(con: duckdb.DuckDBPyConnection, area: str | None) -> Row:
    """Aggregate figures for one area, or every area when ``area`` is None."""
    if not exists(con, "sources"):
        return {"ready": False}
    where, params = ("WHERE s.area = ?", [area]) if area else ("", [])
    figures: Row = {"ready": True, "area": area}
    figures["sources"] = rows(
        con,
        f"SELECT s.area, s.agency_type, count(*) AS n FROM sources s {where}"
        " GROUP BY ALL ORDER BY 1, 2",
        params,
    )
    for table in ("persons", "events"):
        figures[table] = rows(
            con,
            f"SELECT s.area, count(*) AS n FROM current_{table} t JOIN sources s USING (source_id)"
            f" {where} GROUP BY ALL ORDER BY 1",
            params,
        )
    figures["cse_events_by_year"] = rows(
        con,
        "SELECT year(coalesce(e.occurred_date, e.reported_date)) AS year, count(*) AS n"
        f" FROM current_events e JOIN sources s USING (source_id) {where}"
        f" {'AND' if where else 'WHERE'} e.cse_flag IS NOT NULL AND lower(e.cse_flag::VARCHAR)"
        " IN ('true', 'yes', 'y', '1', 'confirmed', 'suspected')"
        " GROUP BY ALL HAVING year IS NOT NULL ORDER BY 1",
        params,
    )
    # Monitoring only: counts per category, in the category's own order.
    figures["ethnicity"] = rows(
        con,
        # Empty stays empty: not recorded, which the standard keeps apart from NS (not
        # stated); the page shows each code in words (``labels``).
        "SELECT p.ethnicity_self_defined AS category, count(*) AS n"
        f" FROM current_persons p JOIN sources s USING (source_id) {where}"
        " GROUP BY ALL ORDER BY category NULLS LAST",
        params,
    )
    if all(exists(con, t) for t in ("networks", "network_members", "network_victims")):
        net_where = "WHERE list_contains(areas, ?)" if area else ""
        figures["networks"] = rows(
            con,
            # People once each: a man in two networks (overlapping groups, or one in each
            # force area) is one member, a child of both one victim.
            "WITH n AS (SELECT network_id, areas, partner_only FROM networks"
            f" {net_where})"
            " SELECT (SELECT count(*) FROM n) AS n,"
            " (SELECT count(DISTINCT m.entity_id) FROM network_members m"
            "  JOIN n USING (network_id)) AS members,"
            " (SELECT count(DISTINCT v.entity_id) FROM network_victims v"
            "  JOIN n USING (network_id)) AS victims,"
            " (SELECT count(*) FROM n WHERE len(areas) > 1) AS cross_area,"
            # Found only through partners' records: the partner-data gap, per area.
            " (SELECT count(*) FROM n WHERE partner_only) AS partner_only",
            [area] if area else [],
        )[0]
    else:
        figures["networks"] = None
    return figures


def sealed_expr(con: duckdb.DuckDBPyConnection) -> str:
    if not exists(con, "sealed_records"):
        return "false"
    return (
        "EXISTS (SELECT 1 FROM sealed_records sr WHERE sr.source_id = p.source_id"
        " AND sr.person_id = p.person_id)"
    )


# ---------------------------------------------------------------- entity


@dataclass
class EntityView:
    entity_id: str
    records: list[Row]
    hidden_records: int
    sealed: bool
    events: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    linkage_note: str | None = None
    networks: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)


def _any_key(a: str, b: str, keys: Sequence[tuple[str, str]]) -> tuple[str, list[object]]:
    """``(a = ? AND b = ?) OR ...``: plain comparisons let DuckDB skip row groups by their
    min/max, which a join or list lookup over a million rows cannot."""
    sql = " OR ".join(f"({a} = ? AND {b} = ?)" for _ in keys)
    return f"({sql})", [v for pair in keys for v in pair]


def _key_match(
    con: duckdb.DuckDBPyConnection,
    served: str,
    alias: str,
    b: str,
    keys: Sequence[tuple[str, str]],
) -> tuple[str, list[object]]:
    """Rows of ``alias`` whose (source_id, ``b``) is one of ``keys``: on a serving copy an
    ``IN`` list on its indexed ``k`` column (``source_id/b``), an index lookup of well under
    a millisecond; on the plain views, comparisons DuckDB can prune row groups by."""
    if exists(con, served):
        marks = ", ".join("?" for _ in keys)
        return f"{alias}.k IN ({marks})", [f"{x}/{y}" for x, y in keys]
    return _any_key(f"{alias}.source_id", f"{alias}.{b}", keys)


def _values(keys: Sequence[tuple[str, str]]) -> tuple[str, list[object]]:
    """A VALUES list for a small set of key pairs: joined, it lets DuckDB hash-join instead
    of evaluating a list lookup on every row of a large table."""
    marks = ", ".join("(?, ?)" for _ in keys)
    return f"(VALUES {marks})", [v for pair in keys for v in pair]


def _persons(con: duckdb.DuckDBPyConnection) -> str:
    """The sorted serving copy when built (see ``serving``), else the view."""
    return "web_persons" if exists(con, "web_persons") else "current_persons"


def _involvements(con: duckdb.DuckDBPyConnection) -> str:
    return "web_involvements" if exists(con, "web_involvements") else "current_involvements"


def record_keys(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[tuple[str, str]]:
    """(source_id, person_id) of an entity's records in the latest linkage run; an unlinked
    record is its own entity, ``source_id/person_id``. (Pages on a serving copy look the
    records up by entity in one step instead: ``entity_records``.)"""
    linked = exists(con, "person_entities")
    keys: list[tuple[str, str]] = []
    if linked:
        sql = (
            "SELECT source_id, person_id FROM person_entities WHERE entity_id = ?"
            " AND run_id = (SELECT max(run_id) FROM person_entities) LIMIT 500"
        )
        keys = [(str(a), str(b)) for a, b in con.execute(sql, [entity_id]).fetchall()]
    if not keys and "/" in entity_id:
        source_id, person_id = entity_id.split("/", 1)
        sql = (
            "SELECT 1 FROM person_entities WHERE source_id = ? AND person_id = ?"
            " AND run_id = (SELECT max(run_id) FROM person_entities) LIMIT 1"
        )
        # A linked record is reached through its entity, never on its own.
        if not (linked and con.execute(sql, [source_id, person_id]).fetchall()):
            keys = [(source_id, person_id)]
    return keys


def read_sources(con: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    """The sources table (a few dozen rows), by id."""
    return {
        str(r["source_id"]): r
        for r in rows(con, "SELECT source_id, area, agency_type, organisation FROM sources")
    }


def _sources(con: duckdb.DuckDBPyConnection) -> dict[str, Row]:
    """Sources by id, as the caller knows them or read now. Record lookups join them in
    Python: a join in SQL stops DuckDB using the serving copies' key index."""
    known = _known.get()
    if known is not None and known.sources is not None:
        return known.sources
    return read_sources(con)


def _sealed_keys(
    con: duckdb.DuckDBPyConnection, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    if not keys or not exists(con, "sealed_records"):
        return set()
    known = _known.get()
    if known is not None and known.sealed is not None:
        sealed: frozenset[tuple[str, str]] = known.sealed
    else:
        found = con.execute("SELECT source_id, person_id FROM sealed_records").fetchall()
        sealed = frozenset((str(a), str(b)) for a, b in found)
    return set(sealed & set(keys))


PERSON_COLUMNS = (
    "p.source_id, p.person_id, p.forenames, p.surname, p.aliases, p.date_of_birth, p.sex,"
    " p.ethnicity_self_defined, p.ethnicity_officer_defined, p.nationality, p.postcode,"
    " p.address, p.phones, p.emails, p.nhs_number"
)


def _served_entity_records(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[Row] | None:
    """On a linked store's serving copy, one lookup through its entity index: the entity's
    records, or the record ``source_id/person_id`` names when linkage placed it in no
    entity (a placed record is reached only through its entity). None off the copy."""
    if not (exists(con, "person_entities") and exists(con, "web_persons")):
        return None
    found = rows(
        con,
        f"SELECT {PERSON_COLUMNS} FROM web_persons p WHERE p.entity_id = ? LIMIT 500",
        [entity_id],
    )
    if found or "/" not in entity_id:
        return found
    return rows(
        con,
        f"SELECT {PERSON_COLUMNS} FROM web_persons p WHERE p.k = ? AND p.entity_id IS NULL",
        [entity_id],
    )


def entity_records(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[Row]:
    """Every current record of an entity, with its source's area (unfiltered: callers filter)."""
    found = _served_entity_records(con, entity_id)
    if found is None:
        keys = record_keys(con, entity_id)
        if not keys:
            return []
        where, params = _key_match(con, "web_persons", "p", "person_id", keys)
        found = rows(con, f"SELECT {PERSON_COLUMNS} FROM {_persons(con)} p WHERE {where}", params)
    sources = _sources(con)
    sealed = _sealed_keys(con, [(str(r["source_id"]), str(r["person_id"])) for r in found])
    records: list[Row] = []
    for r in found:
        source = sources.get(str(r["source_id"]))
        if source is None:
            continue
        records.append(
            {
                "source_id": r["source_id"],
                "person_id": r["person_id"],
                "area": source["area"],
                "agency_type": source["agency_type"],
                "organisation": source["organisation"],
                **{k: v for k, v in r.items() if k not in ("source_id", "person_id")},
                "sealed": (str(r["source_id"]), str(r["person_id"])) in sealed,
            }
        )
    records.sort(key=lambda r: (str(r["agency_type"]), str(r["source_id"]), str(r["person_id"])))
    return records


def entity_view(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    entity_id: str,
    *,
    unsealed: bool,
    explain: Explainer | None = None,
    networks_of: NetworksOf | None = None,
) -> EntityView | None:
    """The entity as ``principal`` may see it, or None when no record of it is visible.

    A sealed entity shows nothing but the fact it is sealed until ``unsealed``.
    """
    if not exists(con, "current_persons"):
        return None
    records = entity_records(con, entity_id)
    visible = [
        r
        for r in records
        if visibility(principal, source_id=r["source_id"], area=r["area"]) == "identified"
    ]
    if not visible:
        return None
    view = EntityView(
        entity_id=entity_id,
        records=visible,
        hidden_records=len(records) - len(visible),
        sealed=any(r["sealed"] for r in visible),
    )
    if view.sealed and not unsealed:
        view.records = []
        return view
    keys = [(r["source_id"], r["person_id"]) for r in visible]
    view.events = _timeline(con, keys)
    view.links, view.linkage_note = _explanation(con, entity_id, visible, explain)
    view.networks = (networks_of or entity_networks)(con, entity_id)
    view.findings = _findings(con, [(e["source_id"], e["event_id"]) for e in view.events])
    return view


def _timeline(con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]]) -> list[Row]:
    if not exists(con, "current_involvements"):
        return []
    served = exists(con, "web_events") and exists(con, "web_involvements")
    where, params = _key_match(con, "web_involvements", "i", "person_id", keys)
    involvements = rows(
        con,
        # Sorted here, not in SQL: an ORDER BY stops DuckDB using the key index.
        f"SELECT i.source_id, i.event_id, i.role FROM {_involvements(con)} i WHERE {where}"
        f" LIMIT {TIMELINE_LIMIT * 4}",
        params,
    )
    involvements.sort(key=lambda r: (str(r["source_id"]), str(r["event_id"])))
    involvements = involvements[:TIMELINE_LIMIT]
    if not involvements:
        return []
    # Two steps, each a sorted-key lookup, rather than a join that scans every event.
    event_keys = sorted({(str(r["source_id"]), str(r["event_id"])) for r in involvements})
    roles: dict[tuple[str, str], list[str]] = {}
    for r in involvements:
        roles.setdefault((str(r["source_id"]), str(r["event_id"])), []).append(str(r["role"]))
    where, params = _key_match(con, "web_events", "e", "event_id", event_keys)
    sources = _sources(con)
    events = []
    for e in rows(
        con,
        f"""
        SELECT e.source_id, e.event_id, e.event_type,
               coalesce(e.occurred_date, e.reported_date) AS date, e.reported_date,
               e.closed_date, e.offence, e.cse_flag, e.status, e.narrative
        FROM {"web_events" if served else "current_events"} e
        WHERE {where}
        """,
        params,
    ):
        source = sources.get(str(e["source_id"]))
        if source is not None:
            e["organisation"] = source["organisation"]
            e["agency_type"] = source["agency_type"]
            events.append(e)
    events.sort(
        key=lambda e: (
            e["date"] is None,
            str(e["date"] or ""),
            str(e["source_id"]),
            str(e["event_id"]),
        )
    )
    for e in events:
        e["role"] = ", ".join(sorted(set(roles.get((e["source_id"], e["event_id"]), []))))
    return events


def _explanation(
    con: duckdb.DuckDBPyConnection,
    entity_id: str,
    visible: list[Row],
    explain: Explainer | None = None,
) -> tuple[list[Row], str | None]:
    if not exists(con, "link_runs") or not exists(con, "person_entities"):
        return [], "Linkage not yet run: each record stands alone."
    try:
        from clearsight.linkage import LinkageError, explain_entity
    except ImportError:  # pragma: no cover - linkage is part of the package
        return [], "Linkage explanation unavailable."
    try:
        if explain is not None:
            explanation = explain(con, entity_id)
        else:
            explanation = explain_entity(con, entity_id, details=False)
    except LinkageError as exc:
        return [], str(exc)
    keys = {f"{r['source_id']}/{r['person_id']}" for r in visible}
    keys |= {
        str(r.get("record_key"))
        for r in explanation.records
        if (r.get("source_id"), r.get("person_id"))
        in {(v["source_id"], v["person_id"]) for v in visible}
    }
    links: list[Row] = []
    for link in explanation.links:
        # A link to a record the user may not see would reveal that record's details.
        if link.record_key_l in keys and link.record_key_r in keys:
            links.append(
                {
                    "left": link.record_key_l,
                    "right": link.record_key_r,
                    "match_weight": link.match_weight,
                    "match_probability": link.match_probability,
                    "linked": link.linked,
                    "decision": link.decision,
                    "steps": [
                        {
                            "comparison": s.comparison,
                            "level": s.level,
                            "weight": s.match_weight + s.tf_adjustment,
                        }
                        for s in link.steps
                    ],
                }
            )
    for joined in explanation.context:
        if joined.record_key in keys and joined.anchor_key in keys:
            links.append(
                {
                    "left": joined.record_key,
                    "right": joined.anchor_key,
                    "context": joined.reason,
                    "name": joined.name,
                    "events": joined.events,
                    "places": joined.places,
                }
            )
    return links, None


# Members, and the children a network offended against (role ``victim``): the network
# page draws both, so the person page says both.
ENTITY_NETWORKS_SQL = (
    "SELECT m.entity_id, n.network_id, n.size, n.n_victims, m.role, m.key_person_rank,"
    " m.police_confirmed"
    " FROM (SELECT network_id, entity_id, role, key_person_rank, police_confirmed"
    " FROM network_members"
    " UNION ALL SELECT network_id, entity_id, 'victim', NULL, NULL FROM network_victims) m"
    " JOIN networks n USING (network_id)"
)


def entity_networks(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[Row]:
    """The networks an entity is a member of, with its role in each, by network id."""
    if not all(exists(con, t) for t in ("network_members", "network_victims", "networks")):
        return []
    found = rows(con, f"{ENTITY_NETWORKS_SQL} WHERE m.entity_id = ?", [entity_id])
    for r in found:
        del r["entity_id"]
    return sorted(found, key=lambda r: str(r["network_id"]))


def _findings(con: duckdb.DuckDBPyConnection, events: list[tuple[str, str]]) -> list[Row]:
    if not events or not exists(con, "language_findings"):
        return []
    values, params = _values(events)
    # A store checked before findings had an origin: all of its findings are the rules'.
    has_origin = bool(
        con.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'language_findings' AND column_name = 'origin'"
        ).fetchone()[0]  # type: ignore[index]
    )
    origin = "coalesce(f.origin, 'rule')" if has_origin else "'rule'"
    return rows(
        con,
        "SELECT f.source_id, f.event_id, f.rule_id, f.severity, f.matched, f.suggestions,"
        f" f.reason, {origin} AS origin FROM {values} k(sid, eid)"
        " JOIN language_findings f ON f.source_id = k.sid AND f.event_id = k.eid"
        ' ORDER BY f.source_id, f.event_id, f.line, f."column"',
        params,
    )
