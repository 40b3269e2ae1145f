"""The one union-find every stage uses (``clearsight.partition``)."""

from __future__ import annotations

import random
import re

import igraph as ig
import numpy as np

from clearsight.partition import DisjointSets, components, groups
from tests.house import layout

# The step every union-find takes on its way to a root (path halving or compression):
# ``parent[x] = parent[parent[x]]``, whatever the names.
_HALVING = re.compile(r"(\w+)\[(\w+)\]\s*=\s*\1\[\1\[\2\]\]")


def test_union_keeps_the_smallest_element_as_representative() -> None:
    sets = DisjointSets(6)
    assert sets.union(4, 2)
    assert sets.union(5, 4)
    assert not sets.union(2, 5)
    assert sets.union(3, 1)
    assert sets.roots() == [0, 1, 2, 1, 2, 2]
    assert [sets.find(x) for x in range(6)] == sets.roots()


def test_link_keeps_the_callers_choice() -> None:
    sets = DisjointSets(4)
    sets.link(3, 0)
    sets.link(sets.find(0), sets.find(1))
    assert sets.roots() == [3, 3, 2, 3]
    assert len(sets) == 4


def test_the_partition_is_igraphs_connected_components() -> None:
    rnd = random.Random(20)
    n = 300
    edges = [(rnd.randrange(n), rnd.randrange(n)) for _ in range(250)]
    sets = DisjointSets(n)
    for a, b in edges:
        sets.union(a, b)
    ours = {frozenset(x for x in range(n) if sets.find(x) == r) for r in set(sets.roots())}
    theirs = {frozenset(c) for c in ig.Graph(n=n, edges=edges).connected_components()}
    assert len(theirs) > 1
    assert ours == theirs
    # Each set named by its smallest member, whatever the order of the joins.
    assert all(sets.find(x) == min(c) for c in theirs for x in c)


def test_components_are_the_union_of_every_pair_named_by_the_smallest() -> None:
    rnd = random.Random(21)
    n = 400
    edges = [(rnd.randrange(n), rnd.randrange(n)) for _ in range(330)]
    # A long chain joined from its far end: the case that needs many rounds.
    edges += [(x + 1, x) for x in range(300, 399)]
    sets = DisjointSets(n)
    for a, b in edges:
        sets.union(a, b)
    labels = components(n, np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    assert len(set(labels.tolist())) > 1
    assert labels.tolist() == sets.roots()
    assert components(3, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == [
        0,
        1,
        2,
    ]


def test_groups_keep_the_order_of_the_items_and_ignore_strangers() -> None:
    found = groups(["d", "a", "c", "b", "e", "a"], [("a", "b"), ("e", "d"), ("x", "c")])
    assert found == [["d", "e"], ["a", "b", "a"], ["c"]]
    assert groups([], [("a", "b")]) == []


def test_no_other_union_find_in_the_package() -> None:
    found = [
        str(path.relative_to(layout.SRC))
        for path in sorted(layout.SRC.rglob("*.py"))
        if _HALVING.search(path.read_text("utf-8"))
    ]
    assert "partition.py" in found, "the scan found nothing: the pattern is broken"
    assert found == ["partition.py"]
