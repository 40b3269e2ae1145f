"""GEXF 1.3 for Gephi. The link type is the attribute ``link_type``: GEXF reserves the edge
attribute ``type`` for directed / undirected / mutual. It is also the edge's ``kind``,
which GEXF 1.3 uses to keep parallel edges (a person who uses and owns one phone)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from clearsight.exports.subgraph import Subgraph

NS = "http://gexf.net/1.3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://gexf.net/1.3/gexf.xsd"


def to_gexf(graph: Subgraph) -> bytes:
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(
        f"{{{NS}}}gexf", {"version": "1.3", f"{{{XSI}}}schemaLocation": f"{NS} {SCHEMA}"}
    )
    meta = ET.SubElement(root, f"{{{NS}}}meta")
    ET.SubElement(meta, f"{{{NS}}}creator").text = "Clearsight"
    ET.SubElement(meta, f"{{{NS}}}description").text = f"Network {graph.network_id}"
    g = ET.SubElement(root, f"{{{NS}}}graph", {"defaultedgetype": "undirected", "mode": "static"})
    node_names = ["kind", *sorted({n for node in graph.nodes for n in node.attributes})]
    edge_names = ["link_type", *sorted({n for edge in graph.edges for n in edge.attributes})]
    for cls, names in (("node", node_names), ("edge", edge_names)):
        attrs = ET.SubElement(g, f"{{{NS}}}attributes", {"class": cls})
        for i, name in enumerate(names):
            ET.SubElement(
                attrs, f"{{{NS}}}attribute", {"id": str(i), "title": name, "type": "string"}
            )
    nodes = ET.SubElement(g, f"{{{NS}}}nodes")
    for node in graph.nodes:
        n = ET.SubElement(nodes, f"{{{NS}}}node", {"id": node.id, "label": node.label})
        values = ET.SubElement(n, f"{{{NS}}}attvalues")
        for i, name in enumerate(node_names):
            value = node.kind if name == "kind" else node.attributes.get(name)
            if value is not None:
                ET.SubElement(values, f"{{{NS}}}attvalue", {"for": str(i), "value": value})
    edges = ET.SubElement(g, f"{{{NS}}}edges")
    for edge in graph.edges:
        e = ET.SubElement(
            edges,
            f"{{{NS}}}edge",
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "label": edge.label,
                "kind": edge.kind,
            },
        )
        values = ET.SubElement(e, f"{{{NS}}}attvalues")
        for i, name in enumerate(edge_names):
            value = edge.kind if name == "link_type" else edge.attributes.get(name)
            if value is not None:
                ET.SubElement(values, f"{{{NS}}}attvalue", {"for": str(i), "value": value})
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
