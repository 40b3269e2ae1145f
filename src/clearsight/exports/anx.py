"""IBM i2 Analyst's Notebook chart (.anx): ``Chart`` with entity and link type collections
and a ``ChartItemCollection`` of entities (``End > Entity > Icon > IconStyle``) and links
(``Link(End1Id, End2Id) > LinkStyle``). People sit on a circle, other things outside it."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from clearsight.exports.subgraph import Subgraph

ICONS = {
    "person": "Person",
    "child": "Person",
    "phone": "Mobile Phone",
    "vehicle": "Car",
    "email": "Email",
    "online_account": "Computer",
    "location": "Building",
    "event": "Event",
}


def to_anx(graph: Subgraph) -> bytes:
    root = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    entity_types = ET.SubElement(root, "EntityTypeCollection")
    for kind in sorted({n.kind for n in graph.nodes}):
        ET.SubElement(
            entity_types, "EntityType", {"Name": kind, "IconFile": ICONS.get(kind, "General")}
        )
    link_types = ET.SubElement(root, "LinkTypeCollection")
    for kind in sorted({e.kind for e in graph.edges}):
        ET.SubElement(link_types, "LinkType", {"Name": kind, "Colour": "0"})
    items = ET.SubElement(root, "ChartItemCollection")
    ids: dict[str, str] = {}
    people = [n for n in graph.nodes if n.kind in ("person", "child")]
    things = [n for n in graph.nodes if n.kind not in ("person", "child")]
    for ring, group in ((300.0, people), (600.0, things)):
        for i, node in enumerate(group):
            angle = 2 * math.pi * i / max(len(group), 1)
            ids[node.id] = f"n{len(ids) + 1}"
            description = "; ".join(f"{k}={v}" for k, v in node.attributes.items())
            item = ET.SubElement(
                items, "ChartItem", {"Label": node.label, "Description": description}
            )
            end = ET.SubElement(
                item,
                "End",
                {"X": str(round(ring * math.cos(angle))), "Y": str(round(ring * math.sin(angle)))},
            )
            entity = ET.SubElement(end, "Entity", {"EntityId": ids[node.id], "Identity": node.id})
            icon = ET.SubElement(entity, "Icon")
            ET.SubElement(icon, "IconStyle", {"Type": node.kind})
    for edge in graph.edges:
        description = "; ".join(f"{k}={v}" for k, v in edge.attributes.items() if k != "evidence")
        item = ET.SubElement(items, "ChartItem", {"Label": edge.label, "Description": description})
        link = ET.SubElement(item, "Link", {"End1Id": ids[edge.source], "End2Id": ids[edge.target]})
        ET.SubElement(
            link, "LinkStyle", {"Type": edge.kind, "ArrowStyle": "ArrowNone", "Strength": "1"}
        )
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
