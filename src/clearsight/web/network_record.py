"""The network page's decision record and its children's events, as a viewer may see them.

``network_evidence`` says, for every member, which evidence rules and which source
records put them in the network (issue 17's decision record); ``network show`` prints it
in words and so does the page. Record ids and dates are shown only for sources the
viewer may identify: for others the page says a record of another agency holds it.

Each child offended against is drawn joined to the events that involve her and a
member, and each such event to the members in it, as every export draws them
(``exports/places.attach_events``): one picture everywhere, no isolated child.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clearsight.access import Principal, Pseudonymiser, visibility
from clearsight.graph.rules import default_rules
from clearsight.web.queries import Row

__all__ = ["attach_child_events", "item_words", "member_reasons"]

_SKIPPED_ITEM_KEYS = frozenset({"entity_id", "role", "unidentified", "event", "offence"})


def _identifies(principal: Principal, source_id: Any, area: Any) -> bool:
    if source_id is None or area is None:
        return False
    return visibility(principal, source_id=str(source_id), area=str(area)) == "identified"


def member_reasons(doc: Row, principal: Principal) -> dict[str, list[Row]]:
    """Each member's evidence rows (by the member's entity id), in words."""
    rules = default_rules()
    reasons: dict[str, list[Row]] = {}
    for ev in doc.get("evidence") or []:
        rule = rules.get(str(ev["rule_id"]))
        shown = _identifies(principal, ev.get("source_id"), ev.get("area"))
        dates = ""
        if shown and ev.get("first_date"):
            first, last = ev["first_date"], ev.get("last_date") or ev["first_date"]
            dates = str(first) if first == last else f"{first} to {last}"
        reasons.setdefault(str(ev["entity_id"]), []).append(
            {
                "rule_id": ev["rule_id"],
                "description": rule.description if rule else str(ev["rule_id"]),
                "strength": ev["strength"],
                "records": (
                    _records(str(ev["source_id"]), ev.get("record_ids") or [])
                    if shown
                    else "held in records of another agency (not shown to you)"
                ),
                "dates": dates,
            }
        )
    return reasons


def _records(source_id: str, record_ids: list[Any]) -> str:
    """``source: id, id`` (a record id already carrying its source's prefix loses it)."""
    prefix = source_id + ":"
    ids = [str(r).removeprefix(prefix) for r in record_ids]
    return f"{source_id} records {', '.join(ids)}"


def attach_child_events(
    doc: Row,
    principal: Principal,
    pseudonym: Pseudonymiser,
    node_ids: dict[str, str],
    nodes: list[Row],
    edges: list[Row],
) -> None:
    """Event nodes joining each child to the members in her events; an event of a source
    the viewer may not identify is a pseudonym with no date or offence."""
    added: set[str] = set()
    for ev in doc.get("events") or []:
        entity = str(ev["entity_id"])
        if entity not in node_ids:
            continue
        key = str(ev["event_key"])
        shown = _identifies(principal, ev.get("source_id"), ev.get("area"))
        # The link chart's name for the same event (``chart._events``): one pseudonym.
        node = key if shown else pseudonym("event", key)
        if node not in added:
            added.add(node)
            label = (
                " ".join(str(x) for x in (ev["event_type"], ev.get("event_date") or "") if x)
                if shown
                else f"event {node}"
            )
            nodes.append({"id": "ev:" + node, "label": label, "kind": "event", "identified": shown})
        edges.append(
            {"source": node_ids[entity], "target": "ev:" + node, "evidence": "involved_in"}
        )


def item_words(item: Any, label: Callable[[str], str]) -> str:
    """A definition's evidence item as an analyst reads it: the person's name (not the
    entity's hash), their role, the offence and the record, then anything else."""
    if not isinstance(item, dict):
        return str(item)
    parts: list[str] = []
    if item.get("entity_id"):
        who = label(str(item["entity_id"]))
        if item.get("unidentified"):
            who += " (unidentified)"
        parts.append(f"{who} ({item['role']})" if item.get("role") else who)
    elif item.get("role"):
        parts.append(str(item["role"]))
    if item.get("offence"):
        parts.append(str(item["offence"]))
    if item.get("event"):
        parts.append(f"record {item['event']}")
    parts += [
        f"{str(k).replace('_', ' ')}: {v}"
        for k, v in item.items()
        if k not in _SKIPPED_ITEM_KEYS and v not in (None, "", [])
    ]
    return "; ".join(parts)
