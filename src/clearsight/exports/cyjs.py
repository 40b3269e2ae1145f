"""cytoscape.js JSON: ``{"elements": {"nodes": [{"data": ...}], "edges": [...]}}``."""

from __future__ import annotations

import json

from clearsight.exports.subgraph import Subgraph


def to_cyjs(graph: Subgraph) -> bytes:
    document = {
        "data": {"id": graph.network_id, **graph.attributes},
        "elements": {
            "nodes": [
                {"data": {**n.attributes, "id": n.id, "label": n.label, "kind": n.kind}}
                for n in graph.nodes
            ],
            "edges": [
                {
                    "data": {
                        **e.attributes,
                        "id": e.id,
                        "source": e.source,
                        "target": e.target,
                        "kind": e.kind,
                        "label": e.label,
                    }
                }
                for e in graph.edges
            ],
        },
    }
    return json.dumps(document, indent=2, sort_keys=True).encode()
