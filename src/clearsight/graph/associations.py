"""Adults tied together with no child in any record of theirs are an association to
review, not a network exploiting children.

Intelligence often names men as associates of one another (seen together, in a car, at
an address) with nothing about a child in it; a crime or an incident may name two men as
co-suspects of an offence against an adult. Detection links them (a co-involvement, a
shared phone or vehicle), and on the links alone they are a group. But group-based child
sexual exploitation is offending against a child: the Home Office's definition of child
sexual exploitation (2017) and IICSA's of group-based offending (2022) both describe two
or more people who sexually exploit a **child** (or children) together, and the Home
Office's 2020 review of group-based CSE counts groups by the children they offended
against. A set of adults whose records name no child at all shows an association, which
an analyst reviews (it may be an organised crime group, or the men of a group whose
child is in a record linkage has not joined to them), not a CSE network to report.

So a network in which **no member is in any record that names a child** (no member is
a child in any record, and no record naming a member names anyone else who is a child
by their recorded age, or who is on the child's side of it: the subject of a referral
or meeting, the missing person, the victim of a sexual or exploitation offence;
``offending_side.child_side``) is set apart: listed in
``network_associations`` with the reason, not reported as a network. Any record with a
child keeps the network, whatever the member's role in it (a man recorded only as
present with a child, as partners record the adults around her, keeps his network: the
partner-only groups of issue 17 are found that way), and so does a member known only by
an object (a phone, a vehicle) as long as another member's record names a child. The
rule reads only whether a record names a child, never who the members are.
"""

from __future__ import annotations

import duckdb

from clearsight.graph.offending_side import child_side
from clearsight.graph.settings import CHILD_ROLES

ASSOCIATION = (
    "no record naming any of them names a child: an association of adults to review, "
    "not a network exploiting children"
)

# Per network: the networks none of whose members is in a record that names a child: a
# member who is a child there himself, or someone else on the child's side of it (a child
# by age, the subject, the missing person, a victim of a sexual or exploitation offence:
# ``offending_side.child_side``; an adult's own assault or theft names no child). A member
# with no record of his own (linked by a phone) names no child; the network is kept when
# another member's record does.
_CHILDLESS = f"""
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    child AS (
        SELECT event_key, entity_id FROM graph_involvements
        WHERE {child_side("$3::VARCHAR[]")}
    ),
    with_child AS (
        SELECT DISTINCT o.entity_id
        FROM graph_involvements o JOIN child c ON c.event_key = o.event_key
        WHERE o.entity_id IN (SELECT entity_id FROM m)
          AND (c.entity_id <> o.entity_id OR o.is_child)
    )
    SELECT m.net FROM m
    GROUP BY m.net
    HAVING NOT bool_or(m.entity_id IN (SELECT entity_id FROM with_child))
    ORDER BY m.net
"""


def set_apart_associations(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
) -> tuple[list[list[int]], list[int | None], list[list[str]]]:
    """Networks (entity indices into ``entities``) without the associations of adults no
    record of which names a child (see the module's docstring), and those associations
    as entity ids."""
    if not networks:
        return networks, split_from, []
    rows = con.execute(
        _CHILDLESS,
        [
            [i for i, members in enumerate(networks) for _ in members],
            [entities[v] for members in networks for v in members],
            list(CHILD_ROLES),
        ],
    ).fetchall()
    childless = {int(r[0]) for r in rows}
    if not childless:
        return networks, split_from, []
    keep = [i for i in range(len(networks)) if i not in childless]
    groups = [sorted(entities[v] for v in networks[i]) for i in sorted(childless)]
    return [networks[i] for i in keep], [split_from[i] for i in keep], groups
