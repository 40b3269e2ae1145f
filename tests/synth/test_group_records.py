"""``truth/group_records.csv``: which records place a person with an offender group."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from clearsight.synth import SynthSummary

from .conftest import read_csv


def test_group_records_name_real_records_of_each_groups_people(
    synth_out: tuple[Path, SynthSummary],
) -> None:
    out, _ = synth_out
    truth = out / "truth"
    person_of = {
        (r["source_id"], r["person_id"]): r["true_person_id"]
        for r in read_csv(truth / "record_truth.csv")
    }
    members: dict[str, set[str]] = defaultdict(set)
    for r in read_csv(truth / "groups.csv"):
        if r["role"] != "victim":
            members[r["group_id"]].add(r["true_person_id"])
    rows = read_csv(truth / "group_records.csv")
    assert rows and set(rows[0]) == {"source_id", "person_id", "group_id"}
    placed: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        # Every row is a written record of a group that exists.
        assert (r["source_id"], r["person_id"]) in person_of
        assert r["group_id"] in members
        placed[r["group_id"]].add(person_of[(r["source_id"], r["person_id"])])
    # Most groups' members are recorded with them; a group's rows also hold its victims
    # and their families, never a member of another group who is not also in this one.
    with_members = [g for g in members if placed[g] & members[g]]
    assert len(with_members) >= 0.8 * len(members)
    offenders = set().union(*members.values())
    for group, people in placed.items():
        assert not (people & offenders) - members[group], group


def test_a_visitor_is_placed_only_with_groups_he_belongs_to(
    synth_out: tuple[Path, SynthSummary],
) -> None:
    """A cross-area offender is in two groups' truth; records place him with one or both,
    never with a group he is not in."""
    out, _ = synth_out
    truth = out / "truth"
    groups_of: dict[str, set[str]] = defaultdict(set)
    visitors = set()
    for r in read_csv(truth / "groups.csv"):
        groups_of[r["true_person_id"]].add(r["group_id"])
        if r["cross_area"] == "yes":
            visitors.add(r["true_person_id"])
    person_of = {
        (r["source_id"], r["person_id"]): r["true_person_id"]
        for r in read_csv(truth / "record_truth.csv")
    }
    by_person: dict[str, set[str]] = defaultdict(set)
    for r in read_csv(truth / "group_records.csv"):
        by_person[person_of[(r["source_id"], r["person_id"])]].add(r["group_id"])
    placed = [v for v in visitors if by_person[v]]
    assert placed
    assert all(by_person[v] <= groups_of[v] for v in placed)
