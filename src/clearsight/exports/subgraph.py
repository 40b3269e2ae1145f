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
    kind: str  # person, child, phone, vehicle, email, online_account, location
    label: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Edge:
    id: str
    source: str
    target: str
    kind: str  # a person-person link type, or uses / resides_at / employed_at / offended_at
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
    for entity_id, label, role, degree, betweenness, brokerage, rank, unidentified in con.execute(
        "SELECT m.entity_id, e.label, m.role, m.degree, m.betweenness, m.brokerage, "
        "m.key_person_rank, m.unidentified FROM network_members m "
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
    for entity_id, location_key, how in con.execute(
        """
        SELECT DISTINCT m.entity_id, l.location_key,
               CASE WHEN pl.via IS NOT NULL THEN pl.via ELSE 'offended_at' END
        FROM network_members m JOIN network_locations l USING (network_id)
        LEFT JOIN graph_person_locations pl
               ON pl.entity_id = m.entity_id AND pl.location_key = l.location_key
        LEFT JOIN graph_involvements i ON i.entity_id = m.entity_id
        LEFT JOIN graph_events e ON e.event_key = i.event_key
             AND e.location_key = l.location_key AND e.relevant
        WHERE m.network_id = ? AND (pl.via IS NOT NULL OR e.event_key IS NOT NULL)
        ORDER BY 1, 2, 3
        """,
        [network_id],
    ).fetchall():
        edges.append(Edge(f"e{len(edges)}", entity_id, location_key, how, how.replace("_", " ")))
    return Subgraph(network_id, attributes, list(nodes.values()), edges)
