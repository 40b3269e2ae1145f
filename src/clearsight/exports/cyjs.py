"""cytoscape.js JSON (``{"elements": {"nodes": [{"data": ...}], "edges": [...]}}``), in
the form ``networkx.cytoscape_graph`` reads back too: ``directed`` and ``multigraph`` at the
top (a person can both use a phone and own it: parallel edges are kept), each node's
``value`` its id and ``name`` its label, each edge's ``key`` unique."""

from __future__ import annotations

import json

from clearsight.exports.model import Subgraph


def to_cyjs(graph: Subgraph) -> bytes:
    document = {
        "data": {**graph.attributes, "id": graph.network_id, "name": graph.network_id},
        "directed": False,
        "multigraph": True,
        "elements": {
            "nodes": [
                {
                    "data": {
                        **n.attributes,
                        "id": n.id,
                        "value": n.id,
                        "name": n.label,
                        "label": n.label,
                        "kind": n.kind,
                    }
                }
                for n in graph.nodes
            ],
            "edges": [
                {
                    "data": {
                        **e.attributes,
                        "id": e.id,
                        "key": i,
                        "source": e.source,
                        "target": e.target,
                        "kind": e.kind,
                        "label": e.label,
                    }
                }
                for i, e in enumerate(graph.edges)
            ],
        },
    }
    return json.dumps(document, indent=2, sort_keys=True).encode()
