"""Two sets of co-offenders exploiting one cohort of children are one network.

A shared child alone never joins two groups each held together by strong links (the
bridging rule, ``bridging.join_bridged``): a vulnerable child is often targeted by more
than one group, and one child in common is IICSA's "possible" network, not evidence that
two groups know one another. What tells two groups apart is that each has children of its
own. IICSA (2022) counts as one network the individuals "linked through the sexual abuse
and exploitation of a child or children", and the Home Office's review of group-based
child sexual exploitation (2020) describes offenders who act together against the same
children, passing them from one to another; large groups are recorded as several sets of
co-offenders, each crime naming some of the men, against one cohort of children (the
Rochdale and Rotherham reviews: the same girls abused by changing sets of men).

So a network joins another when **every child its members offended against is a child
the other's members offended against, and they have two or more in common**
(``cohort_min_common_children``): a set of men with no victim of its own, working the
other group's children, more than one of them. One child in common stays the coincidence
the bridging rule allows for. A network whose children all belong to the cohorts of two
or more others stays as it is (the records cannot say which group it is part of); two
networks with one cohort are one. Networks that share a person are left to the area
rule (``detect._entity_networks``). A member's children are read as the shared-victim
rule reads them: the children of the records where he is on the offending side, and the
child he is recorded with (found with her while she was missing, her associate, the
adult a partner's record of her exploitation names).

**Sets of adults known only to partners, around one child** (since session 23): a network
none of whose members any police record puts on the offending side (every member is
partner intelligence, ``graph_involved.police_confirmed`` false) joins, on **one** child
in common, the one other such network that holds every child it has. Each agency's record
of a child names the adults it saw around her (Working Together to Safeguard Children
2023: social care's referral, the hospital attendance and the school's concern each say
who is in her life), so one group around one child is recorded by several partners in
parts, each part its own record's associates; the joint inspection "Time to listen"
(2016) found what partners knew about the adults around a child held in such pieces.
A part with no child of its own has nothing that tells it from the other adults named
around her. One child in common stays a coincidence for a network with evidence of its
own (a police record, a child of its own), and a police network is never the one joined:
a group known only to partners is never hidden inside a police group (issue 17 item 2).
"""

from __future__ import annotations

import duckdb

from clearsight import partition
from clearsight.graph.settings import OFFENDING_ROLES

# Each network's children, as the shared-victim rule reads them (``links._shared_victims``):
# a child in an event with a sexual or exploitation context in which one of its members is
# on the offending side (a flag marker alone, the child's flag on a burglary, not
# counting), and a child one of its members is recorded with (``graph_child_associates``: the
# adult she was found with while missing, the associate of a child who was exploited,
# the adult a partner's record of her exploitation names); police records only in the
# police-only pass ($4).
_COHORTS = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id)
    SELECT DISTINCT m.net, v.entity_id
    FROM m JOIN graph_involvements o ON o.entity_id = m.entity_id
    JOIN graph_involvements v
      ON v.event_key = o.event_key AND v.is_child AND v.entity_id <> o.entity_id
    WHERE list_contains($3, o.role) AND o.sexual AND (o.police OR NOT $4)
      AND o.event_key NOT IN (SELECT event_key FROM graph_events WHERE flag_marker)
    UNION
    SELECT m.net, c.child FROM m JOIN graph_child_associates c ON c.adult = m.entity_id
    WHERE c.police OR NOT $4
    ORDER BY 1, 2
"""


def _cohorts(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    police_only: bool,
) -> list[set[str]]:
    rows = con.execute(
        _COHORTS,
        [
            [i for i, members in enumerate(networks) for _ in members],
            [entities[v] for members in networks for v in members],
            list(OFFENDING_ROLES),
            police_only,
        ],
    ).fetchall()
    cohorts: list[set[str]] = [set() for _ in networks]
    for net, child in rows:
        cohorts[int(net)].add(str(child))
    return cohorts


# Entities some police record puts on the offending side (``graph_involved``'s
# ``police_confirmed``): a network with none of them is known only from partner records.
_POLICE_CONFIRMED = """
    SELECT DISTINCT entity_id FROM graph_involved
    WHERE police_confirmed AND list_contains($1::VARCHAR[], entity_id)
"""


def _partner_only(
    con: duckdb.DuckDBPyConnection, entities: list[str], networks: list[list[int]]
) -> list[bool]:
    """Per network: no member is police-confirmed (every one is partner intelligence)."""
    names = sorted({entities[v] for members in networks for v in members})
    confirmed = {str(r[0]) for r in con.execute(_POLICE_CONFIRMED, [names]).fetchall()}
    return [not any(entities[v] in confirmed for v in members) for members in networks]


def join_cohorts(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    min_common: int,
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None]]:
    """Networks (entity indices into ``entities``) whose children are all the children of
    exactly one other network, ``min_common`` or more in common, joined to it; the joined network
    keeps the first one's place and ``split_from``. A network known only from partner
    records needs one child in common, and joins only another such network."""
    if len(networks) < 2:
        return networks, split_from
    cohorts = _cohorts(con, entities, networks, police_only)
    # The police-only pass holds no network known only to partners.
    partner = [False] * len(networks) if police_only else _partner_only(con, entities, networks)
    holders: dict[str, list[int]] = {}
    for index, children in enumerate(cohorts):
        for child in children:
            holders.setdefault(child, []).append(index)
    people = [set(members) for members in networks]
    # Per network, the others holding every one of its children and no person of it.
    candidates: dict[int, set[int]] = {}
    for index, children in enumerate(cohorts):
        if len(children) >= max(min_common, 1) or (partner[index] and children):
            found = set.intersection(*(set(holders[c]) for c in children)) - {index}
            found = {c for c in found if not people[c] & people[index]}
            if len(children) < min_common:
                # One child in common joins only parts of one partner picture.
                found = {c for c in found if partner[c]}
            candidates[index] = found
    joined = partition.DisjointSets(len(networks))
    # Two networks with one cohort are one.
    for index, found in sorted(candidates.items()):
        for other in sorted(found):
            if cohorts[other] == cohorts[index]:
                joined.union(index, other)
    # Until nothing changes, in network order: candidates already joined into one network
    # are one network (a set of men working the children of two sets that are one group).
    changed = True
    while changed:
        changed = False
        for index, found in sorted(candidates.items()):
            roots = {joined.find(c) for c in found} - {joined.find(index)}
            if len(roots) == 1 and joined.union(index, roots.pop()):
                changed = True
    groups: dict[int, list[int]] = {}
    for index in range(len(networks)):
        groups.setdefault(joined.find(index), []).append(index)
    if len(groups) == len(networks):
        return networks, split_from
    order = sorted(groups.values(), key=min)
    merged = [sorted({v for i in group for v in networks[i]}) for group in order]
    origin = [split_from[group[0]] for group in order]
    return merged, origin
