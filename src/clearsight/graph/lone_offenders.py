"""A man offending alone against children of his own is not a group's member through one
child he shares with it.

The bridging rule (``bridging.join_bridged``) lets a shared child join a person held by no
strong link to a group (or to another such person): members of a group who never share a
record are found through the children they exploit in turn. But a vulnerable child is
often abused by more than one offender independently, and IICSA (2022) calls offenders
linked only by one shared victim a "possible" network; the Home Office's review of
group-based child sexual exploitation (2020) describes a group as offenders acting
together against the same children. A man who offended against children of his own (a
child no one else of the network offended against) and shares **one** child with the
rest of it is a lone offender with his own victims, whom that child's abuse by others
does not make a member: a lone offender who abused a child a group also abused is not
thereby a member of the group.

So a member of a network who is held in it by **no strong link** (no co-offending, no
shared phone or vehicle, no association, no household: only shared children, or being
named beside another in a partner's record of a child, ``_PARTNER_NAMED_ONLY``) is set
apart when he offended against children of his own (no other member offended against
them; in police records of the offences: ``_OWN_OFFENDING``), ``cohort_min_common_children``
or more of them, and shares one or more, but fewer than that many, children with the
others. It is the count at which the cohort rule (``cohorts.py``) reads a second child in
common as acting together rather than coincidence, read both ways: one child of his own
may be a group's child recorded only with him, two are a pattern of offending alone; one
child in common is the coincidence, two are acting together. What is left is kept where
its own links still join it (pieces of two or more people). Children are read as the
cohort and shared-victim rules read them (``cohorts._cohorts``). Members with a strong
link, and people with no child (an employee, a linked member), are never set apart here.
"""

from __future__ import annotations

from collections import Counter

import duckdb
import numpy as np

from clearsight import partition
from clearsight.graph.cohorts import _cohorts

# Each person's children by his own offending: a child in a police record with a sexual
# or exploitation context in which he is a suspect, offender or facilitator (the
# ``involved_roles``; a flag marker alone not counting). A police crime record is the
# record of an offence against that child (the Home Office Counting Rules record one per
# victim); the children a partner's referral names him around, even as its suspect, are
# a concern about a man near children, intelligence rather than a record of his offending.
_OWN_OFFENDING = """
    WITH m AS (SELECT unnest($1::VARCHAR[]) AS entity_id)
    SELECT DISTINCT m.entity_id, v.entity_id
    FROM m JOIN graph_involvements o ON o.entity_id = m.entity_id
    JOIN graph_involvements v
      ON v.event_key = o.event_key AND v.is_child AND v.entity_id <> o.entity_id
    WHERE list_contains($2, o.role) AND o.sexual AND o.police
      AND o.event_key NOT IN (SELECT event_key FROM graph_events WHERE flag_marker)
    ORDER BY 1, 2
"""


# Pairs of members held together only by being named, both as associates, in one
# partner agency's record (a referral, a health attendance, an education concern) and by
# no other strong link: such a record is about its subject and names the adults around
# her, relatives as readily as men of concern (Working Together to Safeguard Children,
# 2023: a referral says who is in the child's life). It puts two adults around one child;
# it does not show a man the police recorded offending alone against children of his own
# acting together with anyone.
_PARTNER_NAMED_ONLY = """
    WITH m AS (SELECT unnest($1::VARCHAR[]) AS entity_id),
    together AS (
        SELECT a.entity_id AS ea, b.entity_id AS eb,
               bool_and(NOT a.police AND a.role = 'associate' AND b.role = 'associate')
                   AS partner_named
        FROM graph_involvements a JOIN graph_involvements b USING (event_key)
        WHERE a.entity_id < b.entity_id
          AND a.entity_id IN (SELECT entity_id FROM m)
          AND b.entity_id IN (SELECT entity_id FROM m)
        GROUP BY ALL
    )
    SELECT t.ea, t.eb FROM together t
    WHERE t.partner_named AND NOT EXISTS (
        SELECT 1 FROM graph_links l
        WHERE l.entity_a = t.ea AND l.entity_b = t.eb
          AND list_contains($2::VARCHAR[], l.link_type))
"""


def _offended_against(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    members: list[int],
    roles: tuple[str, ...],
) -> dict[int, set[str]]:
    index = {entities[v]: v for v in members}
    rows = con.execute(_OWN_OFFENDING, [list(index), list(roles)]).fetchall()
    out: dict[int, set[str]] = {v: set() for v in members}
    for entity, child in rows:
        out[index[str(entity)]].add(str(child))
    return out


# Why a person was set apart (``network_lone_offenders.reason``).
LONE_OFFENDER = (
    "offended alone against children of his own; shares fewer children than acting "
    "together needs with the network, and no strong link"
)


def _pieces(members: list[int], pairs: set[tuple[int, int]]) -> list[list[int]]:
    """``members`` grouped by the links among them (entity index pairs, either order)."""
    slot = {m: i for i, m in enumerate(members)}
    sets = partition.DisjointSets(len(members))
    for a, b in sorted(pairs):
        if a in slot and b in slot:
            sets.union(slot[a], slot[b])
    found: dict[int, list[int]] = {}
    for m in members:
        found.setdefault(sets.find(slot[m]), []).append(m)
    return sorted((sorted(p) for p in found.values()), key=min)


def set_apart_lone_offenders(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    links: np.ndarray,
    strong: np.ndarray,
    min_common: int,
    min_size: int,
    roles: tuple[str, ...],
    other_strong_types: tuple[str, ...],
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None], list[tuple[str, str]]]:
    """Networks (entity indices into ``entities``) without the lone offenders held in them
    by shared children alone, and each person set apart with a member of the network he
    was held in
    (``links``: entity index pairs, ``strong``: per pair, some link other than a bridging
    or supporting one; ``other_strong_types``: the strong link types but ``co_involved``)."""
    members = sorted({v for m in networks for v in m})
    if not members:
        return networks, split_from, []
    children = dict(
        zip(members, _cohorts(con, entities, [[v] for v in members], police_only), strict=True)
    )
    offended = _offended_against(con, entities, members, roles)
    of_entity = {entities[v]: v for v in members}
    partner_named = {
        (of_entity[str(a)], of_entity[str(b)])
        for a, b in con.execute(
            _PARTNER_NAMED_ONLY, [list(of_entity), list(other_strong_types)]
        ).fetchall()
    }
    pairs = {(int(a), int(b)) for a, b in np.asarray(links).reshape(-1, 2).tolist()}
    strong_pairs = {
        (int(a), int(b))
        for (a, b), s in zip(np.asarray(links).reshape(-1, 2).tolist(), strong, strict=True)
        if s and (a, b) not in partner_named and (b, a) not in partner_named
    }
    # Per person, the people a strong link ties him to: a network is read through its own
    # members' links, not by scanning every link of the graph once per network.
    strong_with: dict[int, set[int]] = {}
    for a, b in strong_pairs:
        strong_with.setdefault(a, set()).add(b)
        strong_with.setdefault(b, set()).add(a)
    out: list[list[int]] = []
    origin: list[int | None] = []
    apart: list[tuple[str, str]] = []
    for index, net in enumerate(networks):
        inside = set(net)
        anchored = {v for v in net if not strong_with.get(v, set()).isdisjoint(inside)}
        # How many members hold each child (another member holds it when the count is more
        # than v's own one).
        holders = Counter(child for o in net for child in children[o])
        lone = []
        for v in net:
            if v in anchored or not offended[v]:
                continue
            own = {c for c in offended[v] if holders[c] <= (c in children[v])}
            shared = sum(1 for c in children[v] if holders[c] > 1)
            if len(own) >= min_common and 0 < shared < min_common:
                lone.append(v)
        if not lone:
            out.append(net)
            origin.append(split_from[index])
            continue
        rest = [v for v in net if v not in lone]
        apart.extend((entities[v], entities[min(rest or [o for o in net if o != v])]) for v in lone)
        for piece in _pieces([v for v in net if v not in lone], pairs):
            if len(piece) >= min_size:
                out.append(piece)
                origin.append(split_from[index])
    return out, origin, apart
