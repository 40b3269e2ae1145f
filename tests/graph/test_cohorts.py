"""Two sets of co-offenders exploiting one cohort of children are one network
(``graph/cohorts.py``): a set of men every child of whom is a child another group
exploits, two or more in common, is part of that group; one child in common, or a child
of their own, keeps them apart (the bridging rule). Real ingest, real store; everything
fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _event, _involve, _networks, _store

MEN = ["A1", "A2", "A3", "B1", "B2", "D1", "D2", "E1", "E2", "F1", "F2", "G1", "G2"]

COHORT = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 5)
        ),
        *(
            _person(m, "Man", f"Fictional{m}", f"19{80 + i}-02-0{1 + i % 9}", "male")
            for i, m in enumerate(MEN)
        ),
    ],
    "events": [
        *(_crime(f"X{i}", f"2024-0{1 + i % 9}-1{i % 10}") for i in range(1, 12)),
        _event("M1", "missing_episode", "2024-06-20", "Reported missing by carer; located."),
    ],
    "involvements": [
        # A group of three, its men in pairs against C1, C2 and C3.
        *_involve("X1", "A1", "A2", child="C1"),
        *_involve("X2", "A1", "A3", child="C2"),
        *_involve("X3", "A2", "A3", child="C3"),
        # Two more men, together, against two of the group's children and nobody else:
        # part of the group.
        *_involve("X4", "B1", "B2", child="C1"),
        *_involve("X5", "B1", "B2", child="C2"),
        # Two men against one of its children: one child in common, two networks.
        *_involve("X6", "D1", "D2", child="C3"),
        # Two men against one of its children and a child of their own: two networks.
        *_involve("X7", "E1", "E2", child="C1"),
        *_involve("X8", "E1", "E2", child="C4"),
        # Two men against C1 and C2, the children of the group and of B1 and B2, who are
        # part of it: part of the group too.
        *_involve("X9", "F1", "F2", child="C1"),
        *_involve("X10", "F1", "F2", child="C2"),
        # Two men against C3, one of them found with C2 while she was missing: the
        # group's children, read as the shared-victim rule reads them; part of it.
        *_involve("X11", "G1", "G2", child="C3"),
        {"event_id": "M1", "person_id": "C2", "role": "missing_person"},
        {"event_id": "M1", "person_id": "G1", "role": "associate"},
    ],
}


def test_a_set_of_men_working_a_groups_children_is_part_of_it(tmp_path: Path) -> None:
    con = _store(tmp_path, COHORT)
    run(con)
    networks = [set(m) for m in _networks(con)]
    assert networks, "no network was found"
    offenders = [m & set(MEN) for m in networks]
    assert sorted(map(sorted, offenders)) == [
        ["A1", "A2", "A3", "B1", "B2", "F1", "F2", "G1", "G2"],
        ["D1", "D2"],
        ["E1", "E2"],
    ]
    # The decision record says what put the joined men there: the shared children.
    rules = {
        r
        for (r,) in con.execute(
            "SELECT DISTINCT e.rule_id FROM network_evidence e JOIN network_members m "
            "USING (network_id, entity_id) WHERE m.entity_id LIKE '%B1'"
        ).fetchall()
    }
    assert "shared_victim" in rules
    con.close()
