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

    # Keys first (the schema wants them before the graph): collect, then emit.
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
        n = ET.SubElement(g, f"{{{NS}}}node", {"id": node.id})
        for name, value in {"kind": node.kind, "label": node.label, **node.attributes}.items():
            ET.SubElement(n, f"{{{NS}}}data", {"key": keys[("node", name)]}).text = value
    for edge in graph.edges:
        e = ET.SubElement(
            g, f"{{{NS}}}edge", {"id": edge.id, "source": edge.source, "target": edge.target}
        )
        for name, value in {"kind": edge.kind, "label": edge.label, **edge.attributes}.items():
            ET.SubElement(e, f"{{{NS}}}data", {"key": keys[("edge", name)]}).text = value
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
