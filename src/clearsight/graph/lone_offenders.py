"""A man offending alone against children of his own is not a group's member through one
child he shares with it.

The bridging rule (``detect.join_bridged``) lets a shared child join a person held by no
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
shared phone or vehicle, no association, no household: only shared children) is set
apart when he offended against a child of his own (in a police record of the offence:
``_OWN_OFFENDING``) and shares one or more, but fewer than
``cohort_min_common_children``, children with the others, the same count at which the
cohort rule (``cohorts.py``) reads a second child in common as acting together rather
than coincidence. What is left is kept where its own links still join it (pieces of two
or more people). Children are read as the cohort and shared-victim rules read them
(``cohorts._cohorts``). Members with a strong link, and people with no child (an
employee, a linked member), are never set apart here.
"""

from __future__ import annotations

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
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None], list[tuple[str, str]]]:
    """Networks (entity indices into ``entities``) without the lone offenders held in them
    by shared children alone, and the people set apart with the network's first member
    (``links``: entity index pairs, ``strong``: per pair, some link other than a bridging
    or supporting one)."""
    members = sorted({v for m in networks for v in m})
    if not members:
        return networks, split_from, []
    children = dict(
        zip(members, _cohorts(con, entities, [[v] for v in members], police_only), strict=True)
    )
    offended = _offended_against(con, entities, members, roles)
    pairs = {(int(a), int(b)) for a, b in np.asarray(links).reshape(-1, 2).tolist()}
    strong_pairs = {
        (int(a), int(b))
        for (a, b), s in zip(np.asarray(links).reshape(-1, 2).tolist(), strong, strict=True)
        if s
    }
    out: list[list[int]] = []
    origin: list[int | None] = []
    apart: list[tuple[str, str]] = []
    for index, net in enumerate(networks):
        inside = set(net)
        anchored = {v for pair in strong_pairs if set(pair) <= inside for v in pair}
        lone = []
        for v in net:
            if v in anchored or not offended[v]:
                continue
            others = set().union(*(children[o] for o in net if o != v))
            if offended[v] - others and 0 < len(children[v] & others) < min_common:
                lone.append(v)
        if not lone:
            out.append(net)
            origin.append(split_from[index])
            continue
        first = entities[min(net)]
        apart.extend((first, entities[v]) for v in lone)
        for piece in _pieces([v for v in net if v not in lone], pairs):
            if len(piece) >= min_size:
                out.append(piece)
                origin.append(split_from[index])
    return out, origin, apart
