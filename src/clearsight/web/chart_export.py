"""The link chart's current items as an i2 ANX chart, through the exports package's own
ANX writer (one writer for the CLI, the network page and the chart), with each item
placed where the analyst left it on the chart."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Any

from clearsight.exports import FORMATS, Subgraph
from clearsight.exports.subgraph import Edge, Node
from clearsight.web.chart import ChartGraph

# What the chart page exports: ANX here; PNG and SVG are drawn by the browser.
EXPORTS = ("anx", "png", "svg")


def chart_subgraph(graph: ChartGraph) -> Subgraph:
    """The exports package's graph of the chart's items (ids, labels as the viewer sees
    them, and each link's type, strength, grade and dates as attributes)."""
    summary = graph.summary
    attributes = {
        "network_id": graph.network_id,
        "size": str(summary.get("size", "")),
        "n_victims": str(summary.get("n_victims", "")),
        "pseudonymised_members": str(graph.pseudonymised),
        "source": "link chart",
    }
    nodes = [
        Node(
            str(n["id"]),
            # The exports package calls a place a location.
            "location" if n["kind"] == "place" else str(n["kind"]),
            str(n["label"]).replace("\n", " "),
            {
                k: str(n[k]).lower() if isinstance(n[k], bool) else str(n[k])
                for k in ("role", "identified", "date")
                if n.get(k) not in (None, "")
            },
        )
        for n in graph.nodes.values()
    ]
    edges = [
        Edge(
            str(e["id"]),
            str(e["source"]),
            str(e["target"]),
            str(e["link_type"]),
            str(e["label"]).replace("\n", " "),
            {
                k: str(e[k])
                for k in ("strength", "grade", "first_date", "last_date")
                if e.get(k) not in (None, "")
            },
        )
        for merged in graph.edges.values()
        # A pair of people's link is one line on the chart and one link per type in i2.
        for e in merged.get("parts") or [merged]
    ]
    return Subgraph(graph.network_id, attributes, nodes, edges)


def _place(anx: bytes, positions: dict[str, Any]) -> bytes:
    """Each entity at its chart position (i2 and cytoscape both put y downwards)."""
    root = ET.fromstring(anx)
    moved = 0
    for end in root.iter("End"):
        entity = end.find("Entity")
        xy = positions.get(entity.get("Identity", "")) if entity is not None else None
        if (
            isinstance(xy, list)
            and len(xy) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in xy)
        ):
            end.set("X", str(round(xy[0])))
            end.set("Y", str(round(xy[1])))
            moved += 1
    if not moved:
        return anx
    ET.indent(root)
    placed: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return placed


def chart_anx(graph: ChartGraph, positions: Any = None) -> bytes:
    anx = FORMATS["anx"](chart_subgraph(graph))
    return _place(anx, positions) if isinstance(positions, dict) else anx
