"""Adults police find with an exploited child: the associates of her exploitation record
share her with her offenders, and two such adults, neither suspected of anything, are no
group of their own that the bridging rule would keep apart. Two men suspected together
of an offence against her are a group, and stay one. Everything fictional."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from clearsight.graph.bridging import join_bridged
from tests.graph.scenario import (
    _person,
    police_networks,
)

SEXUAL = "Sexual activity with a child"


def _data(found_as: str, flagged: bool = True) -> dict[str, list[dict[str, str]]]:
    """Three men suspected of crimes against two girls; then D and E in a third record
    with the first girl, as ``found_as`` (associates present at an attendance, or
    suspects of a crime against her)."""
    third = (
        {
            "event_type": "incident",
            "offence": "",
            "narrative": "Police attended; child found with adults present.",
        }
        if found_as == "associate"
        else {"event_type": "crime", "offence": SEXUAL, "narrative": "Child disclosed abuse."}
    )
    return {
        "persons": [
            _person("V", "Vera", "Foundchild", "2009-05-05", "female"),
            _person("W", "Wynne", "Foundchild", "2008-06-06", "female"),
            _person("A", "Abel", "Anscombe", "1980-01-01", "male"),
            _person("B", "Bram", "Burrage", "1982-02-02", "male"),
            _person("C", "Cyril", "Cotterill", "1984-03-03", "male"),
            _person("D", "Dale", "Dunkerley", "1986-04-04", "male"),
            _person("E", "Eamon", "Eastwood", "1988-05-05", "male"),
        ],
        "events": [
            {
                "event_id": "E1",
                "event_type": "crime",
                "reported_date": "2024-02-01",
                "offence": SEXUAL,
                "cse_flag": "yes",
            },
            {
                "event_id": "E2",
                "event_type": "crime",
                "reported_date": "2024-03-01",
                "offence": SEXUAL,
                "cse_flag": "yes",
            },
            {
                "event_id": "E3",
                "reported_date": "2024-04-01",
                "cse_flag": "yes" if flagged else "no",
                **third,
            },
        ],
        "involvements": [
            {"event_id": "E1", "person_id": "V", "role": "victim"},
            {"event_id": "E1", "person_id": "A", "role": "suspect"},
            {"event_id": "E1", "person_id": "B", "role": "suspect"},
            {"event_id": "E2", "person_id": "W", "role": "victim"},
            {"event_id": "E2", "person_id": "B", "role": "suspect"},
            {"event_id": "E2", "person_id": "C", "role": "suspect"},
            {"event_id": "E3", "person_id": "V", "role": "victim"},
            {"event_id": "E3", "person_id": "D", "role": found_as},
            {"event_id": "E3", "person_id": "E", "role": found_as},
        ],
    }


def test_adults_found_with_an_exploited_child_join_her_abusers(tmp_path: Path) -> None:
    assert police_networks(tmp_path, _data("associate")) == [{"A", "B", "C", "D", "E"}]


def test_men_suspected_together_against_her_stay_a_group_of_their_own(
    tmp_path: Path,
) -> None:
    # Two groups exploiting one child are two networks (IICSA's "possible" link).
    assert police_networks(tmp_path, _data("suspect")) == [{"A", "B", "C"}, {"D", "E"}]


def test_without_an_exploitation_context_the_attendance_shares_no_child(
    tmp_path: Path,
) -> None:
    # An attendance with no flag, no sexual offence and no exploitation wording: the
    # adults present are not on the offending side, and nobody joins the group.
    data = _data("associate", flagged=False)
    data["events"][2]["narrative"] = "Police attended a noise complaint."
    assert police_networks(tmp_path, data) == [{"A", "B", "C"}]


def test_a_set_held_only_by_links_that_are_not_core_is_no_group() -> None:
    # Vertices 0-1 and 2-3 are two strong pairs; 1-2 a shared child (bridging).
    base = np.array([0, 0, 1, 1], dtype=np.int64)
    edges = np.array([[0, 1], [2, 3], [1, 2]], dtype=np.int64)
    knowing = np.array([True, True, False])
    # Without core flags every strong pair is a group: the shared child joins neither.
    assert len(set(join_bridged(base, edges, knowing).tolist())) == 2
    # Both pairs held by core links: still two groups.
    both = np.array([True, True, False])
    assert len(set(join_bridged(base, edges, knowing, both).tolist())) == 2
    # The second pair held only by being named together, neither suspected: one network.
    one = np.array([True, False, False])
    assert len(set(join_bridged(base, edges, knowing, one).tolist())) == 1


def test_two_sets_that_are_no_group_stay_apart() -> None:
    # Two pairs of adults found with one child at two attendances: neither is a group,
    # and together they are no more one; each joins a group, not the other.
    base = np.array([0, 0, 1, 1], dtype=np.int64)
    edges = np.array([[0, 1], [2, 3], [1, 2]], dtype=np.int64)
    knowing = np.array([True, True, False])
    neither = np.array([False, False, False])
    assert len(set(join_bridged(base, edges, knowing, neither).tolist())) == 2
    # A person alone still joins either (a shared child joins a person to a set).
    base = np.array([0, 0, 1], dtype=np.int64)
    edges = np.array([[0, 1], [1, 2]], dtype=np.int64)
    joined = join_bridged(base, edges, np.array([True, False]), np.array([False, False]))
    assert len(set(joined.tolist())) == 1
