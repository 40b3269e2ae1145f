"""A structural checker for i2 Analyst's Notebook XML charts (.anx), written from the
format: there is no public XSD to vendor. It returns every problem it finds, so a test
can show what is wrong rather than a bare False.

Checked: the chart's collections, once each and declarations before items; every
AttributeClass, EntityType, LinkType and Strength declared once, with a type, icon or
dot style i2 knows; every item either an entity (End > Entity > Icon > IconStyle) or a
link (Link > LinkStyle); entity ids and identities unique; link ends are entities of the
chart; every IconStyle, LinkStyle, Strength and Attribute names something declared; an
attribute's value fits its class's type; a set date is an xs:dateTime; every item
carries the network id.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

COLLECTIONS = [
    "AttributeClassCollection",
    "EntityTypeCollection",
    "LinkTypeCollection",
    "StrengthCollection",
    "ChartItemCollection",
]
ATTRIBUTE_TYPES = {"AttText", "AttNumber", "AttFlag", "AttTime"}
DOT_STYLES = {"DotStyleSolid", "DotStyleDashed", "DotStyleDotted"}
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _declared(
    root: ET.Element, collection: str, tag: str, problems: list[str]
) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    holder = root.find(collection)
    for element in holder if holder is not None else []:
        name = element.get("Name")
        if element.tag != tag or not name:
            problems.append(f"{collection}: {element.tag} without a Name")
        elif name in found:
            problems.append(f"{collection}: {name!r} declared twice")
        else:
            found[name] = element
    return found


def _fits(kind: str, value: str) -> bool:
    if kind == "AttNumber":
        return bool(NUMBER.fullmatch(value))
    if kind == "AttFlag":
        return value in ("true", "false")
    if kind == "AttTime":
        return bool(DATETIME.fullmatch(value))
    return True


def anx_problems(document: bytes, *, network_attribute: str = "network_id") -> list[str]:
    root = ET.fromstring(document)
    problems: list[str] = []
    if root.tag != "Chart":
        return [f"root is {root.tag}, not Chart"]
    tags = [child.tag for child in root]
    if tags != COLLECTIONS:
        problems.append(f"chart collections are {tags}, expected {COLLECTIONS}")
    classes = _declared(root, "AttributeClassCollection", "AttributeClass", problems)
    for name, element in classes.items():
        if element.get("Type") not in ATTRIBUTE_TYPES:
            problems.append(f"AttributeClass {name!r} has type {element.get('Type')!r}")
    entity_types = _declared(root, "EntityTypeCollection", "EntityType", problems)
    for name, element in entity_types.items():
        if not element.get("IconFile"):
            problems.append(f"EntityType {name!r} has no IconFile")
    link_types = _declared(root, "LinkTypeCollection", "LinkType", problems)
    strengths = _declared(root, "StrengthCollection", "Strength", problems)
    for name, element in strengths.items():
        if element.get("DotStyle") not in DOT_STYLES:
            problems.append(f"Strength {name!r} has dot style {element.get('DotStyle')!r}")
    items = root.find("ChartItemCollection")
    entity_ids: set[str] = set()
    identities: set[str] = set()
    links: list[tuple[str, str, str]] = []
    for n, item in enumerate(items if items is not None else []):
        where = f"item {n} ({item.get('Label')!r})"
        if item.tag != "ChartItem" or item.get("Label") is None:
            problems.append(f"{where}: not a labelled ChartItem")
        if item.get("DateSet") == "true" and not DATETIME.fullmatch(item.get("DateTime") or ""):
            problems.append(f"{where}: DateSet without an xs:dateTime DateTime")
        if item.get("TimeSet") not in ("true", "false"):
            problems.append(f"{where}: TimeSet is {item.get('TimeSet')!r}")
        entity = item.find("End/Entity")
        link = item.find("Link")
        if (entity is None) == (link is None):
            problems.append(f"{where}: neither or both of an entity and a link")
        if entity is not None:
            entity_id, identity = entity.get("EntityId") or "", entity.get("Identity") or ""
            if not entity_id or entity_id in entity_ids:
                problems.append(f"{where}: EntityId {entity_id!r} missing or repeated")
            if not identity or identity in identities:
                problems.append(f"{where}: Identity {identity!r} missing or repeated")
            entity_ids.add(entity_id)
            identities.add(identity)
            style = entity.find("Icon/IconStyle")
            if style is None or style.get("Type") not in entity_types:
                problems.append(f"{where}: icon style names no declared entity type")
        if link is not None:
            style = link.find("LinkStyle")
            if style is None or style.get("Type") not in link_types:
                problems.append(f"{where}: link style names no declared link type")
            elif style.get("Strength") not in strengths:
                problems.append(f"{where}: strength {style.get('Strength')!r} not declared")
            links.append((where, link.get("End1Id") or "", link.get("End2Id") or ""))
        values = {}
        for attribute in item.findall("AttributeCollection/Attribute"):
            name, value = attribute.get("AttributeClass") or "", attribute.get("Value") or ""
            if name not in classes:
                problems.append(f"{where}: attribute class {name!r} not declared")
            elif not _fits(str(classes[name].get("Type")), value):
                problems.append(f"{where}: {name}={value!r} is not {classes[name].get('Type')}")
            values[name] = value
        if not values.get(network_attribute):
            problems.append(f"{where}: no {network_attribute}")
    for where, end1, end2 in links:
        if end1 not in entity_ids or end2 not in entity_ids:
            problems.append(f"{where}: link end {end1!r} or {end2!r} is no entity")
    return problems
