"""Staff who witnessed or reported exploitation at the place they work are its guardians,
not people allowing it to be used (``standard.roles.GUARDIAN_ROLES``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.graph.scenario import _person, police_networks, sexual_crime


def _data(staff_role: str | None) -> dict[str, list[dict[str, str]]]:
    """Two men exploit a girl at a bus station (two records); a security guard employed
    there is in the first record as ``staff_role`` (None: in no record)."""
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
        "associations": [
            {
                "from_type": "person",
                "from_id": "G",
                "to_type": "location",
                "to_id": "BS",
                "association_type": "employed_at",
            }
        ],
    }


@pytest.mark.parametrize("role", ["witness", "reporting_person"])
def test_staff_who_witnessed_or_reported_it_are_not_in_the_network(
    tmp_path: Path, role: str
) -> None:
    assert police_networks(tmp_path, _data(role)) == [{"A", "B"}]


def test_staff_in_no_record_there_are_still_taken_by_the_employment_rule(
    tmp_path: Path,
) -> None:
    # IICSA C.3, "allowing their property to be used": the rule as it stands.
    assert police_networks(tmp_path, _data(None)) == [{"A", "B", "G"}]
