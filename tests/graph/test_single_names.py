"""Men known only by a single name, with no date of birth, count as unidentified when a
network of them shares a child with one group (``graph/unidentified.py``): two men a
child names only as "Sunny" and "Tariq" join the group of named men that offends against
her; the same two with a full date of birth on a record are identified and stay a group
of their own; two single-name men sharing children with two groups stay apart. Real
ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _single(pid: str, forename: str, dob: str = "") -> dict[str, str]:
    """A record giving a first name only (and a date of birth when ``dob``)."""
    return _person(pid, forename, "", dob, "male")


def _tables(dob: str = "", second_group: bool = False) -> dict[str, list]:  # type: ignore[type-arg]
    persons = [
        _person("C1", "Jodie", "Singlename", "2010-04-02", "female"),
        _person("M1", "Imran", "Namedman", "1985-06-14", "male"),
        _person("M2", "Asif", "Knownman", "1989-03-09", "male"),
        _single("S1", "Sunny", dob and "1990-07-07"),
        _single("S2", "Tariq", dob and "1992-08-08"),
    ]
    involvements = [
        *_involve("X1", "M1", "M2", child="C1"),
        *_involve("X2", "M2", child="C1"),
        *_involve("X3", "S1", "S2", child="C1"),
    ]
    events = [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 4)]
    if second_group:
        # A second group of named men offends against the same child.
        persons += [
            _person("N1", "Neil", "Othergroup", "1975-01-01", "male"),
            _person("N2", "Noel", "Secondset", "1976-02-02", "male"),
        ]
        involvements += _involve("X4", "N1", "N2", child="C1")
        events.append(_crime("X4", "2024-04-01"))
    return {"persons": persons, "events": events, "involvements": involvements}


def test_single_name_men_join_the_one_group_sharing_their_child(tmp_path: Path) -> None:
    con = _store(tmp_path, _tables())
    run(con)
    assert any({"M1", "M2", "S1", "S2"} <= set(m) for m in _networks(con))
    con.close()


def test_a_full_date_of_birth_identifies_a_single_name(tmp_path: Path) -> None:
    con = _store(tmp_path, _tables(dob="yes"))
    run(con)
    # Each with his date of birth: two identified men, a group of known people that the
    # bridging rule keeps apart from the named men.
    found = [set(m) for m in _networks(con)]
    assert {"S1", "S2"} in found
    assert not any({"M1", "S1"} <= m for m in found)
    con.close()


def test_single_name_men_sharing_a_child_with_two_groups_stay_apart(tmp_path: Path) -> None:
    con = _store(tmp_path, _tables(second_group=True))
    run(con)
    found = [set(m) for m in _networks(con)]
    assert {"S1", "S2"} in found
    con.close()
