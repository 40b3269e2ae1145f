"""Men police could not name, put with the one group whose child they offended against.

A record of a sexual offence against a child often names no suspect: she knows the men
only by a nickname or not at all, and the record says "unknown male" (the Rotherham and
Rochdale reviews, and the "Time to listen" joint inspection, found victims often could
not name the men who abused them). Two such men in one record are co-suspects, so on
their own they would be a network of two people "identified or not" (IICSA). But a record
that names nobody cannot show that a second group exists: nothing in it tells those men
from the men of the group known to exploit her, and most often they are those men,
recorded on the one occasion she could not name them. An analyst puts them in that
group's picture as unidentified members, pending identification, rather than reporting
a group of their own. The same holds with one named man among them: one known man is no
group of known people (he alone, sharing her with the group, would join it through her,
as the bridging rule lets a person do), and men nobody could name beside him do not make
him one (as a network in which at most one person is named, linked only through
children, is set aside as a possible duplicate: ``duplicates.py``).

So a network in which **at most one person is named** (the others unidentified: every
record "unknown male" or a blank name) joins the network it shares a child with (a
``shared_victim`` link from one of its members to a member of the other, the rule pack's
shared victim), **when exactly one** network of two or more named people shares a child
with it. When the child is exploited by two or more such networks the record cannot say
which of them the men belong to, and they stay a network of their own; a network with two
or more named people is a group of known people, which the bridging rule keeps apart.
"""

from __future__ import annotations

import duckdb

SHARED_VICTIM = "shared_victim"

# For each network in which at most one person is named, the networks of two or more named
# people whose members share a child with one of its members.
_SHARERS = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    named AS (
        SELECT m.net FROM m JOIN graph_entities g USING (entity_id)
        GROUP BY m.net HAVING count(*) FILTER (WHERE NOT g.unidentified) >= 2
    ),
    pairs AS (
        SELECT entity_a AS x, entity_b AS y FROM graph_links
        WHERE link_type = $3 AND (police_evidence OR NOT $4)
        UNION ALL
        SELECT entity_b, entity_a FROM graph_links
        WHERE link_type = $3 AND (police_evidence OR NOT $4)
    )
    SELECT DISTINCT a.net AS unnamed, b.net AS named_net
    FROM pairs JOIN m a ON a.entity_id = pairs.x JOIN m b ON b.entity_id = pairs.y
    WHERE a.net NOT IN (SELECT net FROM named) AND b.net IN (SELECT net FROM named)
    ORDER BY 1, 2
"""


def _attach_unidentified(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None]]:
    """Each network in which at most one person is named joins the one network of two or
    more named people that shares a child with it (none, or several: it stays as it is).
    Networks are entity indices into ``entities``; the joined network keeps its place and
    ``split_from``.
    ``police_only``: only links with police evidence (the police-only pass)."""
    if len(networks) < 2:
        return networks, split_from
    rows = con.execute(
        _SHARERS,
        [
            [i for i, members in enumerate(networks) for _ in members],
            [entities[v] for members in networks for v in members],
            SHARED_VICTIM,
            police_only,
        ],
    ).fetchall()
    sharers: dict[int, list[int]] = {}
    for unnamed, named in rows:
        sharers.setdefault(int(unnamed), []).append(int(named))
    into = {n: targets[0] for n, targets in sharers.items() if len(targets) == 1}
    if not into:
        return networks, split_from
    joined = [set(members) for members in networks]
    for unnamed, target in sorted(into.items()):
        joined[target] |= joined[unnamed]
    keep = [i for i in range(len(networks)) if i not in into]
    return [sorted(joined[i]) for i in keep], [split_from[i] for i in keep]
