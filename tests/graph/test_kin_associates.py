"""A partner's referral about a girl names her exploiter and her own brother as its two
associates; the brother offends with another group against another girl. Named there as
her family, he is not named beside her exploiter as a co-offender: the two groups stay
two networks. A relative the record suspects keeps the link (family-based exploitation).
Everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import (
    CSC_MANIFEST,
    POLICE_MANIFEST,
    _person,
    link,
    member_sets,
    sexual_crime,
    write_submission,
)
from tests.graph.scenario import networks_and_definitions as run

HOME = {"postcode": "LS6 1AA", "address": "12 Mill Lane, Leeds"}


def _police() -> dict[str, list[dict[str, str]]]:
    """Abel and Bram against Vera; her brother Kit and Dale against Wynne."""
    return {
        "persons": [
            _person("V", "Vera", "Millward", "2010-05-05", "female", **HOME),
            _person("W", "Wynne", "Ashdown", "2009-06-06", "female"),
            _person("A", "Abel", "Anscombe", "1980-01-01", "male"),
            _person("B", "Bram", "Burrage", "1982-02-02", "male"),
            _person("K", "Kit", "Millward", "1990-03-03", "male", **HOME),
            _person("D", "Dale", "Dunkerley", "1986-04-04", "male"),
        ],
        "events": [sexual_crime("E1", "2024-02-01"), sexual_crime("E2", "2024-03-01")],
        "involvements": [
            {"event_id": "E1", "person_id": "V", "role": "victim"},
            {"event_id": "E1", "person_id": "A", "role": "suspect"},
            {"event_id": "E1", "person_id": "B", "role": "suspect"},
            {"event_id": "E2", "person_id": "W", "role": "victim"},
            {"event_id": "E2", "person_id": "K", "role": "suspect"},
            {"event_id": "E2", "person_id": "D", "role": "suspect"},
        ],
    }


def _referral(brother_as: str) -> dict[str, list[dict[str, str]]]:
    """Social care's referral about Vera, naming Abel and her brother (as ``brother_as``)."""
    return {
        "persons": [
            _person("C1", "Vera", "Millward", "2010-05-05", "female", **HOME),
            _person("C2", "Abel", "Anscombe", "1980-01-01", "male"),
            _person("C3", "Kit", "Millward", "1990-03-03", "male", **HOME),
        ],
        "events": [
            {
                "event_id": "R1",
                "event_type": "referral",
                "reported_date": "2024-04-01",
                "cse_flag": "yes",
                "narrative": "Referral: exploitation concern; child seen with older males.",
            }
        ],
        "involvements": [
            {"event_id": "R1", "person_id": "C1", "role": "subject"},
            {"event_id": "R1", "person_id": "C2", "role": "associate"},
            {"event_id": "R1", "person_id": "C3", "role": brother_as},
        ],
    }


def _networks(tmp: Path, brother_as: str) -> list[set[str]]:
    con = connect(tmp / "kin.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, _police()))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, _referral(brother_as)))
    csc, police = CSC_MANIFEST["source_id"], POLICE_MANIFEST["source_id"]
    link(con, {(csc, "C1"): f"{police}/V", (csc, "C2"): f"{police}/A", (csc, "C3"): f"{police}/K"})
    run(con)
    found = member_sets(con)
    con.close()
    return found


def test_her_brother_named_beside_her_exploiter_joins_no_two_groups(tmp_path: Path) -> None:
    assert _networks(tmp_path, "associate") == [{"A", "B"}, {"D", "K"}]


def test_a_relative_the_record_suspects_keeps_the_link(tmp_path: Path) -> None:
    assert _networks(tmp_path, "suspect") == [{"A", "B", "D", "K"}]
