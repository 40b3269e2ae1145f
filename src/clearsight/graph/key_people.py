"""Key people in each network: degree, betweenness and brokerage, from links alone.

Only the link structure enters; no attribute of a person does, so protected
characteristics cannot change a measure or an ordering.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np


@dataclass(frozen=True)
class KeyPeople:
    degree: list[int]
    betweenness: list[float]
    brokerage: list[int]


def measure(member_graph: ig.Graph, exact_max: int = 2000, cutoff: int = 3) -> KeyPeople:
    """Measures for every vertex of a graph holding only intra-network links.

    Betweenness on the whole graph equals betweenness within each network because no
    path crosses between networks. It is exact in networks of up to ``exact_max`` people;
    in larger ones only paths of up to ``cutoff`` steps count (exact betweenness there
    costs people x links). Brokerage counts pairs of a person's contacts who are not
    linked to each other: the open triads only that person closes.
    """
    degree = np.asarray(member_graph.degree(), dtype=np.int64)
    membership = np.asarray(member_graph.connected_components().membership, dtype=np.int64)
    big = np.bincount(membership)[membership] > exact_max if len(membership) else membership > 0
    betweenness = np.zeros(member_graph.vcount(), dtype=np.float64)
    for part, limit in ((np.flatnonzero(~big), None), (np.flatnonzero(big), cutoff)):
        if len(part):
            sub = member_graph.induced_subgraph(part.tolist())
            betweenness[part] = sub.betweenness(directed=False, cutoff=limit)
    local = np.nan_to_num(
        np.asarray(member_graph.transitivity_local_undirected(mode="zero"), dtype=np.float64)
    )
    pairs = degree * (degree - 1) / 2
    brokerage = np.rint(pairs * (1.0 - local)).astype(np.int64)
    return KeyPeople(
        degree=[int(d) for d in degree],
        betweenness=[round(float(b), 6) for b in betweenness],
        brokerage=[int(b) for b in brokerage],
    )


def rank(entity_ids: list[str], people: KeyPeople, members: list[int]) -> dict[int, int]:
    """1 = most central: betweenness, then degree, then brokerage; entity id breaks ties."""
    ordered = sorted(
        members,
        key=lambda v: (
            -people.betweenness[v],
            -people.degree[v],
            -people.brokerage[v],
            entity_ids[v],
        ),
    )
    return {v: i + 1 for i, v in enumerate(ordered)}
