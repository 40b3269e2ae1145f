"""A strategy meeting names the adults around one child, not co-offenders
(``named_in_case_review``, ``case_review_event_types``): it makes a group of adults it
names together, and never joins two groups each held by their own offending."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearsight.graph.rules import RulePackError, group_making_link_types, load_rules
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import (
    CSC_MANIFEST,
    POLICE_MANIFEST,
    _person,
    link,
    member_sets,
    sexual_crime,
    write_submission,
)
from tests.graph.scenario import networks_and_definitions as run

# The CSC records of the men, as the police record's entity (a perfect linkage).
SAME = {("leeds-csc", p): f"wyp-police/{p}" for p in ("A1", "B1", "C1", "C2")}


def _police(with_group_b: bool) -> dict[str, list[dict[str, str]]]:
    """Group A (A1, A2) co-offends against Gail in 2023; group B (B1, B2) against her and
    Hope in 2024 (when ``with_group_b``)."""
    persons = [
        _person("G", "Gail", "Reviewchild", "2009-07-21", "female"),
        _person("A1", "Asif", "Ardley", "1984-05-12", "male"),
        _person("A2", "Amos", "Arkwright", "1986-11-02", "male"),
    ]
    events = [sexual_crime("E1", "2023-06-14")]
    involvements = [
        {"event_id": "E1", "person_id": "G", "role": "victim"},
        {"event_id": "E1", "person_id": "A1", "role": "suspect"},
        {"event_id": "E1", "person_id": "A2", "role": "suspect"},
    ]
    if with_group_b:
        persons += [
            _person("H", "Hope", "Laterchild", "2010-09-13", "female"),
            _person("B1", "Brett", "Bexley", "1998-08-30", "male"),
            _person("B2", "Boyd", "Bramall", "2000-01-11", "male"),
        ]
        events += [sexual_crime("E2", "2024-10-12"), sexual_crime("E3", "2025-01-08")]
        involvements += [
            {"event_id": "E2", "person_id": "G", "role": "victim"},
            {"event_id": "E2", "person_id": "B1", "role": "suspect"},
            {"event_id": "E2", "person_id": "B2", "role": "suspect"},
            {"event_id": "E3", "person_id": "H", "role": "victim"},
            {"event_id": "E3", "person_id": "B2", "role": "suspect"},
            {"event_id": "E3", "person_id": "B1", "role": "suspect"},
        ]
    return {"persons": persons, "events": events, "involvements": involvements}


def _meeting(named: list[tuple[str, str, str]]) -> dict[str, list[dict[str, str]]]:
    """A social care strategy meeting about Gail naming ``named`` (id, forename, role)."""
    return {
        "persons": [
            _person("G", "Gail", "Reviewchild", "2009-07-21", "female"),
            *(_person(p, fn, "Meeting" + p, "", "male") for p, fn, _ in named),
        ],
        "events": [
            {
                "event_id": "SM1",
                "event_type": "strategy_meeting",
                "reported_date": "2025-04-02",
                "cse_flag": "yes",
                "narrative": "Strategy meeting reviewing the exploitation of the child.",
            }
        ],
        "involvements": [
            {"event_id": "SM1", "person_id": "G", "role": "subject"},
            *({"event_id": "SM1", "person_id": p, "role": role} for p, _, role in named),
        ],
    }


def _networks(
    tmp: Path,
    police: dict[str, list[dict[str, str]]],
    meeting: dict[str, list[dict[str, str]]],
) -> list[set[str]]:
    con = connect(tmp / "review.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, police))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, meeting))
    # The girl's two records are one child; the men's records, one man each.
    link(con, {**SAME, ("leeds-csc", "G"): "wyp-police/G"})
    run(con)
    found = member_sets(con)
    con.close()
    return found


def test_a_meeting_naming_a_man_of_each_of_two_groups_joins_neither(tmp_path: Path) -> None:
    found = _networks(
        tmp_path,
        _police(with_group_b=True),
        _meeting([("A1", "Asif", "suspect"), ("B1", "Brett", "suspect")]),
    )
    assert sorted(map(sorted, found)) == [["A1", "A2"], ["B1", "B2"]]


def test_adults_a_meeting_names_together_are_a_group_of_their_own(tmp_path: Path) -> None:
    # Known only to social care (partner-only): C1 and C2, named together at her meeting,
    # are a network; the child they share with group A does not join them to it.
    found = _networks(
        tmp_path,
        _police(with_group_b=False),
        _meeting([("C1", "Carl", "associate"), ("C2", "Colin", "associate")]),
    )
    assert sorted(map(sorted, found)) == [["A1", "A2"], ["C1", "C2"]]


def test_the_definitions_read_a_meeting_as_a_shared_child(tmp_path: Path) -> None:
    # Named together at her meeting is no evidence that two adults know one another:
    # IICSA's "possible", not "meets" (2022.2); the Home Office definition counts it.
    con = connect(tmp_path / "defs.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, _police(False)))
    meeting = _meeting([("C1", "Carl", "suspect"), ("C2", "Colin", "suspect")])
    ingest(con, write_submission(tmp_path / "csc", CSC_MANIFEST, meeting))
    link(con, {**SAME, ("leeds-csc", "G"): "wyp-police/G"})
    run(con)
    status = dict(
        con.execute(
            "SELECT d.definition_id || ' ' || d.definition_version, d.status "
            "FROM definition_results d JOIN network_members m ON m.network_id = d.subject_id "
            "WHERE d.subject_type = 'network' AND m.entity_id = 'wyp-police/C1'"
        ).fetchall()
    )
    con.close()
    assert status["iicsa-organised-network 2022.2"] == "possible"
    assert status["home-office-group-based-cse 2020.2"] == "meets"


def test_the_rule_pack_makes_case_review_a_group_making_link() -> None:
    assert group_making_link_types() == ("named_in_case_review",)


@pytest.mark.parametrize("bridging", ["false", None])
def test_makes_group_is_for_bridging_links_only(tmp_path: Path, bridging: str | None) -> None:
    text = (
        "rules:\n  - id: shared_place\n    kind: link\n    description: d\n"
        "    records: [events]\n    roles: []\n    agencies: []\n    strength: 0.25\n"
        + (f"    bridging: {bridging}\n" if bridging else "")
        + "    makes_group: true\n    reason: r\n"
    )
    path = tmp_path / "pack.yaml"
    path.write_text(text)
    with pytest.raises(RulePackError, match=r"pack\.yaml: rule shared_place: makes_group is for"):
        load_rules(path)
