"""A shared child with a shared place makes a pair a group of its own (``pairs_with`` in
the evidence rule pack): two men who each exploited one girl at one flat are a group, and
a child they share with another group does not join the two."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from clearsight.graph.bridging import join_bridged
from clearsight.graph.rules import pairing_link_types
from tests.graph.scenario import (
    _person,
    police_networks,
    sexual_crime,
)


def test_the_rule_pack_pairs_a_shared_child_with_a_shared_place() -> None:
    assert pairing_link_types() == {"shared_victim": ("shared_place",)}


def test_a_paired_link_makes_a_group_that_a_shared_child_does_not_join() -> None:
    # Vertices 0-1: a strong pair (a group). 2 and 3: one child and one place in common
    # (bridging, paired). 1-2: a child both sides exploited (bridging).
    base = np.array([0, 0, 1, 2], dtype=np.int64)
    edges = np.array([[2, 3], [1, 2]], dtype=np.int64)
    knowing = np.array([False, False])
    # Not paired: 2 and 3 are people, not a group, and the shared child joins them all.
    assert len(set(join_bridged(base, edges, knowing).tolist())) == 1
    # Paired: 2 and 3 are a group; the shared child joins neither group to the other.
    paired = np.array([True, False])
    assert len(set(join_bridged(base, edges, knowing, None, paired).tolist())) == 2


def test_a_paired_link_reaching_a_group_is_taken_first() -> None:
    # 0-1: a group. 2-3 and 1-2: paired links, 2-3 first in vertex order. Taken as they
    # come, 2 and 3 would make a group that 1-2 could not join; a link reaching a group
    # is taken first, so 2 joins the group and 3 joins through him: one network.
    base = np.array([0, 0, 1, 2], dtype=np.int64)
    edges = np.array([[2, 3], [1, 2]], dtype=np.int64)
    knowing = np.array([False, False])
    paired = np.array([True, True])
    assert len(set(join_bridged(base, edges, knowing, None, paired).tolist())) == 1


def test_a_paired_link_between_two_groups_does_not_join_them() -> None:
    # Two strong pairs whose men also share a child and a place: still two groups.
    base = np.array([0, 0, 1, 1], dtype=np.int64)
    edges = np.array([[0, 1], [2, 3], [1, 2]], dtype=np.int64)
    knowing = np.array([True, True, False])
    paired = np.array([False, False, True])
    assert len(set(join_bridged(base, edges, knowing, None, paired).tolist())) == 2


def _data(at_the_flat: bool) -> dict[str, list[dict[str, str]]]:
    """A and B co-offend against Vera. Carl and Dean each exploit Wren in a crime of his
    own, at one flat when ``at_the_flat`` (else at no recorded place); Carl also
    exploits Vera once."""
    flat = "FLAT" if at_the_flat else ""
    return {
        "persons": [
            _person("V", "Vera", "Pairchild", "2009-05-05", "female"),
            _person("W", "Wren", "Pairchild", "2010-06-06", "female"),
            _person("A", "Abel", "Anscombe", "1980-01-01", "male"),
            _person("B", "Bram", "Burrage", "1982-02-02", "male"),
            _person("C", "Carl", "Cotterill", "1984-03-03", "male"),
            _person("D", "Dean", "Dunkerley", "1986-04-04", "male"),
        ],
        "events": [
            sexual_crime("E1", "2024-02-01"),
            sexual_crime("E2", "2024-03-01", flat),
            sexual_crime("E3", "2024-04-01", flat),
            sexual_crime("E4", "2024-05-01"),
        ],
        "involvements": [
            {"event_id": "E1", "person_id": "V", "role": "victim"},
            {"event_id": "E1", "person_id": "A", "role": "suspect"},
            {"event_id": "E1", "person_id": "B", "role": "suspect"},
            {"event_id": "E2", "person_id": "W", "role": "victim"},
            {"event_id": "E2", "person_id": "C", "role": "suspect"},
            {"event_id": "E3", "person_id": "W", "role": "victim"},
            {"event_id": "E3", "person_id": "D", "role": "suspect"},
            {"event_id": "E4", "person_id": "V", "role": "victim"},
            {"event_id": "E4", "person_id": "C", "role": "suspect"},
        ],
        "locations": [
            {
                "location_id": "FLAT",
                "location_type": "residential",
                "address": "Flat 2, 14 Quarry Street",
                "postcode": "LS6 2QJ",
            }
        ],
    }


def test_two_men_who_exploited_one_girl_at_one_flat_are_a_group_of_their_own(
    tmp_path: Path,
) -> None:
    # Carl also exploited Vera, whom A and B exploit together: a "possible" link, which
    # joins no group to another (IICSA 2022).
    assert sorted(map(sorted, police_networks(tmp_path, _data(at_the_flat=True)))) == [
        ["A", "B"],
        ["C", "D"],
    ]


def test_without_the_place_the_shared_child_joins_the_men_to_the_group(
    tmp_path: Path,
) -> None:
    # Carl and Dean share only Wren: each is a person, not a group, and a child joins a
    # person to a group (the bridging rule as it was).
    assert police_networks(tmp_path, _data(at_the_flat=False)) == [{"A", "B", "C", "D"}]
