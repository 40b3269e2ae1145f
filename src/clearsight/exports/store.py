"""The whole store as one graph: every network the viewer may see, with its evidence.

A person, phone or place in several networks is one node (an analyst wants to see the
overlap), carrying every network it is in (``network_id``, ``; ``-separated); where a
network-specific attribute (role, rank, degree) differs between them, each network's
value is kept, prefixed with the network. Edges stay per network, each with its own
``network_id``, so every item still says where it came from. The graph's attributes hold
each network's summary and headline statuses (``networks``, JSON)."""

from __future__ import annotations

import json

import duckdb

from clearsight.exports.model import Edge, Node, Subgraph
from clearsight.exports.subgraph import load_subgraph
from clearsight.exports.viewer import NotVisible, Viewer, with_police
from clearsight.store.sql import table_exists

STORE_ID = "store"


def load_store(con: duckdb.DuckDBPyConnection, viewer: Viewer | None = None) -> Subgraph:
    if not table_exists(con, "networks"):
        raise ValueError("no networks in this store; run 'clearsight networks' first")
    viewer = with_police(viewer or Viewer(), con)
    found = [
        str(r[0]) for r in con.execute("SELECT network_id FROM networks ORDER BY 1").fetchall()
    ]
    nodes: dict[str, Node] = {}
    per_network: dict[str, dict[str, dict[str, str]]] = {}
    edges: list[Edge] = []
    summaries = []
    for network_id in found:
        try:
            graph = load_subgraph(con, network_id, viewer)
        except NotVisible:
            continue
        summaries.append(graph.attributes)
        for node in graph.nodes:
            nodes.setdefault(node.id, Node(node.id, node.kind, node.label))
            per_network.setdefault(node.id, {})[network_id] = node.attributes
        for edge in graph.edges:
            edges.append(
                Edge(f"e{len(edges)}", edge.source, edge.target, edge.kind, edge.label,
                     dict(edge.attributes))
            )  # fmt: skip
    for node_id, node in nodes.items():
        node.attributes = _merged(per_network[node_id])
    attributes = {
        "network_id": STORE_ID,
        "n_networks": str(len(summaries)),
        "networks": json.dumps(summaries, sort_keys=True),
    }
    return Subgraph(STORE_ID, attributes, list(nodes.values()), edges)


def _merged(by_network: dict[str, dict[str, str]]) -> dict[str, str]:
    merged = {"network_id": "; ".join(sorted(by_network))}
    names = sorted({n for attrs in by_network.values() for n in attrs} - {"network_id"})
    for name in names:
        values = {net: attrs.get(name, "") for net, attrs in sorted(by_network.items())}
        if len(set(values.values())) == 1:
            merged[name] = next(iter(values.values()))
        else:
            merged[name] = "; ".join(f"{net}: {v}" for net, v in values.items() if v != "")
    return merged
