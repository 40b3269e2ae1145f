"""GraphML (http://graphml.graphdrawing.org/), valid against graphml.xsd."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from clearsight.exports.subgraph import Subgraph

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"


def to_graphml(graph: Subgraph) -> bytes:
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}graphml", {f"{{{XSI}}}schemaLocation": f"{NS} {SCHEMA}"})
    keys: dict[tuple[str, str], str] = {}

    def key(scope: str, name: str) -> str:
        if (scope, name) not in keys:
            keys[(scope, name)] = f"{scope[0]}_{name}"
        return keys[(scope, name)]

    # Node and edge ids must be XML name tokens (no '/', '|' or spaces): canonical n0, e0,
    # with the graph's own id kept in the `ref` data.
    node_ids = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    # Keys first (the schema wants them before the graph): collect, then emit.
    key("node", "ref")
    key("edge", "ref")
    for name in ("kind", "label"):
        key("node", name)
        key("edge", name)
    for node in graph.nodes:
        for name in node.attributes:
            key("node", name)
    for edge in graph.edges:
        for name in edge.attributes:
            key("edge", name)
    for name in graph.attributes:
        key("graph", name)
    for (scope, name), kid in keys.items():
        ET.SubElement(
            root,
            f"{{{NS}}}key",
            {"id": kid, "for": scope, "attr.name": name, "attr.type": "string"},
        )
    g = ET.SubElement(root, f"{{{NS}}}graph", {"id": graph.network_id, "edgedefault": "undirected"})
    for name, value in graph.attributes.items():
        ET.SubElement(g, f"{{{NS}}}data", {"key": keys[("graph", name)]}).text = value
    for node in graph.nodes:
        n = ET.SubElement(g, f"{{{NS}}}node", {"id": node_ids[node.id]})
        values = {"ref": node.id, "kind": node.kind, "label": node.label, **node.attributes}
        for name, value in values.items():
            ET.SubElement(n, f"{{{NS}}}data", {"key": keys[("node", name)]}).text = value
    for i, edge in enumerate(graph.edges):
        e = ET.SubElement(
            g,
            f"{{{NS}}}edge",
            {"id": f"e{i}", "source": node_ids[edge.source], "target": node_ids[edge.target]},
        )
        values = {"ref": edge.id, "kind": edge.kind, "label": edge.label, **edge.attributes}
        for name, value in values.items():
            ET.SubElement(e, f"{{{NS}}}data", {"key": keys[("edge", name)]}).text = value
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
