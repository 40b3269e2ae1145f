"""Joining agreeing sets whole (``Entities.follow``) gives the entities that merging
link by link gives, refusals included: the arrays are a shortcut, never a rule."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clearsight.linkage.entities import Entities

# Few distinct values, so sets often hold two NHS numbers, birth years or dates, some
# of them one keystroke or a transposition apart (the cases the check lets through).
# Most records hold few of them, so that many sets agree and are joined whole.
_NHS = st.sampled_from(["9434765919", "9434765910", "9434765991", "4010232137"] + [None] * 6)
_YEARS = st.sampled_from([1977, 1979, 1986, 2004] + [None] * 3)
_DATES = st.sampled_from(["1976-04-05", "1976-05-04", "1976-04-06", "1977-11-30"] + [None] * 6)


@st.composite
def _stores(draw: st.DrawFn) -> tuple[int, dict[str, Any], list[tuple[int, int]], dict[str, Any]]:
    n = draw(st.integers(2, 14))
    node = st.integers(0, n - 1)
    links = draw(st.lists(st.tuples(node, node), max_size=30))
    links = [(a, b) for a, b in links if a != b]
    cannot = [(a, b) for a, b in draw(st.lists(st.tuples(node, node), max_size=3)) if a != b]
    values = [(draw(_NHS), draw(_YEARS), draw(_DATES)) for _ in range(n)]
    identity = {
        "node": np.arange(n),
        "nhs_number": np.ma.masked_equal(np.array([v[0] or "" for v in values], dtype=object), ""),
        "dob_y": np.ma.masked_equal(np.array([v[1] or 0 for v in values]), 0),
        "dob": np.ma.masked_equal(np.array([v[2] or "" for v in values], dtype=object), ""),
    }
    edges = {
        "a": np.array([a for a, _ in links], dtype=np.int64),
        "b": np.array([b for _, b in links], dtype=np.int64),
        "checked": np.ones(len(links), dtype=bool),
        "nhs_agrees": np.array([draw(st.booleans()) for _ in links], dtype=bool),
    }
    # An analyst's accept (unchecked) now and then.
    if links and draw(st.booleans()):
        edges["checked"][draw(st.integers(0, len(links) - 1))] = False
    return n, identity, cannot, edges


def _partition(entities: Entities) -> set[frozenset[int]]:
    roots = entities.roots()
    found: dict[int, set[int]] = {}
    for node, root in enumerate(roots):
        found.setdefault(root, set()).add(node)
    return {frozenset(x) for x in found.values()}


@settings(max_examples=400, deadline=None)
@given(_stores())
def test_joining_whole_sets_is_merging_link_by_link(
    store: tuple[int, dict[str, Any], list[tuple[int, int]], dict[str, Any]],
) -> None:
    n, identity, cannot, edges = store
    one_by_one = Entities(n, identity, cannot)
    refused = [
        (a, b)
        for a, b, c, agrees in zip(
            edges["a"].tolist(),
            edges["b"].tolist(),
            edges["checked"].tolist(),
            edges["nhs_agrees"].tolist(),
            strict=True,
        )
        if not one_by_one.merge(a, b, checked=c, nhs_agrees=agrees)
    ]
    whole = Entities(n, identity, cannot)
    assert whole.follow(edges["a"], edges["b"], edges["checked"], edges["nhs_agrees"]) == refused
    assert _partition(whole) == _partition(one_by_one)
    # What each entity holds decides later merges (the name-led links): the same too.
    for root in set(whole.roots()):
        other = one_by_one.find(root)
        assert (whole._years_of(root) or set()) == (one_by_one._years_of(other) or set())
        assert (whole._nhs_of(root) or set()) == (one_by_one._nhs_of(other) or set())
        assert (whole._dates_of(root) or set()) == (one_by_one._dates_of(other) or set())
