"""Adults no record of whom names a child are an association to review, not a network
(``graph/associations.py``): two men named together in intelligence with no child are
listed in ``network_associations``; the same kind of pair with a child in one record of
one of them, even as someone merely present with her, stays a network; an adult victim
of an assault is no child. Real ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from clearsight.graph.associations import ASSOCIATION
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _event, _networks, _store


def _rows(event_id: str, roles: dict[str, str]) -> list[dict[str, str]]:
    return [{"event_id": event_id, "person_id": p, "role": r} for p, r in roles.items()]


TABLES = {
    "persons": [
        # Two men seen together in intelligence twice; no record of either names a child.
        _person("A1", "Dean", "Associateton", "1986-02-11", "male"),
        _person("A2", "Craig", "Pairworth", "1984-09-30", "male"),
        # Two co-suspects of an assault on an adult: a victim, but no child (no network
        # before this rule either: nothing puts them on the offending side).
        _person("B1", "Barry", "Assaulter", "1980-05-05", "male"),
        _person("B2", "Brian", "Hitwell", "1981-06-06", "male"),
        _person("W1", "Walter", "Adultvictim", "1970-01-01", "male"),
        # Two men seen together in intelligence; one of them is also recorded as present
        # when police found a missing girl: a child in one record of theirs.
        _person("D1", "Derek", "Childseen", "1985-07-07", "male"),
        _person("D2", "Trevor", "Carowner", "1979-08-08", "male"),
        _person("C1", "Kayleigh", "Missingchild", "2010-01-23", "female"),
    ],
    "events": [
        # Intelligence flagged as sexual exploitation that names no child.
        {
            **_event("I1", "intelligence", "2024-03-02", "Two males seen together in a vehicle."),
            "cse_flag": "yes",
        },
        {
            **_event("I2", "intelligence", "2024-05-18", "Believed to be exploiting girls."),
            "cse_flag": "yes",
        },
        {
            **_crime("X1", "2024-04-01", offence="Assault occasioning actual bodily harm"),
            "cse_flag": "no",
        },
        {
            **_event("I3", "intelligence", "2024-02-01", "Two males seen together at an address."),
            "cse_flag": "yes",
        },
        _event("M1", "missing_episode", "2024-06-07", "Child found at an address with an adult."),
    ],
    "involvements": [
        *_rows("I1", {"A1": "associate", "A2": "associate"}),
        *_rows("I2", {"A1": "suspect", "A2": "suspect"}),
        *_rows("X1", {"W1": "victim", "B1": "suspect", "B2": "suspect"}),
        *_rows("I3", {"D1": "associate", "D2": "associate"}),
        *_rows("M1", {"C1": "missing_person", "D1": "associate"}),
    ],
}


def test_adults_whose_records_name_no_child_are_an_association(tmp_path: Path) -> None:
    con = _store(tmp_path, TABLES)
    run(con)
    found = [set(m) for m in _networks(con)]
    people = {p for m in found for p in m}
    assert not people & {"A1", "A2", "B1", "B2"}
    listed = con.execute(
        "SELECT association, entity_id, reason FROM network_associations ORDER BY ALL"
    ).fetchall()
    sets: dict[int, set[str]] = {}
    for n, entity, _ in listed:
        sets.setdefault(n, set()).add(entity.split("/")[-1])
    assert sorted(sorted(s) for s in sets.values()) == [["A1", "A2"]]
    assert all(reason == ASSOCIATION for _, _, reason in listed)
    con.close()


def test_a_child_in_one_record_of_one_member_keeps_the_network(tmp_path: Path) -> None:
    con = _store(tmp_path, TABLES)
    run(con)
    assert any({"D1", "D2"} <= set(m) for m in _networks(con))
    con.close()
