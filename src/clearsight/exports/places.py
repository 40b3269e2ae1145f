"""What ties a network's people together besides each other: the phones, vehicles, emails
and accounts they use, the places they live, work, frequent and offend at, and the events
that involve a child and a member. Each is in clear only as far as the viewer may see the
records it was recorded in (``viewer.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from clearsight.exports.clock import clock_time
from clearsight.exports.model import Edge, Node, text
from clearsight.exports.viewer import Viewer
from clearsight.store.sql import table_exists

# Roles on the offending side of an event (graph/settings: offending roles): a member in
# one of these roles at an event at a place offended there.
OFFENDING_ROLES = ("suspect", "offender", "facilitator", "associate")
# Tables of the graph stage each part is read from: a store from before a stage wrote
# them exports without that part, as the network page shows it.
PLACE_TABLES = (
    "network_objects",
    "graph_person_objects",
    "network_locations",
    "graph_person_locations",
    "graph_involvements",
    "graph_events",
)
EVENT_TABLES = ("network_victims", "graph_involvements", "graph_events")


@dataclass
class Chart:
    """A network's chart as it is built: whose view it is, its nodes and edges, and the
    node of each person already on it (``ids``: entity id to node id)."""

    network_id: str
    viewer: Viewer
    ids: dict[str, str]
    nodes: dict[str, Node]
    edges: list[Edge]


def attach_places(con: duckdb.DuckDBPyConnection, chart: Chart) -> None:
    """Objects and places of the network, one edge per person, thing and way recorded
    (a person who both frequents a place and offended there keeps both links)."""
    network_id, viewer, nodes = chart.network_id, chart.viewer, chart.nodes
    if not all(table_exists(con, t) for t in PLACE_TABLES):
        return
    uses = con.execute(
        """
        SELECT o.object_key, o.object_type, o.value, po.entity_id, po.via,
               list(DISTINCT po.source_id ORDER BY po.source_id)
        FROM network_objects o JOIN graph_person_objects po USING (object_key)
        JOIN network_members m ON m.entity_id = po.entity_id AND m.network_id = o.network_id
        WHERE o.network_id = ? GROUP BY ALL ORDER BY 1, 4, 5
        """,
        [network_id],
    ).fetchall()
    holders: dict[str, set[str]] = {}
    for key, _t, _v, _e, _via, sources in uses:
        holders.setdefault(str(key), set()).update(str(s) for s in sources)
    for key, object_type, value, entity_id, via, sources in uses:
        node_id = _thing(chart, "object", str(key), str(object_type), holders[str(key)])
        if node_id == str(key):
            nodes[node_id].label = text(value)
        else:
            nodes[node_id].label = f"{object_type}: {node_id}"
        _edge(chart, entity_id, node_id, ("uses", str(via)), sources)
    seen = con.execute(
        """
        SELECT DISTINCT m.entity_id, l.location_key, pl.via, pl.source_id
        FROM network_members m JOIN network_locations l USING (network_id)
        JOIN graph_person_locations pl
             ON pl.entity_id = m.entity_id AND pl.location_key = l.location_key
        WHERE m.network_id = $1
        UNION
        SELECT DISTINCT m.entity_id, l.location_key, 'offended_at', e.source_id
        FROM network_members m JOIN network_locations l USING (network_id)
        JOIN graph_involvements i ON i.entity_id = m.entity_id
        JOIN graph_events e ON e.event_key = i.event_key
             AND e.location_key = l.location_key AND e.relevant
        WHERE m.network_id = $1 AND list_contains($2, i.role)
        """,
        [network_id, list(OFFENDING_ROLES)],
    ).fetchall()
    ways: dict[tuple[str, str, str], set[str]] = {}
    places: dict[str, set[str]] = {}
    for entity_id, key, how, source in seen:
        ways.setdefault((str(entity_id), str(key), str(how)), set()).add(str(source))
        places.setdefault(str(key), set()).add(str(source))
    for key, name, postcode, location_type, n_uses in con.execute(
        "SELECT location_key, name, postcode, location_type, uses FROM network_locations "
        "WHERE network_id = ? ORDER BY location_key",
        [network_id],
    ).fetchall():
        kind = str(location_type or "location")
        place = places.get(str(key), set())
        node_id = _thing(chart, "location", str(key), "location", place)
        node = nodes[node_id]
        node.attributes |= {"location_type": kind, "uses": text(n_uses)}
        if _clear(viewer, place):
            node.label = str(name or postcode or key)
            node.attributes |= {"name": text(name), "postcode": text(postcode)}
        else:
            node.label = f"{kind}: {node_id}"
    for (entity_id, key, how), sources in sorted(ways.items()):
        node_id = key if _clear(viewer, places[key]) else viewer.alias("location", key)
        if node_id in nodes:
            _edge(chart, entity_id, node_id, (how, how), sorted(sources))


def _clear(viewer: Viewer, sources: set[str]) -> bool:
    """A value is the viewer's to see when recorded in a record they may identify."""
    return any(viewer.identifies(s) for s in sources)


def _thing(chart: Chart, kind: str, key: str, node_kind: str, holders: set[str]) -> str:
    viewer = chart.viewer
    node_id = key if _clear(viewer, holders) else viewer.alias(kind, key)
    chart.nodes.setdefault(node_id, Node(node_id, node_kind, node_id))
    return node_id


def _edge(
    chart: Chart,
    entity_id: object,
    node_id: str,
    kind_and_label: tuple[str, str],
    sources: list[str],
) -> None:
    kind, how = kind_and_label
    viewer, ids, edges = chart.viewer, chart.ids, chart.edges
    if str(entity_id) not in ids:
        return
    shown = [str(s) for s in sources] if viewer.identifies_all(sources) else []
    attributes = {"police": text(any(str(s) in viewer.police for s in sources))}
    if shown:
        attributes["sources"] = "; ".join(shown)
    edges.append(
        Edge(
            f"e{len(edges)}",
            ids[str(entity_id)],
            node_id,
            kind,
            how.replace("_", " "),
            attributes,
        )
    )


def attach_events(con: duckdb.DuckDBPyConnection, chart: Chart) -> None:
    """Each child offended against, linked to the events that involve her and a member,
    and each such event to the members in it: no child is an isolated node. An event of
    a source the viewer may not identify is a pseudonym without date or offence. An event
    whose occurred date was recorded with a time carries it (``time``, HH:MM)."""
    network_id, viewer, ids, nodes, edges = (
        chart.network_id,
        chart.viewer,
        chart.ids,
        chart.nodes,
        chart.edges,
    )
    if not all(table_exists(con, t) for t in EVENT_TABLES):
        return
    for event_key, event_type, date, offence, source, entity_id, role, raw in con.execute(
        """
        WITH people AS (
            SELECT entity_id FROM network_members WHERE network_id = $1
            UNION SELECT entity_id FROM network_victims WHERE network_id = $1
        ),
        ev AS (
            SELECT DISTINCT c.event_key FROM network_victims v
            JOIN graph_involvements c ON c.entity_id = v.entity_id AND c.is_child
            JOIN graph_involvements o ON o.event_key = c.event_key
            JOIN network_members m ON m.entity_id = o.entity_id AND m.network_id = $1
            WHERE v.network_id = $1
        )
        SELECT DISTINCT e.event_key, e.event_type, e.event_date, e.offence, e.source_id,
               i.entity_id, i.role, ce.occurred_date_raw
        FROM ev JOIN graph_events e USING (event_key)
        JOIN graph_involvements i USING (event_key)
        LEFT JOIN current_events ce ON ce.source_id = e.source_id AND ce.event_id = e.event_id
        WHERE i.entity_id IN (SELECT entity_id FROM people)
        ORDER BY 1, 6, 7
        """,
        [network_id],
    ).fetchall():
        if str(entity_id) not in ids:
            continue
        shown = viewer.identifies(str(source))
        node_id = str(event_key) if shown else viewer.alias("record", str(event_key))
        if node_id not in nodes:
            attributes = {"event_type": text(event_type)}
            if shown:
                attributes |= {"date": text(date), "offence": text(offence), "source": text(source)}
                attributes |= {"time": at} if (at := clock_time(raw)) else {}
            label = f"{event_type} {date or ''}".strip() if shown else f"event: {node_id}"
            nodes[node_id] = Node(node_id, "event", label, attributes)
        attributes = {"role": text(role), "police": text(str(source) in viewer.police)}
        if shown:
            attributes["date"] = text(date)
        edges.append(
            Edge(
                f"e{len(edges)}", ids[str(entity_id)], node_id, "involved_in", str(role), attributes
            )
        )
