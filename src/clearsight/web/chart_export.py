"""The link chart's current items as an i2 ANX chart, through the exports package's own
ANX writer (``exports.write_anx``: one writer for the CLI, the network page and the
chart), with each item placed where the analyst left it on the chart."""

from __future__ import annotations

import math
from typing import Any

from clearsight.exports import Edge, Node, Subgraph, write_anx
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


def _positions(raw: Any) -> dict[str, tuple[float, float]]:
    """The chart's positions as sent (node id to [x, y]), finite numbers only; i2 and
    cytoscape both put y downwards."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): (float(xy[0]), float(xy[1]))
        for k, xy in raw.items()
        if isinstance(xy, list)
        and len(xy) == 2
        and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in xy
        )
    }


def chart_anx(graph: ChartGraph, positions: Any = None) -> bytes:
    return write_anx(chart_subgraph(graph), positions=_positions(positions))
