"""Detection rules on a small fictional police submission, ingested with the real ingest:
bridging links (employed where another group offended) never join two groups, people
police link to several offenders join as ``linked`` members, and a two-person "network"
of near-duplicate identities is a possible duplicate, not a network."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.graph import GraphSettings, run
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import POLICE_MANIFEST, _person, write_submission


def _crime(event_id: str, date: str, location: str = "") -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "crime",
        "reported_date": date,
        "location_id": location,
        "offence": "Sexual activity with a child",
        "cse_flag": "yes",
    }


def _involve(event_id: str, *people: str, child: str) -> list[dict[str, str]]:
    rows = [{"event_id": event_id, "person_id": child, "role": "victim"}]
    return rows + [{"event_id": event_id, "person_id": p, "role": "suspect"} for p in people]


def _assoc(from_id: str, to_type: str, to_id: str, kind: str) -> dict[str, str]:
    return {
        "from_type": "person",
        "from_id": from_id,
        "to_type": to_type,
        "to_id": to_id,
        "association_type": kind,
    }


RULES = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 7)
        ),
        # Two groups offending at one takeaway, whose employee K is linked to both.
        _person("S1", "Sam", "Sierra", "1980-01-01", "male"),
        _person("S2", "Saul", "Sierraone", "1981-01-01", "male"),
        _person("T1", "Tom", "Tango", "1982-02-02", "male"),
        _person("T2", "Tim", "Tangoone", "1983-02-02", "male"),
        _person("K", "Karl", "Kilo", "1970-03-03", "male"),
        # M1 and M2 offend apart; police link both to L, who is in no event.
        _person("M1", "Mark", "Mike", "1984-04-04", "male"),
        _person("M2", "Milo", "Mikeone", "1985-05-05", "male"),
        _person("L", "Luke", "Lima", "1986-06-06", "male"),
        # One man recorded twice (day and month of birth swapped, forename misspelt) ...
        _person("J1", "John", "Smithson", "1980-01-02", "male"),
        _person("J2", "Jon", "Smithson", "1980-02-01", "male"),
        # ... and two different men sharing a child: a network (IICSA "possible").
        _person("A1", "Adam", "Brown", "1970-01-01", "male"),
        _person("Z1", "Zed", "Brown", "1990-05-05", "male"),
    ],
    "events": [
        _crime("X1", "2024-01-01", "TAKEAWAY"),
        _crime("X2", "2024-02-01", "TAKEAWAY"),
        _crime("X3", "2024-03-01"),
        _crime("X4", "2024-04-01"),
        _crime("X5", "2024-05-01"),
        _crime("X6", "2024-06-01"),
        _crime("X7", "2024-07-01"),
        _crime("X8", "2024-08-01"),
    ],
    "involvements": [
        *_involve("X1", "S1", "S2", child="C1"),
        *_involve("X2", "T1", "T2", child="C2"),
        *_involve("X3", "M1", child="C3"),
        *_involve("X4", "M2", child="C4"),
        *_involve("X5", "J1", child="C5"),
        *_involve("X6", "J2", child="C5"),
        *_involve("X7", "A1", child="C6"),
        *_involve("X8", "Z1", child="C6"),
    ],
    "locations": [
        {
            "location_id": "TAKEAWAY",
            "location_type": "takeaway",
            "name": "Golden Takeaway",
            "postcode": "LS2 7AA",
        }
    ],
    "associations": [
        _assoc("K", "location", "TAKEAWAY", "employed_at"),
        _assoc("L", "person", "M1", "associate_of"),
        _assoc("L", "person", "M2", "seen_with"),
    ],
}


def _store(tmp: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp / "rules.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, RULES))
    return con


def _networks(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """Each network as {person id: role}."""
    found: dict[str, dict[str, str]] = {}
    for network_id, entity, role in con.execute(
        "SELECT network_id, entity_id, role FROM network_members"
    ).fetchall():
        found.setdefault(network_id, {})[entity.split("/")[-1]] = role
    return sorted(found.values(), key=lambda m: sorted(m))


def test_employee_of_a_shared_place_never_joins_two_groups(tmp_path: Path) -> None:
    con = _store(tmp_path)
    run(con)
    groups = [set(m) for m in _networks(con) if m.keys() & {"S1", "T1"}]
    # Two networks; K (linked to all four only by being employed there) joins one.
    assert len(groups) == 2
    assert not any({"S1", "T1"} <= g for g in groups)
    assert {"S1", "S2"} <= groups[0] or {"S1", "S2"} <= groups[1]
    assert sum("K" in g for g in groups) == 1
    # Counted as a link that shows people know one another, K would join both groups.
    run(con, GraphSettings(bridging_link_types=("shared_victim",)))
    assert any({"S1", "S2", "T1", "T2", "K"} <= set(m) for m in _networks(con))
    con.close()


def test_person_linked_to_several_offenders_joins_as_linked(tmp_path: Path) -> None:
    con = _store(tmp_path)
    run(con)
    assert {"M1": "suspect", "M2": "suspect", "L": "linked"} in _networks(con)
    role = con.execute("SELECT role FROM network_records WHERE person_id = 'L'").fetchall()
    assert role == [("linked",)]
    # Without the rule M1 and M2 are strangers and L is nobody.
    run(con, GraphSettings(linked_member_min_links=0))
    assert not any("M1" in m or "L" in m for m in _networks(con))
    con.close()


def test_near_duplicate_pair_is_a_possible_duplicate_not_a_network(tmp_path: Path) -> None:
    con = _store(tmp_path)
    run(con)
    networks = _networks(con)
    assert not any("J1" in m for m in networks)
    assert {"A1": "suspect", "Z1": "suspect"} in networks
    pairs = con.execute(
        "SELECT entity_a, entity_b, dob_a, dob_b, link_types FROM network_possible_duplicates"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], t) for a, b, _, _, t in pairs] == [
        ("J1", "J2", ["shared_victim"])
    ]
    # Switched off, the pair is reported as a network again.
    run(con, GraphSettings(duplicate_pairs_not_networks=False))
    assert {"J1": "suspect", "J2": "suspect"} in _networks(con)
    assert not con.execute("SELECT count(*) FROM network_possible_duplicates").fetchall()[0][0]
    con.close()
