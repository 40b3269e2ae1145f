"""Which true groups the records could reveal at all, read with perfect names.

The recovery figure (``networks.py``) counts a true group when two or more of its
members are *recorded offenders* of it: an offending-side record somewhere and a record
in the group's own events or links. That counts groups no reading of the records could
put together: a member whose only offending-side record names nobody ("unknown male":
the police could not identify him) and shares no child, event, object or association with
any other member's records; or a member whose offending is recorded with another group
and who appears in this group's records only as frequenting one of its places. IICSA
(2022) counts members "whether identified or not", but only as far as something recorded
ties them to the group: an offence against a different child by a man nobody named is not
evidence about the group.

A group is **revealable** when, with every *named* record joined to its true person (the
best linkage could do; a record with no name stays its own node, as no linkage could name
it), some piece of the group's members connected by the links the graph reads from the
records (co-involvement, one incident, a shared child, a shared phone or vehicle, an
association, an address, employment where a child was exploited; a shared place alone
does not count: it never joins two people, docs/networks.md) holds offending-side
records (an offending role in some event, or employment at a place, as the scorer counts
them) of two or more people and at least half of the group's recorded offenders (Jaccard 0.5
is then reachable). Paths may run through any of the group's own members, on the
offending side or not (a less visible member joins two others: ``linked_member``), never
through people outside the group. That is generous to the records, so the figure over
revealable groups is a ceiling-side measure, reported beside the full one, never instead.

Not revealable, by reason:
- ``a place only``: the pieces are joined only by a place both were seen at;
- ``nothing recorded``: nothing in the records joins them.

**Pieces** (``reading``, session 27): the same graph, per group, gives the pieces its
records join: each connected piece (places not counted) holding offending-side records of
two or more of the group's members; its offenders are those members. A reported network
that matches a piece at Jaccard >= 0.5 on offenders is what an analyst reading the
records would report, even when the piece is too small to be the group: the spurious
figure counted against the pieces (``spurious_against_pieces``) is reported beside the
full one, never instead. A stricter reading (``strict=True``) bounds it from the other
side: a record joins its man only when it identifies him (the product's own test,
``graph/unidentified.py`` ``IDENTIFIED``: two words of name or a full date of birth; a
first name alone identifies no one), and a shared child, a place or employment where
another offended joins no two men (the product's bridging links: IICSA's "possible"
network, two sets of men with one child in common, is two sets). Used by the own
generator's measure (``networks.py``) and by the
independent and third generators' scorer (``independent_network_score.py``), whose
``truth.csv`` and ``groups.csv`` give the same three inputs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import igraph as ig

from clearsight.graph.rules import bridging_link_types
from clearsight.graph.unidentified import IDENTIFIED

PLACE_ONLY = "a place only"
NOTHING = "nothing recorded"


@dataclass(frozen=True)
class Reading:
    """One group read with perfect names: ``verdict`` is ``None`` when revealable, else
    the reason it is not; ``pieces`` are the offenders of each piece its records join."""

    verdict: str | None
    pieces: tuple[frozenset[str], ...]


def revealable(
    con: duckdb.DuckDBPyConnection,
    records: dict[tuple[str, str], str],
    members: dict[str, set[str]],
    true_groups: dict[str, set[str]],
) -> dict[str, str | None]:
    """For each true group (recorded offenders ``true_groups``; all members ``members``):
    ``None`` when revealable, else the reason it is not."""
    return {g: r.verdict for g, r in reading(con, records, members, true_groups).items()}


def reading(
    con: duckdb.DuckDBPyConnection,
    records: dict[tuple[str, str], str],
    members: dict[str, set[str]],
    true_groups: dict[str, set[str]],
    strict: bool = False,
) -> dict[str, Reading]:
    """Each group's verdict and pieces (``true_groups``: its recorded offenders, any
    number; ``members``: all its members; ``records``: each person record's true person).
    ``strict``: identified records only are their man, bridging links join no one."""
    if strict:
        unidentified = {str(e) for e, named in con.execute(IDENTIFIED).fetchall() if not named}
        apart = frozenset(bridging_link_types())
    else:
        unidentified = {
            str(e)
            for (e,) in con.execute(
                "SELECT entity_id FROM graph_entities WHERE unidentified"
            ).fetchall()
        }
        apart = frozenset({"shared_place"})
    # The records' own offending side (the scorer's: an offending role in some event, or
    # employed at a place), not the graph's reading of it: a rule of the networks stage
    # that keeps someone off that side (a child found with a child) is a product choice.
    involved = {
        str(e)
        for (e,) in con.execute(
            """
            SELECT DISTINCT m.entity_id FROM graph_person_map m
            JOIN current_involvements i USING (source_id, person_id)
            WHERE i.role IN ('suspect', 'offender', 'facilitator', 'associate')
            UNION
            SELECT DISTINCT m.entity_id FROM graph_person_map m
            JOIN current_associations a
              ON a.source_id = m.source_id AND a.from_id = m.person_id
            WHERE a.from_type = 'person' AND a.to_type = 'location'
              AND a.association_type = 'employed_at'
            """
        ).fetchall()
    }
    people_of: dict[str, set[str]] = defaultdict(set)
    for entity, s, p in con.execute(
        "SELECT entity_id, source_id, person_id FROM graph_person_map"
    ).fetchall():
        if (s, p) in records:
            people_of[str(entity)].add(records[(s, p)])
    links: list[tuple[str, str, str]] = [
        (str(a), str(b), str(t))
        for a, b, t in con.execute(
            "SELECT entity_a, entity_b, link_type FROM graph_links"
        ).fetchall()
    ]
    out: dict[str, Reading] = {}
    for group, recorded in true_groups.items():
        everyone = members.get(group, set()) | recorded
        out[group] = _read(everyone, recorded, unidentified, involved, people_of, links, apart)
    return out


def spurious_against_pieces(
    true_groups: dict[str, set[str]],
    readings: dict[str, Reading],
    predicted: dict[str, set[str]],
    *more: dict[str, Reading],
) -> int:
    """Networks matching (Jaccard >= 0.5 on offenders) neither a true group nor any
    group's piece (of ``readings``, or of any further reading): spurious against what
    the records reveal."""
    targets = [
        *true_groups.values(),
        *(set(p) for one in (readings, *more) for r in one.values() for p in r.pieces),
    ]

    def best(network: set[str]) -> float:
        return max((len(network & t) / len(network | t) for t in targets), default=0.0)

    return sum(best(m) < 0.5 for m in predicted.values())


def _node(entity: str, person: str, unidentified: set[str]) -> str:
    # A named record is its true person (perfect linkage); an unnamed one stays itself.
    return f"u:{entity}" if entity in unidentified else f"n:{person}"


def _read(
    everyone: set[str],
    recorded: set[str],
    unidentified: set[str],
    involved: set[str],
    people_of: dict[str, set[str]],
    links: list[tuple[str, str, str]],
    apart: frozenset[str] = frozenset({"shared_place"}),
) -> Reading:
    nodes_of: dict[str, set[str]] = defaultdict(set)  # entity -> its nodes in the group
    person_of: dict[str, set[str]] = defaultdict(set)
    on_side: set[str] = set()
    for entity, people in people_of.items():
        for person in people & everyone:
            node = _node(entity, person, unidentified)
            nodes_of[entity].add(node)
            person_of[node].add(person)
            if entity in involved:
                on_side.add(node)
    names = sorted(person_of)
    index = {n: i for i, n in enumerate(names)}
    strong: list[tuple[int, int]] = []
    weak: list[tuple[int, int]] = []
    for a, b, link_type in links:
        for x in nodes_of.get(a, ()):
            for y in nodes_of.get(b, ()):
                if x != y:
                    (weak if link_type in apart else strong).append((index[x], index[y]))
    found = _pieces(names, strong, person_of, on_side, recorded)
    pieces = tuple(offending for offending, _ in found)
    if any(
        len(offending) >= 2 and 2 * len(covered) >= len(recorded) for offending, covered in found
    ):
        verdict = None
    elif any(
        len(o) >= 2 and 2 * len(c) >= len(recorded)
        for o, c in _pieces(names, strong + weak, person_of, on_side, recorded)
    ):
        verdict = PLACE_ONLY
    else:
        verdict = NOTHING
    return Reading(verdict, pieces)


def _pieces(
    names: list[str],
    edges: list[tuple[int, int]],
    person_of: dict[str, set[str]],
    on_side: set[str],
    recorded: set[str],
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Each connected piece with offending-side records of two or more people: those
    people, and the recorded offenders it covers (revealable when it covers half)."""
    graph = ig.Graph(n=len(names), edges=edges)
    out = []
    for piece in graph.connected_components():
        nodes = [names[v] for v in piece]
        covered = set().union(*(person_of[n] for n in nodes)) & recorded
        offending = set().union(set(), *(person_of[n] for n in nodes if n in on_side))
        if len(offending) >= 2:
            out.append((frozenset(offending), frozenset(covered)))
    return out
