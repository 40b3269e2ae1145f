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

Two readings of "what the records say" (session 28, issue 17):

- **A record without a date of birth takes the person's age from their other records.**
  Linkage has decided the records are one person, so a date of birth on any of them dates
  every event that names him (a police record of a boy known by name only, beside a school
  record with his date of birth). An undated record takes the earliest date of birth his
  other records give (the oldest age they give him), so he is a child there only if he
  is one by that. A person no record dates stays of unknown age and keeps the network.
- **The child at risk they are found with is one of them when a record names her as their
  equal.** A network is the offending side, so the missing child her friends are found
  with is never a member of it; when a record names her beside them in the same role (a
  co-suspect with them in anti-social behaviour, a fellow associate), she is one of their
  group, not the child they exploit: contextual safeguarding (Firmin 2017) reads the
  group, her included, as the context of harm. So a member named in one record in the
  same linking role as a child at risk (a child on the child's side of some record, under
  ``child_age`` in that record, herself on the offending side of no record of
  exploitation) is one of her group; a network **every** member of which is at risk
  himself or so named beside a child at risk is a peer group. Older children only ever
  found around her (associates of her missing episode, never named beside her as equals)
  stay a network, and so does a network holding any of them beside her friends (the
  friends named beside her say nothing about the others).
"""

from __future__ import annotations

import duckdb

from clearsight.graph.settings import CHILD_ROLES, LINKING_ROLES

PEER_GROUP = (
    "every member a child at every record naming them (a record without a date of birth "
    "dated by their other records), none a suspect, offender or facilitator in a record of "
    "exploitation, and one of them at risk in a record, or each at risk or named as the "
    "equal of a child at risk (the same role beside her in one record): children at risk "
    "together, not an offender network"
)

# Per network: every member a child (an age under $4 at each of their records: the
# record's own, or for a record without a date of birth the age the member's other records
# give at its date, by the earliest date of birth among them), no member on the offending
# side by an offending role ($3) in an exploitation record, and some member on the child's
# side ($5) of some record, or else every member on it or named in one record in the same
# linking role ($6) as a child at risk who is on no offending side (the module's
# docstring). A member with no record of their own (a linked member known by a phone) is
# no known child.
_PEER_NETWORKS = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    inv AS (
        SELECT i.entity_id, i.event_key, i.role, i.age, i.is_child,
               date_diff('day', DATE '1970-01-01', i.event_date) AS day
        FROM graph_involvements i WHERE i.entity_id IN (SELECT entity_id FROM m)
    ),
    born AS (
        SELECT entity_id, min(day - age * 365.25) AS born_day
        FROM inv WHERE age IS NOT NULL AND day IS NOT NULL GROUP BY entity_id
    ),
    at_risk_children AS (
        SELECT DISTINCT entity_id FROM graph_involvements
        WHERE is_child AND list_contains($5::VARCHAR[], role)
          AND entity_id NOT IN (
              SELECT entity_id FROM graph_involved
              WHERE list_contains($3::VARCHAR[], role))
    ),
    beside AS (
        SELECT DISTINCT a.entity_id
        FROM inv a JOIN graph_involvements b
          ON b.event_key = a.event_key AND b.entity_id <> a.entity_id AND b.role = a.role
        WHERE list_contains($6::VARCHAR[], a.role) AND b.age < $4
          AND b.entity_id IN (SELECT entity_id FROM at_risk_children)
    ),
    per AS (
        SELECT m.entity_id, m.net,
               coalesce(bool_and(coalesce(
                   coalesce(i.age, (i.day - b.born_day) / 365.25) < $4, false)), false)
                   AS always_child,
               coalesce(bool_or(list_contains($5::VARCHAR[], i.role)), false) AS at_risk,
               m.entity_id IN (SELECT entity_id FROM beside) AS beside
        FROM m LEFT JOIN inv i USING (entity_id) LEFT JOIN born b USING (entity_id)
        GROUP BY m.net, m.entity_id
    )
    SELECT per.net FROM per LEFT JOIN graph_involved g USING (entity_id)
    GROUP BY per.net
    HAVING bool_and(per.always_child)
       AND (bool_or(per.at_risk) OR bool_and(per.at_risk OR per.beside))
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
            list(LINKING_ROLES),
        ],
    ).fetchall()
    peers = {int(r[0]) for r in rows}
    if not peers:
        return networks, split_from, []
    keep = [i for i in range(len(networks)) if i not in peers]
    groups = [sorted(entities[v] for v in networks[i]) for i in sorted(peers)]
    return [networks[i] for i in keep], [split_from[i] for i in keep], groups
