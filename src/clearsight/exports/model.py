"""The graph every export format is written from: nodes and edges with string attributes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


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
    # A person-person link type; uses / owns / person record (person-object);
    # resides_at / employed_at / frequents / offended_at (person-place); involved_in
    # (person-event, the role as label).
    kind: str
    label: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Subgraph:
    network_id: str
    attributes: dict[str, str]
    nodes: list[Node]
    edges: list[Edge]

    def restricted(
        self, node_ids: Iterable[str], edge_ids: Iterable[str] | None = None
    ) -> Subgraph:
        """The part of this graph a chart shows: the nodes named, and the edges named (or
        every edge) between them. An edge never points at a node left out."""
        keep = set(node_ids)
        wanted = None if edge_ids is None else set(edge_ids)
        return Subgraph(
            self.network_id,
            dict(self.attributes),
            [n for n in self.nodes if n.id in keep],
            [
                e
                for e in self.edges
                if e.source in keep and e.target in keep and (wanted is None or e.id in wanted)
            ],
        )


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
