"""Staff of a place where a child was exploited: on the offending side only when a record
ties them to an offender (``employee_knowing_link_types``), and never when a record of it
names them as its witness or the person who reported it, its guardians
(``standard.roles.GUARDIAN_ROLES``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graph.scenario import (
    _person,
    association,
    police_networks,
    police_store,
    sexual_crime,
)


def _data(staff_role: str | None, tie: str | None = None) -> dict[str, list[dict[str, str]]]:
    """Two men exploit a girl at a bus station (two records); a security guard employed
    there is in the first record as ``staff_role`` (None: in no record) and, when ``tie``
    is an association type, recorded with A by the police that way."""
    involvements = [
        {"event_id": "E1", "person_id": "V", "role": "victim"},
        {"event_id": "E1", "person_id": "A", "role": "suspect"},
        {"event_id": "E1", "person_id": "B", "role": "suspect"},
        {"event_id": "E2", "person_id": "V", "role": "victim"},
        {"event_id": "E2", "person_id": "A", "role": "suspect"},
        {"event_id": "E2", "person_id": "B", "role": "suspect"},
    ]
    if staff_role:
        involvements.append({"event_id": "E1", "person_id": "G", "role": staff_role})
    associations = [association("G", "location", "BS", "employed_at")]
    if tie:
        associations.append(association("G", "person", "A", tie))
    return {
        "persons": [
            _person("V", "Vera", "Stationchild", "2010-08-08", "female"),
            _person("A", "Abel", "Anscombe", "1992-11-04", "male"),
            _person("B", "Bram", "Burrage", "1994-02-19", "male"),
            _person("G", "Gordon", "Guardley", "1970-01-25", "male"),
        ],
        "events": [
            sexual_crime("E1", "2024-06-08", "BS"),
            sexual_crime("E2", "2024-07-29", "BS"),
        ],
        "involvements": involvements,
        "locations": [
            {
                "location_id": "BS",
                "location_type": "other",
                "name": "Trentside Bus Station",
                "postcode": "NG1 7RB",
            }
        ],
        "associations": associations,
    }


@pytest.mark.parametrize("role", ["witness", "reporting_person"])
def test_staff_who_witnessed_or_reported_it_are_not_in_the_network(
    tmp_path: Path, role: str
) -> None:
    # Tied to A, so only the guardian rule keeps him out.
    assert police_networks(tmp_path, _data(role, tie="associate_of")) == [{"A", "B"}]


def test_staff_tied_to_an_offender_are_taken_by_the_employment_rule(tmp_path: Path) -> None:
    # IICSA C.3, "allowing their property to be used", with a record that he knows A.
    assert police_networks(tmp_path, _data(None, tie="associate_of")) == [{"A", "B", "G"}]


def test_staff_tied_to_no_offender_are_a_line_of_enquiry_not_members(tmp_path: Path) -> None:
    # Working at the place is evidence about the place (landlord-01).
    assert police_networks(tmp_path, _data(None)) == [{"A", "B"}]


def test_a_household_tie_shows_no_knowing(tmp_path: Path) -> None:
    # Family is not one of employee_knowing_link_types: a relative of A on the staff is
    # not, by that alone, allowing the place to be used.
    assert police_networks(tmp_path, _data(None, tie="family_of")) == [{"A", "B"}]


def test_the_decision_record_cites_employment_only_for_staff_it_took(tmp_path: Path) -> None:
    data = _data(None, tie="associate_of")
    # B offended there and works there too, tied to no one by a record of knowing.
    data["associations"].append(association("B", "location", "BS", "employed_at"))
    con = police_store(tmp_path, data)
    rows = con.execute(
        "SELECT entity_id, record_ids FROM network_evidence "
        "WHERE rule_id = 'employee_at_offending_location'"
    ).fetchall()
    con.close()
    assert [(e.split("/")[-1], r) for e, r in rows] == [("G", ["wyp-police:G"])]
