"""Disjoint sets: the groups that pairwise links make (union-find).

Linkage joins records into entities, the networks stage joins people into networks and
incidents, federation joins forces' people into national people, and the definitions
check which members links hold together: every one is the same question, answered here
once. A caller with a rule about which joins to allow (linkage's identifier
consistency, the bridging rule) finds the roots itself and joins them with ``link``.

Spark's own connected components (``clearsight.spark.components``) answer the same
question over DataFrames for national-scale runs; the graph stages use igraph's where
the graph is already built.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

import numpy as np

Item = TypeVar("Item", bound=Hashable)


class DisjointSets:
    """Disjoint sets over the elements ``0 .. n-1``, each at first a set of its own."""

    def __init__(self, n: int) -> None:
        # A plain list: linkage holds a million records, and a list of ints is what
        # the pointer jumping in ``roots`` turns into one array at once.
        self.parent = list(range(n))

    def __len__(self) -> int:
        return len(self.parent)

    def find(self, x: int) -> int:
        """The representative (root) of ``x``'s set, halving the path on the way."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(self, keep: int, other: int) -> None:
        """Put the set of root ``other`` under root ``keep``: ``keep`` stays its
        representative. Both must be roots (``find``), and not the same one."""
        self.parent[other] = keep

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``, the smaller root staying the representative,
        so every set's representative is its smallest element whatever the order of the
        joins. False when they were one set already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.link(min(ra, rb), max(ra, rb))
        return True

    def roots(self) -> list[int]:
        """Every element's representative, by pointer jumping over the whole array."""
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return list(parent.tolist())
            parent = grand


def groups(items: Sequence[Item], pairs: Iterable[tuple[Item, Item]]) -> list[list[Item]]:
    """``items`` grouped by the ``pairs`` that join them (a pair naming something not in
    ``items`` joins nothing): each group in the order of ``items``, the groups in the
    order of their first item."""
    index: dict[Item, int] = {}
    for item in items:
        index.setdefault(item, len(index))
    sets = DisjointSets(len(index))
    for a, b in pairs:
        if a in index and b in index:
            sets.union(index[a], index[b])
    roots = sets.roots()
    found: dict[int, list[Item]] = {}
    for item in items:
        found.setdefault(roots[index[item]], []).append(item)
    return list(found.values())


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each of ``0 .. n-1`` labelled with its set's smallest element, the sets being what
    ``union`` over every pair ``a[i]``-``b[i]`` makes: the same partition, found by
    SciPy's connected components over a sparse graph, for linkage's half a million links
    at 1M records, where a Python loop of unions cost seconds (and building an igraph
    graph of a million vertices from arrays cost as much).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    smallest = np.full(n, n, dtype=np.int64)
    np.minimum.at(smallest, component, np.arange(n, dtype=np.int64))
    named: np.ndarray = smallest[component]
    return named
