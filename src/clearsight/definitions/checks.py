"""The checks a rule file may name. Each returns (met, evidence): met is True, False, or None
when the data cannot show it either way; evidence lists the records behind the answer."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from clearsight.definitions.engine import CheckResult, register
from clearsight.graph.settings import KNOWING_LINK_TYPES
from clearsight.partition import groups

Facts = Mapping[str, Any]
Params = Mapping[str, Any]


def _evidence(raw: str | None) -> dict[str, Any]:
    return dict(json.loads(raw)) if raw else {}


def _components(members: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    return sorted(groups(members, pairs), key=lambda g: (-len(g), g))


def _members(facts: Facts, roles: Any) -> list[dict[str, Any]]:
    wanted = set(roles) if roles else None
    return [m for m in facts["members"] if wanted is None or m["role"] in wanted]


@register("min_members", ("network",), ("min", "roles", "include_unidentified"))
def min_members(facts: Facts, params: Params) -> CheckResult:
    """At least ``min`` members (of ``roles``), unidentified people counted unless told not."""
    members = _members(facts, params.get("roles"))
    if not params.get("include_unidentified", True):
        members = [m for m in members if not m["unidentified"]]
    items = [
        {"entity_id": m["entity_id"], "role": m["role"], "unidentified": m["unidentified"]}
        for m in members
    ]
    return len(members) >= int(params.get("min", 2)), items


@register("connected_members", ("network",), ("link_types", "roles", "min"))
def connected_members(facts: Facts, params: Params) -> CheckResult:
    """At least ``min`` members (of ``roles``) joined by links of ``link_types`` only."""
    types = set(params.get("link_types") or KNOWING_LINK_TYPES)
    members = [m["entity_id"] for m in _members(facts, params.get("roles"))]
    links = [link for link in facts["links"] if link["link_type"] in types]
    pairs = [(link["entity_a"], link["entity_b"]) for link in links]
    largest = _components(members, pairs)[0] if members else []
    inside = set(largest)
    items = [
        {
            "entities": [link["entity_a"], link["entity_b"]],
            "link_type": link["link_type"],
            "n_evidence": link["n_evidence"],
            "example": _evidence(link["first_evidence"]),
        }
        for link in links
        if link["entity_a"] in inside and link["entity_b"] in inside
    ]
    return len(largest) >= int(params.get("min", 2)), items


@register("involved_in_child_sexual_exploitation", ("network",), ("min",))
def involved(facts: Facts, params: Params) -> CheckResult:
    """Members known to be involved in, or to facilitate, sexual offending against a child.

    Involved: on the offending side of an event with a child and a sexual offence or
    exploitation flag. Facilitating: a facilitator, or employed at a place used for it.
    Unknown: on the offending side of an event with a child but nothing sexual recorded.
    """
    need = int(params.get("min", 2))
    involved_ids: set[str] = set()
    unclear: set[str] = set()
    items: list[dict[str, Any]] = []
    for row in facts["involvement"]:
        if row["has_child"] and row["sexual"]:
            involved_ids.add(row["entity_id"])
            items.append(
                {
                    "entity_id": row["entity_id"],
                    "event": row["event_key"],
                    "role": row["role"],
                    "offence": row["offence"],
                }
            )
        elif row["has_child"] or row["sexual"]:
            unclear.add(row["entity_id"])
    for link in facts["links"]:
        if link["link_type"] == "employed_at_offending_location":
            example = _evidence(link["first_evidence"])
            via = str(example.get("via", ""))
            for entity in (link["entity_a"], link["entity_b"]):
                if via.startswith(f"employee {entity} "):
                    involved_ids.add(entity)
                    items.append({"entity_id": entity, "facilitation": via})
    for m in facts["members"]:
        if m["role"] == "facilitator" and m["entity_id"] not in involved_ids:
            unclear.add(m["entity_id"])
    if len(involved_ids) >= need:
        return True, items
    if len(involved_ids | unclear) >= need:
        return None, items
    return False, items


@register("family_link", ("network",))
def family_link(facts: Facts, params: Params) -> CheckResult:
    """A member is family of, or lives with, a child the network offended against."""
    items = [
        {
            "member": row["member"],
            "child": row["child"],
            "link_type": row["link_type"],
            "example": _evidence(row["first_evidence"]),
        }
        for row in facts["family"]
    ]
    return bool(items), items


@register("place_type", ("network",), ("types", "uses"))
def place_type(facts: Facts, params: Params) -> CheckResult:
    """The network offended at, or a member worked at, a place of one of ``types``."""
    types = set(params.get("types") or [])
    uses = set(params.get("uses") or [])
    items = [
        {"location": p["location_key"], "location_type": p["location_type"], "uses": p["uses"]}
        for p in facts["places"]
        if p["location_type"] in types and (not uses or uses & set(p["uses"]))
    ]
    return bool(items), items


def _narrative_hits(rows: list[dict[str, Any]], pattern: str) -> list[dict[str, Any]]:
    regex = re.compile(pattern, re.IGNORECASE)
    items = []
    for row in rows:
        text = row.get("narrative") or ""
        match = regex.search(text)
        if match:
            start, end = max(match.start() - 40, 0), match.end() + 40
            items.append(
                {"event": row["event_key"], "match": match.group(0), "text": text[start:end]}
            )
    return items


@register("narrative_matches", ("network", "child"), ("pattern", "absent_is"))
def narrative_matches(facts: Facts, params: Params) -> CheckResult:
    """A narrative of the subject's events matches ``pattern``. Absence is unknown by
    default: a narrative not mentioning it is no evidence it did not happen."""
    rows = facts["narratives"] if "narratives" in facts else facts["events"]
    items = _narrative_hits(rows, str(params["pattern"]))
    if items:
        return True, items
    absent = params.get("absent_is", "unknown")
    return (False if absent == "false" else None), items


@register("sexual_offending", ("network", "child"))
def sexual_offending(facts: Facts, params: Params) -> CheckResult:
    """A sexual offence (or an exploitation flag) is recorded in the subject's events."""
    rows = facts["involvement"] if "involvement" in facts else facts["events"]
    items = [
        {"event": r["event_key"], "offence": r["offence"], "cse_flag": r["cse_flag"]}
        for r in rows
        if r["sexual"]
    ]
    return bool(items), items


@register("child_under_age", ("child",), ("age",))
def child_under_age(facts: Facts, params: Params) -> CheckResult:
    """Under ``age`` at an event; unknown when no date of birth is recorded."""
    limit = float(params.get("age", 18))
    ages = [(r["event_key"], r["age"]) for r in facts["events"]]
    items = [{"event": e, "age": round(a, 1)} for e, a in ages if a is not None and a < limit]
    if items:
        return True, items
    if all(a is None for _, a in ages):
        return None, []
    return False, [{"event": e, "age": round(a, 1)} for e, a in ages if a is not None]


@register("power_imbalance", ("child",), ("min_age_gap", "group_offending"))
def power_imbalance(facts: Facts, params: Params) -> CheckResult:
    """An offender at least ``min_age_gap`` years older, or (optionally) several offenders
    in one event. Unknown when neither age is recorded."""
    gap = float(params.get("min_age_gap", 5))
    group = bool(params.get("group_offending", True))
    items: list[dict[str, Any]] = []
    unknown = False
    for r in facts["events"]:
        offenders = r["offenders"] or []
        if group and len(offenders) >= 2:
            items.append({"event": r["event_key"], "offenders": len(offenders)})
        for o in offenders:
            if r["age"] is None or o["age"] is None:
                unknown = True
            elif o["age"] - r["age"] >= gap:
                items.append(
                    {
                        "event": r["event_key"],
                        "offender": o["entity_id"],
                        "age_gap": round(o["age"] - r["age"], 1),
                    }
                )
    if items:
        return True, items
    return (None if unknown or not any(r["offenders"] for r in facts["events"]) else False), []
