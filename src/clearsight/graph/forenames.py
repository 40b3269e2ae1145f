"""Men known only by their forenames, all of them the forenames of one group's men.

A child tells a nurse or a youth worker about "Kieran" and "Cai"; a police officer finds
her missing with "Kieran". No record gives their surnames or birth dates, so the linkage
stage cannot join them to anyone (a forename alone is a description, not an identity:
``unidentified.py``), and the shared-victim rule puts the two together as a network of
their own. When the child is also recorded with a known group, ``unidentified.py`` joins
them to it through her. When no record joins her to the group (her other records are
with its men under their full names, in events nobody linked to hers), the names
themselves are the only evidence, and together they are strong evidence: one man called
Kieran is anyone, but a Kieran and a Cai named around one child, when one known group
has a Kieran and a Cai among its men, are most likely those two men (relational evidence
in entity resolution: people who appear together are resolved together; Bhattacharya and
Getoor, "Collective entity resolution in relational data", 2007). It is how an analyst
reads such a referral against the groups already known.

So a network in which **no one is identified** (``unidentified.IDENTIFIED``: every record
a placeholder or a single name without a full date of birth) joins a network of two or
more identified people when **every one of its men who has a forename shares his first
forename with a member of that network, the men have two or more different forenames
between them, and exactly one such network exists**. Whether the men were recorded
together (one referral naming both) or only around the same child does not change who
they are: it is their identity that is in question, not whether they know one another.
A single forename matches too many men to join anyone, and two groups that both fit leave
the men where they are: the records cannot say which. One-letter names (initials) are no
forenames here. A network of identified people is never moved by names: two groups of
known men stay apart unless evidence joins them. Nothing else moves: the men keep their
own records and links, and each joins with a decision-record row naming the member whose
forename is his (``forename_of_member``), for an analyst to confirm.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from clearsight.graph.unidentified import IDENTIFIED

# For the networks given ($1 net, $2 entity), each forename-bearing member of a network
# with no identified member, and each member of a network of two or more identified
# people bearing his forename. ``$3``: the police-only pass (police records only).
_CANDIDATES = f"""
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    ident AS ({IDENTIFIED}),
    fore AS (
        SELECT DISTINCT pm.entity_id,
               lower(split_part(trim(c.forenames), ' ', 1)) AS forename
        FROM graph_person_map pm JOIN current_persons c USING (source_id, person_id)
        WHERE NOT pm.unidentified AND (pm.police OR NOT $3)
          AND length(split_part(trim(c.forenames), ' ', 1)) >= 2
    ),
    named AS (
        SELECT m.net, count(*) FILTER (WHERE i.named) AS n_named
        FROM m LEFT JOIN ident i USING (entity_id) GROUP BY m.net
    ),
    few AS (SELECT net FROM named WHERE n_named = 0),
    men AS (SELECT m.net, m.entity_id, f.forename FROM m JOIN few USING (net)
            JOIN fore f USING (entity_id)),
    known AS (SELECT m.net, m.entity_id, f.forename FROM m JOIN fore f USING (entity_id)
              WHERE m.net IN (SELECT net FROM named WHERE n_named >= 2))
    SELECT men.net, men.entity_id, men.forename, k.net, k.entity_id
    FROM men LEFT JOIN known k ON k.forename = men.forename AND k.net <> men.net
    ORDER BY ALL
"""


def forename_joins(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    police_only: bool = False,
) -> dict[int, tuple[int, list[tuple[str, str, str]]]]:
    """For each network that joins another (see the module): the network it joins and,
    per man, the member whose forename he shares ``(man, member, forename)``."""
    rows = con.execute(
        _CANDIDATES,
        [
            [i for i, members in enumerate(networks) for _ in members],
            [entities[v] for members in networks for v in members],
            police_only,
        ],
    ).fetchall()
    men: dict[int, set[str]] = defaultdict(set)
    names: dict[int, set[str]] = defaultdict(set)
    # (small network, known network) -> the men matched, and why.
    matched: dict[tuple[int, int], set[str]] = defaultdict(set)
    why: dict[tuple[int, int], list[tuple[str, str, str]]] = defaultdict(list)
    for net, man, forename, known, member in rows:
        men[net].add(man)
        names[net].add(forename)
        if known is not None:
            matched[(net, known)].add(man)
            why[(net, known)].append((man, member, forename))
    joins: dict[int, tuple[int, list[tuple[str, str, str]]]] = {}
    for net in men:
        if len(names[net]) < 2:
            continue
        fits = [k for (n, k), got in matched.items() if n == net and got == men[net]]
        if len(fits) == 1:
            joins[net] = (fits[0], why[(net, fits[0])])
    return joins


def join_by_forenames(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None], list[tuple[str, str, str]]]:
    """The networks after each such network joined the one whose men bear its men's
    forenames (the joined network keeps its place and ``split_from``), and the reasons
    ``(man, member, forename)``. A network that joins has no identified member and the
    one it joins has two or more, so no network both joins and is joined."""
    joins = forename_joins(con, entities, networks, police_only)
    if not joins:
        return networks, split_from, []
    joined = [set(members) for members in networks]
    reasons: list[tuple[str, str, str]] = []
    for net, (target, why) in sorted(joins.items()):
        joined[target] |= joined[net]
        reasons.extend(why)
    keep = [i for i in range(len(networks)) if i not in joins]
    return [sorted(joined[i]) for i in keep], [split_from[i] for i in keep], sorted(reasons)


def write_joins(con: duckdb.DuckDBPyConnection, joins: list[tuple[str, str, str]]) -> None:
    """``network_forename_joins``: each man joined to a group by his forename, the member
    whose forename he shares, and the forename (the decision record reads it)."""
    con.register(
        "_forename_arrow",
        pa.table(
            {
                "entity_id": pa.array([j[0] for j in joins], pa.string()),
                "with_entity_id": pa.array([j[1] for j in joins], pa.string()),
                "forename": pa.array([j[2] for j in joins], pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE network_forename_joins AS "
        "SELECT * FROM _forename_arrow ORDER BY ALL"
    )
    con.unregister("_forename_arrow")
