"""The scenario format: loading checks every entry, writing gives standard submissions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.build import ScenarioError, load, write
from tests.scenarios.harness import judge

# The top of a one-agency case up to its persons; ``CLASS`` is replaced.
HEAD = """\
id: {id}
class: CLASS
title: t
pattern: p
sources: s
agencies:
  - source: x-police
    type: police
    area: kent
    persons:
"""

GOOD = (
    HEAD.replace("CLASS", "lone-offender")
    + """\
      A: {{fn: Amy, sn: Test, dob: 2010-01-01, sex: female}}
      B: {{fn: Bob, sn: Test, dob: 1980-01-01, sex: male}}
    events:
      E1: {{type: crime, date: 2024-01-01, offence: "Sexual activity with a child",
            people: {{A: victim, B: suspect}}}}
    associations:
      - B associate_of A
expect:
  networks: []
"""
)


def _write(tmp_path: Path, text: str, name: str = "case") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.format(id=name), "utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("B: suspect", "B: culprit"), "agency x-police event E1: unknown role 'culprit'"),
        (("type: police", "type: constabulary"), "agency x-police: unknown agency type"),
        (("dob: 1980-01-01", "born: 1980-01-01"), "agency x-police person B: unknown key(s) born"),
        (("B associate_of A", "B frequents loc:L9"), "'loc:L9' names no location"),
        (("B associate_of A", "B likes A"), "unknown type 'likes'"),
        (("networks: []", "networks: [[A, B]]"), "a child is never a network offender"),
        (("networks: []", "networks: [[Z]]"), "no record of Z"),
        (
            ("networks: []", "networks: [[B]]\n  not_members: [B]"),
            "expect.networks[0]: holds someone in not_members",
        ),
        (("networks: []", "networks: []\n  not_members: [Z]"), "no record of Z"),
    ],
)
def test_a_bad_entry_names_file_and_entry(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ScenarioError, match=r"case\.yaml") as raised:
        load(path)
    assert message in str(raised.value)


def test_the_id_is_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(GOOD.format(id="case"), "utf-8")
    with pytest.raises(ScenarioError, match="is not the file name"):
        load(path)


def test_writing_keeps_ids_and_roles(tmp_path: Path) -> None:
    scenario = load(_write(tmp_path, GOOD))
    (folder,) = write(scenario, tmp_path / "out")
    assert (folder / "manifest.json").exists()
    text = (folder / "involvements.csv").read_text("utf-8").splitlines()
    assert text == ["event_id,person_id,role", "E1,A,victim", "E1,B,suspect"]
    assert scenario.children == frozenset({"A"})
    assert scenario.who("x-police", "B") == "B"


def test_the_readme_counts_every_class_as_the_cases_hold_it() -> None:
    """The README's class table is the library's index: a class missing from it, or a
    count that no longer matches the case files, fails here."""
    import re
    from collections import Counter

    from tests.scenarios.build import CASES, load_all

    held = Counter(s.cls for s in load_all())
    readme = (CASES.parent / "README.md").read_text("utf-8")
    table = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\| `([a-z-]+)` \| .* \| (\d+) \|$", readme, re.MULTILINE)
    }
    assert table == dict(held)


TWO_GROUPS = (
    HEAD.replace("CLASS", "busy-place")
    + """\
      V: {{fn: Amy, sn: Test, dob: 2010-01-01, sex: female}}
      A: {{fn: Abe, sn: One, dob: 1980-01-01, sex: male}}
      B: {{fn: Bob, sn: Two, dob: 1981-01-01, sex: male}}
      C: {{fn: Cal, sn: Three, dob: 1982-01-01, sex: male}}
      D: {{fn: Dan, sn: Four, dob: 1983-01-01, sex: male}}
      E: {{fn: Eli, sn: Five, dob: 1984-01-01, sex: male}}
      F: {{fn: Fin, sn: Six, dob: 1985-01-01, sex: male}}
      G: {{fn: Gus, sn: Seven, dob: 1960-01-01, sex: male}}
    events:
      E1: {{type: crime, date: 2024-01-01, offence: "Sexual activity with a child",
            people: {{V: victim, A: suspect, B: suspect, C: suspect}}}}
      E2: {{type: crime, date: 2024-02-01, offence: "Sexual activity with a child",
            people: {{V: victim, D: suspect, E: suspect, F: suspect, G: witness}}}}
expect:
  networks: [[A, B, C], [D, E, F]]
  not_members: [G]
"""
)


def test_judging_two_groups_joined_pieces_and_outsiders(tmp_path: Path) -> None:
    scenario = load(_write(tmp_path, TWO_GROUPS))
    abc, def_ = frozenset("ABC"), frozenset("DEF")
    assert judge(scenario, [abc, def_], []).passed
    # One network of six matches each group at exactly 0.5: joined, not found.
    joined = judge(scenario, [abc | def_], [])
    assert not joined.missed and not joined.unexpected
    assert not joined.passed and joined.merged == [abc | def_]
    assert "expected networks joined in {A, B, C, D, E, F}" in joined.describe()
    # A group in two pieces that each match is found, in pieces.
    pieces = judge(scenario, [frozenset("AB"), frozenset("BC"), def_], [])
    assert pieces.passed and pieces.split == [abc]
    outsider = judge(scenario, [abc, def_ | {"G"}], [])
    assert not outsider.passed and "G is in a reported network" in outsider.identity[0]


def test_judging_a_partner_only_group_reported_as_police_visible(tmp_path: Path) -> None:
    text = TWO_GROUPS.replace("  not_members: [G]", "  partner_only: [true, false]")
    scenario = load(_write(tmp_path, text))
    abc, def_ = frozenset("ABC"), frozenset("DEF")
    assert judge(scenario, [abc, def_], [], partner_only=[abc]).passed
    # The second group is declared police-known: reported as partner-only, it fails.
    police_known = judge(scenario, [abc, def_], [], partner_only=[abc, def_])
    assert police_known.identity == ["{D, E, F} is reported as visible only through partners"]
    wrong = judge(scenario, [abc, def_], [], partner_only=[def_])
    assert not wrong.passed
    assert wrong.identity == [
        "{A, B, C} is not reported as visible only through partners",
        "{D, E, F} is reported as visible only through partners",
    ]
    # A case that declares no flags claims nothing about the police's view.
    undeclared = load(_write(tmp_path, TWO_GROUPS, "plain"))
    assert judge(undeclared, [abc, def_], [], partner_only=[abc, def_]).passed
    # Not checked at all without the product's flags.
    assert judge(scenario, [abc, def_], []).passed


def test_distinct_people_fail_when_any_two_share_an_entity(tmp_path: Path) -> None:
    import duckdb

    from tests.scenarios.harness import _identity

    text = TWO_GROUPS.replace("  not_members: [G]", "  distinct_people: [[A, B, C]]")
    scenario = load(_write(tmp_path, text))
    con = duckdb.connect()
    # A and B merged into one entity, C apart: two of the three share one.
    con.execute(
        "CREATE TABLE graph_person_map AS SELECT * FROM (VALUES "
        "('e1', 'x-police', 'A'), ('e1', 'x-police', 'B'), ('e2', 'x-police', 'C')) "
        "t(entity_id, source_id, person_id)"
    )
    assert _identity(con, scenario) == ["A, B were merged into one entity"]
    con.close()
