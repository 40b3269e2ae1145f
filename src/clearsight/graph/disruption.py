"""Disruption what-if: whose removal most fragments a network (key-player measures).

For one network, each member is removed in turn from the graph of its members and the
links between them (``network_links``, what the network page draws between people), and
what is left is measured (Borgatti, "Identifying sets of key players in a social
network", Computational and Mathematical Organization Theory 12, 2006, KPP-Neg):

* fragmentation ``F = 1 - sum_k s_k (s_k - 1) / (n (n - 1))`` over the groups (connected
  components, sizes ``s_k``) of the ``n`` people left: the share of pairs of people who
  can no longer reach each other through the network;
* distance-weighted fragmentation ``DF = 1 - 2 sum_{i<j} (1 / d_ij) / (n (n - 1))``
  (``1 / d`` is 0 for a pair with no path): also counts pairs who can still reach each
  other but only through more people, so it separates removals that split nothing.

People are ranked by ``F``, then ``DF``, then betweenness (the share of shortest paths
between others a person lies on, the second view), then entity id; small greedy sets
(Borgatti's greedy heuristic) follow. Only the link structure enters: no attribute of a
person (name, age aside from the child rule below, ethnicity, nationality, religion,
sex) is read, so protected characteristics cannot change a measure or an order.

**Children are never candidates for removal.** The children a network offended against
are victims to safeguard, not targets of disruption: they are not nodes of the offender
graph at all (what ties two offenders through a child is already their ``shared_victim``
link, so a child still carries her links). A member who is on the child side of any
record, or under ``child_age`` at any record (a child drawn into a group's offending is
a victim first, Working Together 2023 on child exploitation), keeps their place and
links in the graph (removing them from the picture would misstate it) but is never
ranked or put in a set.

A what-if is an aid to an analyst's and a decision maker's judgement about where
disruption effort might go, never an instruction: it knows only recorded links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

import duckdb
import igraph as ig
import numpy as np
from numpy.typing import NDArray

# Every pair's distance after every removal costs about people^3 steps: beyond about a
# hundred people a page would keep an analyst waiting, so larger networks (detection caps
# a network at ``max_network_size``, 40, so only stores run with other settings reach
# this) get fragmentation alone and no sets.
DISTANCE_EXACT_MAX = 100
# Counting groups after each removal is people x links: the same bound as exact
# betweenness (``betweenness_exact_max``); beyond it the what-if refuses, saying so.
FRAGMENTATION_MAX = 2000
# Sets of two and three people: small enough for an analyst to weigh each member of the
# set by hand; the greedy heuristic is not guaranteed optimal, and less so as sets grow.
SET_SIZES = (2, 3)

Name = Callable[[str], str]
Distances: TypeAlias = NDArray[np.float64] | None


@dataclass(frozen=True)
class Removal:
    """The network with ``removed`` taken out (nothing removed: the network as it is)."""

    removed: tuple[str, ...]
    fragmentation: float
    distance_fragmentation: float | None
    # Connected groups of the people left, largest first, each sorted by entity id.
    groups: tuple[tuple[str, ...], ...]
    # Pairs of the people left who could reach each other before and no longer can, and
    # pairs who still can but only through more people (0 without distances).
    pairs_cut: int = 0
    pairs_longer: int = 0
    # Indexes into ``groups`` of the groups the removed people were the only link between.
    bridged: tuple[int, ...] = ()
    # People left with no link at all who had links before.
    isolated: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranked:
    rank: int
    entity_id: str
    removal: Removal
    degree: int
    betweenness: float
    betweenness_rank: int


@dataclass(frozen=True)
class Disruption:
    network_id: str
    people: tuple[str, ...]
    links: tuple[tuple[str, str, tuple[str, ...]], ...]
    # Members kept in the graph but never ranked, with the reason.
    not_ranked: dict[str, str]
    baseline: Removal
    ranked: tuple[Ranked, ...]
    sets: tuple[Removal, ...]
    distances: bool
    betweenness_pairs: int = field(default=0)
    # Each person's number of linked members, in ``people`` order (groups are named most
    # linked first).
    degrees: tuple[int, ...] = ()


def _graph(
    people: list[str], links: Iterable[tuple[str, str, str]]
) -> tuple[ig.Graph, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """A simple undirected graph: several kinds of link between two people are one tie
    (the measures count whether people are linked, not how often)."""
    index = {p: i for i, p in enumerate(people)}
    kinds: dict[tuple[str, str], set[str]] = {}
    for a, b, kind in links:
        if a in index and b in index and a != b:
            kinds.setdefault((min(a, b), max(a, b)), set()).add(kind)
    pairs = sorted(kinds)
    g = ig.Graph(n=len(people), edges=[(index[a], index[b]) for a, b in pairs])
    return g, tuple((a, b, tuple(sorted(kinds[(a, b)]))) for a, b in pairs)


def _remove(
    g: ig.Graph,
    people: list[str],
    removed: list[int],
    *,
    distances: bool,
    base: Distances = None,
) -> Removal:
    """Measure the graph without ``removed``: fragmentation, and with ``distances`` the
    distance-weighted fragmentation; ``base`` (every pair's distance in the whole
    network) also counts the pairs left further apart."""
    gone = set(removed)
    keep = [v for v in range(g.vcount()) if v not in gone]
    sub = g.induced_subgraph(keep)
    n = len(keep)
    comps = [sorted(people[keep[v]] for v in c) for c in sub.connected_components()]
    comps.sort(key=lambda c: (-len(c), c))
    pairs = n * (n - 1)
    together = sum(len(c) * (len(c) - 1) for c in comps)
    frag = 1.0 - together / pairs if pairs else 1.0
    # Groups left nest inside the network's own parts: pairs of a part no longer together.
    home = g.connected_components().membership
    kept_per_part: dict[int, int] = {}
    for v in keep:
        kept_per_part[home[v]] = kept_per_part.get(home[v], 0) + 1
    cut = (sum(k * (k - 1) for k in kept_per_part.values()) - together) // 2
    dfrag: float | None = None
    longer = 0
    if distances:
        # A person's harmonic centrality is the sum of 1/d to everyone else: summed over
        # everyone, the sum of 1/d over ordered pairs, as DF needs.
        reach = sum(sub.harmonic_centrality(normalized=False)) if n > 1 else 0.0
        dfrag = 1.0 - float(reach) / pairs if pairs else 1.0
    if base is not None and n > 1:
        d = np.asarray(sub.distances(), dtype=np.float64)
        before = base[np.ix_(keep, keep)]
        upper = np.triu(np.ones_like(d, dtype=bool), k=1)
        longer = int((upper & np.isfinite(d) & (d > before)).sum())
    return Removal(
        removed=tuple(sorted(people[v] for v in removed)),
        fragmentation=round(frag, 9),
        distance_fragmentation=None if dfrag is None else round(dfrag, 9),
        groups=tuple(tuple(c) for c in comps),
        pairs_cut=cut,
        pairs_longer=longer,
    )


def _with_bridges(g: ig.Graph, people: list[str], removed: list[int], r: Removal) -> Removal:
    """Mark the groups the removed people alone linked (groups of one part of the network
    before, each linked to a removed person), and who was left with no one."""
    index = {p: i for i, p in enumerate(people)}
    home = g.connected_components().membership
    gone = set(removed)
    touched = {u for v in removed for u in g.neighbors(v)} - gone
    parts: dict[int, list[int]] = {}
    for i, group in enumerate(r.groups):
        if any(index[p] in touched for p in group):
            parts.setdefault(home[index[group[0]]], []).append(i)
    bridged = sorted(i for found in parts.values() if len(found) > 1 for i in found)
    isolated = tuple(
        group[0] for group in r.groups if len(group) == 1 and g.degree(index[group[0]]) > 0
    )
    return Removal(
        removed=r.removed,
        fragmentation=r.fragmentation,
        distance_fragmentation=r.distance_fragmentation,
        groups=r.groups,
        pairs_cut=r.pairs_cut,
        pairs_longer=r.pairs_longer,
        bridged=tuple(bridged),
        isolated=isolated,
    )


def _order(r: Removal, betweenness: float, entity_id: str) -> tuple[float, float, float, str]:
    """Fragmentation first: people who can no longer reach each other at all is what a
    removal is asked to do; distance-weighted fragmentation then separates removals that
    split alike (or nothing) by how far apart the rest are left. Ranked the other way
    round, a member hanging off the end of a bridge could outrank the bridge itself (DF
    rewards leaving someone far away as much as cutting them off)."""
    df = r.distance_fragmentation if r.distance_fragmentation is not None else 0.0
    return (-r.fragmentation, -df, -betweenness, entity_id)


def analyse(
    network_id: str,
    people: Iterable[str],
    links: Iterable[tuple[str, str, str]],
    not_ranked: dict[str, str] | None = None,
) -> Disruption:
    """Rank every member not in ``not_ranked`` by how much their removal fragments the
    graph of ``people`` and ``links`` (``(entity_a, entity_b, link_type)``)."""
    members = sorted(set(people))
    if len(members) > FRAGMENTATION_MAX:
        raise ValueError(
            f"network {network_id} has {len(members):,} people; the disruption what-if "
            f"handles networks of up to {FRAGMENTATION_MAX:,}"
        )
    held = {p: why for p, why in (not_ranked or {}).items() if p in set(members)}
    g, simple = _graph(members, links)
    distances = len(members) <= DISTANCE_EXACT_MAX
    base: Distances = (
        np.asarray(g.distances(), dtype=np.float64).reshape(g.vcount(), g.vcount())
        if distances
        else None
    )
    between = [float(b) for b in g.betweenness(directed=False)] if members else []
    candidates = [v for v, p in enumerate(members) if p not in held]
    by_between = sorted(candidates, key=lambda v: (-between[v], members[v]))
    between_rank = {v: i + 1 for i, v in enumerate(by_between)}
    removals = {
        v: _with_bridges(g, members, [v], _remove(g, members, [v], distances=distances, base=base))
        for v in candidates
    }
    ordered = sorted(candidates, key=lambda v: _order(removals[v], between[v], members[v]))
    ranked = tuple(
        Ranked(
            rank=i + 1,
            entity_id=members[v],
            removal=removals[v],
            degree=int(g.degree(v)),
            betweenness=round(between[v], 6),
            betweenness_rank=between_rank[v],
        )
        for i, v in enumerate(ordered)
    )
    sets: list[Removal] = []
    if distances and ordered:
        chosen = [ordered[0]]
        for size in SET_SIZES:
            rest = [v for v in candidates if v not in chosen]
            # A set that leaves fewer than two people says nothing a reader needs.
            if len(chosen) + 1 != size or not rest or len(members) - size < 2:
                break
            trial = {v: _remove(g, members, [*chosen, v], distances=True) for v in rest}
            best = min(rest, key=lambda v: _order(trial[v], between[v], members[v]))
            chosen.append(best)
            # Measured again with the pairs left further apart, for the words.
            found = _remove(g, members, list(chosen), distances=True, base=base)
            sets.append(_with_bridges(g, members, list(chosen), found))
    n = len(members)
    return Disruption(
        network_id=network_id,
        people=tuple(members),
        links=simple,
        not_ranked=held,
        baseline=_with_bridges(g, members, [], _remove(g, members, [], distances=distances)),
        ranked=ranked,
        sets=tuple(sets),
        distances=distances,
        betweenness_pairs=(n - 1) * (n - 2) // 2 if n > 2 else 0,
        degrees=tuple(int(x) for x in g.degree()),
    )


def what_if(d: Disruption, removed: Iterable[str]) -> Removal:
    """The network of ``d`` with ``removed`` taken out (any people the reader chooses;
    children among them are not removed: they are never disruption targets)."""
    gone = sorted({p for p in removed if p in set(d.people) and p not in d.not_ranked})
    g, _simple = _graph(list(d.people), ((a, b, k[0]) for a, b, k in d.links))
    index = {p: i for i, p in enumerate(d.people)}
    vertices = [index[p] for p in gone]
    base: Distances = (
        np.asarray(g.distances(), dtype=np.float64).reshape(g.vcount(), g.vcount())
        if d.distances
        else None
    )
    found = _remove(g, list(d.people), vertices, distances=d.distances, base=base)
    return _with_bridges(g, list(d.people), vertices, found)


def children_among(
    con: duckdb.DuckDBPyConnection, network_id: str, people: list[str], child_age: float = 18.0
) -> dict[str, str]:
    """Members never to be ranked, with the reason: a child this network offended against,
    someone on the child side (victim, subject, missing person) of any record, or under
    ``child_age`` at any record by their recorded date of birth."""
    from clearsight.store.sql import table_exists

    held: dict[str, str] = {}
    if table_exists(con, "graph_involvements") and people:
        for entity_id, child_side, youngest in con.execute(
            "SELECT entity_id, bool_or(is_child), min(age) FROM graph_involvements "
            "WHERE list_contains(?, entity_id) GROUP BY entity_id ORDER BY entity_id",
            [people],
        ).fetchall():
            if child_side:
                held[str(entity_id)] = "a child in a record (victim, subject or missing)"
            elif youngest is not None and float(youngest) < child_age:
                held[str(entity_id)] = f"under {child_age:g} at a record"
    if table_exists(con, "network_victims") and people:
        for (entity_id,) in con.execute(
            "SELECT entity_id FROM network_victims WHERE network_id = ? "
            "AND list_contains(?, entity_id)",
            [network_id, people],
        ).fetchall():
            held[str(entity_id)] = "a child this network offended against"
    return held


def from_store(con: duckdb.DuckDBPyConnection, network_id: str) -> Disruption:
    """The what-if for one network of the store's latest networks run."""
    people = [
        str(r[0])
        for r in con.execute(
            "SELECT entity_id FROM network_members WHERE network_id = ? ORDER BY entity_id",
            [network_id],
        ).fetchall()
    ]
    if not people:
        raise ValueError(f"no network {network_id!r}; see 'clearsight network list'")
    links = [
        (str(a), str(b), str(t))
        for a, b, t in con.execute(
            "SELECT entity_a, entity_b, link_type FROM network_links WHERE network_id = ?",
            [network_id],
        ).fetchall()
    ]
    from clearsight.graph.settings import GraphSettings

    held = children_among(con, network_id, people, GraphSettings().child_age)
    return analyse(network_id, people, links, held)


# ------------------------------------------------------------------ words


def names_from(labels: dict[str, str]) -> Name:
    """Each person's recorded name in title case; two people with one name (two
    "unidentified" men) are told apart by their entity id."""
    shown = {p: (label or p).title() for p, label in labels.items()}
    counts: dict[str, int] = {}
    for text in shown.values():
        counts[text] = counts.get(text, 0) + 1

    def name(entity_id: str) -> str:
        text = shown.get(entity_id, entity_id)
        return f"{text} ({entity_id})" if counts.get(text, 0) > 1 else text

    return name


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _who(ids: Iterable[str], name: Name, limit: int = 3) -> str:
    names = [name(p) for p in ids]
    if len(names) > limit + 1:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} others"
    return _list(names) if names else "no one"


def _group(d: Disruption, group: tuple[str, ...], name: Name) -> str:
    if len(group) == 1:
        return name(group[0]) + " alone"
    degree = dict(zip(d.people, d.degrees, strict=True)) if d.degrees else {}
    linked_first = sorted(group, key=lambda p: (-degree.get(p, 0), p))
    return "the group of " + _who(linked_first, name)


def _measures(d: Disruption, r: Removal) -> str:
    base = d.baseline
    text = f"Fragmentation {base.fragmentation:.2f} to {r.fragmentation:.2f}"
    if r.distance_fragmentation is not None and base.distance_fragmentation is not None:
        text += (
            f", distance-weighted {base.distance_fragmentation:.2f} to "
            f"{r.distance_fragmentation:.2f}"
        )
    return text + "."


def describe(d: Disruption, r: Removal, name: Name) -> str:
    """What taking ``r.removed`` out leaves, in words."""
    who = _who(r.removed, name, limit=len(r.removed))
    many = len(r.removed) > 1
    if not r.groups:
        return f"Removing {who} leaves no one."
    sizes = _list([str(len(g)) for g in r.groups])
    if len(r.groups) == 1 and len(r.groups[0]) == 1:
        return f"Removing {who} leaves {name(r.groups[0][0])} alone. " + _measures(d, r)
    if r.bridged:
        text = f"Removing {who} splits the network into {len(r.groups)} groups of {sizes}; "
        shown = [_group(d, r.groups[i], name) for i in r.bridged[:4]]
        if len(r.bridged) > 4:
            shown.append(f"{len(r.bridged) - 4} more groups")
        text += f"{who} {'are' if many else 'is'} the only link between {_list(shown)}."
    elif len(r.groups) == 1:
        text = f"Removing {who} leaves the network in one piece"
        if r.pairs_longer:
            text += (
                f"; {r.pairs_longer} pair{'s' if r.pairs_longer > 1 else ''} of the others "
                "can reach each other only through more people."
            )
        else:
            text += f": everyone {who} {'link' if many else 'links'} to is linked another way."
    else:
        text = f"Removing {who} leaves the network's {len(r.groups)} separate groups ({sizes})."
    if r.pairs_cut:
        text += (
            f" {r.pairs_cut} pair{'s' if r.pairs_cut > 1 else ''} of the others can no longer "
            "reach each other."
        )
    if r.isolated:
        alone = _who(r.isolated, name)
        text += f" {alone} {'is' if len(r.isolated) == 1 else 'are'} left with no link."
    return text + " " + _measures(d, r)


def explain(d: Disruption, item: Ranked, name: Name) -> str:
    """Why ``item`` has its rank: the network after removal, then betweenness."""
    text = describe(d, item.removal, name)
    who = name(item.entity_id)
    text += f" {who} is linked directly to {item.degree} member{'s' if item.degree != 1 else ''}"
    if d.betweenness_pairs:
        text += (
            f" and lies on the shortest paths of {item.betweenness:.1f} of the "
            f"{d.betweenness_pairs} pairs of other members (betweenness rank "
            f"{item.betweenness_rank})"
        )
    return text + "."


def as_document(
    d: Disruption, name: Name, top: int = 0, ident: Name | None = None
) -> dict[str, object]:
    """The what-if as JSON-ready data; ``name`` gives each person's label and ``ident``
    their id as the reader may see it (default: the entity id), ``top`` (0: all) limits
    the ranked list."""
    ident = ident or str

    def removal(r: Removal) -> dict[str, object]:
        return {
            "removed": [name(p) for p in r.removed],
            "fragmentation": r.fragmentation,
            "distance_fragmentation": r.distance_fragmentation,
            "groups": [[name(p) for p in g] for g in r.groups],
            "only_link_between": [[name(p) for p in r.groups[i]] for i in r.bridged],
            "isolated": [name(p) for p in r.isolated],
            "pairs_cut": r.pairs_cut,
            "pairs_longer": r.pairs_longer,
        }

    shown = d.ranked[:top] if top else d.ranked
    return {
        "network_id": d.network_id,
        "people": len(d.people),
        "links": len(d.links),
        "distance_measures": d.distances,
        "baseline": removal(d.baseline),
        "ranked": [
            {
                "rank": r.rank,
                "entity_id": ident(r.entity_id),
                "person": name(r.entity_id),
                "degree": r.degree,
                "betweenness": r.betweenness,
                "betweenness_rank": r.betweenness_rank,
                "after_removal": removal(r.removal),
                "explanation": explain(d, r, name),
            }
            for r in shown
        ],
        "sets": [dict(removal(s), explanation=describe(d, s, name)) for s in d.sets],
        "not_ranked": [
            {"person": name(p), "reason": why} for p, why in sorted(d.not_ranked.items())
        ],
        "note": NOTE,
    }


NOTE = (
    "A what-if on recorded links only: an aid to an analyst's and a decision maker's "
    "judgement, never an instruction. Children are never ranked."
)
