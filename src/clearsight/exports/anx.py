"""IBM i2 Analyst's Notebook chart (.anx, the Analyst's Notebook XML import format).

A ``Chart`` declares everything its items refer to before the items:

* ``AttributeClassCollection``: one ``AttributeClass`` per attribute any item carries,
  typed ``AttNumber``, ``AttFlag``, ``AttTime`` or ``AttText`` from its values;
* ``EntityTypeCollection`` (one ``EntityType`` per node kind, with its i2 standard icon),
  ``LinkTypeCollection`` (one ``LinkType`` per edge kind);
* ``StrengthCollection``: i2's three standard strengths. A link or involvement evidenced
  in a police record is ``Confirmed`` (solid line); one evidenced only in partner records
  is ``Unconfirmed`` (dashed): partner intelligence is never drawn as a police-confirmed
  fact. ``Tentative`` (dotted) is declared for analysts to use;
* ``ChartItemCollection``: entities (``End > Entity > Icon > IconStyle``) and links
  (``Link(End1Id, End2Id) > LinkStyle``), each with its ``AttributeCollection``; events
  and links carry their date (``DateSet``, ``DateTime``), and an event its time of day
  (``TimeSet``) when the agency recorded one (``clock.py``); links are dated to the day.

Every item carries the ``network_id`` attribute. ``write_anx`` takes any ``Subgraph``:
a whole network, the whole store, or the part of one a chart shows
(``Subgraph.restricted``), with the chart's own positions when it has them.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from clearsight.exports.model import Edge, Node, Subgraph

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
STRENGTHS = (
    ("Confirmed", "DotStyleSolid"),
    ("Unconfirmed", "DotStyleDashed"),
    ("Tentative", "DotStyleDotted"),
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
# Attributes that are the item's identity or drawn otherwise (label, date), not listed.
_NOT_LISTED = {"evidence"}


def _type(values: list[str]) -> str:
    if values and all(_DATE.fullmatch(v) for v in values):
        return "AttTime"
    if values and all(v in ("true", "false") for v in values):
        return "AttFlag"
    if values and all(_NUMBER.fullmatch(v) for v in values):
        return "AttNumber"
    return "AttText"


def _value(kind: str, value: str) -> str:
    return f"{value}T00:00:00" if kind == "AttTime" else value


def _strength(attributes: Mapping[str, str]) -> str:
    """Confirmed when a police record evidences it, else Unconfirmed (module docstring).
    Read from ``police_evidence`` (links), ``police`` (uses, places, involvements) or a
    chart's ``grade`` (``police`` or ``partner``)."""
    police = "true" in (attributes.get("police_evidence"), attributes.get("police"))
    return "Confirmed" if police or attributes.get("grade") == "police" else "Unconfirmed"


def _date(item: Node | Edge) -> str | None:
    """An event's date, or the date a link was first evidenced; people and things have
    none (i2 would draw them on a timeline otherwise)."""
    if isinstance(item, Node) and item.kind != "event":
        return None
    for name in ("date", "first_date"):
        value = item.attributes.get(name, "")
        if _DATE.fullmatch(value):
            return value
    return None


def _positions(graph: Subgraph) -> dict[str, tuple[float, float]]:
    """People on a circle, things outside it: readable before an analyst lays it out."""
    found: dict[str, tuple[float, float]] = {}
    people = [n for n in graph.nodes if n.kind in ("person", "child")]
    things = [n for n in graph.nodes if n.kind not in ("person", "child")]
    for ring, group in ((300.0, people), (600.0, things)):
        for i, node in enumerate(group):
            angle = 2 * math.pi * i / max(len(group), 1)
            found[node.id] = (ring * math.cos(angle), ring * math.sin(angle))
    return found


def _item(parent: ET.Element, item: Node | Edge) -> ET.Element:
    date = _date(item)
    time = item.attributes.get("time", "") if date else ""
    attrs = {"Label": item.label, "Description": item.kind.replace("_", " ")}
    if date:
        attrs |= {"DateSet": "true", "DateTime": f"{date}T{time or '00:00'}:00"}
    else:
        attrs["DateSet"] = "false"
    attrs["TimeSet"] = "true" if _TIME.fullmatch(time) else "false"
    chart_item = ET.SubElement(parent, "ChartItem", attrs)
    return chart_item


def _attributes(chart_item: ET.Element, item: Node | Edge, classes: Mapping[str, str]) -> None:
    listed = [(k, v) for k, v in sorted(item.attributes.items()) if k in classes and v != ""]
    if listed:
        collection = ET.SubElement(chart_item, "AttributeCollection")
        for name, value in listed:
            ET.SubElement(
                collection,
                "Attribute",
                {"AttributeClass": name, "Value": _value(classes[name], value)},
            )


def write_anx(
    graph: Subgraph, *, positions: Mapping[str, tuple[float, float]] | None = None
) -> bytes:
    """The chart of ``graph``; ``positions`` (node id to x, y) where the caller laid it out."""
    values: dict[str, list[str]] = {}
    every: list[Node | Edge] = [*graph.nodes, *graph.edges]
    for item in every:
        for name, value in item.attributes.items():
            if name not in _NOT_LISTED and value != "":
                values.setdefault(name, []).append(value)
    classes = {name: _type(found) for name, found in sorted(values.items())}
    root = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    declared = ET.SubElement(root, "AttributeClassCollection")
    for name, kind in classes.items():
        ET.SubElement(
            declared,
            "AttributeClass",
            {"Name": name, "Type": kind, "ShowValue": "true", "Visible": "true"},
        )
    entity_types = ET.SubElement(root, "EntityTypeCollection")
    for kind in sorted({n.kind for n in graph.nodes}):
        ET.SubElement(
            entity_types, "EntityType", {"Name": kind, "IconFile": ICONS.get(kind, "General")}
        )
    link_types = ET.SubElement(root, "LinkTypeCollection")
    for kind in sorted({e.kind for e in graph.edges}):
        ET.SubElement(link_types, "LinkType", {"Name": kind, "Colour": "0"})
    strengths = ET.SubElement(root, "StrengthCollection")
    for name, dots in STRENGTHS:
        ET.SubElement(strengths, "Strength", {"Name": name, "DotStyle": dots})
    items = ET.SubElement(root, "ChartItemCollection")
    where = {**_positions(graph), **(positions or {})}
    ids: dict[str, str] = {}
    for node in graph.nodes:
        ids[node.id] = f"n{len(ids) + 1}"
        chart_item = _item(items, node)
        x, y = where.get(node.id, (0.0, 0.0))
        end = ET.SubElement(chart_item, "End", {"X": str(round(x)), "Y": str(round(y))})
        entity = ET.SubElement(end, "Entity", {"EntityId": ids[node.id], "Identity": node.id})
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", {"Type": node.kind})
        _attributes(chart_item, node, classes)
    for edge in graph.edges:
        chart_item = _item(items, edge)
        link = ET.SubElement(
            chart_item, "Link", {"End1Id": ids[edge.source], "End2Id": ids[edge.target]}
        )
        ET.SubElement(
            link,
            "LinkStyle",
            {"Type": edge.kind, "ArrowStyle": "ArrowNone", "Strength": _strength(edge.attributes)},
        )
        _attributes(chart_item, edge, classes)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def to_anx(graph: Subgraph) -> bytes:
    return write_anx(graph)
