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

A man known by **a single name and no date of birth** is no more identified: the
nickname or first name a child gives ("Sunny", "Lewis"), written at a strategy meeting
or a clinic, names no one an agency could find (agencies look a person up by surname
and date of birth, as a Police National Computer name search does; a first name alone,
or with a year of birth only, is a description). Records
that name a man that way cannot show a second group any more than "unknown male" can:
they are most often the men of the group exploiting her, recorded by the agency she
told, whom linkage could not join to their full records. So the rule below runs twice:
first with "named" as any name at all, then with "named" read as **identified**: some
record of him gives a name of two or more words, or a full date of birth, or comes from a
source that names nobody (its own ids identify its people: ``build._entity_map``), so
that single-name people count as unnamed. The first pass comes first so that a group
the first pass completes is the one the single-name men join, and nothing it joined is
undone: the second only adds.

So a network in which **at most one person is named** (the others unidentified: every
record "unknown male", a blank name, or a single name with no full date of birth) joins
the network it shares a child with (a
``shared_victim`` link from one of its members to a member of the other, the rule pack's
shared victim), **when exactly one** network of two or more named people shares a child
with it. When the child is exploited by two or more such networks the record cannot say
which of them the men belong to, and they stay a network of their own; a network with two
or more named people is a group of known people, which the bridging rule keeps apart.
"""

from __future__ import annotations

import duckdb

SHARED_VICTIM = "shared_victim"

# Whether each entity is named: some record of him not a placeholder. ``IDENTIFIED``:
# some record of him, not a placeholder, gives two or more words of name or a full date
# of birth (ten characters: a year, or a year and month, alone is an estimate), or has a
# blank name in a source that names nobody (``unidentified`` is false there: its ids
# identify him).
NAMED = "SELECT entity_id, NOT unidentified AS named FROM graph_entities"
IDENTIFIED = """
    SELECT p.entity_id,
           bool_or(NOT p.unidentified AND (
               p.name = ''
               OR len(regexp_split_to_array(trim(p.name), '[[:space:]]+')) >= 2
               OR length(c.date_of_birth) >= 10)) AS named
    FROM graph_person_map p JOIN current_persons c USING (source_id, person_id)
    GROUP BY p.entity_id
"""

# For each network in which at most one person is named (``{naming}``: ``NAMED`` or
# ``IDENTIFIED``), the networks of two or more named people whose members share a child
# with one of its members.
_SHARERS = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id),
    naming AS ({naming}),
    named AS (
        SELECT m.net FROM m JOIN naming g USING (entity_id)
        GROUP BY m.net HAVING count(*) FILTER (WHERE g.named) >= 2
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
    more named people that shares a child with it (none, or several: it stays as it is);
    then the same with "named" read as identified (single names without a full date of
    birth counting as unnamed). Networks are entity indices into ``entities``; the
    joined network keeps its place and ``split_from``.
    ``police_only``: only links with police evidence (the police-only pass)."""
    for naming in (NAMED, IDENTIFIED):
        networks, split_from = _attach(con, entities, networks, split_from, naming, police_only)
    return networks, split_from


def _attach(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    naming: str,
    police_only: bool,
) -> tuple[list[list[int]], list[int | None]]:
    """One pass of ``_attach_unidentified`` with ``naming`` telling who is named."""
    if len(networks) < 2:
        return networks, split_from
    rows = con.execute(
        _SHARERS.format(naming=naming),
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
