"""Men known only by their forenames, named around a child no record joins to a group,
join the one group whose men bear all their forenames (``graph/forenames.py``): "Kieran"
and "Cai" around one girl, apart or in one record, join the group of Kieran Johnson and
Cai Morgan; one forename in common, one forename twice, two groups that both fit, or a
full date of birth keep them apart. Real ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _tables(  # type: ignore[type-arg]
    second: str = "Cai", dob: str = "", other_group: bool = False, together: bool = False
) -> dict[str, list]:
    """Kieran Johnson and Cai Morgan offend against Jodie (two records); "Kieran" and
    ``second``, forenames only, are each the suspect in a record about Kayleigh, apart,
    so that only she links them (and no record links her to the group); ``together``:
    both suspects in one record about her."""
    persons = [
        _person("C1", "Jodie", "Firstchild", "2010-04-02", "female"),
        _person("C2", "Kayleigh", "Secondchild", "2011-05-03", "female"),
        _person("M1", "Kieran", "Johnson", "1983-12-31", "male"),
        _person("M2", "Cai", "Morgan", "1980-06-14", "male"),
        _person("S1", "Kieran", "", dob and "1983-12-31", "male"),
        _person("S2", second, "", dob and "1980-06-14", "male"),
    ]
    involvements = [
        *_involve("X1", "M1", "M2", child="C1"),
        *_involve("X2", "M1", child="C1"),
        *_involve("X3", "S1", *(["S2"] if together else []), child="C2"),
        *_involve("X4", "S2", child="C2"),
    ]
    events = [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 5)]
    if other_group:
        # Another Kieran and Cai, a group of their own against another child.
        persons += [
            _person("C3", "Lacey", "Thirdchild", "2009-01-01", "female"),
            _person("N1", "Kieran", "Otherman", "1975-01-01", "male"),
            _person("N2", "Cai", "Secondset", "1976-02-02", "male"),
        ]
        involvements += _involve("X5", "N1", "N2", child="C3")
        events.append(_crime("X5", "2024-05-01"))
    return {"persons": persons, "events": events, "involvements": involvements}


def _found(tmp_path: Path, tables: dict[str, list]) -> list[set[str]]:  # type: ignore[type-arg]
    con = _store(tmp_path, tables)
    run(con)
    found = [set(m) for m in _networks(con)]
    con.close()
    return found


def test_forename_only_men_join_the_group_bearing_their_forenames(tmp_path: Path) -> None:
    assert {"M1", "M2", "S1", "S2"} in _found(tmp_path, _tables())


def test_one_forename_in_common_joins_no_one(tmp_path: Path) -> None:
    found = _found(tmp_path, _tables(second="Liam"))
    assert {"M1", "M2"} in found and {"S1", "S2"} in found


def test_one_forename_twice_joins_no_one(tmp_path: Path) -> None:
    # Two records of "Kieran": one forename matches too many men to join anyone.
    found = _found(tmp_path, _tables(second="Kieran"))
    assert {"M1", "M2"} in found and not any({"M1", "S1"} <= m for m in found)


def test_men_recorded_together_join_as_well(tmp_path: Path) -> None:
    # One record naming both (a referral, co-suspects): who they are is the question,
    # and being named together is more of the same evidence (blind first-names-01, -06).
    assert {"M1", "M2", "S1", "S2"} in _found(tmp_path, _tables(together=True))


def test_two_groups_that_fit_leave_them_apart(tmp_path: Path) -> None:
    found = _found(tmp_path, _tables(other_group=True))
    assert {"M1", "M2"} in found and {"N1", "N2"} in found and {"S1", "S2"} in found


def test_a_full_date_of_birth_identifies_them(tmp_path: Path) -> None:
    # Identified men are a group of known people: names alone never join them.
    found = _found(tmp_path, _tables(dob="yes"))
    assert {"M1", "M2"} in found and not any({"M1", "S1"} <= m for m in found)


def test_the_decision_record_names_the_member_whose_forename_he_shares(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, _tables())
    run(con)
    rows = con.execute(
        "SELECT entity_id, record_ids, strength FROM network_evidence "
        "WHERE rule_id = 'forename_of_member' ORDER BY entity_id"
    ).fetchall()
    con.close()
    assert [(e.split("/")[-1], r, s) for e, r, s in rows] == [
        ("S1", ["wyp-police:M1", "wyp-police:S1"], 0.5),
        ("S2", ["wyp-police:M2", "wyp-police:S2"], 0.5),
    ]
