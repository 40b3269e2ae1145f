"""A lone offender is not a group's member through one child he shares with it, nor
through being named beside someone in a partner's record of a child
(``graph/lone_offenders.py``). Real ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.graph import run
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import CSC_MANIFEST, POLICE_MANIFEST, _person, write_submission
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store

MEN = ["L1", "M1", "P1", "P2", "L2", "M2", "A1", "A2", "L3", "Q1", "Q2"]
# Names far apart, so no two are taken for one person the linkage stage left as two.
NAMES = [
    ("Liam", "Ashdown"),
    ("Mohammed", "Brightwell"),
    ("Peter", "Carrowmore"),
    ("Paul", "Dunsford"),
    ("Lewis", "Eastleigh"),
    ("Mark", "Fairbourne"),
    ("Adam", "Glenridding"),
    ("Alan", "Hexworthy"),
    ("Leon", "Ingleton"),
    ("Quentin", "Jarrowby"),
    ("Quincy", "Kettlewell"),
]

LONE = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{1 + i % 9}-1{i % 10}", "female")
            for i in range(1, 14)
        ),
        *(_person(m, *NAMES[i], f"19{80 + i}-03-0{1 + i % 9}", "male") for i, m in enumerate(MEN)),
    ],
    "events": [_crime(f"X{i}", f"2024-0{1 + i % 9}-2{i % 10}") for i in range(1, 19)],
    "involvements": [
        # A man who offended alone against three children, one of whom another man
        # offended against too: two men linked by one child, one with victims of his own.
        *_involve("X1", "L1", child="C1"),
        *_involve("X2", "L1", child="C2"),
        *_involve("X3", "L1", child="C3"),
        *_involve("X4", "M1", child="C3"),
        # Two men who each offended against the same child, and no other: IICSA's
        # "possible" network, kept.
        *_involve("X5", "P1", child="C4"),
        *_involve("X6", "P2", child="C4"),
        # A man with a child of his own who shares two children with another: acting
        # together against the same children, kept.
        *_involve("X7", "L2", child="C5"),
        *_involve("X8", "L2", child="C6"),
        *_involve("X9", "L2", child="C7"),
        *_involve("X10", "M2", child="C6"),
        *_involve("X11", "M2", child="C7"),
        # Two co-offenders, and a lone offender who offended against their child and two
        # children of his own: the pair stays a network without him.
        *_involve("X12", "A1", "A2", child="C8"),
        *_involve("X13", "L3", child="C8"),
        *_involve("X14", "L3", child="C9"),
        *_involve("X15", "L3", child="C10"),
        # A man against one child of his own and one another man offended against: one
        # child of his own may be a group's child recorded only with him; kept.
        *_involve("X16", "Q1", child="C11"),
        *_involve("X17", "Q1", child="C12"),
        *_involve("X18", "Q2", child="C12"),
    ],
}


def test_a_lone_offender_is_not_joined_through_one_shared_child(tmp_path: Path) -> None:
    con = _store(tmp_path, LONE)
    run(con)
    networks = [set(m) & set(MEN) for m in _networks(con)]
    assert networks, "no network was found"
    assert sorted(map(sorted, networks)) == [
        ["A1", "A2"],
        ["L2", "M2"],
        ["P1", "P2"],
        ["Q1", "Q2"],
    ]
    # Each man set apart is listed with a member of the network he was held in, and why.
    apart = con.execute(
        "SELECT entity_id, with_entity_id, reason FROM network_lone_offenders"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1]) for a, b, _ in apart] == [
        ("L1", "M1"),
        ("L3", "A1"),
    ]
    assert all("children of his own" in r for _, _, r in apart)
    con.close()


# A charity's referral about a child names two adults as associates: a man the police
# recorded offending against two other children, and her aunt (no family record, no
# address). Another referral names two men around a second child, neither known to the
# police: a network visible only through partners, as before.
CSC = {
    "persons": [
        _person("K", "Kayla", "Fictionchild", "2011-04-04", "female"),
        _person("K2", "Lana", "Samplechild", "2011-05-05", "female"),
        _person("T", "Tom", "Fictionman", "1982-12-06", "male"),
        _person("AUNT", "Huda", "Fictionchild", "1992-08-23", "female"),
        _person("U", "Umar", "Partnerman", "1990-01-01", "male"),
        _person("V", "Vic", "Partnerman", "1991-01-01", "male"),
        # Brothers of near names and birth dates, named together around a third child:
        # one record names two people, so they are no possible duplicate.
        _person("K3", "Mia", "Examplechild", "2011-06-06", "female"),
        _person("B1", "Harun", "Brotherton", "1990-05-05", "male"),
        _person("B2", "Haroun", "Brotherton", "1990-05-06", "male"),
    ],
    "events": [
        {
            "event_id": "R1",
            "event_type": "referral",
            "reported_date": "2024-03-01",
            "cse_flag": "yes",
            "narrative": "Concerns she is being exploited by an older man.",
        },
        {
            "event_id": "R2",
            "event_type": "referral",
            "reported_date": "2024-04-01",
            "cse_flag": "yes",
            "narrative": "Concerns she is being exploited by two older men.",
        },
        {
            "event_id": "R3",
            "event_type": "referral",
            "reported_date": "2024-05-01",
            "cse_flag": "yes",
            "narrative": "Concerns she is being exploited by two brothers.",
        },
    ],
    "involvements": [
        {"event_id": "R1", "person_id": "K", "role": "subject"},
        {"event_id": "R1", "person_id": "T", "role": "associate"},
        {"event_id": "R1", "person_id": "AUNT", "role": "associate"},
        {"event_id": "R2", "person_id": "K2", "role": "subject"},
        {"event_id": "R2", "person_id": "U", "role": "associate"},
        {"event_id": "R2", "person_id": "V", "role": "associate"},
        {"event_id": "R3", "person_id": "K3", "role": "subject"},
        {"event_id": "R3", "person_id": "B1", "role": "associate"},
        {"event_id": "R3", "person_id": "B2", "role": "associate"},
    ],
}

POLICE = {
    "persons": [
        _person("p-T", "Tom", "Fictionman", "1982-12-06", "male"),
        _person("C1", "Child", "Fictional1", "2010-01-11", "female"),
        _person("C2", "Child", "Fictional2", "2010-02-12", "female"),
    ],
    "events": [_crime("Y1", "2023-05-01"), _crime("Y2", "2023-06-01")],
    "involvements": [*_involve("Y1", "p-T", child="C1"), *_involve("Y2", "p-T", child="C2")],
}


def _partner_store(tmp: Path) -> duckdb.DuckDBPyConnection:
    from tests.graph.scenario import link

    con = connect(tmp / "partner.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, POLICE))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, CSC))
    link(con, {("leeds-csc", "T"): "wyp-police/p-T"})
    return con


def test_a_lone_offender_named_beside_a_relative_by_a_partner_is_no_network(tmp_path: Path) -> None:
    con = _partner_store(tmp_path)
    run(con)
    networks = [set(m) for m in _networks(con)]
    assert networks, "the partner-only pair was not found"
    # The two men named around K2 share her: a network only partners see.
    assert {"U", "V"} in networks
    assert {"B1", "B2"} in networks
    # The man and the aunt named around K: he offended alone against two children of his
    # own and shares K with her; being named beside her in one partner record does not
    # show him acting together with anyone: no network.
    assert not any(m & {"T", "p-T", "AUNT"} for m in networks)
    kinds = {
        r[0]
        for r in con.execute(
            "SELECT link_type FROM graph_links WHERE entity_a LIKE '%AUNT' OR entity_b LIKE '%AUNT'"
        ).fetchall()
    }
    assert kinds == {"co_involved", "shared_victim"}
    con.close()


def test_a_strong_link_keeps_a_lone_offender_look_alike_in_the_network(tmp_path: Path) -> None:
    """L1's shape in ``LONE`` (three children of his own, one shared with M1), but the
    police record L1 and M1 as associates of each other: a strong link of their own, not
    a shared child alone, so L1 is not set apart and the two stay one network."""
    from tests.graph.test_detection_rules import _assoc

    tables = {
        "persons": [p for p in LONE["persons"] if p["person_id"] in {"C1", "C2", "C3", "L1", "M1"}],
        "events": [e for e in LONE["events"] if e["event_id"] in {"X1", "X2", "X3", "X4"}],
        "involvements": [
            i for i in LONE["involvements"] if i["event_id"] in {"X1", "X2", "X3", "X4"}
        ],
        "associations": [_assoc("L1", "person", "M1", "associate_of")],
    }
    con = _store(tmp_path, tables)
    run(con)
    assert [sorted(set(m) & set(MEN)) for m in _networks(con)] == [["L1", "M1"]]
    assert not con.execute("SELECT * FROM network_lone_offenders").fetchall()
    con.close()
