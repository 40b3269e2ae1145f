"""Partner intelligence counts: adults a partner agency names around a child it is
concerned about (the "older boyfriend" in a social care referral, an adult with the child
at a hospital attendance) are on the offending side as intelligence, not police-confirmed;
two or more of them around one child are a network visible only through partners. The
child's family and household are not. Everything fictional."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from clearsight.exports import load_subgraph
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import CSC_MANIFEST, POLICE_MANIFEST, _person, write_submission
from tests.graph.scenario import networks_and_definitions as run

HEALTH_MANIFEST = {
    **CSC_MANIFEST,
    "source_id": "leeds-health",
    "organisation": "Leeds Teaching Hospitals",
    "agency_type": "health",
}

CSC = {
    "persons": [
        _person(
            "V",
            "Gemma",
            "Fictionchild",
            "2010-03-03",
            "female",
            postcode="LS6 1AA",
            address="1 Fiction Road",
        ),
        _person("X", "Xavier", "Xray", "1990-01-01", "male"),
        _person("Y", "Yusuf", "Yankee", "1991-02-02", "male"),
        # Her mother, recorded as family; her uncle, recorded only at her address.
        _person("MUM", "Mary", "Fictionchild", "1980-04-04", "female"),
        _person(
            "UNC",
            "Ulric",
            "Uncleton",
            "1975-05-05",
            "male",
            postcode="LS6 1AA",
            address="1 Fiction Road",
        ),
        # A child named as her friend at the meeting.
        _person("PAL", "Pia", "Palchild", "2010-06-06", "female"),
        # A lone adult named about another child: no group.
        _person("W", "Walt", "Whiskey", "1985-07-07", "male"),
        _person("V2", "Hana", "Samplechild", "2009-08-08", "female"),
    ],
    "events": [
        {
            "event_id": "R1",
            "event_type": "referral",
            "reported_date": "2024-03-01",
            "cse_flag": "yes",
            "narrative": "Concerns she is being exploited; an older boyfriend and his friend.",
        },
        {
            "event_id": "R2",
            "event_type": "strategy_meeting",
            "reported_date": "2024-03-10",
            "cse_flag": "yes",
        },
        {
            "event_id": "R3",
            "event_type": "referral",
            "reported_date": "2024-04-01",
            "cse_flag": "yes",
        },
    ],
    "involvements": [
        {"event_id": "R1", "person_id": "V", "role": "subject"},
        {"event_id": "R1", "person_id": "X", "role": "associate"},
        {"event_id": "R2", "person_id": "V", "role": "subject"},
        {"event_id": "R2", "person_id": "MUM", "role": "associate"},
        {"event_id": "R2", "person_id": "UNC", "role": "associate"},
        {"event_id": "R2", "person_id": "PAL", "role": "associate"},
        {"event_id": "R2", "person_id": "Y", "role": "associate"},
        {"event_id": "R3", "person_id": "V2", "role": "subject"},
        {"event_id": "R3", "person_id": "W", "role": "associate"},
    ],
    "associations": [
        {
            "from_type": "person",
            "from_id": "MUM",
            "to_type": "person",
            "to_id": "V",
            "association_type": "family_of",
        }
    ],
}

HEALTH = {
    "persons": [
        _person("h-V", "Gemma", "Fictionchild", "2010-03-03", "female"),
        _person("Z", "Zak", "Zulu", "1988-09-09", "male"),
    ],
    "events": [
        {
            "event_id": "A1",
            "event_type": "health_attendance",
            "reported_date": "2024-05-01",
            "cse_flag": "yes",
            "narrative": "Attended with an adult male not a relative.",
        }
    ],
    "involvements": [
        {"event_id": "A1", "person_id": "h-V", "role": "subject"},
        {"event_id": "A1", "person_id": "Z", "role": "associate"},
    ],
}

# Police hold one unrelated crime: nothing about X, Y or Z.
POLICE = {
    "persons": [_person("P1", "Paul", "Policeonly", "1970-01-01", "male")],
    "events": [
        {"event_id": "E1", "event_type": "crime", "reported_date": "2024-01-01", "offence": "Theft"}
    ],
    "involvements": [{"event_id": "E1", "person_id": "P1", "role": "suspect"}],
}


def _store(tmp: Path) -> duckdb.DuckDBPyConnection:
    from tests.graph.scenario import link

    con = connect(tmp / "partner.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, POLICE))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, CSC))
    ingest(con, write_submission(tmp / "health", HEALTH_MANIFEST, HEALTH))
    link(con, {("leeds-health", "h-V"): "leeds-csc/V"})
    return con


def test_adults_named_by_partners_around_one_child_are_a_partner_only_network(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path)
    summary = run(con)
    members = con.execute(
        "SELECT network_id, entity_id, role, police_confirmed FROM network_members "
        "ORDER BY entity_id"
    ).fetchall()
    assert members, "the partner-only group was not found"
    assert {m[1].split("/")[-1] for m in members} == {"X", "Y", "Z"}
    assert len({m[0] for m in members}) == 1
    # Named as associates: never presented as suspects, never police-confirmed.
    assert {m[2] for m in members} == {"associate"}
    assert not any(m[3] for m in members)
    partner_only, n_intel = con.execute(
        "SELECT partner_only, n_intelligence_only FROM networks"
    ).fetchall()[0]
    assert partner_only is True and n_intel == 3
    assert summary.partner_only == 1
    # Every export says so on each person.
    people = [n for n in load_subgraph(con, members[0][0]).nodes if n.kind == "person"]
    assert len(people) == 3
    assert {n.attributes["basis"] for n in people} == {"partner intelligence, not police-confirmed"}
    assert summary.partner_only_by_area == {"west-yorkshire": 1}
    # The mother (family_of), the uncle (same address), the friend (a child) and the lone
    # adult named about another child are not on the offending side.
    involved = {
        str(r[0]).split("/")[-1]
        for r in con.execute("SELECT entity_id FROM graph_involved").fetchall()
    }
    assert involved >= {"X", "Y", "Z", "W"}
    assert not involved & {"MUM", "UNC", "PAL"}
    w_networks = con.execute(
        "SELECT count(*) FROM network_members WHERE entity_id = 'leeds-csc/W'"
    ).fetchall()[0][0]
    assert w_networks == 0
    con.close()


def test_an_adult_victim_of_a_theft_is_still_named_by_partners_an_exploited_young_adult_is_not(
    tmp_path: Path,
) -> None:
    """The child side is children and people in a child role of a record of exploitation.
    Police record a victim for every crime (the Home Office Counting Rules) and many who
    offend are victims of crime too: the "older boyfriend" whose car was broken into is
    still the adult social care named around the child. A young adult who is the victim
    of a CSE-flagged crime, named as a child's associate, stays on the child side (an
    exploited person is recorded as an associate of the men who exploit her)."""
    police = {
        "persons": [
            *POLICE["persons"],
            _person("PX", "Xavier", "Xray", "1990-01-01", "male"),
            _person("PYA", "Yasmin", "Youngadult", "2004-01-01", "female"),
        ],
        "events": [
            *POLICE["events"],
            {
                "event_id": "E2",
                "event_type": "crime",
                "reported_date": "2024-02-01",
                "offence": "Theft from a motor vehicle",
                "cse_flag": "no",
            },
            {
                "event_id": "E3",
                "event_type": "crime",
                "reported_date": "2024-02-05",
                "offence": "Sexual assault",
                "cse_flag": "yes",
            },
        ],
        "involvements": [
            *POLICE["involvements"],
            {"event_id": "E2", "person_id": "PX", "role": "victim"},
            {"event_id": "E3", "person_id": "PYA", "role": "victim"},
        ],
    }
    csc = {
        **CSC,
        "persons": [
            *CSC["persons"],
            _person("YA", "Yasmin", "Youngadult", "2004-01-01", "female"),
        ],
        "events": [
            *CSC["events"],
            {
                "event_id": "R4",
                "event_type": "referral",
                "reported_date": "2024-03-20",
                "cse_flag": "yes",
            },
        ],
        "involvements": [
            *CSC["involvements"],
            {"event_id": "R4", "person_id": "V", "role": "subject"},
            {"event_id": "R4", "person_id": "YA", "role": "associate"},
        ],
    }
    members, involved = _members_and_involved(
        tmp_path,
        police,
        csc,
        {("wyp-police", "PX"): "leeds-csc/X", ("wyp-police", "PYA"): "leeds-csc/YA"},
    )
    assert members, "the partner-only group was not found"
    assert members == {"X", "Y", "Z"}
    assert "X" in involved
    assert "YA" not in involved


def _members_and_involved(
    tmp_path: Path,
    police: dict[str, Any],
    csc: dict[str, Any],
    links: dict[tuple[str, str], str],
    health: dict[str, Any] = HEALTH,
) -> tuple[set[str], set[str]]:
    """Ingest the three submissions, link the child's and ``links``' records, run the
    networks stage; the network members and the offending side, by record id."""
    from tests.graph.scenario import link

    con = connect(tmp_path / "partner.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, police))
    ingest(con, write_submission(tmp_path / "csc", CSC_MANIFEST, csc))
    ingest(con, write_submission(tmp_path / "health", HEALTH_MANIFEST, health))
    link(con, {("leeds-health", "h-V"): "leeds-csc/V", **links})
    run(con)
    members, involved = (
        {str(r[0]).split("/")[-1] for r in con.execute(f"SELECT entity_id FROM {t}").fetchall()}
        for t in ("network_members", "graph_involved")
    )
    con.close()
    return members, involved


def test_the_subject_of_her_own_record_named_as_an_associate_stays_on_the_protected_side(
    tmp_path: Path,
) -> None:
    """The subject of a partner's record is the person that agency safeguards or treats:
    agencies record the adults of concern around their subject as associates, never as the
    subject. A neighbour who is the subject of her own adult social care referral and is
    named as an associate at the child's strategy meeting is not partner intelligence on
    an offender; the partner-only group stays as it is."""
    csc = {
        **CSC,
        "persons": [
            *CSC["persons"],
            _person("NB", "Nora", "Neighbour", "1958-09-09", "female"),
        ],
        "events": [
            *CSC["events"],
            {
                "event_id": "R5",
                "event_type": "referral",
                "reported_date": "2024-01-15",
                "cse_flag": "no",
                "narrative": "Adult referral: support at home after a fall.",
            },
        ],
        "involvements": [
            *CSC["involvements"],
            {"event_id": "R5", "person_id": "NB", "role": "subject"},
            {"event_id": "R2", "person_id": "NB", "role": "associate"},
        ],
    }
    members, involved = _members_and_involved(tmp_path, POLICE, csc, {})
    assert members == {"X", "Y", "Z"}
    assert "X" in involved
    assert "NB" not in involved


def test_a_parent_a_partner_names_as_associate_is_her_household_however_the_address_is_written(
    tmp_path: Path,
) -> None:
    """The standard has no family role: some partners' extracts map the parent at a
    child's hospital attendance to ``associate``. The parent's record gives the home with
    the postcode at the end of the address line ("1 Fiction Rd, Leeds LS61AA"), the
    child's social care record in the postcode field ("LS6 1AA", "1 Fiction Road"): one
    delivery point (postcode and building number, as Royal Mail's address file keys it),
    so one household, and a household is no evidence of exploitation. A neighbour at
    another number of the same postcode is not her household and is still named."""
    health = {
        "persons": [
            *HEALTH["persons"],
            _person(
                "PAR",
                "Patricia",
                "Fictionchild",
                "1981-02-02",
                "female",
                address="1 Fiction Rd, Leeds LS61AA",
            ),
            _person(
                "NBR",
                "Neil",
                "Nextdoor",
                "1979-03-03",
                "male",
                address="3 Fiction Road, Leeds, LS6 1AA",
            ),
        ],
        "events": HEALTH["events"],
        "involvements": [
            *HEALTH["involvements"],
            {"event_id": "A1", "person_id": "PAR", "role": "associate"},
            {"event_id": "A1", "person_id": "NBR", "role": "associate"},
        ],
    }
    members, involved = _members_and_involved(tmp_path, POLICE, CSC, {}, health)
    assert members, "the partner-only group was not found"
    assert "PAR" not in involved
    assert "PAR" not in members
    assert "NBR" in involved
    assert members == {"X", "Y", "Z", "NBR"}


def test_an_adult_a_partner_names_around_an_exploited_child_counts_without_its_own_flag(
    tmp_path: Path,
) -> None:
    """A hospital or a school records the adult a child came with and says nothing of
    exploitation: its ``cse_flag`` is its own, and blank or ``unknown`` is no judgement.
    Where another agency records that child's exploitation, the adult is named around an
    exploited child (partner intelligence, never police-confirmed). An agency's own
    ``no`` stands; an unflagged record about a child nobody records exploited counts for
    nothing; nor does it name her family: a relative the records show as such, or an
    adult it gives her surname (the standard has no family role)."""
    health = {
        "persons": [
            *HEALTH["persons"],
            _person("h-V2", "Hana", "Samplechild", "2009-08-08", "female"),
            _person("h-V3", "Ivy", "Otherchild", "2011-01-01", "female"),
            _person("UF", "Umar", "Unflagged", "1987-03-03", "male"),
            _person("UK", "Uriel", "Unknownflag", "1986-04-04", "male"),
            _person("NO", "Nigel", "Noflag", "1984-05-05", "male"),
            _person("OC", "Oscar", "Otherchildadult", "1983-06-06", "male"),
            _person("h-MUM", "Mary", "Fictionchild", "1980-04-04", "female"),
            # Her father, whom only this record names: her surname, no family_of.
            _person("DAD", "Derek", "FICTIONCHILD", "1978-02-02", "male"),
        ],
        "events": [
            *HEALTH["events"],
            # About Gemma (exploited: the social care referral R1): no flag at all.
            {"event_id": "A2", "event_type": "health_attendance", "reported_date": "2024-06-01"},
            # About Hana (exploited: R3), the flag "unknown".
            {
                "event_id": "A3",
                "event_type": "health_attendance",
                "reported_date": "2024-06-02",
                "cse_flag": "unknown",
            },
            # About Gemma, the hospital's own judgement: not exploitation.
            {
                "event_id": "A4",
                "event_type": "health_attendance",
                "reported_date": "2024-06-03",
                "cse_flag": "no",
            },
            # About Ivy, whom no record shows exploited.
            {"event_id": "A5", "event_type": "health_attendance", "reported_date": "2024-06-04"},
        ],
        "involvements": [
            *HEALTH["involvements"],
            {"event_id": "A2", "person_id": "h-V", "role": "subject"},
            {"event_id": "A2", "person_id": "UF", "role": "associate"},
            {"event_id": "A2", "person_id": "h-MUM", "role": "associate"},
            {"event_id": "A2", "person_id": "DAD", "role": "associate"},
            {"event_id": "A3", "person_id": "h-V2", "role": "subject"},
            {"event_id": "A3", "person_id": "UK", "role": "associate"},
            {"event_id": "A4", "person_id": "h-V", "role": "subject"},
            {"event_id": "A4", "person_id": "NO", "role": "associate"},
            {"event_id": "A5", "person_id": "h-V3", "role": "subject"},
            {"event_id": "A5", "person_id": "OC", "role": "associate"},
        ],
    }
    members, involved = _members_and_involved(
        tmp_path,
        POLICE,
        CSC,
        {("leeds-health", "h-V2"): "leeds-csc/V2", ("leeds-health", "h-MUM"): "leeds-csc/MUM"},
        health,
    )
    assert {"UF", "UK"} <= involved
    assert not involved & {"NO", "OC", "MUM", "DAD"}
    # Umar joins the group around Gemma; Uriel and Walt, each named around Hana by one
    # agency, are a partner-only pair.
    assert members == {"X", "Y", "Z", "UF", "UK", "W"}
    # The decision record names the hospital's record as what put him there.
    con = connect(tmp_path / "partner.duckdb")
    evidence = con.execute(
        "SELECT rule_id, record_ids FROM network_evidence "
        "WHERE entity_id = 'leeds-health/UF' AND rule_id = 'partner_intelligence'"
    ).fetchall()
    con.close()
    assert evidence == [("partner_intelligence", ["leeds-health:A2"])]


def test_staff_of_the_home_she_lives_in_are_her_carers_in_a_record_without_a_concern(
    tmp_path: Path,
) -> None:
    """The adult who brings a looked-after child to hospital is most often a member of
    staff of the home she lives in: in a record that raises no concern of its own, an
    adult employed at the place she resides is her carer, not an adult around an
    exploited child. A record that raises a concern about a member of staff still counts
    them, and an adult employed somewhere else is not her carer."""
    home = "Elm Lodge, 3 Vicarage Road"
    health = {
        "persons": [
            *HEALTH["persons"],
            _person("CW", "Carla", "Careworker", "1985-05-05", "female"),
            _person("SC", "Stuart", "Staffconcern", "1982-02-02", "male"),
            _person("TW", "Terry", "Takeawayworker", "1981-01-01", "male"),
        ],
        "events": [
            *HEALTH["events"],
            {"event_id": "A2", "event_type": "health_attendance", "reported_date": "2024-06-01"},
            {
                "event_id": "A3",
                "event_type": "health_attendance",
                "reported_date": "2024-06-02",
                "cse_flag": "yes",
            },
            {"event_id": "A4", "event_type": "health_attendance", "reported_date": "2024-06-03"},
        ],
        "involvements": [
            *HEALTH["involvements"],
            {"event_id": "A2", "person_id": "h-V", "role": "subject"},
            {"event_id": "A2", "person_id": "CW", "role": "associate"},
            # The hospital's own concern about a member of staff.
            {"event_id": "A3", "person_id": "h-V", "role": "subject"},
            {"event_id": "A3", "person_id": "SC", "role": "associate"},
            {"event_id": "A4", "person_id": "h-V", "role": "subject"},
            {"event_id": "A4", "person_id": "TW", "role": "associate"},
        ],
        "locations": [
            {
                "location_id": "HOME",
                "location_type": "care_home",
                "name": "Elm Lodge",
                "address": home,
                "postcode": "LS6 9ZZ",
            },
            {
                "location_id": "SHOP",
                "location_type": "takeaway",
                "name": "Fictional Grill",
                "address": "40 Market Street",
                "postcode": "LS1 9ZZ",
            },
        ],
        "associations": [
            {
                "from_type": "person",
                "from_id": "h-V",
                "to_type": "location",
                "to_id": "HOME",
                "association_type": "resides_at",
            },
            {
                "from_type": "person",
                "from_id": "CW",
                "to_type": "location",
                "to_id": "HOME",
                "association_type": "employed_at",
            },
            {
                "from_type": "person",
                "from_id": "SC",
                "to_type": "location",
                "to_id": "HOME",
                "association_type": "employed_at",
            },
            {
                "from_type": "person",
                "from_id": "TW",
                "to_type": "location",
                "to_id": "SHOP",
                "association_type": "employed_at",
            },
        ],
    }
    _, involved = _members_and_involved(tmp_path, POLICE, CSC, {}, health)
    assert {"SC", "TW"} <= involved
    assert "CW" not in involved
    # The decision record gives the member of staff the hospital raised its concern
    # about that record alone: her other attendance with him (no concern, her carer
    # there) is not what put him in the network.
    health["involvements"].append({"event_id": "A2", "person_id": "SC", "role": "associate"})
    evidence = _partner_evidence(tmp_path / "again", health, "leeds-health/SC")
    assert evidence == [["leeds-health:A3"]]


def _partner_evidence(tmp_path: Path, health: dict[str, Any], entity: str) -> list[list[str]]:
    """The ``partner_intelligence`` rows of ``entity`` in the decision record."""
    _members_and_involved(tmp_path, POLICE, CSC, {}, health)
    con = connect(tmp_path / "partner.duckdb")
    rows = con.execute(
        "SELECT record_ids FROM network_evidence WHERE entity_id = ? "
        "AND rule_id = 'partner_intelligence' ORDER BY ALL",
        [entity],
    ).fetchall()
    con.close()
    return [list(r[0]) for r in rows]


def test_areas_of_partner_only_networks_say_when_one_counts_in_two() -> None:
    """A network spanning two areas counts in each area's figure: where the areas sum to
    more than the networks, the status and networks lines say why."""
    from clearsight.graph.cli import partner_areas_text

    spanning = partner_areas_text({"greater-manchester": 1, "west-yorkshire": 1}, 1)
    assert spanning == (
        ": greater-manchester 1, west-yorkshire 1; a network spanning areas counts in each"
    )
    assert partner_areas_text({"greater-manchester": 1, "west-yorkshire": 1}, 2) == (
        ": greater-manchester 1, west-yorkshire 1"
    )
    assert partner_areas_text({}, 0) == ""
