"""A person named by a first name only, linked through the child they are recorded with
(``linkage/context.py``), end to end: ingest, the linkage run with the shared model, the
entities and ``link_context``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from clearsight.ingest import ingest
from clearsight.linkage import explain_entity, run
from clearsight.linkage.context import (
    AMBIGUOUS,
    AMBIGUOUS_COMPANION,
    COMPANION_RULE,
    RULE,
    names_agree,
)
from clearsight.store import connect
from tests.graph.scenario import write_submission
from tests.linkage.conftest import Linked

AMY = {
    "forenames": "Amy",
    "surname": "Jones",
    "date_of_birth": "2009-05-01",
    "sex": "female",
    "postcode": "NG7 2AB",
}
ALI_KHAN = {
    "forenames": "Ali",
    "surname": "Khan",
    "date_of_birth": "1990-02-03",
    "sex": "male",
    "postcode": "NG5 1XY",
}
ALI_HUSSAIN = {
    "forenames": "Ali",
    "surname": "Hussain",
    "date_of_birth": "1986-08-11",
    "sex": "male",
    "postcode": "NG3 4QQ",
}


def manifest(source: str, agency: str) -> dict[str, str]:
    """A Nottinghamshire agency's manifest for the year to June 2024."""
    return {
        "standard_version": "1.0",
        "source_id": source,
        "organisation": source,
        "agency_type": agency,
        "area": "nottinghamshire",
        "extract_date": "2024-06-30",
        "period_start": "2023-07-01",
        "period_end": "2024-06-30",
    }


def _source(
    tmp: Path,
    source: str,
    agency: str,
    event: dict[str, Any],
    people: list[tuple[dict[str, Any], str]],
) -> Path:
    persons = [{"person_id": f"P{i}", **p} for i, (p, _role) in enumerate(people)]
    involvements = [
        {"event_id": event["event_id"], "person_id": f"P{i}", "role": role}
        for i, (_p, role) in enumerate(people)
    ]
    return write_submission(
        tmp / source,
        manifest(source, agency),
        {"persons": persons, "events": [event], "involvements": involvements},
    )


CRIME = {
    "event_id": "E1",
    "event_type": "crime",
    "reported_date": "2024-01-10",
    "offence": "Sexual activity with a child",
    "cse_flag": "yes",
}
MEETING = {"event_id": "M1", "event_type": "strategy_meeting", "reported_date": "2024-03-15"}
BETH = {
    "forenames": "Beth",
    "surname": "Price",
    "date_of_birth": "2010-09-12",
    "sex": "female",
    "postcode": "NG9 3CD",
}
TYLER = {
    "forenames": "Tyler",
    "surname": "Thompson",
    "date_of_birth": "1992-09-01",
    "sex": "male",
    "postcode": "NG2 7EE",
}


def _linked(
    tmp: Path,
    linked: Linked,
    police: list[tuple[dict[str, Any], str]],
    meeting: list[tuple[dict[str, Any], str]],
) -> duckdb.DuckDBPyConnection:
    con = connect(tmp / "store.duckdb")
    ingest(con, _source(tmp, "notts-police", "police", CRIME, police))
    ingest(con, _source(tmp, "notts-csc", "childrens_social_care", MEETING, meeting))
    run(con, model_json=linked.model_json)
    return con


def _entity(con: duckdb.DuckDBPyConnection, key: str) -> str:
    return str(
        con.execute("SELECT entity_id FROM person_entities WHERE record_key = ?", [key]).fetchall()[
            0
        ][0]
    )


def _context(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT record_key, anchor_key, outcome, reason, child_entity_ids, events "
        "FROM link_context ORDER BY record_key"
    ).fetchall()


def held_for_review(
    con: duckdb.DuckDBPyConnection, thin: str, rivals: list[str], reason: str
) -> None:
    """``thin`` joined none of ``rivals`` and is the one context decision, a review for
    ``reason``: a first name two candidates share identifies neither."""
    assert _entity(con, thin) not in {_entity(con, rival) for rival in rivals}
    decided = con.execute("SELECT record_key, anchor_key, outcome, reason FROM link_context")
    assert decided.fetchall() == [(thin, None, "review", reason)]


def test_the_one_adult_of_that_name_with_the_child_links(linked: Linked, tmp_path: Path) -> None:
    """ "Ali" in the child's strategy meeting is Ali Khan, the one Ali recorded with her."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        # The child's two records are one entity: the context the step reads.
        assert _entity(con, "notts-police:P0") == _entity(con, "notts-csc:P0")
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(key, anchor, outcome, reason, children, events)] = _context(con)
        assert (key, anchor, outcome, reason) == (
            "notts-csc:P1",
            "notts-police:P1",
            "linked",
            RULE,
        )
        assert children == [_entity(con, "notts-police:P0")]
        assert events == ["notts-csc:M1", "notts-police:E1"]
        # The entity's explanation says why the two are one: the shared child, no score.
        explained = explain_entity(con, _entity(con, "notts-csc:P1"))
        [joined] = explained.context
        assert (joined.record_key, joined.anchor_key, joined.reason) == (key, anchor, RULE)
        assert joined.child_entity_ids == children and joined.name == "ali"
        assert not any(
            {link.record_key_l, link.record_key_r} == {key, anchor}
            for link in explained.links
            if link.linked
        )
    finally:
        con.close()


def test_an_alias_under_a_placeholder_name_is_read(linked: Linked, tmp_path: Path) -> None:
    """Police write a man they could not name as UNKNOWN with the name he goes by."""
    con = _linked(
        tmp_path,
        linked,
        police=[
            (AMY, "victim"),
            ({"forenames": "UNKNOWN", "surname": "UNKNOWN", "aliases": "Ally"}, "suspect"),
        ],
        meeting=[(AMY, "subject"), ({**ALI_KHAN, "aliases": "Ally"}, "associate")],
    )
    try:
        assert _entity(con, "notts-police:P1") == _entity(con, "notts-csc:P1")
        [(key, anchor, outcome, *_rest)] = _context(con)
        assert (key, anchor, outcome) == ("notts-police:P1", "notts-csc:P1", "linked")
    finally:
        con.close()


def test_two_adults_of_that_name_go_to_review(linked: Linked, tmp_path: Path) -> None:
    """Two Alis recorded with the child: "Ali" could be either, so neither is chosen."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect"), (ALI_HUSSAIN, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        held_for_review(con, "notts-csc:P1", ["notts-police:P1", "notts-police:P2"], AMBIGUOUS)
        from clearsight.linkage.review import review_list

        queued = [p for p in review_list(con, limit=500) if p.reason == AMBIGUOUS]
        assert [p.record_key_l for p in queued] == ["notts-csc:P1"]
    finally:
        con.close()


def test_a_birth_year_that_contradicts_refuses(linked: Linked, tmp_path: Path) -> None:
    """ "Ali, born 2001" is not Ali Khan born 1990, whoever else is with the child."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali", "date_of_birth": "2001"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_two_thin_records_never_join_by_context_alone(linked: Linked, tmp_path: Path) -> None:
    """ "Ali" in the police record and "Ali" in the meeting: no named Ali anchors them."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), ({"forenames": "Ali", "surname": "UNKNOWN"}, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_a_store_without_events_is_unchanged(linked: Linked, tmp_path: Path) -> None:
    """Person lists with no events (FEBRL-like) give the step nothing to read."""
    con = connect(tmp_path / "store.duckdb")
    try:
        con.execute("CREATE TABLE current_involvements AS SELECT 1 AS x WHERE false")
        from clearsight.linkage.context import _has_events

        assert not _has_events(con)
    finally:
        con.close()


def test_a_store_of_person_lists_records_no_context(linked: Linked, tmp_path: Path) -> None:
    """Records in events with no child and no second adult: nothing is linked or queued."""
    con = _linked(
        tmp_path,
        linked,
        police=[(ALI_KHAN, "suspect")],
        meeting=[({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P0") != _entity(con, "notts-police:P0")
        assert _context(con) == []
    finally:
        con.close()


def test_names_agree_on_variants_and_one_slip_on_long_names() -> None:
    assert names_agree("ali", "ali", 5)
    assert names_agree("mohammed", "muhammad", 5)  # the maintained variant table
    assert names_agree("tariq", "tairq", 5)  # one keying error, five letters
    assert not names_agree("ali", "ari", 5)  # short names: one letter is another name
    assert not names_agree("ali", "amir", 5)


def test_an_incremental_run_keeps_a_context_link_it_clusters_again(
    linked: Linked, tmp_path: Path
) -> None:
    """``link --new`` re-clusters whole entities without the child's records in scope: the
    context link is followed again (``carry_forward``), not undone for want of them."""
    from clearsight.linkage.incremental import link_new

    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        before = _entity(con, "notts-csc:P1")
        assert before == _entity(con, "notts-police:P1")
        # A new record of Ali Khan touches his entity: it is clustered again.
        ingest(
            con,
            _source(
                tmp_path,
                "notts-health",
                "health",
                {"event_id": "H1", "event_type": "referral", "reported_date": "2024-05-01"},
                [(ALI_KHAN, "associate")],
            ),
        )
        link_new(con)
        assert _entity(con, "notts-health:P0") == _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        assert [r[:3] for r in _context(con)] == [("notts-csc:P1", "notts-police:P1", "linked")]
    finally:
        con.close()


def test_status_counts_the_joins_through_a_child(linked: Linked, tmp_path: Path) -> None:
    """``clearsight status`` (the demo's summary) says how many first-name-only records
    were joined through a child and how many went to review."""
    from typer.testing import CliRunner

    from clearsight import graph
    from clearsight.cli import app

    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    graph.run(con)
    con.close()
    result = CliRunner().invoke(app, ["status", "--db", str(tmp_path / "store.duckdb"), "--json"])
    assert result.exit_code == 0, result.output
    networks = json.loads(result.stdout)["networks"]
    assert (networks["first_name_joined"], networks["first_name_review"]) == (1, 0)
    assert networks["peer_groups"] == 0


_THIN = {"forenames": "Ali", "sex": "female", "ethnicity_self_defined": "W1"}
_ALI_A1 = {**ALI_KHAN, "ethnicity_self_defined": "A1"}


@pytest.mark.parametrize(
    ("police", "meeting", "rule"),
    [
        ([(AMY, "victim"), (_ALI_A1, "suspect")], [(AMY, "subject"), (_THIN, "associate")], RULE),
        (
            [(AMY, "victim"), (_ALI_A1, "suspect"), (TYLER, "suspect")],
            [(BETH, "subject"), (_THIN, "associate"), (TYLER, "associate")],
            COMPANION_RULE,
        ),
    ],
    ids=["child", "companion"],
)
def test_sex_and_ethnicity_are_never_read(
    linked: Linked,
    tmp_path: Path,
    police: list[tuple[dict[str, Any], str]],
    meeting: list[tuple[dict[str, Any], str]],
    rule: str,
) -> None:
    """Protected characteristics are not identity evidence here: a thin record whose
    recorded sex and ethnicity differ from the one Ali's still joins him, exactly as when
    they agree (the shared child or companion and the name are the only evidence)."""
    con = _linked(tmp_path, linked, police=police, meeting=meeting)
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(_key, _anchor, outcome, reason, *_rest)] = _context(con)
        assert (outcome, reason) == ("linked", rule)
    finally:
        con.close()


def test_the_one_adult_of_that_name_with_the_same_companion_links(
    linked: Linked, tmp_path: Path
) -> None:
    """ "Ali", named beside Tyler Thompson at another child's meeting, is Ali Khan: the one
    Ali recorded with Tyler Thompson. No child is in common, so the companion is the
    context, and the join says so."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect"), (TYLER, "suspect")],
        meeting=[(BETH, "subject"), ({"forenames": "Ali"}, "associate"), (TYLER, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P2") == _entity(con, "notts-police:P2")
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(key, anchor, outcome, reason, whom, events)] = _context(con)
        assert (key, anchor, outcome, reason) == (
            "notts-csc:P1",
            "notts-police:P1",
            "linked",
            COMPANION_RULE,
        )
        assert whom == [_entity(con, "notts-police:P2")]
        assert events == ["notts-csc:M1", "notts-police:E1"]
    finally:
        con.close()


def test_two_adults_of_that_name_with_the_companion_go_to_review(
    linked: Linked, tmp_path: Path
) -> None:
    """Tyler Thompson was recorded with two Alis: "Ali" beside him could be either."""
    con = _linked(
        tmp_path,
        linked,
        police=[
            (AMY, "victim"),
            (ALI_KHAN, "suspect"),
            (ALI_HUSSAIN, "suspect"),
            (TYLER, "suspect"),
        ],
        meeting=[(BETH, "subject"), ({"forenames": "Ali"}, "associate"), (TYLER, "associate")],
    )
    try:
        rivals = ["notts-police:P1", "notts-police:P2"]
        held_for_review(con, "notts-csc:P1", rivals, AMBIGUOUS_COMPANION)
    finally:
        con.close()


def test_the_child_comes_before_the_companion(linked: Linked, tmp_path: Path) -> None:
    """The child is in common with Ali Khan, the companion with Ali Hussain: the record is
    about the child, so the child's one Ali is chosen and the companion is not read."""
    police_b = {**CRIME, "event_id": "E2", "reported_date": "2024-02-01"}
    con = connect(tmp_path / "store.duckdb")
    try:
        ingest(
            con,
            _source(
                tmp_path, "notts-police", "police", CRIME, [(AMY, "victim"), (ALI_KHAN, "suspect")]
            ),
        )
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police-b",
                "police",
                police_b,
                [(BETH, "victim"), (ALI_HUSSAIN, "suspect"), (TYLER, "suspect")],
            ),
        )
        ingest(
            con,
            _source(
                tmp_path,
                "notts-csc",
                "childrens_social_care",
                MEETING,
                [(AMY, "subject"), ({"forenames": "Ali"}, "associate"), (TYLER, "associate")],
            ),
        )
        run(con, model_json=linked.model_json)
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(key, anchor, outcome, reason, *_rest)] = _context(con)
        assert (key, anchor, outcome, reason) == ("notts-csc:P1", "notts-police:P1", "linked", RULE)
    finally:
        con.close()


def test_a_companion_does_not_override_a_contradicting_birth_year(
    linked: Linked, tmp_path: Path
) -> None:
    """ "Ali, born 2001" beside Tyler Thompson is not Ali Khan born 1990."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect"), (TYLER, "suspect")],
        meeting=[
            (BETH, "subject"),
            ({"forenames": "Ali", "date_of_birth": "2001"}, "associate"),
            (TYLER, "associate"),
        ],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_a_record_joined_in_one_round_names_the_companion_of_the_next(
    linked: Linked, tmp_path: Path
) -> None:
    """ "Kacper" at Amy's meeting is Kacper Nowak (her one Kacper); at Beth's meeting he is
    named beside "Tyler" and Ali Hussain, and once "Kacper" is Kacper Nowak, "Tyler" is
    Tyler Thompson: the one Tyler recorded with him. Resolution runs until a round joins
    nothing more. A clinic's "Kacper" beside Ali Hussain is Kacper Nowak too, though
    nothing the first round joined is in the clinic's record: the later rounds read the
    thin records two shared events from what the last round joined, not one."""
    kacper = {
        "forenames": "Kacper",
        "surname": "Nowak",
        "date_of_birth": "1980-11-24",
        "sex": "male",
        "postcode": "NG1 1AA",
    }
    con = connect(tmp_path / "store.duckdb")
    try:
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police",
                "police",
                CRIME,
                [(AMY, "victim"), (kacper, "suspect"), (TYLER, "suspect")],
            ),
        )
        second = {"event_id": "M2", "event_type": "strategy_meeting", "reported_date": "2024-04-02"}
        persons = [
            {"person_id": "P0", **AMY},
            {"person_id": "P1", "forenames": "Kacper"},
            {"person_id": "P2", **BETH},
            {"person_id": "P3", "forenames": "Tyler"},
            {"person_id": "P4", **ALI_HUSSAIN},
        ]
        involvements = [
            {"event_id": "M1", "person_id": "P0", "role": "subject"},
            {"event_id": "M1", "person_id": "P1", "role": "associate"},
            {"event_id": "M2", "person_id": "P2", "role": "subject"},
            {"event_id": "M2", "person_id": "P1", "role": "associate"},
            {"event_id": "M2", "person_id": "P3", "role": "associate"},
            {"event_id": "M2", "person_id": "P4", "role": "associate"},
        ]
        folder = write_submission(
            tmp_path / "notts-csc",
            manifest("notts-csc", "childrens_social_care"),
            {"persons": persons, "events": [MEETING, second], "involvements": involvements},
        )
        ingest(con, folder)
        clinic = {"event_id": "H1", "event_type": "referral", "reported_date": "2024-05-01"}
        ingest(
            con,
            _source(
                tmp_path,
                "notts-health",
                "health",
                clinic,
                [({"forenames": "Kacper"}, "associate"), (ALI_HUSSAIN, "associate")],
            ),
        )
        run(con, model_json=linked.model_json)
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P3") == _entity(con, "notts-police:P2")
        assert _entity(con, "notts-health:P0") == _entity(con, "notts-police:P1")
        reasons = {key: (anchor, reason) for key, anchor, _o, reason, *_rest in _context(con)}
        assert reasons == {
            "notts-csc:P1": ("notts-police:P1", RULE),
            "notts-csc:P3": ("notts-police:P2", COMPANION_RULE),
            "notts-health:P0": ("notts-police:P1", COMPANION_RULE),
        }
    finally:
        con.close()


def test_the_man_with_her_is_read_against_the_men_recorded_in_that_part(
    linked: Linked, tmp_path: Path
) -> None:
    """ "Ali", an associate at Amy's meeting, is read first against the adults recorded
    with her in a linking role: Ali Khan, the suspect, not Ali Hussain, who witnessed the
    crime. Recorded as the one who reported a concern, "Ali" is read against both, and is
    ambiguous. With no Ali in a linking role beside her, the associate is read against
    her other adults (a partner's "associate" is any adult around her): Ali Hussain."""
    police = [(AMY, "victim"), (ALI_KHAN, "suspect"), (ALI_HUSSAIN, "witness")]
    con = _linked(
        tmp_path,
        linked,
        police=police,
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(_key, anchor, outcome, reason, *_)] = _context(con)
        assert (anchor, outcome, reason) == ("notts-police:P1", "linked", RULE)
    finally:
        con.close()
    other = tmp_path / "reporter"
    other.mkdir()
    con = _linked(
        other,
        linked,
        police=police,
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "reporting_person")],
    )
    try:
        held_for_review(con, "notts-csc:P1", ["notts-police:P1", "notts-police:P2"], AMBIGUOUS)
    finally:
        con.close()
    alone = tmp_path / "witness-only"
    alone.mkdir()
    con = _linked(
        alone,
        linked,
        police=[(AMY, "victim"), (ALI_HUSSAIN, "witness")],
        meeting=[(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(_key, anchor, outcome, reason, *_)] = _context(con)
        assert (anchor, outcome, reason) == ("notts-police:P1", "linked", RULE)
    finally:
        con.close()
