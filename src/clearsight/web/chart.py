"""The link chart of one network as a viewer may see it: people, children, events, phones,
vehicles and places as typed items, and links carrying their type, strength and dates.

Built on ``network_view.network_view`` (who the viewer may identify, the pseudonyms of
everyone else, objects and places held outside their scope), then joined to what the
chart adds: each person-to-person link's strength and dates (``network_links``), the
exploitation-context events the network's adults and children were recorded in
(``graph_events``), and a summary link from each child to each adult they were recorded
with, so a child is never an unconnected circle.

A chart opens on its people (members and children); events, phones, vehicles and places
come in as the analyst expands a node (``neighbours``), as in i2 Analyst's Notebook.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.access import Principal, Pseudonymiser, visibility
from clearsight.graph.settings import CHILD_ROLES, OFFENDING_ROLES
from clearsight.store.sql import sql_in
from clearsight.web.network_view import NetworkView
from clearsight.web.queries import Row, exists, rows
from clearsight.web.serving import GRAPH_EVENTS, GRAPH_INVOLVEMENTS

# The item types of the chart and the legend, in the order the legend lists them. An
# ``object_type`` the graph stage knows maps to its own item type (see ``_kind``).
KINDS: tuple[tuple[str, str], ...] = (
    ("person", "Person (adult, offending side)"),
    ("child", "Child"),
    ("event", "Event (exploitation context)"),
    ("place", "Place"),
    ("phone", "Phone"),
    ("vehicle", "Vehicle"),
    ("email", "Email address"),
    ("online_account", "Online account"),
)
# Link types the chart adds to the graph stage's person-to-person ones.
CHILD_LINK = "with_child_at_event"
INVOLVED = "involved_in"
OCCURRED_AT = "occurred_at"
CORE_KINDS = frozenset({"person", "child"})


@dataclass(frozen=True)
class ChartGraph:
    """Every item the viewer may see on one network's chart, by id."""

    network_id: str
    summary: Row
    nodes: dict[str, Row]
    edges: dict[str, Row]
    pseudonymised: int

    def core(self) -> list[str]:
        """The items a chart opens on: the network's people and children."""
        return [i for i, n in self.nodes.items() if n["kind"] in CORE_KINDS]

    def incident(self, node_ids: set[str]) -> list[Row]:
        return [
            e for e in self.edges.values() if e["source"] in node_ids or e["target"] in node_ids
        ]


def _kind(node: Row) -> str:
    kind = str(node["kind"])
    if kind == "victim":
        return "child"
    if kind == "object":
        return str(node.get("object_type") or "object")
    if kind == "location":
        return "place"
    return kind


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _short(text: str, limit: int = 44) -> str:
    """An offence title cut at a word for a chart label (the full title is on the record)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,(") + "…"


def _label(link_type: str, count: int, first: str | None, last: str | None) -> str:
    """The text on a link: what it is, how many items of evidence, when (i2's link label)."""
    text = link_type.replace("_", " ")
    if count > 1:
        text += f" ×{count}"
    if first and last and first != last:
        text += f"\n{first} – {last}"
    elif first or last:
        text += f"\n{first or last}"
    return text


@dataclass(frozen=True)
class ChartRows:
    """What the chart reads beyond the network's serving document, for every viewer:
    its person-to-person links with strength and dates, and its events."""

    links: list[Row]
    events: list[Row]


def read_rows(con: duckdb.DuckDBPyConnection, view: NetworkView) -> ChartRows:
    return ChartRows(_link_rows(con, view.network_id), _event_rows(con, view))


class RowsCache:
    """``ChartRows`` of recently charted networks: the tables they come from cannot change
    while the app holds the store (as for ``serving.NetworkCache``), and a chart asks for
    them again at each expansion."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[str, ChartRows] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, con: duckdb.DuckDBPyConnection, view: NetworkView) -> ChartRows:
        with self._lock:
            found = self._items.get(view.network_id)
            if found is not None:
                self._items.move_to_end(view.network_id)
                return found
        found = read_rows(con, view)
        with self._lock:
            self._items[view.network_id] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


def chart_graph(
    con: duckdb.DuckDBPyConnection,
    view: NetworkView,
    principal: Principal,
    pseudonym: Pseudonymiser,
    sources: dict[str, Row],
    found: ChartRows | None = None,
) -> ChartGraph:
    """The chart of ``view`` (already filtered for ``principal``); ``sources`` is the
    sources table by id (``queries.read_sources``), for the area of each event's source;
    ``found`` the network's ``ChartRows`` when already read."""
    found = found or read_rows(con, view)
    roles = {str(m["entity_id"]): str(m.get("role") or "") for m in view.members}
    nodes: dict[str, Row] = {}
    for n in view.nodes:
        if n["kind"] == "event":
            continue  # the chart draws its events itself, with dates and places (below)
        kind = _kind(n)
        nodes[str(n["id"])] = {
            "id": str(n["id"]),
            "label": str(n["label"]),
            "kind": kind,
            "role": "child" if kind == "child" else roles.get(str(n["id"]), ""),
            "identified": bool(n.get("identified")),
        }
    edges: dict[str, Row] = {}

    def seen(source_id: str) -> bool:
        area = str((sources.get(source_id) or {}).get("area") or "")
        return visibility(principal, source_id=source_id, area=area) == "identified"

    _person_links(found.links, view, edges, seen)
    for e in view.edges:
        if e["evidence"] in ("uses_object", "location"):
            link_type = "uses" if e["evidence"] == "uses_object" else "associated_with"
            _add(edges, str(e["source"]), str(e["target"]), link_type, 1, None, None, None)
    _events(found.events, view, pseudonym, nodes, edges, seen)
    kept = _merge_pairs(
        {k: e for k, e in edges.items() if e["source"] in nodes and e["target"] in nodes}, nodes
    )
    # How many links each item has on the whole chart: the page marks items with more
    # than it shows as expandable.
    for e in kept.values():
        for end in (e["source"], e["target"]):
            nodes[end]["degree"] = nodes[end].get("degree", 0) + 1
    return ChartGraph(
        network_id=view.network_id,
        summary=view.summary,
        nodes=nodes,
        edges=kept,
        pseudonymised=view.pseudonymised,
    )


def _add(
    edges: dict[str, Row],
    a: str,
    b: str,
    link_type: str,
    count: int,
    first: str | None,
    last: str | None,
    police: bool | None,
) -> None:
    edge_id = f"{link_type}|{a}|{b}"
    edges[edge_id] = {
        "id": edge_id,
        "source": a,
        "target": b,
        "link_type": link_type,
        "strength": count,
        # i2 grades a link's strength; here, whether police recorded any of its evidence
        # (a crime or intelligence record) or only partner agencies did, as the graph
        # stage records it (``police_evidence``). Unknown when the dates are withheld.
        "grade": None if police is None else ("police" if police else "partner"),
        "first_date": first,
        "last_date": last,
        "label": _label(link_type, count, first, last),
    }


def _merge_pairs(edges: dict[str, Row], nodes: dict[str, Row]) -> dict[str, Row]:
    """One link per pair of people, carrying each link type with its own strength and
    dates (``parts``): i2's "single link" display of multiple links. Ten people with
    three kinds of evidence between most pairs would otherwise be a knot of parallel
    lines; the parts still filter one by one and export one by one."""
    merged: dict[str, Row] = {}
    pairs: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for edge_id, e in edges.items():
        a, b = str(e["source"]), str(e["target"])
        if nodes[a]["kind"] in CORE_KINDS and nodes[b]["kind"] in CORE_KINDS:
            pairs[(min(a, b), max(a, b))].append(e)
        else:
            merged[edge_id] = e
    for (a, b), parts in pairs.items():
        parts.sort(key=lambda e: (e["link_type"] != CHILD_LINK, str(e["link_type"])))
        firsts = sorted(str(e["first_date"]) for e in parts if e["first_date"])
        lasts = sorted(str(e["last_date"]) for e in parts if e["last_date"])
        grades = {e["grade"] for e in parts if e["grade"]}
        strength = sum(int(e["strength"]) for e in parts)
        first, last = (firsts[0] if firsts else None), (lasts[-1] if lasts else None)
        kinds = "; ".join(
            str(e["link_type"]).replace("_", " ")
            + (f" ×{e['strength']}" if int(e["strength"]) > 1 else "")
            for e in parts
        )
        dates = _label("", 1, first, last).strip()
        edge_id = f"pair|{a}|{b}"
        merged[edge_id] = {
            "id": edge_id,
            "source": a,
            "target": b,
            "link_type": parts[0]["link_type"],
            "link_types": [e["link_type"] for e in parts],
            "parts": parts,
            "strength": strength,
            "grade": "police" if "police" in grades else ("partner" if grades else None),
            "first_date": first,
            "last_date": last,
            "label": kinds + (f"\n{dates}" if dates else ""),
        }
    return merged


def _link_rows(con: duckdb.DuckDBPyConnection, network_id: str) -> list[Row]:
    if not exists(con, "network_links"):
        return []
    return rows(
        con,
        "SELECT entity_a, entity_b, link_type, n_evidence, first_date, last_date,"
        " police_evidence, sources FROM network_links WHERE network_id = ?"
        " ORDER BY entity_a, entity_b, link_type",
        [network_id],
    )


def _person_links(found: list[Row], view: NetworkView, edges: dict[str, Row], seen: Any) -> None:
    """Person-to-person links with their strength (items of evidence) and dates; dates and
    grade only when the viewer may see every source the evidence came from."""
    for r in found:
        a, b = view.node_ids.get(str(r["entity_a"])), view.node_ids.get(str(r["entity_b"]))
        if a is None or b is None:
            continue
        # As the exports do (``exports/viewer.py``): a link's dates only when the viewer
        # may identify every source behind it.
        behind = [str(x) for x in r["sources"] or []]
        shown = bool(behind) and all(seen(x) for x in behind)
        _add(
            edges,
            a,
            b,
            str(r["link_type"]),
            int(r["n_evidence"] or 1),
            _iso(r["first_date"]) if shown else None,
            _iso(r["last_date"]) if shown else None,
            bool(r["police_evidence"]) if shown else None,
        )


def _event_rows(con: duckdb.DuckDBPyConnection, view: NetworkView) -> list[Row]:
    """Exploitation-context events with at least one of the network's adults in an
    offending role, and every one of the network's people and children in them."""
    if not (exists(con, "graph_involvements") and exists(con, "graph_events")):
        return []
    entities = sorted(view.node_ids)
    if not entities:
        return []
    # The serving copies when the app built them (``web.serving``): the same rows, read
    # from a few row groups and through an index instead of scanning millions of rows.
    involvements = GRAPH_INVOLVEMENTS if exists(con, GRAPH_INVOLVEMENTS) else "graph_involvements"
    events = GRAPH_EVENTS if exists(con, GRAPH_EVENTS) else "graph_events"
    # Constant ids and keys below, so DuckDB looks each up in the copies' indexes.
    people = rows(
        con,
        f"SELECT entity_id, event_key, role, is_child FROM {involvements}"
        f" WHERE entity_id IN ({sql_in(entities)})",
    )
    # Events with one of the network's adults in an offending role.
    keys = sorted(
        {str(r["event_key"]) for r in people if r["role"] in OFFENDING_ROLES and not r["is_child"]}
    )
    if not keys:
        return []
    found = {
        str(e["event_key"]): e
        for e in rows(
            con,
            "SELECT event_key, source_id, event_type, event_date, offence, police, location_key"
            f" FROM {events} WHERE relevant AND event_key IN ({sql_in(keys)})",
        )
    }
    joined = [
        {
            "entity_id": r["entity_id"],
            "role": r["role"],
            "is_child": r["is_child"],
            **found[str(r["event_key"])],
        }
        for r in people
        if str(r["event_key"]) in found
    ]
    # As ORDER BY event_date, event_key, entity_id (no date first: NULLS LAST).
    joined.sort(
        key=lambda r: (
            r["event_date"] is None,
            r["event_date"] or 0,
            str(r["event_key"]),
            str(r["entity_id"]),
        )
    )
    return joined


def _events(
    found_rows: list[Row],
    view: NetworkView,
    pseudonym: Pseudonymiser,
    nodes: dict[str, Row],
    edges: dict[str, Row],
    seen: Any,
) -> None:
    """Event items, their people and children, their places, and the child-to-adult
    summary links. An event from a source the viewer may not see is a pseudonym without
    date, type or place: it shows that the child and adult were recorded together, which
    the network's own membership already says, and nothing of when or what."""
    by_event: dict[str, list[Row]] = defaultdict(list)
    for r in found_rows:
        by_event[str(r["event_key"])].append(r)
    pairs: dict[tuple[str, str], list[tuple[str | None, bool | None]]] = defaultdict(list)
    for key, found in by_event.items():
        head = found[0]
        shown = seen(str(head["source_id"]))
        node_id = "ev:" + (key if shown else pseudonym("event", key))
        date = _iso(head["event_date"]) if shown else None
        what = str(head["offence"] or head["event_type"] or "event") if shown else ""
        nodes[node_id] = {
            "id": node_id,
            "label": f"{_short(what)}\n{date or ''}".strip() if shown else f"event {node_id[3:]}",
            "kind": "event",
            "role": str(head["event_type"] or "") if shown else "",
            "identified": shown,
            "date": date,
        }
        adults: list[str] = []
        children: list[str] = []
        police = bool(head["police"]) if shown else None
        for r in found:
            person = view.node_ids.get(str(r["entity_id"]))
            if person is None:
                continue
            is_child = bool(r["is_child"]) and str(r["role"]) in CHILD_ROLES
            (children if is_child else adults).append(person)
            _add(edges, person, node_id, str(r["role"] or INVOLVED), 1, date, date, police)
        for child in children:
            for adult in adults:
                if adult != child:
                    pairs[(child, adult)].append((date, police))
        if shown and head["location_key"] is not None:
            place = "loc:" + pseudonym("location", str(head["location_key"]))
            _add(edges, node_id, place, OCCURRED_AT, 1, date, date, bool(head["police"]))
    for (child, adult), found_dates in pairs.items():
        dates = sorted(d for d, _p in found_dates if d)
        graded = [p for _d, p in found_dates if p is not None]
        _add(
            edges,
            child,
            adult,
            CHILD_LINK,
            len(found_dates),
            dates[0] if dates else None,
            dates[-1] if dates else None,
            any(graded) if graded else None,
        )


def neighbours(graph: ChartGraph, node_id: str) -> tuple[list[Row], list[Row]]:
    """A node's neighbours and every link that touches them: the client adds the links
    whose both ends are on the chart."""
    near = {node_id}
    for e in graph.edges.values():
        if e["source"] == node_id:
            near.add(str(e["target"]))
        elif e["target"] == node_id:
            near.add(str(e["source"]))
    return [graph.nodes[i] for i in sorted(near)], graph.incident(near)


def opening(graph: ChartGraph) -> Row:
    """What the chart page loads first: its people and children and the links among
    them, the dates its slider spans, its link types and the legend's item types."""
    core = set(graph.core())
    edges = [e for e in graph.edges.values() if e["source"] in core and e["target"] in core]
    dates = sorted(
        d
        for item in (*graph.nodes.values(), *graph.edges.values())
        for d in (item.get("date"), item.get("first_date"), item.get("last_date"))
        if d
    )
    kinds = {str(n["kind"]) for n in graph.nodes.values()}
    summary = graph.summary
    return {
        "network_id": graph.network_id,
        "nodes": [graph.nodes[i] for i in sorted(core)],
        "edges": edges,
        "dates": [dates[0], dates[-1]] if dates else [],
        "link_types": sorted(
            {str(t) for e in graph.edges.values() for t in e.get("link_types") or [e["link_type"]]}
        ),
        "legend": [{"kind": k, "label": text} for k, text in KINDS if k in kinds],
        "counts": {"nodes": len(graph.nodes), "edges": len(graph.edges)},
        "summary": {
            "size": summary.get("size"),
            "n_victims": summary.get("n_victims"),
            "pseudonymised": graph.pseudonymised,
        },
    }


def subset(graph: ChartGraph, node_ids: list[str], edge_ids: list[str]) -> ChartGraph:
    """The chart's current items for an export: only ids the viewer's own chart has (a
    forged id is ignored), and only links with both ends kept."""
    nodes = {i: graph.nodes[i] for i in node_ids if i in graph.nodes}
    edges = {
        i: graph.edges[i]
        for i in edge_ids
        if i in graph.edges
        and graph.edges[i]["source"] in nodes
        and graph.edges[i]["target"] in nodes
    }
    return ChartGraph(graph.network_id, graph.summary, nodes, edges, graph.pseudonymised)
