"""A network in words an analyst reads: members and why each is there (the decision
record, ``network_evidence``), the children and who offended against them, places,
objects, every link with its evidence, and every definition's criteria. Entity ids in
evidence are replaced by the person's name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.graph import police_view
from clearsight.graph.rules import EvidenceRule, default_rules
from clearsight.store.sql import table_exists

Rules = dict[str, EvidenceRule]

# Entity ids: the linkage stage's (16 hex digits), or ``source/person`` without linkage.
_ENTITY = re.compile(r"[A-Za-z0-9_.:-]+/[A-Za-z0-9_.:-]+|\b[0-9A-F]{16}\b")

# Evidence keys as an analyst says them.
_KEYS = {"entity_id": "person", "entities": "people", "n_evidence": "items", "via": "how"}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


class _Names:
    """Entity id -> label, looked up as met."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.known: dict[str, str] = {}

    def fill(self, text: str) -> None:
        wanted = sorted({m for m in _ENTITY.findall(text) if m not in self.known})
        if wanted:
            for entity_id, label in self.con.execute(
                "SELECT entity_id, label FROM graph_entities WHERE list_contains(?, entity_id)",
                [wanted],
            ).fetchall():
                self.known[str(entity_id)] = str(label)

    def words(self, value: Any) -> str:
        """Any evidence value (text, list, mapping) as words, names for entity ids."""
        if isinstance(value, dict):
            return "; ".join(
                f"{_KEYS.get(k, k.replace('_', ' '))} {self.words(v)}" for k, v in value.items()
            )
        if isinstance(value, list):
            return ", ".join(self.words(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = "" if value is None else str(value)
        self.fill(text)
        return _ENTITY.sub(lambda m: self.known.get(m.group(0), m.group(0)), text)


def describe(con: duckdb.DuckDBPyConnection, network_id: str) -> list[str]:
    """The network as lines of text; ValueError when there is no such network."""
    head = _rows(
        con,
        "SELECT n.*, s.iicsa_status FROM networks n LEFT JOIN network_status s "
        "USING (network_id) WHERE network_id = ?",
        [network_id],
    )
    if not head:
        raise ValueError(f"no network {network_id!r}; see 'clearsight network list'")
    n = head[0]
    names = _Names(con)
    rules = default_rules()
    out = [
        f"Network {network_id}: {n['size']} members, {n['n_victims']} children offended "
        f"against, {n['first_date']} to {n['last_date']}; IICSA {n['iicsa_status']}.",
        f"Sources: {', '.join(n['sources'])} (areas {', '.join(n['areas'])}). "
        + police_view.describe(n),
        "",
        "Members, key people first, and why each is in the network:",
    ]
    members = _rows(
        con,
        "SELECT m.entity_id, e.label, m.role, m.police_confirmed, m.degree, m.key_person_rank "
        "FROM network_members m JOIN graph_entities e USING (entity_id) "
        "WHERE network_id = ? ORDER BY key_person_rank",
        [network_id],
    )
    evidence = _rows(
        con,
        "SELECT * FROM network_evidence WHERE network_id = ? ORDER BY entity_id, strength DESC, "
        "rule_id, source_id",
        [network_id],
    )
    for m in members:
        names.known[m["entity_id"]] = m["label"]
        basis = (
            "police-confirmed"
            if m["police_confirmed"]
            else "partner intelligence, not police-confirmed"
        )
        out.append(
            f"  {m['key_person_rank']}. {m['label']}: {m['role']} ({basis}); "
            f"linked to {_members(m['degree'], 'other member')}"
        )
        for ev in (e for e in evidence if e["entity_id"] == m["entity_id"]):
            rule = rules[ev["rule_id"]]
            dates = (
                f", {ev['first_date']} to {ev['last_date']}" if ev["first_date"] is not None else ""
            )
            out.append(
                f"       {rule.description} [{rule.id}, strength {ev['strength']}]: "
                f"{ev['source_id']} records {', '.join(ev['record_ids'])}{dates}"
            )
    section = _Section(con, network_id, names, rules)
    for heading, lines in _SECTIONS:
        out += ["", heading, *lines(section)]
    return out


@dataclass
class _Section:
    """What every section of the description reads from."""

    con: duckdb.DuckDBPyConnection
    network_id: str
    names: _Names
    rules: Rules

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """``sql``'s rows, each ``?`` in it the network's id."""
        return _rows(self.con, sql, [self.network_id] * sql.count("?"))


def _children_lines(s: _Section) -> list[str]:
    """Children offended against, each with the members named in her records."""
    victims = s.rows(
        """
        SELECT v.entity_id, e.label, v.n_events, v.first_date, v.last_date,
               list_sort(list_distinct(list(me.label))) AS offenders
        FROM network_victims v JOIN graph_entities e USING (entity_id)
        LEFT JOIN graph_involvements c ON c.entity_id = v.entity_id AND c.is_child
        LEFT JOIN graph_involvements o ON o.event_key = c.event_key
             AND o.entity_id IN (SELECT entity_id FROM network_members WHERE network_id = ?)
             AND o.role IN ('suspect', 'offender', 'facilitator', 'associate')
        LEFT JOIN graph_entities me ON me.entity_id = o.entity_id
        WHERE v.network_id = ? GROUP BY ALL ORDER BY e.label
        """
    )
    out = []
    for v in victims:
        offenders = ", ".join(x for x in v["offenders"] if x) or "no member named in her records"
        out.append(
            f"  - {v['label']}: {v['n_events']} event(s), {v['first_date']} to "
            f"{v['last_date']}; with {offenders}"
        )
    return out


def _place_lines(s: _Section) -> list[str]:
    """Places the network's records name."""
    return [
        f"  - {p['name'] or p['postcode'] or p['location_key']} ({p['location_type'] or 'place'}"
        f", {p['postcode'] or 'no postcode'}): {', '.join(p['uses'])}; "
        f"{p['n_events']} event(s)"
        for p in s.rows(
            "SELECT * FROM network_locations WHERE network_id = ? ORDER BY location_key"
        )
    ]


def _place_people_lines(s: _Section) -> list[str]:
    """People tied to the premises where members offended who are not members
    (``place_people.py``): lines of enquiry, each with the tie and its record."""
    if not table_exists(s.con, "network_place_people"):
        return ["  not listed by this store's networks stage (run clearsight networks)"]
    found = s.rows(
        """
        SELECT e.label, coalesce(l.name, l.postcode, p.location_key) AS place, p.via,
               list(DISTINCT p.record_key ORDER BY p.record_key) AS records,
               bool_or(p.guardian) AS guardian, any_value(p.member_of) AS member_of
        FROM network_place_people p JOIN graph_entities e USING (entity_id)
        JOIN network_locations l USING (network_id, location_key)
        WHERE p.network_id = ? GROUP BY ALL ORDER BY place, e.label, p.via
        """
    )
    out = []
    for r in found:
        notes = ["reported or witnessed exploitation there"] if r["guardian"] else []
        if r["member_of"]:
            notes.append(f"a member of {', '.join(r['member_of'])}")
        out.append(
            f"  - {r['label']}: {r['via'].replace('_', ' ')} {r['place']} "
            f"({', '.join(r['records'])})" + (f"; {'; '.join(notes)}" if notes else "")
        )
    return out or ["  none recorded"]


def _object_lines(s: _Section) -> list[str]:
    """Phones, vehicles, emails and accounts members use."""
    return [
        f"  - {o['object_type']} {o['value']}: used by {_members(o['n_members'], 'member')} "
        f"({', '.join(o['sources'])})"
        for o in s.rows("SELECT * FROM network_objects WHERE network_id = ? ORDER BY object_key")
    ]


def _link_lines(s: _Section) -> list[str]:
    """Links between members, each with its evidence."""
    out = []
    for link in s.rows(
        "SELECT l.*, a.label AS label_a, b.label AS label_b FROM network_links l "
        "JOIN graph_entities a ON a.entity_id = l.entity_a "
        "JOIN graph_entities b ON b.entity_id = l.entity_b "
        "WHERE network_id = ? ORDER BY label_a, label_b, link_type"
    ):
        rule = s.rules[link["link_type"]]
        police = "police evidence" if link["police_evidence"] else "partner evidence only"
        out.append(
            f"  - {link['label_a']} and {link['label_b']}: {rule.description} "
            f"[{rule.id}]; {link['n_evidence']} item(s), {police}"
        )
        for item in json.loads(link["evidence"]):
            out.append(
                f"       {s.names.words(item.get('via'))} ({item.get('date') or 'undated'}, "
                f"{', '.join(item.get('sources') or [])})"
            )
    return out


def _definition_lines(s: _Section) -> list[str]:
    """Each definition's verdict and its criteria."""
    out = []
    for d in s.rows(
        "SELECT definition_id, definition_version, status, category, criteria, evidence "
        "FROM definition_results WHERE subject_type = 'network' AND subject_id = ? "
        "ORDER BY definition_id"
    ):
        category = f" ({d['category']})" if d["category"] else ""
        out.append(f"  {d['definition_id']} v{d['definition_version']}: {d['status']}{category}")
        criteria = json.loads(d["criteria"]) if isinstance(d["criteria"], str) else d["criteria"]
        found = json.loads(d["evidence"]) if isinstance(d["evidence"], str) else d["evidence"]
        for key, c in criteria.items():
            met = {True: "met", False: "not met", None: "not known"}[c.get("met")]
            out.append(f"     {met}: {c.get('description', key)}")
            items = (found or {}).get(key, {}).get("items", [])
            for item in items[:5]:
                out.append(f"         {s.names.words(item)}")
            if len(items) > 5:
                out.append(f"         ... and {len(items) - 5} more")
    return out


def _linked_lines(s: _Section) -> list[str]:
    """Other networks sharing a child or a member with this one (``linked.py``)."""
    from clearsight.graph.linked import linked_networks

    return [f"  {n.network_id}: {n.words()}" for n in linked_networks(s.con, s.network_id)]


# The description's sections after its members, in order, each under its heading.
_SECTIONS: tuple[tuple[str, Callable[[_Section], list[str]]], ...] = (
    ("Children offended against:", _children_lines),
    ("Places:", _place_lines),
    (
        "People tied to those places who are not members (lines of enquiry: staff, owners,"
        " residents):",
        _place_people_lines,
    ),
    ("Phones, vehicles, emails and accounts:", _object_lines),
    ("Links between members:", _link_lines),
    ("Definitions:", _definition_lines),
    ("Networks sharing a child or a member (each stays a network of its own):", _linked_lines),
)


def _members(n: int, noun: str) -> str:
    """'1 member', '2 members'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
