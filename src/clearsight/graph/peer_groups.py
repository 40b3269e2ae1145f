"""Children named only as one another's companions are peers at risk, not an offender network.

Police record the people a missing child was found with, and the associates of a child at
risk of exploitation, as ``associate`` (the College of Policing APP on child sexual
exploitation asks forces to); schools and social care name the friends she is with. When
the people so recorded are themselves children, found together in each other's missing
episodes and named beside each other in anti-social behaviour or school concerns, they are
a peer group at risk together: contextual safeguarding (Firmin 2017; Working Together to
Safeguard Children 2023) treats such a group as a context of harm to every child in it,
and IICSA (2022) and the Home Office's 2020 review of group-based child sexual
exploitation describe an offender network as the people who commit, facilitate or are
suspected of the exploitation.

So a network **every member of which is a child at every record that names them** (a
recorded date of birth giving an age under ``child_age`` at each event), **none of whom
any record with an exploitation context puts as a suspect, offender or facilitator**
(``graph_involved.role`` is ``associate`` for all: the ``offending_role`` membership rule
never applies to any of them), and **one or more of whom is recorded as a child at risk
himself** (the victim, the subject of a referral or meeting, or the missing child of some
record: the child's side, ``CHILD_ROLES``) is set apart: listed in ``network_peer_groups`` with the
reason, not reported as an offender network. Peer-on-peer abuse stays a network: where a
record of a sexual offence or of exploitation names one of the children as its suspect
(``tests/scenarios`` class ``peer-on-peer``; Working Together 2023, child-on-child abuse),
the group is on the offending side by that record. Older children named only as the
companions of a child, none of them at risk in any record (a girl found with older boys),
stay a network: nothing in the records says they are a peer group at risk rather than
older children around her. A member of unknown age, or an adult in any record, keeps the
network: the rule reads only what the records say.
"""

from __future__ import annotations

import duckdb

from clearsight.graph.settings import CHILD_ROLES

PEER_GROUP = (
    "every member a child at every record naming them, and none a suspect, offender or "
    "facilitator in a record of exploitation: children at risk together, not an offender "
    "network"
)

# Per network: every member a child (a known age under $4) at each of their records, no
# member on the offending side by an offending role ($3) in an exploitation record, and
# some member on the child's side ($5) of some record. A member with no record of their
# own (a linked member known by a phone) is no known child.
_PEER_NETWORKS = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    per AS (
        SELECT m.net, m.entity_id,
               coalesce(bool_and(i.age IS NOT NULL AND i.age < $4), false) AS always_child,
               coalesce(bool_or(list_contains($5::VARCHAR[], i.role)), false) AS at_risk
        FROM m LEFT JOIN graph_involvements i USING (entity_id)
        GROUP BY m.net, m.entity_id
    )
    SELECT per.net FROM per LEFT JOIN graph_involved g USING (entity_id)
    GROUP BY per.net
    HAVING bool_and(per.always_child) AND bool_or(per.at_risk)
       AND NOT bool_or(coalesce(list_contains($3::VARCHAR[], g.role), false))
    ORDER BY per.net
"""


def set_apart_peer_groups(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    child_age: float,
    offending_roles: tuple[str, ...],
) -> tuple[list[list[int]], list[int | None], list[list[str]]]:
    """Networks (entity indices into ``entities``) without the peer groups of children
    (see the module's docstring), and those groups as entity ids."""
    if not networks:
        return networks, split_from, []
    rows = con.execute(
        _PEER_NETWORKS,
        [
            [i for i, members in enumerate(networks) for _ in members],
            [entities[v] for members in networks for v in members],
            list(offending_roles),
            child_age,
            list(CHILD_ROLES),
        ],
    ).fetchall()
    peers = {int(r[0]) for r in rows}
    if not peers:
        return networks, split_from, []
    keep = [i for i in range(len(networks)) if i not in peers]
    groups = [sorted(entities[v] for v in networks[i]) for i in sorted(peers)]
    return [networks[i] for i in keep], [split_from[i] for i in keep], groups
