"""One incident, several records: a child found at an address with adults, recorded by
the police, by social care and by a hospital, each with its own event id and its own
subset of the people, is one incident with a score and an explanation, and the adults in
it are co-present. A record of the same child a month later is not part of it; nor is a
record of the same day held by the same source. Everything fictional."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.graph import run
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import CSC_MANIFEST, POLICE_MANIFEST, _person, link, write_submission

HEALTH_MANIFEST = {
    **CSC_MANIFEST,
    "source_id": "leeds-health",
    "organisation": "Leeds Teaching Hospitals",
    "agency_type": "health",
}

POLICE = {
    "persons": [
        _person("V", "Iris", "Fictionchild", "2010-03-03", "female"),
        _person("A", "Abel", "Anchor", "1988-01-01", "male"),
    ],
    "events": [
        {
            "event_id": "E1",
            "event_type": "incident",
            "reported_date": "2024-05-01",
            "postcode": "LS1 1AA",
            "cse_flag": "yes",
            "narrative": "Child found at an address with adult males.",
        },
        # The same child a month later at the same address: another episode.
        {
            "event_id": "E2",
            "event_type": "missing_episode",
            "reported_date": "2024-06-05",
            "postcode": "LS1 1AA",
        },
    ],
    "involvements": [
        {"event_id": "E1", "person_id": "V", "role": "victim"},
        {"event_id": "E1", "person_id": "A", "role": "suspect"},
        {"event_id": "E2", "person_id": "V", "role": "missing_person"},
    ],
}

CSC = {
    "persons": [
        _person("c-V", "Iris", "Fictionchild", "2010-03-03", "female"),
        _person("c-A", "Abel", "Anchor", "1988-01-01", "male"),
    ],
    "events": [
        {
            "event_id": "R1",
            "event_type": "referral",
            "reported_date": "2024-05-03",
            "cse_flag": "yes",
        }
    ],
    "involvements": [
        {"event_id": "R1", "person_id": "c-V", "role": "subject"},
        {"event_id": "R1", "person_id": "c-A", "role": "associate"},
    ],
}

HEALTH = {
    "persons": [
        _person("h-V", "Iris", "Fictionchild", "2010-03-03", "female"),
        _person("C", "Cyril", "Cobble", "1985-04-04", "male"),
    ],
    "events": [
        {
            "event_id": "H1",
            "event_type": "health_attendance",
            "reported_date": "2024-05-02",
            "postcode": "ls11aa",
        }
    ],
    "involvements": [
        {"event_id": "H1", "person_id": "h-V", "role": "subject"},
        {"event_id": "H1", "person_id": "C", "role": "associate"},
    ],
}


def _store(tmp: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp / "incident.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, POLICE))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, CSC))
    ingest(con, write_submission(tmp / "health", HEALTH_MANIFEST, HEALTH))
    link(
        con,
        {
            ("leeds-csc", "c-V"): "wyp-police/V",
            ("leeds-health", "h-V"): "wyp-police/V",
            ("leeds-csc", "c-A"): "wyp-police/A",
        },
    )
    return con


def test_one_episode_recorded_by_three_agencies_is_one_incident(tmp_path: Path) -> None:
    con = _store(tmp_path)
    run(con)
    records = con.execute(
        "SELECT incident_id, event_key, score, explanation FROM incident_records ORDER BY event_key"
    ).fetchall()
    assert [r[1] for r in records] == ["leeds-csc:R1", "leeds-health:H1", "wyp-police:E1"]
    assert len({r[0] for r in records}) == 1
    assert all(0 < r[2] <= 1 for r in records)
    # Police and social care both name Abel Anchor; police and the hospital the address.
    csc = next(r for r in records if r[1] == "leeds-csc:R1")
    assert "the same child iris fictionchild" in csc[3] and "both name abel anchor" in csc[3]
    health = next(r for r in records if r[1] == "leeds-health:H1")
    assert "both at LS1 1AA" in health[3]
    n_records, agencies = con.execute("SELECT n_records, agency_types FROM incidents").fetchall()[0]
    assert n_records == 3 and agencies == ["childrens_social_care", "health", "police"]
    # The missing episode a month later is not part of it.
    assert "wyp-police:E2" not in {r[1] for r in records}
    # Abel (police suspect) and Cyril (with her at hospital) are co-present: one network
    # held together by the incident (the hospital record carries the police record's
    # exploitation context), Cyril there on partner intelligence.
    members = con.execute(
        "SELECT entity_id, police_confirmed FROM network_members ORDER BY entity_id"
    ).fetchall()
    assert members == [("leeds-health/C", False), ("wyp-police/A", True)]
    link_types = {
        str(t) for (t,) in con.execute("SELECT DISTINCT link_type FROM network_links").fetchall()
    }
    assert "same_incident" in link_types
    con.close()


PEER_POLICE = {
    "persons": [
        _person("V", "Iris", "Fictionchild", "2010-03-03", "female"),
        _person("P", "Pip", "Peerson", "2008-02-02", "male"),
    ],
    "events": [
        {
            "event_id": "E1",
            "event_type": "incident",
            "reported_date": "2024-05-01",
            "postcode": "LS1 1AA",
            "cse_flag": "yes",
            "narrative": "Child found at an address with older boys.",
        }
    ],
    "involvements": [
        {"event_id": "E1", "person_id": "V", "role": "victim"},
        {"event_id": "E1", "person_id": "P", "role": "associate"},
    ],
}

PEER_CSC = {
    "persons": [
        _person("c-V", "Iris", "Fictionchild", "2010-03-03", "female"),
        _person("c-P", "Pip", "Peerson", "2008-02-02", "male"),
        # Another 16-year-old the police record does not name, and the child's mother.
        _person("Q", "Quin", "Quarry", "2008-06-06", "male"),
        _person("M", "Mona", "Fictionchild", "1980-01-01", "female"),
    ],
    "events": [
        {
            "event_id": "R1",
            "event_type": "strategy_meeting",
            "reported_date": "2024-05-03",
            # The meeting records the date of the episode it considers.
            "occurred_date": "2024-05-01",
            "cse_flag": "yes",
        }
    ],
    "involvements": [
        {"event_id": "R1", "person_id": "c-V", "role": "subject"},
        {"event_id": "R1", "person_id": "c-P", "role": "associate"},
        {"event_id": "R1", "person_id": "Q", "role": "associate"},
        {"event_id": "R1", "person_id": "M", "role": "associate"},
    ],
    "associations": [
        {
            "from_type": "person",
            "from_id": "M",
            "to_type": "person",
            "to_id": "c-V",
            "association_type": "family_of",
        }
    ],
}


def test_the_associates_in_a_partners_record_of_a_police_incident_are_on_its_side(
    tmp_path: Path,
) -> None:
    """Social care's record of an incident the police recorded names a second older boy
    the police record does not: he is on the offending side as the police record's
    associate is (a child whom partner intelligence alone never counts), with the rule
    that put him there; the child's mother at the meeting is not."""
    con = connect(tmp_path / "peer.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, PEER_POLICE))
    ingest(con, write_submission(tmp_path / "csc", CSC_MANIFEST, PEER_CSC))
    link(con, {("leeds-csc", "c-V"): "wyp-police/V", ("leeds-csc", "c-P"): "wyp-police/P"})
    run(con)
    incidents = con.execute("SELECT event_key FROM incident_records ORDER BY 1").fetchall()
    assert incidents == [("leeds-csc:R1",), ("wyp-police:E1",)]
    members = con.execute(
        "SELECT entity_id, police_confirmed FROM network_members ORDER BY entity_id"
    ).fetchall()
    assert members == [("leeds-csc/Q", False), ("wyp-police/P", True)]
    involved = {str(e) for (e,) in con.execute("SELECT entity_id FROM graph_involved").fetchall()}
    assert "leeds-csc/M" not in involved
    rules = con.execute(
        "SELECT DISTINCT rule_id FROM network_evidence WHERE entity_id = 'leeds-csc/Q' ORDER BY 1"
    ).fetchall()
    assert ("associate_in_incident_record",) in rules
    con.close()
