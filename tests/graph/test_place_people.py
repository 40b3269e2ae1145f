"""People tied to a network's premises who are not its members (``network_place_people``):
the lines of enquiry the employment rule leaves about a place (``graph/place_people.py``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.graph.scenario import association, police_store
from tests.graph.test_guardians import _data


def _listed(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, bool, int]]:
    """(person, place, tie, guardian, networks they are a member of) per listed tie."""
    found = con.execute(
        "SELECT entity_id, location_key, via, guardian, len(member_of) "
        "FROM network_place_people ORDER BY ALL"
    ).fetchall()
    con.close()
    # A place's key is its postcode, name and type: "BS" for the bus station.
    place = {"location:NG1 7RB|trentside bus station|other": "BS"}
    return [(str(e).split("/")[-1], place[str(k)], str(v), g, n) for e, k, v, g, n in found]


def test_staff_tied_to_no_offender_are_listed_beside_the_network(tmp_path: Path) -> None:
    # Not a member (test_guardians), but what an analyst asks about the bus station next.
    assert [r[:4] for r in _listed(police_store(tmp_path, _data(None)))] == [
        ("G", "BS", "employed_at", False)
    ]


def test_a_guardian_is_listed_as_one(tmp_path: Path) -> None:
    # He reported it: a witness to the place, not a suspect.
    assert [r[:4] for r in _listed(police_store(tmp_path, _data("reporting_person")))] == [
        ("G", "BS", "employed_at", True)
    ]


def test_members_are_not_listed(tmp_path: Path) -> None:
    # The employment rule took him: he is on the network's member list, not beside it.
    assert _listed(police_store(tmp_path, _data(None, tie="associate_of"))) == []


def test_owners_and_residents_are_listed_and_children_are_not(tmp_path: Path) -> None:
    data = _data(None)
    data["associations"] += [
        association("O", "location", "BS", "owns"),
        association("R", "location", "BS", "resides_at"),
        association("V", "location", "BS", "resides_at"),
        # Seen there: a sighting for the hotspot, not a tie to the premises.
        association("F", "location", "BS", "frequents"),
    ]
    persons = data["persons"]
    persons += [
        {**persons[3], "person_id": "O", "forenames": "Olive", "surname": "Ownwell"},
        {**persons[3], "person_id": "R", "forenames": "Rhys", "surname": "Residon"},
        {**persons[3], "person_id": "F", "forenames": "Finn", "surname": "Frequin"},
    ]
    assert [r[:3] for r in _listed(police_store(tmp_path, data))] == [
        ("G", "BS", "employed_at"),
        ("O", "BS", "owns"),
        ("R", "BS", "resides_at"),
    ]


def test_a_place_no_member_offended_at_lists_no_one(tmp_path: Path) -> None:
    data = _data(None)
    data["events"] = [{**e, "location_id": ""} for e in data["events"]]
    # A still lives at the station's flat: a place of the network, but no offending there.
    data["associations"].append(association("A", "location", "BS", "resides_at"))
    assert _listed(police_store(tmp_path, data)) == []


def test_network_show_says_who_and_why_in_words(tmp_path: Path) -> None:
    from clearsight.graph.show import describe

    con = police_store(tmp_path, _data("reporting_person"))
    (network_id,) = con.execute("SELECT network_id FROM networks").fetchone() or ("",)
    lines = describe(con, network_id)
    con.close()
    heading = next(i for i, line in enumerate(lines) if line.startswith("People tied to"))
    assert lines[heading + 1] == (
        "  - gordon guardley: employed at Trentside Bus Station (wyp-police:G); "
        "reported or witnessed exploitation there"
    )


def test_status_counts_each_person_once_per_network(tmp_path: Path) -> None:
    from clearsight.graph.summary import network_status

    data = _data(None)
    # Two records tie him to the station: one line of enquiry.
    data["associations"].append(association("G", "location", "BS", "owns"))
    con = police_store(tmp_path, data)
    status = network_status(con)
    con.close()
    assert status is not None and status["place_people"] == 1
