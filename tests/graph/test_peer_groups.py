"""Children named only as one another's companions around exploited children are a peer
group at risk, not an offender network (one of them at risk in a record himself); older
children named only around a child stay a network; a child named as the suspect of a sexual offence
keeps the group a network (peer-on-peer abuse), as adults in the same records do
(``graph/peer_groups.py``). Real ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.graph import run
from clearsight.graph.peer_groups import set_apart_peer_groups
from clearsight.graph.settings import OFFENDING_ROLES
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _networks, _store


def _missing(event_id: str, date: str) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "missing_episode",
        "reported_date": date,
        "offence": "",
        "cse_flag": "yes",
        "narrative": "Found at an address; concerns of sexual exploitation.",
    }


def _rows(event_id: str, roles: dict[str, str]) -> list[dict[str, str]]:
    return [{"event_id": event_id, "person_id": p, "role": r} for p, r in roles.items()]


PEERS = {
    "persons": [
        _person("M1", "Molly", "Fictionmissing", "2010-02-02", "female"),
        _person("M2", "Nadia", "Samplemissing", "2010-03-03", "female"),
        _person("M3", "Olive", "Examplemissing", "2010-04-04", "female"),
        # Three school friends, 14 and 15 at every record.
        _person("K1", "Kieran", "Pupilham", "2009-05-05", "male"),
        _person("K2", "Lewis", "Studentford", "2009-09-09", "male"),
        _person("K3", "Tyler", "Classworth", "2010-01-01", "male"),
        # Two boys of 15 named as suspects in a sexual offence against a girl.
        _person("S1", "Jordan", "Boyfield", "2008-06-06", "male"),
        _person("S2", "Callum", "Ladbrook", "2009-02-02", "male"),
        # Two boys of 16 found with a missing child, neither at risk in any record: older
        # children around her, a network as before.
        _person("B1", "Owen", "Elderfield", "2007-10-10", "male"),
        _person("B2", "Ryan", "Seniorton", "2007-11-11", "male"),
        # Two men found with a missing child: adults, so the existing rules stand.
        _person("A1", "Derek", "Oldcastle", "1985-07-07", "male"),
        _person("A2", "Trevor", "Greyhurst", "1979-08-08", "male"),
    ],
    "events": [
        _missing("E1", "2024-03-01"),
        _missing("E2", "2024-04-01"),
        _crime("E3", "2024-05-01", offence="Sexual assault of a child"),
        _missing("E4", "2024-06-01"),
        # One of the friends reported missing himself: a child at risk.
        _missing("E5", "2024-07-01"),
        _missing("E6", "2024-08-01"),
    ],
    "involvements": [
        *_rows("E1", {"M1": "missing_person", "K1": "associate", "K2": "associate"}),
        *_rows("E2", {"M2": "missing_person", "K2": "associate", "K3": "associate"}),
        *_rows("E3", {"M3": "victim", "S1": "suspect", "S2": "suspect"}),
        *_rows("E4", {"M1": "missing_person", "A1": "associate", "A2": "associate"}),
        *_rows("E5", {"K3": "missing_person"}),
        *_rows("E6", {"M2": "missing_person", "B1": "associate", "B2": "associate"}),
    ],
}


def test_children_named_only_as_companions_are_a_peer_group(tmp_path: Path) -> None:
    con = _store(tmp_path, PEERS)
    run(con)
    found = sorted(sorted(m) for m in _networks(con))
    people = {p for m in found for p in m}
    assert not people & {"K1", "K2", "K3"}
    # Peer-on-peer abuse is a network; adults found with a missing child stay one.
    assert any({"S1", "S2"} <= set(m) for m in found)
    assert any({"A1", "A2"} <= set(m) for m in found)
    assert any({"B1", "B2"} <= set(m) for m in found)
    peers = con.execute(
        "SELECT peer_group, entity_id, reason FROM network_peer_groups ORDER BY ALL"
    ).fetchall()
    assert sorted(e.split("/")[-1] for _, e, _ in peers) == ["K1", "K2", "K3"]
    assert len({g for g, _, _ in peers}) == 1
    assert all("children at risk together" in r for _, _, r in peers)
    con.close()


# Session 28: the missing child named beside her friends as their equal (co-suspects in
# anti-social behaviour), none of the friends at risk in a record of his own.
BESIDE = {
    "persons": [
        _person("G1", "Jade", "Holroydtest", "2011-04-12", "female"),
        _person("F1", "Liam", "Sutclifftest", "2010-01-23", "male"),
        _person("F2", "Ryan", "Ackroydtest", "2011-06-30", "male"),
        # Two boys of 16 found with another girl, never named beside her: older children
        # around her.
        _person("G2", "Amber", "Lintontest", "2011-02-02", "female"),
        _person("B1", "Owen", "Elderfield", "2007-10-10", "male"),
        _person("B2", "Ryan", "Seniorton", "2007-11-11", "male"),
    ],
    "events": [
        {
            "event_id": "A1",
            "event_type": "incident",
            "reported_date": "2024-05-18",
            "offence": "",
            "narrative": "Anti-social behaviour: youths damaging benches in the park.",
        },
        _missing("E1", "2024-07-06"),
        _missing("E2", "2024-09-14"),
        _missing("E3", "2024-10-01"),
    ],
    "involvements": [
        *_rows("A1", {"G1": "suspect", "F1": "suspect", "F2": "suspect"}),
        *_rows("E1", {"G1": "missing_person", "F1": "associate", "F2": "associate"}),
        *_rows("E2", {"G1": "missing_person", "F1": "associate", "F2": "associate"}),
        *_rows("E3", {"G2": "missing_person", "B1": "associate", "B2": "associate"}),
    ],
}


def test_friends_named_beside_the_missing_child_are_a_peer_group(tmp_path: Path) -> None:
    con = _store(tmp_path, BESIDE)
    run(con)
    found = [set(m) for m in _networks(con)]
    assert not any(m & {"F1", "F2"} for m in found)
    assert any({"B1", "B2"} <= m for m in found)
    peers = con.execute("SELECT entity_id, reason FROM network_peer_groups").fetchall()
    assert sorted(e.split("/")[-1] for e, _ in peers) == ["F1", "F2"]
    # The analyst reads why: they are named as the equals of a child at risk.
    assert all("named as the equal of a child at risk" in r for _, r in peers)
    con.close()


def _graph(rows: list[tuple[str, str, str, float | None, bool, str]], offending: list[str]):  # type: ignore[no-untyped-def]
    """A store holding only the two tables the rule reads: each row an involvement
    (entity, event, role, age at the event, child in it, event date)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE graph_involvements (entity_id VARCHAR, event_key VARCHAR, role VARCHAR, "
        "age DOUBLE, is_child BOOLEAN, event_date DATE)"
    )
    con.executemany("INSERT INTO graph_involvements VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE graph_involved (entity_id VARCHAR, role VARCHAR)")
    con.executemany(
        "INSERT INTO graph_involved VALUES (?, ?)", [(e, "associate") for e in offending]
    )
    return con


def _set_apart(rows: list[tuple[str, str, str, float | None, bool, str]]) -> list[list[str]]:
    con = _graph(rows, ["P1", "P2"])
    kept, _, groups = set_apart_peer_groups(
        con, ["P1", "P2"], [[0, 1]], [None], 18.0, OFFENDING_ROLES
    )
    con.close()
    assert len(kept) + len(groups) == 1
    return groups


# P1 reported missing himself (at risk); P2 named with him in an incident.
AT_RISK = [
    ("P1", "M1", "missing_person", 14.0, True, "2024-06-01"),
    ("P1", "I1", "suspect", 14.1, False, "2024-07-01"),
]


def test_a_record_without_a_date_of_birth_is_dated_by_the_persons_other_records() -> None:
    # P2's police records carry no date of birth; his school record gives him 13.
    rows = [
        *AT_RISK,
        ("P2", "S1", "associate", 13.0, False, "2024-01-01"),
        ("P2", "I1", "suspect", None, False, "2024-07-01"),
    ]
    assert _set_apart(rows) == [["P1", "P2"]]


def test_a_person_no_record_dates_keeps_the_network() -> None:
    rows = [*AT_RISK, ("P2", "I1", "suspect", None, False, "2024-07-01")]
    assert _set_apart(rows) == []


def test_the_oldest_age_any_record_gives_him_counts() -> None:
    # One record gives P2 a date of birth making him 13, another 19 at the same date: by
    # the oldest he is an adult at the undated record, so the network stays.
    rows = [
        *AT_RISK,
        ("P2", "S1", "associate", 13.0, False, "2024-01-01"),
        ("P2", "S2", "associate", 17.5, False, "2024-01-01"),
        ("P2", "I1", "suspect", None, False, "2025-06-01"),
    ]
    assert _set_apart(rows) == []


def test_a_child_at_risk_beside_them_counts_only_when_she_is_on_no_offending_side() -> None:
    # Neither P1 nor P2 is at risk in a record of his own; both are named as suspects of an
    # incident with V, a girl of 13 reported missing.
    rows = [
        ("P1", "I1", "suspect", 14.0, False, "2024-07-01"),
        ("P2", "I1", "suspect", 13.5, False, "2024-07-01"),
        ("V", "I1", "suspect", 13.0, False, "2024-07-01"),
        ("V", "M1", "missing_person", 13.1, True, "2024-08-01"),
        ("P1", "M1", "associate", 14.1, False, "2024-08-01"),
    ]
    assert _set_apart(rows) == [["P1", "P2"]]
    # P2 only found with her when she was missing (another role than hers): he is not
    # named as one of her group, so the network stays.
    found_with = [r for r in rows if r[0] != "P2"] + [
        ("P2", "M1", "associate", 13.6, False, "2024-08-01")
    ]
    assert _set_apart(found_with) == []
    # She herself the suspect of a record of exploitation: not a child at risk beside them.
    con = _graph(rows, ["P1", "P2"])
    con.execute("INSERT INTO graph_involved VALUES ('V', 'suspect')")
    _, _, groups = set_apart_peer_groups(con, ["P1", "P2"], [[0, 1]], [None], 18.0, OFFENDING_ROLES)
    con.close()
    assert groups == []
