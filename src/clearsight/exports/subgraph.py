"""One network as a small graph: its people, children, objects and places, and the links
between them with evidence. The writers for each analyst format take this, nothing else."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb


class ExportError(ValueError):
    """The network or format asked for does not exist."""


@dataclass
class Node:
    id: str
    kind: str  # person, child, phone, vehicle, email, online_account, location, event
    label: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Edge:
    id: str
    source: str
    target: str
    # A person-person link type, or uses / resides_at / employed_at / frequents /
    # offended_at (person-place), or involved_in (person-event, the role as label).
    kind: str
    label: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Subgraph:
    network_id: str
    attributes: dict[str, str]
    nodes: list[Node]
    edges: list[Edge]


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


def load_subgraph(con: duckdb.DuckDBPyConnection, network_id: str) -> Subgraph:
    head = con.execute(
        "SELECT n.*, s.iicsa_status, s.home_office_status, s.cocad_category "
        "FROM networks n LEFT JOIN network_status s USING (network_id) WHERE network_id = ?",
        [network_id],
    )
    columns = [d[0] for d in head.description]
    rows = head.fetchall()
    if not rows:
        raise ExportError(f"no network {network_id!r}; see 'clearsight network list'")
    attributes = {c: _s(v) for c, v in zip(columns, rows[0], strict=True)}
    nodes: dict[str, Node] = {}
    for (
        entity_id,
        label,
        role,
        degree,
        betweenness,
        brokerage,
        rank,
        unidentified,
        confirmed,
    ) in con.execute(
        "SELECT m.entity_id, e.label, m.role, m.degree, m.betweenness, m.brokerage, "
        "m.key_person_rank, m.unidentified, m.police_confirmed FROM network_members m "
        "JOIN graph_entities e USING (entity_id) WHERE network_id = ? ORDER BY key_person_rank",
        [network_id],
    ).fetchall():
        nodes[entity_id] = Node(
            entity_id,
            "person",
            label,
            {
                "role": role,
                "degree": _s(degree),
                "betweenness": _s(betweenness),
                "brokerage": _s(brokerage),
                "key_person_rank": _s(rank),
                "unidentified": _s(unidentified).lower(),
                # Partner intelligence is never presented as a police suspect.
                "basis": "police-confirmed"
                if confirmed
                else "partner intelligence, not police-confirmed",
            },
        )
    for entity_id, label, n_events in con.execute(
        "SELECT v.entity_id, e.label, v.n_events FROM network_victims v "
        "JOIN graph_entities e USING (entity_id) WHERE network_id = ? ORDER BY entity_id",
        [network_id],
    ).fetchall():
        nodes[entity_id] = Node(
            entity_id, "child", label, {"role": "victim", "events": _s(n_events)}
        )
    edges: list[Edge] = []
    for a, b, link_type, n, sources, first, last, police, evidence in con.execute(
        "SELECT entity_a, entity_b, link_type, n_evidence, sources, first_date, last_date, "
        "police_evidence, evidence FROM network_links WHERE network_id = ? "
        "ORDER BY entity_a, entity_b, link_type",
        [network_id],
    ).fetchall():
        edges.append(
            Edge(
                f"e{len(edges)}",
                a,
                b,
                link_type,
                link_type.replace("_", " "),
                {
                    "n_evidence": _s(n),
                    "sources": _s(sources),
                    "first_date": _s(first),
                    "last_date": _s(last),
                    "police_evidence": _s(police).lower(),
                    "evidence": _s(evidence),
                },
            )
        )
    for object_key, object_type, value, entity_id, via, source in con.execute(
        "SELECT DISTINCT o.object_key, o.object_type, o.value, po.entity_id, po.via, po.source_id "
        "FROM network_objects o JOIN graph_person_objects po USING (object_key) "
        "JOIN network_members m ON m.entity_id = po.entity_id AND m.network_id = o.network_id "
        "WHERE o.network_id = ? ORDER BY 1, 4, 5, 6",
        [network_id],
    ).fetchall():
        nodes.setdefault(object_key, Node(object_key, object_type, value))
        edges.append(
            Edge(f"e{len(edges)}", entity_id, object_key, "uses", via, {"sources": _s([source])})
        )
    for location_key, name, postcode, location_type, uses in con.execute(
        "SELECT location_key, name, postcode, location_type, uses FROM network_locations "
        "WHERE network_id = ? ORDER BY location_key",
        [network_id],
    ).fetchall():
        nodes[location_key] = Node(
            location_key,
            "location",
            name or postcode or location_key,
            {"postcode": _s(postcode), "location_type": _s(location_type), "uses": _s(uses)},
        )
    # A person who both frequents (lives at, works at) a place and offended there keeps
    # both links.
    for entity_id, location_key, how in con.execute(
        """
        SELECT DISTINCT m.entity_id, l.location_key, pl.via
        FROM network_members m JOIN network_locations l USING (network_id)
        JOIN graph_person_locations pl
             ON pl.entity_id = m.entity_id AND pl.location_key = l.location_key
        WHERE m.network_id = ?
        UNION
        SELECT DISTINCT m.entity_id, l.location_key, 'offended_at'
        FROM network_members m JOIN network_locations l USING (network_id)
        JOIN graph_involvements i ON i.entity_id = m.entity_id
        JOIN graph_events e ON e.event_key = i.event_key
             AND e.location_key = l.location_key AND e.relevant
        WHERE m.network_id = ? AND i.role IN ('suspect', 'offender', 'facilitator', 'associate')
        ORDER BY 1, 2, 3
        """,
        [network_id, network_id],
    ).fetchall():
        edges.append(Edge(f"e{len(edges)}", entity_id, location_key, how, how.replace("_", " ")))
    _child_events(con, network_id, nodes, edges)
    return Subgraph(network_id, attributes, list(nodes.values()), edges)


def _child_events(
    con: duckdb.DuckDBPyConnection, network_id: str, nodes: dict[str, Node], edges: list[Edge]
) -> None:
    """Each child offended against, linked to the events that involve her and a member,
    and each such event to the members in it: no child is an isolated node."""
    for event_key, event_type, date, offence, source, entity_id, role in con.execute(
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
               i.entity_id, i.role
        FROM ev JOIN graph_events e USING (event_key)
        JOIN graph_involvements i USING (event_key)
        WHERE i.entity_id IN (SELECT entity_id FROM people)
        ORDER BY 1, 6, 7
        """,
        [network_id],
    ).fetchall():
        if entity_id not in nodes:
            continue
        label = f"{event_type} {date or ''}".strip()
        nodes.setdefault(
            event_key,
            Node(
                event_key,
                "event",
                label,
                {
                    "event_type": _s(event_type),
                    "date": _s(date),
                    "offence": _s(offence),
                    "source": _s(source),
                },
            ),
        )
        edges.append(
            Edge(f"e{len(edges)}", entity_id, event_key, "involved_in", role, {"role": role})
        )
