"""Network exports built from what the user may see: GraphML and an i2 ANX chart.

They are written from the same filtered, pseudonymised view the page shows, so an
export can never carry more than the screen did.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

Row = dict[str, Any]


def graphml(network_id: str, nodes: list[Row], edges: list[Row]) -> bytes:
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    for key, target in (("label", "node"), ("kind", "node"), ("evidence", "edge")):
        ET.SubElement(
            root, "key", id=key, attrib={"for": target, "attr.name": key, "attr.type": "string"}
        )
    graph = ET.SubElement(root, "graph", id=network_id, edgedefault="undirected")
    for node in nodes:
        el = ET.SubElement(graph, "node", id=str(node["id"]))
        ET.SubElement(el, "data", key="label").text = str(node["label"])
        ET.SubElement(el, "data", key="kind").text = str(node["kind"])
    for i, edge in enumerate(edges):
        el = ET.SubElement(
            graph, "edge", id=f"e{i}", source=str(edge["source"]), target=str(edge["target"])
        )
        ET.SubElement(el, "data", key="evidence").text = str(edge["evidence"])
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


_ICONS = {"person": "Person", "victim": "Person", "object": "Phone", "location": "Location"}


def anx(network_id: str, nodes: list[Row], edges: list[Row]) -> bytes:
    """An Analyst's Notebook chart: entity and link types, then one ChartItem per node/link."""
    chart = ET.Element("Chart", IdReferenceLinking="true")
    types = ET.SubElement(chart, "EntityTypeCollection")
    for kind in sorted({_ICONS.get(str(n["kind"]), "Person") for n in nodes}):
        ET.SubElement(types, "EntityType", Name=kind, IconFile=kind)
    links = ET.SubElement(chart, "LinkTypeCollection")
    for evidence in sorted({str(e["evidence"]) for e in edges}):
        ET.SubElement(links, "LinkType", Name=evidence)
    items = ET.SubElement(chart, "ChartItemCollection")
    ids: dict[str, str] = {}
    for i, node in enumerate(nodes):
        ids[str(node["id"])] = f"E{i}"
        item = ET.SubElement(items, "ChartItem", Label=str(node["label"]))
        end = ET.SubElement(item, "End", X=str((i % 10) * 120), Y=str((i // 10) * 120))
        entity = ET.SubElement(end, "Entity", EntityId=f"E{i}", Identity=str(node["label"]))
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=_ICONS.get(str(node["kind"]), "Person"))
    for edge in edges:
        a, b = ids.get(str(edge["source"])), ids.get(str(edge["target"]))
        if a is None or b is None:
            continue
        item = ET.SubElement(items, "ChartItem", Label=str(edge["evidence"]))
        link = ET.SubElement(item, "Link", End1Id=a, End2Id=b)
        ET.SubElement(
            link, "LinkStyle", Type=str(edge["evidence"]), ArrowStyle="ArrowNone", Strength="1"
        )
    chart.set("Label", network_id)
    return bytes(ET.tostring(chart, encoding="utf-8", xml_declaration=True))
