"""A network as a viewer may see it: members, children, objects and places, with
everyone and everything the viewer may not identify as a keyed pseudonym."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from clearsight.access import Principal, Pseudonymiser, Visibility, record_filter, visibility
from clearsight.access.policy import network_member_visibility
from clearsight.graph import police_view
from clearsight.web.network_record import attach_child_events, item_words, member_reasons
from clearsight.web.queries import Row, exists, rows


@dataclass
class NetworkView:
    network_id: str
    summary: Row
    members: list[Row]
    nodes: list[Row]
    edges: list[Row]
    definition: list[Row]
    pseudonymised: int
    # What police data alone finds of it, in the words every view uses (``police_view``).
    police: str = ""
    # Each entity's node id as this viewer sees it (itself, or its pseudonym): the link
    # chart joins its own rows (events, link strengths) to the nodes through it.
    node_ids: dict[str, str] = field(default_factory=dict)


def network_view(
    doc: Row | None,
    principal: Principal,
    pseudonym: Pseudonymiser,
    sealed: frozenset[tuple[str, str]],
) -> NetworkView | None:
    """A network as ``principal`` may see it, or None. Analysts and partners need at least
    one member they may identify; everyone they may not appears as a keyed pseudonym.

    ``doc`` is the network's serving document (``serving.network_sql``), unfiltered;
    ``sealed`` the (source_id, person_id) of sealed records, read live.
    """
    if doc is None:
        return None
    network_id = str(doc["summary"]["network_id"])
    records: list[Row] = doc["records"]
    shown: dict[str, Visibility] = {}
    for r in records:
        seen = network_member_visibility(principal, source_id=r["source_id"], area=r["area"])
        if seen == "identified" or r["entity_id"] not in shown:
            shown[r["entity_id"]] = seen
    if principal.role != "national" and "identified" not in shown.values():
        return None
    names: dict[str, str] = {}
    for r in records:
        if visibility(principal, source_id=r["source_id"], area=r["area"]) != "identified":
            continue
        entity = str(r["entity_id"])
        if (r["source_id"], r["person_id"]) in sealed:
            names[entity] = "sealed record"
        elif r["name"] and entity not in names:
            names[entity] = str(r["name"]).title()

    def label(entity_id: str) -> str:
        if shown.get(entity_id) == "identified":
            return names.get(entity_id, entity_id)
        return pseudonym("entity", entity_id)

    def node_id(entity_id: str) -> str:
        return entity_id if shown.get(entity_id) == "identified" else label(entity_id)

    reasons = member_reasons(doc, principal)
    members = [dict(m) for m in doc["members"]]
    for m in members:
        m["reasons"] = reasons.get(str(m["entity_id"]), [])
        m["basis"] = (
            "police-confirmed"
            if m.get("police_confirmed")
            else "partner intelligence, not police-confirmed"
            if m.get("police_confirmed") is False
            else ""
        )
        m["label"] = label(m["entity_id"])
        m["identified"] = shown.get(m["entity_id"]) == "identified"
        if m["identified"] and m.get("unidentified"):
            # Police write a man they could not name as UNKNOWN or "Unknown Male": a
            # placeholder read as a name would look like a person called Unknown.
            m["label"] = f"Unidentified (recorded as “{m['label']}”)"
        m["entity_id"] = node_id(m["entity_id"])
    role_of: dict[str, str] = {}
    for r in records:
        role_of.setdefault(str(r["entity_id"]), str(r["role"] or ""))
    nodes: list[Row] = [
        {
            "id": node_id(entity_id),
            "label": label(entity_id),
            "kind": "victim" if role_of.get(entity_id) == "victim" else "person",
            "identified": seen == "identified",
        }
        for entity_id, seen in shown.items()
    ]
    edges: list[Row] = [
        {
            "source": node_id(link["entity_a"]),
            "target": node_id(link["entity_b"]),
            "evidence": link["link_type"],
        }
        for link in doc["links"]
    ]
    _attach_objects(doc, principal, pseudonym, node_id, nodes, edges)
    node_ids = {entity_id: node_id(entity_id) for entity_id in shown}
    attach_child_events(doc, principal, pseudonym, node_ids, nodes, edges)
    hidden = sum(1 for s in shown.values() if s != "identified")
    # Evidence items name events and quote narratives, which name people: shown only to
    # someone who may identify every record of the network, and then only items whose
    # event comes from one of those records' sources.
    every_record = bool(records) and all(
        visibility(principal, source_id=r["source_id"], area=r["area"]) == "identified"
        for r in records
    )
    definition = _definitions(
        doc.get("definitions") or [],
        show_items=hidden == 0 and every_record,
        sources=frozenset(str(r["source_id"]) for r in records),
        label=label,
    )
    return NetworkView(
        network_id=network_id,
        summary=doc["summary"],
        members=members,
        nodes=nodes,
        edges=edges,
        definition=definition,
        pseudonymised=hidden,
        police=police_view.describe(doc["summary"]),
        node_ids=node_ids,
    )


def _item_in_sources(item: Any, sources: frozenset[str]) -> bool:
    """An evidence item naming an event (the graph's ``source_id:event_id``) of another
    source is left out: the viewer may not see that source's events."""
    if not isinstance(item, dict):
        return False
    event = item.get("event")
    return event is None or str(event).split(":", 1)[0] in sources


def _definitions(
    found: list[Row],
    *,
    show_items: bool,
    sources: frozenset[str] = frozenset(),
    label: Callable[[str], str] = str,
) -> list[Row]:
    results: list[Row] = []
    for found_row in found:
        d = dict(found_row)
        criteria = json.loads(d["criteria"] or "{}")
        evidence = json.loads(d["evidence"] or "{}")
        d["criteria"] = [
            {
                "name": name,
                "description": (c or {}).get("description", ""),
                "met": (c or {}).get("met"),
                "count": (evidence.get(name) or {}).get("count", 0),
                "items": [
                    item_words(item, label)
                    for item in (evidence.get(name) or {}).get("items", [])
                    if _item_in_sources(item, sources)
                ]
                if show_items
                else [],
            }
            for name, c in criteria.items()
        ]
        del d["evidence"]
        results.append(d)
    return results


def _held_in_view(principal: Principal, holders: list[Row] | None) -> bool:
    """Whether the viewer may identify at least one record the value was recorded in.

    A phone, email, vehicle, account or place recorded only in records the viewer may not
    identify is that hidden person's data: shown in clear it names them as surely as their
    name would (an email address often is the name). Recorded in a record the viewer may
    see, the value is theirs to see anyway and the network shows who else shares it.
    """
    return any(
        visibility(principal, source_id=str(h["source_id"]), area=str(h["area"])) == "identified"
        for h in holders or []
        if h and h.get("source_id") is not None and h.get("area") is not None
    )


def _attach_objects(
    doc: Row,
    principal: Principal,
    pseudonym: Pseudonymiser,
    node_id: Any,
    nodes: list[Row],
    edges: list[Row],
) -> None:
    """Objects and locations the network's members share, as nodes joined to members; in
    clear only when recorded in a record the viewer may identify (``_held_in_view``)."""
    for o in doc.get("objects") or []:
        alias = pseudonym("object", o["object_key"])
        clear = _held_in_view(principal, o.get("holders"))
        nodes.append(
            {
                "id": "obj:" + alias,
                "label": f"{o['object_type']}: {o['value'] if clear else alias}",
                "kind": "object",
                "object_type": o["object_type"],
                "identified": clear,
            }
        )
        for user in o["users"]:
            edges.append(
                {"source": node_id(user), "target": "obj:" + alias, "evidence": "uses_object"}
            )
    for loc in doc.get("locations") or []:
        alias = pseudonym("location", loc["location_key"])
        clear = _held_in_view(principal, loc.get("holders"))
        kind = str(loc["location_type"] or "location")
        text = " ".join(str(x) for x in (loc["name"], loc["postcode"]) if x) if clear else ""
        nodes.append(
            {
                "id": "loc:" + alias,
                "label": text or f"{kind}: {alias}",
                "kind": "location",
                "identified": clear,
            }
        )
        for user in loc["users"]:
            edges.append(
                {"source": node_id(user), "target": "loc:" + alias, "evidence": "location"}
            )


_LIST_COLUMNS = (
    "n.network_id, n.size, n.n_victims, n.areas, n.agency_types, n.first_date, n.last_date,"
    " n.detectable_police_only, n.police_only_coverage, n.partner_only, n.n_intelligence_only"
)


def networks_list(
    con: duckdb.DuckDBPyConnection, principal: Principal, *, partner_only: bool = False
) -> list[Row] | None:
    """Networks the principal may open, largest first, with their period, the IICSA
    definition's result and what police data alone finds of each; with ``partner_only``,
    only those visible only through partner records. None when networks have not run."""
    if not exists(con, "networks") or not exists(con, "network_records"):
        return None
    status, status_join = "NULL AS iicsa_status", ""
    if exists(con, "network_status"):
        status, status_join = "s.iicsa_status", "LEFT JOIN network_status s USING (network_id)"
    conditions, params = ["n.partner_only"] if partner_only else [], list[object]()
    if principal.role != "national":
        scope, params = record_filter(principal, source="held")
        conditions.append(
            "EXISTS (SELECT 1 FROM network_records r JOIN sources held USING (source_id)"
            f" WHERE r.network_id = n.network_id AND {scope})"
        )
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    found = rows(
        con,
        f"SELECT {_LIST_COLUMNS}, {status} FROM networks n {status_join} {where}"
        " ORDER BY n.size DESC, n.network_id LIMIT 500",
        params,
    )
    for n in found:
        n["police"] = police_view.short(n)
    return found
