"""Men police could not name ("unknown male") who offended together against a child that
one named group exploits join that group, and so does one named man with an unnamed
co-suspect; with two groups exploiting her they stay a network of their own
(``graph/unidentified.py``). Real ingest, real store."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _unknown(pid: str) -> dict[str, str]:
    return {"person_id": pid, "forenames": "Unknown", "surname": "Male", "sex": "male"}


NAMELESS = {
    "persons": [
        _person("C1", "Child", "Fictionalone", "2010-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2010-02-01", "female"),
        # A named group exploits C1; two men nobody could name offend together against her.
        _person("A1", "Adam", "Alder", "1980-01-01", "male"),
        _person("A2", "Abel", "Ashwood", "1982-02-02", "male"),
        _unknown("U1"),
        _unknown("U2"),
        # Two named groups exploit C2; two unnamed men offend together against her too.
        _person("B1", "Ben", "Birch", "1984-03-03", "male"),
        _person("B2", "Bill", "Beechwood", "1985-04-04", "male"),
        _person("D1", "Dan", "Dogwood", "1986-05-05", "male"),
        _person("D2", "Dev", "Dunmore", "1987-06-06", "male"),
        _unknown("U3"),
        _unknown("U4"),
        # A named group exploits C3; one named man and an unnamed man offend against her.
        _person("C3", "Child", "Fictionalthree", "2010-03-01", "female"),
        _person("E1", "Eli", "Elmwood", "1988-07-07", "male"),
        _person("E2", "Ed", "Eastwood", "1989-08-08", "male"),
        _person("F1", "Fred", "Firwood", "1979-09-09", "male"),
        _unknown("U5"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 8)],
    "involvements": [
        *_involve("X1", "A1", "A2", child="C1"),
        *_involve("X2", "U1", "U2", child="C1"),
        *_involve("X3", "B1", "B2", child="C2"),
        *_involve("X4", "D1", "D2", child="C2"),
        *_involve("X5", "U3", "U4", child="C2"),
        *_involve("X6", "E1", "E2", child="C3"),
        *_involve("X7", "F1", "U5", child="C3"),
    ],
}


def test_unnamed_co_suspects_join_the_one_group_exploiting_their_child(tmp_path: Path) -> None:
    con = _store(tmp_path, NAMELESS)
    run(con)
    networks = [set(m) for m in _networks(con)]
    assert {"A1", "A2", "U1", "U2"} in networks
    assert {"E1", "E2", "F1", "U5"} in networks
    assert not any({"U1", "U2"} <= m and not m & {"A1"} for m in networks)
    # The decision record says what ties them: the child they share with the group.
    rules = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT rule_id FROM network_evidence WHERE entity_id LIKE '%/U1'"
        ).fetchall()
    }
    assert {"offending_role", "shared_victim", "co_involved"} <= rules
    con.close()


def test_unnamed_co_suspects_stay_apart_when_two_groups_exploit_their_child(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, NAMELESS)
    run(con)
    networks = [set(m) for m in _networks(con)]
    # Which of the two groups they belong to, the record cannot say.
    assert {"B1", "B2"} in networks
    assert {"D1", "D2"} in networks
    assert {"U3", "U4"} in networks
    con.close()


def test_two_named_co_suspects_stay_a_group_of_their_own(tmp_path: Path) -> None:
    # Two named men offending together against C1 are a group of known people: sharing
    # her with A1 and A2 does not make them one network (the bridging rule).
    tables = {
        **NAMELESS,
        "persons": [
            *NAMELESS["persons"],
            _person("G1", "Gus", "Greenwood", "1990-10-10", "male"),
            _person("G2", "Guy", "Gatwood", "1991-11-11", "male"),
        ],
        "events": [*NAMELESS["events"], _crime("X8", "2024-08-01")],
        "involvements": [*NAMELESS["involvements"], *_involve("X8", "G1", "G2", child="C1")],
    }
    con = _store(tmp_path, tables)
    run(con)
    networks = [set(m) for m in _networks(con)]
    assert {"G1", "G2"} in networks
    # With two named groups exploiting C1, the unnamed men no longer know which to join.
    assert {"A1", "A2"} in networks
    assert {"U1", "U2"} in networks
    con.close()
