"""Network exports built from what the user may see, written by ``clearsight.exports``.

The exports package's writers take a ``Subgraph`` and nothing else, so the web app hands
them the same filtered, pseudonymised view the page shows (``network_view.NetworkView``),
converted here: an export can never carry more than the screen did, and there is one
GraphML and one ANX writer in the code base, not two.
"""

from __future__ import annotations

from typing import Any

from clearsight.exports import FORMATS, Subgraph
from clearsight.exports.subgraph import Edge, Node

# The formats offered on the network page: every writer the exports package has, each
# fed the same filtered, pseudonymised view. Media types as each format is registered.
OFFERED = ("anx", "graphml", "gexf", "cyjs")
MEDIA_TYPES = {
    "anx": "application/xml",
    "graphml": "application/xml",
    "gexf": "application/xml",
    "cyjs": "application/json",
}


def _kind(node: dict[str, Any]) -> str:
    """The exports package's node kinds: person, child, the object's own type, location."""
    kind = str(node["kind"])
    if kind == "victim":
        return "child"
    if kind == "object":
        return str(node.get("object_type") or "object")
    return kind


def subgraph(view: Any) -> Subgraph:
    """``view`` is a ``network_view.NetworkView``, already filtered for the viewer."""
    summary = view.summary
    attributes = {
        "network_id": str(view.network_id),
        "size": str(summary.get("size", "")),
        "n_victims": str(summary.get("n_victims", "")),
        "areas": ", ".join(str(a) for a in summary.get("areas") or []),
        "first_date": str(summary.get("first_date") or ""),
        "last_date": str(summary.get("last_date") or ""),
        "pseudonymised_members": str(view.pseudonymised),
    }
    nodes = [
        Node(
            str(n["id"]),
            _kind(n),
            str(n["label"]),
            {"identified": str(bool(n.get("identified"))).lower()},
        )
        for n in view.nodes
    ]
    known = {n.id for n in nodes}
    edges = [
        Edge(
            f"e{i}",
            str(e["source"]),
            str(e["target"]),
            str(e["evidence"]),
            str(e["evidence"]).replace("_", " "),
        )
        for i, e in enumerate(view.edges)
        if str(e["source"]) in known and str(e["target"]) in known
    ]
    return Subgraph(str(view.network_id), attributes, nodes, edges)


def export(view: Any, fmt: str) -> bytes:
    if fmt not in OFFERED:
        raise ValueError(f"unknown export format {fmt!r}")
    return FORMATS[fmt](subgraph(view))
