"""Detection rules on a small fictional police submission, ingested with the real ingest:
bridging links (employed where another group offended) never join two groups, people
police link to several offenders join as ``linked`` members, a two-person "network"
of near-duplicate identities (or of an unidentified person and another linked only by a
shared child) is a possible duplicate, not a network, a CSE flag on a property offence
shares no child, a household is not evidence that a child's family member at a
meeting knows the offenders, the person an exploited child was with while missing shares
her, an offence against "a child" makes its victim a child, intelligence about giving
children alcohol or children being taken somewhere is exploitation, and one man recorded
twice in two forces counts once between them, and an associate in an intelligence
report counts among the people a linked member is linked to, and one named man with
two unidentified men sharing only a child is a possible duplicate, not a network."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.graph import GraphSettings, run
from clearsight.graph.duplicates import NEAR_DUPLICATE, UNIDENTIFIED_PAIR
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import POLICE_MANIFEST, _person, write_submission
from tests.graph.scenario import association as _assoc


def _crime(
    event_id: str,
    date: str,
    location: str = "",
    offence: str = "Sexual activity with a child",
    event_type: str = "crime",
) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": event_type,
        "reported_date": date,
        "location_id": location,
        "offence": offence,
        "cse_flag": "yes",
    }


def _involve(event_id: str, *people: str, child: str) -> list[dict[str, str]]:
    rows = [{"event_id": event_id, "person_id": child, "role": "victim"}]
    return rows + [{"event_id": event_id, "person_id": p, "role": "suspect"} for p in people]


RULES = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 7)
        ),
        # Two groups offending at one takeaway, whose employee K (S1's associate) is
        # linked to both by his employment.
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
        _assoc("K", "person", "S1", "associate_of"),
        _assoc("L", "person", "M1", "associate_of"),
        _assoc("L", "person", "M2", "seen_with"),
    ],
}


def _store(tmp: Path, tables: dict[str, list] | None = None) -> duckdb.DuckDBPyConnection:  # type: ignore[type-arg]
    con = connect(tmp / "rules.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, tables or RULES))
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
    # Two networks; K (linked to all four by being employed there) joins S1's.
    assert len(groups) == 2
    assert not any({"S1", "T1"} <= g for g in groups)
    assert {"S1", "S2"} <= groups[0] or {"S1", "S2"} <= groups[1]
    assert sum("K" in g for g in groups) == 1
    assert any({"S1", "K"} <= g for g in groups)
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
        "SELECT entity_a, entity_b, dob_a, dob_b, link_types, reason "
        "FROM network_possible_duplicates"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], t, r) for a, b, _, _, t, r in pairs] == [
        ("J1", "J2", ["shared_victim"], NEAR_DUPLICATE)
    ]
    assert not any("J1" in m or "J2" in m for m in _networks(con))
    con.close()


def _unknown(pid: str, dob: str = "") -> dict[str, str]:
    return {"person_id": pid, "forenames": "Unknown", "surname": "Male", "date_of_birth": dob}


UNIDENTIFIED = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 5)
        ),
        # Ian and an unknown man each offend against C1, apart: possibly one man.
        _person("I1", "Ian", "India", "1980-01-01", "male"),
        _unknown("U1"),
        # Noel and an unknown man recorded as born 20 years later share C2: two people.
        _person("N1", "Noel", "November", "1960-01-01", "male"),
        _unknown("U2", "1980"),
        # Two unknown men in one crime against C3: two people, a network.
        _unknown("U3"),
        _unknown("U4"),
        # Oscar and an unknown man share C4 and a phone: they know one another.
        _person("O1", "Oscar", "Oscar", "1975-01-01", "male", phones="07700 900111"),
        {**_unknown("U5"), "phones": "07700 900111"},
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 9)],
    "involvements": [
        *_involve("X1", "I1", child="C1"),
        *_involve("X2", "U1", child="C1"),
        *_involve("X3", "N1", child="C2"),
        *_involve("X4", "U2", child="C2"),
        *_involve("X5", "U3", "U4", child="C3"),
        *_involve("X6", "O1", child="C4"),
        *_involve("X7", "U5", child="C4"),
    ],
}


def test_unidentified_pair_sharing_only_a_child_is_a_possible_duplicate(tmp_path: Path) -> None:
    con = _store(tmp_path, UNIDENTIFIED)
    run(con)
    networks = _networks(con)
    assert not any("I1" in m or "U1" in m for m in networks)
    pairs = con.execute(
        "SELECT entity_a, entity_b, link_types, reason FROM network_possible_duplicates"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], t, r) for a, b, t, r in pairs] == [
        ("I1", "U1", ["shared_victim"], UNIDENTIFIED_PAIR)
    ]
    # Dates of birth 20 years apart: two people; two unknown men in one crime: two
    # people who know one another; a shared phone: they know one another.
    assert {"N1": "suspect", "U2": "suspect"} in networks
    assert {"U3": "suspect", "U4": "suspect"} in networks
    assert {"O1": "suspect", "U5": "suspect"} in networks
    # The police-only pass sets the same pair aside.
    assert not con.execute(
        "SELECT count(*) FROM networks WHERE NOT detectable_police_only"
    ).fetchall()[0][0]
    assert not any("I1" in m or "U1" in m for m in _networks(con))
    con.close()


FLAGGED = {
    "persons": [
        _person("C1", "Child", "Fictional", "2012-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2011-01-01", "female"),
        _person("B1", "Bob", "Bravo", "1980-01-01", "male"),
        _person("B2", "Keith", "Walker", "1970-06-12", "male"),
        _person("D1", "Dan", "Delta", "1981-01-01", "male"),
        _person("D2", "Liam", "Yardley", "1971-09-23", "male"),
    ],
    "events": [
        # The child's CSE flag on two property crimes naming her as the victim.
        _crime("X1", "2024-01-01", offence="burglary of a dwelling"),
        _crime("X2", "2024-02-01", offence="theft of a motor vehicle"),
        # A flagged abduction is about the child, wording or not.
        _crime("X3", "2024-03-01", offence="Child abduction"),
        _crime("X4", "2024-04-01", offence="Child abduction"),
    ],
    "involvements": [
        *_involve("X1", "B1", child="C1"),
        *_involve("X2", "B2", child="C1"),
        *_involve("X3", "D1", child="C2"),
        *_involve("X4", "D2", child="C2"),
    ],
}


def test_flag_on_a_property_crime_shares_no_child(tmp_path: Path) -> None:
    con = _store(tmp_path, FLAGGED)
    run(con)
    markers = con.execute(
        "SELECT event_id FROM graph_events WHERE flag_marker ORDER BY 1"
    ).fetchall()
    assert markers == [("X1",), ("X2",)]
    # B1 and B2 stay on the offending side (the flag is recorded) but share no child.
    involved = {
        e.split("/")[-1] for (e,) in con.execute("SELECT entity_id FROM graph_involved").fetchall()
    }
    assert {"B1", "B2"} <= involved
    assert _networks(con) == [{"D1": "suspect", "D2": "suspect"}]
    # Without the rule the flag makes C1 a shared victim.
    run(con, GraphSettings(flag_marker_offence_pattern=""))
    assert {"B1": "suspect", "B2": "suspect"} in _networks(con)
    con.close()


HOUSEHOLD = {
    "persons": [
        _person("C1", "Child", "Fictional", "2012-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2011-01-01", "female"),
        # The child's mother, at the strategy meeting, lives with O1.
        _person(
            "P1",
            "Pat",
            "Papa",
            "1980-01-01",
            "female",
            postcode="LS1 1AA",
            address="1 Fictional Street",
        ),
        _person(
            "O1",
            "Oli",
            "Oscar",
            "1979-01-01",
            "male",
            postcode="LS1 1AA",
            address="1 Fictional Street",
        ),
        _person("O2", "Rory", "Quinn", "1978-11-05", "male"),
        # An adult at the meeting police record as seen with O2.
        _person("A1", "Alf", "Alpha", "1985-01-01", "male"),
    ],
    "events": [
        _crime("X1", "2024-01-01"),
        _crime("M1", "2024-02-01", offence="", event_type="strategy_meeting"),
    ],
    "involvements": [
        *_involve("X1", "O1", "O2", child="C2"),
        {"event_id": "M1", "person_id": "C1", "role": "subject"},
        {"event_id": "M1", "person_id": "P1", "role": "associate"},
        {"event_id": "M1", "person_id": "A1", "role": "associate"},
    ],
    "associations": [_assoc("A1", "person", "O2", "seen_with")],
}


def test_household_does_not_make_a_meeting_associate_an_offender(tmp_path: Path) -> None:
    con = _store(tmp_path, HOUSEHOLD)
    run(con)
    assert _networks(con) == [{"O1": "suspect", "O2": "suspect", "A1": "associate"}]
    links = con.execute(
        "SELECT link_type FROM graph_links WHERE entity_a LIKE '%O1' OR entity_b LIKE '%O1'"
    ).fetchall()
    assert ("same_address",) in links
    # Counting the shared address, the mother joins the offenders' network.
    run(
        con,
        GraphSettings(
            associate_link_types=(
                "shared_object",
                "association",
                "same_address",
                "employed_at_offending_location",
            )
        ),
    )
    assert {"O1": "suspect", "O2": "suspect", "A1": "associate", "P1": "associate"} in _networks(
        con
    )
    con.close()


def _place(location_id: str, name: str, postcode: str) -> dict[str, str]:
    return {
        "location_id": location_id,
        "location_type": "takeaway",
        "name": name,
        "postcode": postcode,
    }


EMPLOYEES = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 5)
        ),
        # A lone offender at the Silver Takeaway, where E1 works: no other evidence.
        _person("L1", "Larry", "Lone", "1980-01-01", "male"),
        _person("E1", "Eddie", "Echo", "1975-01-01", "male"),
        # Two offenders sharing only a child, one of them at the Bronze Takeaway, where E2
        # works: the pair is a network (IICSA "possible"); E2 is not in it.
        _person("P1", "Paul", "Papa", "1981-01-01", "male"),
        _person("P2", "Pete", "Peterson", "1982-01-01", "male"),
        _person("E2", "Eric", "Eastwood", "1976-01-01", "male"),
        # Two men offending together at the Copper Takeaway, where E3 works and whom the
        # police record as G2's associate: a group, and E3 (employed where they offended,
        # knowing one of them) joins it as its facilitator.
        _person("G1", "Gary", "Golf", "1983-01-01", "male"),
        _person("G2", "Glen", "Goldsmith", "1984-01-01", "male"),
        _person("E3", "Evan", "Everett", "1977-01-01", "male"),
    ],
    "events": [
        _crime("X1", "2024-01-01", "SILVER"),
        _crime("X2", "2024-02-01", "BRONZE"),
        _crime("X3", "2024-03-01"),
        _crime("X4", "2024-04-01", "COPPER"),
    ],
    "involvements": [
        *_involve("X1", "L1", child="C1"),
        *_involve("X2", "P1", child="C2"),
        *_involve("X3", "P2", child="C2"),
        *_involve("X4", "G1", "G2", child="C3"),
    ],
    "locations": [
        _place("SILVER", "Silver Takeaway", "LS3 1AA"),
        _place("BRONZE", "Bronze Takeaway", "LS4 1AA"),
        _place("COPPER", "Copper Takeaway", "LS5 1AA"),
    ],
    "associations": [
        _assoc("E1", "location", "SILVER", "employed_at"),
        _assoc("E2", "location", "BRONZE", "employed_at"),
        _assoc("E3", "location", "COPPER", "employed_at"),
        _assoc("E3", "person", "G2", "associate_of"),
    ],
}


def test_employment_joins_a_group_only_with_a_record_of_knowing(tmp_path: Path) -> None:
    con = _store(tmp_path, EMPLOYEES)
    run(con)
    assert _networks(con) == [
        {"E3": "facilitator", "G1": "suspect", "G2": "suspect"},
        {"P1": "suspect", "P2": "suspect"},
    ]
    # E1 and E2 work where one man offended, and no record ties them to him: a line of
    # enquiry about the place (its staff), not the offending side.
    involved = {
        e.split("/")[-1]: r
        for e, r in con.execute("SELECT entity_id, role FROM graph_involved").fetchall()
    }
    assert involved["E3"] == "facilitator"
    assert "E1" not in involved and "E2" not in involved
    # With no link counting as knowing, E3 is G2's associate and no member.
    run(con, GraphSettings(employee_knowing_link_types=()))
    assert {"G1": "suspect", "G2": "suspect"} in _networks(con)
    con.close()


CHAIN = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 5)
        ),
        # G1 and G2 offend together; E, employed at the Gold Takeaway, is G1's associate.
        _person("G1", "Gary", "Golf", "1983-01-01", "male"),
        _person("G2", "Glen", "Goldsmith", "1984-01-01", "male"),
        _person("E", "Evan", "Everett", "1977-01-01", "male"),
        # H1 offended at the Gold Takeaway; H1 and H2 share a child, nothing else.
        _person("H1", "Harry", "Hotel", "1985-01-01", "male"),
        _person("H2", "Hugh", "Quinton", "1990-06-15", "male"),
        # A lone offender at the Gold Takeaway too.
        _person("L1", "Larry", "Lone", "1980-01-01", "male"),
    ],
    "events": [
        _crime("X1", "2024-01-01"),
        _crime("X2", "2024-02-01", "GOLD"),
        _crime("X3", "2024-03-01"),
        _crime("X4", "2024-04-01", "GOLD"),
    ],
    "involvements": [
        *_involve("X1", "G1", "G2", child="C1"),
        *_involve("X2", "H1", child="C2"),
        *_involve("X3", "H2", child="C2"),
        *_involve("X4", "L1", child="C4"),
    ],
    "locations": [_place("GOLD", "Gold Takeaway", "LS6 1AA")],
    "associations": [
        _assoc("E", "location", "GOLD", "employed_at"),
        _assoc("E", "person", "G1", "associate_of"),
    ],
}


def test_an_employee_is_an_end_point_never_a_bridge(tmp_path: Path) -> None:
    con = _store(tmp_path, CHAIN)
    run(con)
    # E is in G1's network by his association; H1, who offended where E works, is not
    # joined to it through E (nor H2 through H1), and the lone offender is no network.
    assert _networks(con) == [
        {"E": "facilitator", "G1": "suspect", "G2": "suspect"},
        {"H1": "suspect", "H2": "suspect"},
    ]
    # Without the rule the employment link is a bridge: H1 joins E's network, and H2
    # follows H1 through the child they share, link after link.
    run(con, GraphSettings(employees_are_end_points=False))
    assert {"E", "G1", "G2", "H1", "H2", "L1"} <= set(next(m for m in _networks(con) if "E" in m))
    con.close()


SLIPS = {
    "persons": [
        _person("C1", "Child", "Fictional", "2010-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2010-02-01", "female"),
        # One man: the forename mistyped, the year of birth one out and the day one out.
        _person("R1", "Richard", "Jacksonson", "1994-11-29", "male"),
        _person("R2", "Richarn", "Jacksonson", "1995-11-28", "male"),
        # Two brothers: the same surname, forenames sharing only an initial, born a year
        # apart. Not near-duplicates: a network.
        _person("H1", "Harold", "Hotelman", "1990-03-10", "male"),
        _person("H2", "Henry", "Hotelman", "1991-01-20", "male"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 5)],
    "involvements": [
        *_involve("X1", "R1", child="C1"),
        *_involve("X2", "R2", child="C1"),
        *_involve("X3", "H1", child="C2"),
        *_involve("X4", "H2", child="C2"),
    ],
}


def test_close_names_with_birth_dates_under_a_year_apart_are_a_possible_duplicate(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, SLIPS)
    run(con)
    assert _networks(con) == [{"H1": "suspect", "H2": "suspect"}]
    pairs = con.execute(
        "SELECT entity_a, entity_b, reason FROM network_possible_duplicates"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], r) for a, b, r in pairs] == [
        ("R1", "R2", NEAR_DUPLICATE)
    ]
    # Without the tier, two date parts differ: not a near-duplicate, a network.
    run(con, GraphSettings(duplicate_strict_dob_days=0))
    assert {"R1": "suspect", "R2": "suspect"} in _networks(con)
    con.close()


def _event(event_id: str, event_type: str, date: str, narrative: str) -> dict[str, str]:
    """An event with no offence and no CSE flag: its context is its narrative only."""
    return {
        "event_id": event_id,
        "event_type": event_type,
        "reported_date": date,
        "cse_flag": "no",
        "narrative": narrative,
    }


MISSING = {
    "persons": [
        _person("C1", "Child", "Fictional", "2010-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2010-02-02", "female"),
        _person("C3", "Child", "Fictionalthree", "2010-03-03", "female"),
        _person("S1", "Sam", "Sierra", "1980-01-01", "male"),
        # Found with C1, a sexually exploited child, while she was missing.
        _person("A1", "Alf", "Alpha", "1985-01-01", "male"),
        # Found with C2 while she was missing; nobody offended against C2.
        _person("A2", "Bert", "Bravo", "1986-01-01", "male"),
        # Another child, herself missing once, found with C1.
        _person("G1", "Gina", "Golf", "2009-05-05", "female"),
    ],
    "events": [
        _crime("X1", "2024-01-01"),
        _event("M1", "missing_episode", "2024-02-01", "Reported missing by carer; located."),
        _event("M2", "missing_episode", "2024-03-01", "Reported missing by carer; located."),
        _event("M3", "missing_episode", "2024-04-01", "Missing overnight; found safe."),
        _event("M4", "missing_episode", "2024-05-01", "Did not return home; found safe."),
    ],
    "involvements": [
        *_involve("X1", "S1", child="C1"),
        {"event_id": "M1", "person_id": "C1", "role": "missing_person"},
        {"event_id": "M1", "person_id": "A1", "role": "associate"},
        {"event_id": "M2", "person_id": "C2", "role": "missing_person"},
        {"event_id": "M2", "person_id": "A2", "role": "associate"},
        {"event_id": "M3", "person_id": "C1", "role": "missing_person"},
        {"event_id": "M3", "person_id": "G1", "role": "associate"},
        {"event_id": "M4", "person_id": "G1", "role": "missing_person"},
        {"event_id": "M4", "person_id": "C3", "role": "associate"},
    ],
}


def test_associate_in_an_exploited_childs_missing_episode_shares_the_child(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, MISSING)
    run(con)
    # The missing episodes carry no exploitation context of their own.
    assert not con.execute(
        "SELECT count(*) FROM graph_events WHERE event_type = 'missing_episode' AND relevant"
    ).fetchall()[0][0]
    # A1 was with C1 (exploited) while missing: on the offending side, sharing C1 with S1.
    # A2 was with C2 (not exploited); G1 is a missing child herself: neither.
    assert _networks(con) == [{"A1": "associate", "S1": "suspect"}]
    evidence = con.execute(
        "SELECT evidence FROM graph_links WHERE link_type = 'shared_victim'"
    ).fetchall()
    assert len(evidence) == 1 and "missing episode wyp-police:M1" in evidence[0][0]
    con.close()


AGED = {
    "persons": [
        # 18 and a half at the recorded date of the offence against her.
        _person("C1", "Child", "Fictional", "2006-01-01", "female"),
        _person("B1", "Bob", "Bravo", "1980-01-01", "male"),
        _person("B2", "Keith", "Walker", "1970-06-12", "male"),
        # An adult victim of an offence against adults, shared by D1 and D2.
        _person("W1", "Wendy", "Whiskey", "2006-01-01", "female"),
        _person("D1", "Dan", "Delta", "1981-01-01", "male"),
        _person("D2", "Liam", "Yardley", "1971-09-23", "male"),
    ],
    "events": [
        _crime("X1", "2024-07-01", offence="Sexual communication with a child"),
        _crime("X2", "2024-08-01", offence="Sexual communication with a child"),
        _crime("X3", "2024-07-01", offence="Sexual assault"),
        _crime("X4", "2024-08-01", offence="Sexual assault"),
    ],
    "involvements": [
        *_involve("X1", "B1", child="C1"),
        *_involve("X2", "B2", child="C1"),
        *_involve("X3", "D1", child="W1"),
        *_involve("X4", "D2", child="W1"),
    ],
}


def test_a_child_offence_makes_its_victim_a_child(tmp_path: Path) -> None:
    con = _store(tmp_path, AGED)
    run(con)
    children = con.execute(
        "SELECT DISTINCT split_part(entity_id, '/', 2) FROM graph_involvements WHERE is_child"
    ).fetchall()
    assert children == [("C1",)]
    assert _networks(con) == [{"B1": "suspect", "B2": "suspect"}]
    # By the recorded date of birth alone she is an adult, and B1 and B2 share no child.
    run(con, GraphSettings(child_offence_pattern=""))
    assert _networks(con) == []
    con.close()


INTELLIGENCE = {
    "persons": [
        _person("G1", "Gary", "Golf", "1980-01-01", "male"),
        _person("G2", "Greg", "Golfone", "1981-01-01", "male"),
        _person("H1", "Hal", "Hotel", "1982-01-01", "male"),
        _person("H2", "Huw", "Hotelone", "1983-01-01", "male"),
        _person("J1", "Jim", "Juliet", "1984-01-01", "male"),
        _person("J2", "Joe", "Julietone", "1985-01-01", "male"),
    ],
    "events": [
        _event(
            "I1",
            "intelligence",
            "2024-01-01",
            "Intelligence that a group of males gathers at a car park and gives alcohol to "
            "children.",
        ),
        _event(
            "I2",
            "intelligence",
            "2024-02-01",
            "Information that children are being taken to a hotel; a phone has been linked.",
        ),
        _event("I3", "intelligence", "2024-03-01", "Males gather at a car park; noise."),
    ],
    "involvements": [
        {"event_id": "I1", "person_id": "G1", "role": "suspect"},
        {"event_id": "I1", "person_id": "G2", "role": "associate"},
        {"event_id": "I2", "person_id": "H1", "role": "associate"},
        {"event_id": "I2", "person_id": "H2", "role": "associate"},
        {"event_id": "I3", "person_id": "J1", "role": "suspect"},
        {"event_id": "I3", "person_id": "J2", "role": "suspect"},
    ],
}


def test_intelligence_about_alcohol_to_children_or_children_taken_is_exploitation(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, INTELLIGENCE)
    run(con)
    relevant = con.execute("SELECT event_id FROM graph_events WHERE relevant ORDER BY 1").fetchall()
    assert relevant == [("I1",), ("I2",)]
    assert _networks(con) == [
        {"G1": "suspect", "G2": "associate"},
        {"H1": "associate", "H2": "associate"},
    ]
    con.close()


def _visitor(area: str) -> dict[str, list]:  # type: ignore[type-arg]
    """One force's records: a group of three offending together, one of them the
    visiting offender ("Lewis Taylor" in one force, "Taylor Lewis" in the other, the
    same phone on both records), against a child."""
    visitor = (
        _person("V", "Lewis", "Taylor", "1990-01-01", "male", phones="07700 900222")
        if area == "west-yorkshire"
        else _person("V", "Taylor", "Lewis", "1990-01-01", "male", phones="07700 900222")
    )
    return {
        "persons": [
            _person("C1", "Child", "Fictional", "2010-01-01", "female"),
            visitor,
            _person("M1", "Mark", "Mike", "1984-04-04", "male"),
            _person("M2", "Milo", "Yardley", "1975-05-05", "male"),
        ],
        "events": [_crime("X1", "2024-01-01")],
        "involvements": _involve("X1", "V", "M1", "M2", child="C1"),
    }


def test_a_near_duplicate_pair_counts_once_between_areas(tmp_path: Path) -> None:
    con = connect(tmp_path / "areas.duckdb")
    gmp = {**POLICE_MANIFEST, "source_id": "gmp-police", "area": "greater-manchester"}
    ingest(con, write_submission(tmp_path / "wyp", POLICE_MANIFEST, _visitor("west-yorkshire")))
    ingest(con, write_submission(tmp_path / "gmp", gmp, _visitor("greater-manchester")))
    run(con)
    found = {
        frozenset(
            entity
            for (entity,) in con.execute(
                "SELECT entity_id FROM network_members WHERE network_id = ?", [n]
            ).fetchall()
        )
        for (n,) in con.execute("SELECT network_id FROM networks").fetchall()
    }
    # The visitor's two records (not linked: no linkage run) share a phone, so both are in
    # each force's group; they are one person, so the two groups stay two networks.
    visitor = {"wyp-police/V", "gmp-police/V"}
    assert found == {
        frozenset({*visitor, "wyp-police/M1", "wyp-police/M2"}),
        frozenset({*visitor, "gmp-police/M1", "gmp-police/M2"}),
    }
    con.close()


LINKED_ASSOCIATE = {
    "persons": [
        # Named as the associate in one intelligence report about exploitation ...
        _person("A1", "Alan", "Alpha", "1984-04-04", "male"),
        # ... a suspect in another ...
        _person("S1", "Sid", "Sierra", "1985-05-05", "male"),
        # ... and L, in no event, whom police link to both.
        _person("L", "Len", "Lima", "1986-06-06", "male"),
        # R is linked to A1 alone: not a member.
        _person("R", "Rob", "Romeo", "1987-07-07", "male"),
        # A child, once missing, recorded with both men: never a linked member.
        _person("C1", "Child", "Fictional", "2010-01-01", "female"),
    ],
    "events": [
        _event("I1", "intelligence", "2024-01-01", "Adult males seen collecting children."),
        _event("I2", "intelligence", "2024-02-01", "Adult males seen collecting children."),
        _event("M1", "missing_episode", "2024-03-01", "Reported missing by carer; located."),
    ],
    "involvements": [
        {"event_id": "I1", "person_id": "A1", "role": "associate"},
        {"event_id": "I2", "person_id": "S1", "role": "suspect"},
        {"event_id": "M1", "person_id": "C1", "role": "missing_person"},
    ],
    "associations": [
        _assoc("L", "person", "A1", "seen_with"),
        _assoc("L", "person", "S1", "associate_of"),
        _assoc("R", "person", "A1", "associate_of"),
        _assoc("C1", "person", "A1", "seen_with"),
        _assoc("C1", "person", "S1", "seen_with"),
    ],
}


def test_an_intelligence_associate_counts_for_a_linked_member(tmp_path: Path) -> None:
    con = _store(tmp_path, LINKED_ASSOCIATE)
    run(con)
    roles = dict(con.execute("SELECT entity_id, role FROM graph_involved").fetchall())
    assert {e.split("/")[-1]: r for e, r in roles.items()} == {
        "A1": "associate",
        "S1": "suspect",
        "L": "linked",
    }
    assert _networks(con) == [{"A1": "associate", "L": "linked", "S1": "suspect"}]
    # C1 (a child recorded with both men) is never a linked member.
    linked = con.execute("SELECT entity_id FROM graph_involved WHERE role = 'linked'")
    assert sorted(e.split("/")[-1] for (e,) in linked.fetchall()) == ["L"]
    con.close()


UNIDENTIFIED_THREE = {
    "persons": [
        _person("C1", "Child", "Fictional", "2010-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2010-02-02", "female"),
        # Nick and two unknown men each offend against C1, apart: possibly one man.
        _person("N1", "Nick", "November", "1980-01-01", "male"),
        _unknown("U1"),
        _unknown("U2"),
        # Oscar, Paul and an unknown man each offend against C2: two named men, a network.
        _person("O1", "Oscar", "Oscarson", "1981-01-01", "male"),
        _person("P1", "Paul", "Papa", "1990-01-01", "male"),
        _unknown("U3"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 7)],
    "involvements": [
        *_involve("X1", "N1", child="C1"),
        *_involve("X2", "U1", child="C1"),
        *_involve("X3", "U2", child="C1"),
        *_involve("X4", "O1", child="C2"),
        *_involve("X5", "P1", child="C2"),
        *_involve("X6", "U3", child="C2"),
    ],
}


def test_one_named_man_and_unidentified_men_sharing_a_child_are_a_possible_duplicate(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, UNIDENTIFIED_THREE)
    run(con)
    assert _networks(con) == [{"O1": "suspect", "P1": "suspect", "U3": "suspect"}]
    pairs = con.execute(
        "SELECT entity_a, entity_b, reason FROM network_possible_duplicates ORDER BY ALL"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], r) for a, b, r in pairs] == [
        ("N1", "U1", UNIDENTIFIED_PAIR),
        ("N1", "U2", UNIDENTIFIED_PAIR),
    ]
    assert not any("N1" in m for m in _networks(con))
    con.close()


ONE_NAMED_MAN_TWICE = {
    "persons": [
        _person("C1", "Child", "Fictional", "2010-01-01", "female"),
        _person("C2", "Child", "Fictionaltwo", "2010-02-02", "female"),
        # One man, Nick, recorded twice (names the other way round, the same date of
        # birth) and an unknown man, each offending against C1 apart: possibly one man.
        _person("N1", "Nick", "November", "1980-01-01", "male"),
        _person("N2", "November", "Nick", "1980-01-01", "male"),
        _unknown("U1"),
        # Oscar, Paul and an unknown man each offend against C2: two named men, a network.
        _person("O1", "Oscar", "Oscarson", "1981-01-01", "male"),
        _person("P1", "Paul", "Papa", "1990-01-01", "male"),
        _unknown("U3"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 7)],
    "involvements": [
        *_involve("X1", "N1", child="C1"),
        *_involve("X2", "N2", child="C1"),
        *_involve("X3", "U1", child="C1"),
        *_involve("X4", "O1", child="C2"),
        *_involve("X5", "P1", child="C2"),
        *_involve("X6", "U3", child="C2"),
    ],
}


def test_one_named_man_recorded_twice_with_an_unknown_man_is_a_possible_duplicate(
    tmp_path: Path,
) -> None:
    """Near-duplicate records of one named man count as one named person: with an
    unknown man, linked only by the child, they are one man, not a network of three."""
    con = _store(tmp_path, ONE_NAMED_MAN_TWICE)
    run(con)
    assert _networks(con) == [{"O1": "suspect", "P1": "suspect", "U3": "suspect"}]
    pairs = con.execute(
        "SELECT entity_a, entity_b, reason FROM network_possible_duplicates ORDER BY ALL"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], r) for a, b, r in pairs] == [
        ("N1", "N2", UNIDENTIFIED_PAIR),
        ("N1", "U1", UNIDENTIFIED_PAIR),
    ]
    con.close()
