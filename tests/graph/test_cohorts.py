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


def _referral(event_id: str, date: str, child: str, *adults: str) -> list[dict[str, str]]:
    """A social care referral about ``child`` naming ``adults`` as her associates."""
    return [
        {"event_id": event_id, "person_id": child, "role": "subject"},
        *({"event_id": event_id, "person_id": a, "role": "associate"} for a in adults),
    ]


PARTNER_MEN = ["X1", "X2", "Y1", "Y2", "Q1", "Q2", "M1", "M2", "N1", "N2"]
PARTNER_CHILDREN = ["V", "W", "K", "K1", "K2"]

PARTNER = {
    "persons": [
        *(
            _person(c, "Child", f"Fictional{c}", f"2010-0{1 + i}-02", "female")
            for i, c in enumerate(PARTNER_CHILDREN)
        ),
        *(
            _person(m, "Man", f"Partnerman{m}", f"19{80 + i}-03-0{1 + i % 9}", "male")
            for i, m in enumerate(PARTNER_MEN)
        ),
    ],
    "events": [
        {
            "event_id": f"R{i}",
            "event_type": "referral",
            "reported_date": f"2024-0{i}-01",
            "cse_flag": "yes",
            "narrative": "Concerns she is being sexually exploited by older males.",
        }
        for i in range(1, 8)
    ],
    "involvements": [
        # Two referrals about V, each naming two men: one group seen by social care in
        # two parts, neither with a child of its own.
        *_referral("R1", "2024-01-01", "V", "X1", "X2"),
        *_referral("R2", "2024-02-01", "V", "Y1", "Y2"),
        # Two men named around W, whom two men the police recorded also offended against:
        # never hidden inside the police group.
        *_referral("R3", "2024-03-01", "W", "Q1", "Q2"),
        # Two pairs named around K, each around a child of its own too: two groups.
        *_referral("R4", "2024-04-01", "K", "M1", "M2"),
        *_referral("R5", "2024-05-01", "K1", "M1", "M2"),
        *_referral("R6", "2024-06-01", "K", "N1", "N2"),
        *_referral("R7", "2024-07-01", "K2", "N1", "N2"),
    ],
}

POLICE_PAIR = {
    "persons": [
        _person("pW", "Child", "FictionalW", "2010-03-02", "female"),
        _person("P1", "Man", "Policeman1", "1975-01-01", "male"),
        _person("P2", "Man", "Policeman2", "1976-01-01", "male"),
    ],
    "events": [_crime("E1", "2024-03-10")],
    "involvements": _involve("E1", "P1", "P2", child="pW"),
}


def test_parts_of_one_partner_picture_around_one_child_are_one_network(tmp_path: Path) -> None:
    from clearsight.ingest import ingest
    from clearsight.store import connect
    from tests.graph.scenario import CSC_MANIFEST, POLICE_MANIFEST, link, write_submission

    con = connect(tmp_path / "partner.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, POLICE_PAIR))
    ingest(con, write_submission(tmp_path / "csc", CSC_MANIFEST, PARTNER))
    link(con, {("wyp-police", "pW"): "leeds-csc/W"})
    run(con)
    offenders = sorted(sorted(set(m) & {*PARTNER_MEN, "P1", "P2"}) for m in _networks(con))
    assert offenders == [
        ["M1", "M2"],
        ["N1", "N2"],
        ["P1", "P2"],
        ["Q1", "Q2"],
        ["X1", "X2", "Y1", "Y2"],
    ]
    con.close()
