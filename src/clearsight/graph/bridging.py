"""The bridging rule: a shared child joins a person to a group, never two groups.

IICSA calls offenders linked only by a shared victim a "possible" network. So a bridging
link (``bridging: true`` in the evidence rule pack: a shared child, employed where another
offended) joins two sets of people only when at most one of them is a group: two or more
people held together by strong links. Which strong links hold a group is this module's
other half: two adults only ever named together in police records as present
(``associate``, neither suspected there) are people officers found with a child, not a
group of their own, and the child they share joins them to the group that exploits her
(the Rochdale serious case review, 2013, and the Jay report, 2014: girls found with men
at the flats used). Both detection backends call ``join_bridged``: one rule, one place.
"""

from __future__ import annotations

import duckdb
import igraph as ig
import numpy as np
import numpy.typing as npt

from clearsight import partition
from clearsight.graph.rules import group_making_link_types, pairing_link_types
from clearsight.graph.statements import _sql_list

# Roles that say a record suspects the person of the offence (not merely present).
SUSPECTED_ROLES: tuple[str, ...] = ("suspect", "offender", "facilitator")
# The link type that says two people were recorded in one event.
CO_INVOLVED = "co_involved"


def write_held_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """``_held``: entity pairs (``entity_a`` < ``entity_b``) recorded together in some
    event other than a police record naming both only as present: a partner's record (what
    a partner knows of the adults around a child is all a partner-only group has), or a
    police record that suspects one of them. A co-involvement of such a pair holds a group;
    the caller drops the table."""
    suspected = _sql_list(SUSPECTED_ROLES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _held AS
        SELECT DISTINCT x.entity_id AS entity_a, y.entity_id AS entity_b
        FROM graph_involvements x JOIN graph_involvements y USING (event_key)
        JOIN graph_events e USING (event_key)
        WHERE x.entity_id < y.entity_id
          AND (NOT e.police OR list_contains({suspected}, x.role)
               OR list_contains({suspected}, y.role))
        """
    )


def held_sql(link: str) -> str:
    """SQL true when graph link ``link`` (with ``h``, ``_held`` left-joined on its two
    entities) holds a group: any link type but a co-involvement, or a held pair's."""
    return f"({link}.link_type <> '{CO_INVOLVED}' OR h.entity_a IS NOT NULL)"


def core_edges(graph: ig.Graph) -> npt.NDArray[np.bool_] | None:
    """The graph's ``core`` edge flags (``detect.load_graph``), or None when it has none."""
    if "core" not in graph.es.attributes():
        return None
    return np.asarray(graph.es["core"], dtype=np.bool_)


def paired_sql() -> str:
    """SQL aggregate, over the links between two people (``link_type``), true when they
    make the pair a group: a bridging link that makes one (``makes_group`` in the rule
    pack), or one with another it pairs with (``pairs_with``)."""
    return " OR ".join(
        [
            f"bool_or(list_contains({_sql_list(group_making_link_types())}, link_type))",
            *(
                f"(bool_or(link_type = '{t}') "
                f"AND bool_or(list_contains({_sql_list(others)}, link_type)))"
                for t, others in pairing_link_types().items()
            ),
        ]
    )


def paired_edges(graph: ig.Graph) -> npt.NDArray[np.bool_] | None:
    """The graph's ``paired`` edge flags (a shared child and a shared place), or None."""
    if "paired" not in graph.es.attributes():
        return None
    return np.asarray(graph.es["paired"], dtype=np.bool_)


def join_bridged(
    base: npt.NDArray[np.int64],
    edges: npt.NDArray[np.int64],
    knowing: npt.NDArray[np.bool_],
    core: npt.NDArray[np.bool_] | None = None,
    paired: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """Components over strong links (``base``, one label per vertex), joined by the
    bridging links (``edges`` not ``knowing``) that do not join two groups.

    A bridging link joins its ends unless both already sit in (different) groups of two
    or more people held together by strong links; links are taken in vertex order, so the
    result does not depend on anything but the tables. ``paired`` (per edge): a bridging
    link that makes a group (``makes_group`` in the rule pack: named in one review of a
    child's case) or comes with another it pairs with (``pairs_with``: a shared child and
    a shared place). Such links are taken first, by the same rule (those reaching a group
    before those between people outside any), and the set they make is a group: two men
    who exploited one child and were seen at one place are a group of their own, which a
    child they share with another group does not join to it. ``core`` (per edge, with
    ``knowing``): the strong links that make a group. Without it every strong link does;
    with it, a set held together only by links that are not ``core`` is no group, and a
    bridging link joins it to a group (not to another such set).
    """
    sizes = np.bincount(base) if len(base) else np.zeros(0, dtype=np.int64)
    sets = partition.DisjointSets(len(sizes))
    # Two or more people held by strong links; of them, those a core link holds (a group).
    held = [bool(n >= 2) for n in sizes]
    if core is None:
        group = list(held)
    else:
        cored = np.zeros(len(sizes), dtype=np.bool_)
        cored[base[edges[knowing & core, 0]]] = True
        group = cored.tolist()
    if paired is None:
        paired = np.zeros(len(edges), dtype=np.bool_)
    for first in (True, False):
        chosen = edges[~knowing & (paired == first)]
        if first and len(chosen):
            # A link that reaches a group is taken before one between two people outside
            # any: a man it joins to a group is that group's, whichever of his links
            # comes first in vertex order.
            reaches = np.asarray(group)[base[chosen]].any(axis=1)
            chosen = chosen[np.argsort(~reaches, kind="stable")]
        for a, b in chosen.tolist():
            ra, rb = sets.find(int(base[a])), sets.find(int(base[b]))
            # Two groups stay apart; so do two sets that are not groups (adults found with
            # one child at two attendances are no more a group together than apart): such
            # a set joins only a group, or a person.
            if ra == rb or (held[ra] and held[rb] and group[ra] == group[rb]):
                continue
            sets.link(ra, rb)
            held[ra] = held[ra] or held[rb] or first
            group[ra] = group[ra] or group[rb] or first
    roots = np.asarray(sets.roots(), dtype=np.int64)
    return roots[base] if len(base) else base
