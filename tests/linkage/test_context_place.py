"""A person named by a first name only, linked through the private place of the event they
are recorded at (``linkage/context.py``, ``PLACE_RULE``), end to end: ingest with
locations, the linkage run with the shared model, the entities, ``link_context`` and the
entity's explanation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from clearsight.ingest import ingest
from clearsight.linkage import explain_entity, run
from clearsight.linkage.context import AMBIGUOUS_PLACE, PLACE_RULE, RULE
from clearsight.linkage.context_rules import SETTINGS_FILE, load_settings, parse_settings
from clearsight.store import connect
from tests.graph.scenario import write_submission
from tests.linkage.conftest import Linked
from tests.linkage.test_context import (
    ALI_HUSSAIN,
    ALI_KHAN,
    AMY,
    BETH,
    _entity,
    held_for_review,
    manifest,
)

FLAT = "NG7 1AA"
HOTEL = {"name": "Station Hotel", "postcode": "NG1 6HE", "location_type": "hotel"}


def _source(
    tmp: Path,
    source: str,
    agency: str,
    events: list[tuple[dict[str, Any], list[tuple[dict[str, Any], str]]]],
    place: dict[str, str],
) -> Path:
    """One source: each event at ``place`` (this source's own location id for it) with
    the people recorded in it."""
    persons: list[dict[str, Any]] = []
    involvements: list[dict[str, Any]] = []
    for event, people in events:
        for person, role in people:
            pid = f"P{len(persons)}"
            persons.append({"person_id": pid, **person})
            involvements.append({"event_id": event["event_id"], "person_id": pid, "role": role})
    location = {"location_id": f"{source}-L1", **place}
    return write_submission(
        tmp / source,
        manifest(source, agency),
        {
            "persons": persons,
            "locations": [location],
            "events": [{**e, "location_id": location["location_id"]} for e, _p in events],
            "involvements": involvements,
        },
    )


CRIME = {
    "event_id": "E1",
    "event_type": "crime",
    "reported_date": "2024-01-10",
    "offence": "Sexual activity with a child",
    "cse_flag": "yes",
}
VISIT = {
    "event_id": "V1",
    "event_type": "incident",
    "reported_date": "2024-03-15",
    "cse_flag": "yes",
}


def _linked(
    tmp: Path,
    linked: Linked,
    police: list[tuple[dict[str, Any], str]],
    found: list[tuple[dict[str, Any], str]],
    place: dict[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Police record a crime at ``place`` (a flat by default); children's services,
    another agency with its own location id for the same place, record a visit there."""
    at = place or {"postcode": FLAT, "location_type": "residential"}
    con = connect(tmp / "store.duckdb")
    ingest(con, _source(tmp, "notts-police", "police", [(CRIME, police)], at))
    ingest(con, _source(tmp, "notts-csc", "childrens_social_care", [(VISIT, found)], at))
    run(con, model_json=linked.model_json)
    return con


def _context(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT record_key, anchor_key, outcome, reason, child_entity_ids, place_keys, events "
        "FROM link_context ORDER BY record_key"
    ).fetchall()


def test_the_one_adult_of_that_name_at_the_same_home_links(linked: Linked, tmp_path: Path) -> None:
    """ "Ali", found at a flat with a girl no one else is recorded with, is Ali Khan: the one
    Ali police recorded at that flat. The two agencies' location ids differ; the address is
    one place. The join says it rests on the place, and no score."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        found=[(BETH, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(key, anchor, outcome, reason, children, places, events)] = _context(con)
        assert (key, anchor, outcome, reason) == (
            "notts-csc:P1",
            "notts-police:P1",
            "linked",
            PLACE_RULE,
        )
        assert places == [f"location:{FLAT}||residential"] and children == []
        assert events == ["notts-csc:V1", "notts-police:E1"]
        [joined] = explain_entity(con, _entity(con, "notts-csc:P1")).context
        assert (joined.reason, joined.name) == (PLACE_RULE, "ali")
        assert joined.places == [f"{FLAT} (residential)"]
    finally:
        con.close()


def test_a_busy_place_identifies_no_one(linked: Linked, tmp_path: Path) -> None:
    """The same records at a hotel: many people pass through a hotel, so "Ali" there is
    not resolved to the one Ali police recorded there."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        found=[(BETH, "subject"), ({"forenames": "Ali"}, "associate")],
        place=HOTEL,
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_the_household_reporting_a_child_missing_is_no_candidate(
    linked: Linked, tmp_path: Path
) -> None:
    """Ali Khan reported his daughter missing from the flat: he is recorded there as the
    reporting person, not in a linking part, so "Ali", found there with another girl and
    named as an associate, is not resolved to him."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "missing_person"), (ALI_KHAN, "reporting_person")],
        found=[(BETH, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_two_adults_of_that_name_at_the_home_go_to_review(linked: Linked, tmp_path: Path) -> None:
    """Police recorded two Alis at the flat: "Ali" found there could be either."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect"), (ALI_HUSSAIN, "suspect")],
        found=[(BETH, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    try:
        rivals = ["notts-police:P1", "notts-police:P2"]
        held_for_review(con, "notts-csc:P1", rivals, AMBIGUOUS_PLACE)
        assert [row[5] for row in _context(con)] == [[f"location:{FLAT}||residential"]]
    finally:
        con.close()


def test_the_child_comes_before_the_place(linked: Linked, tmp_path: Path) -> None:
    """Ali Khan is recorded with the same girl, Ali Hussain only at the flat: the child is
    the stronger context, so "Ali" joins Ali Khan through her, not review."""
    con = connect(tmp_path / "store.duckdb")
    flat = {"postcode": FLAT, "location_type": "residential"}
    park = {"name": "Forest Rec", "postcode": "NG7 6AB", "location_type": "park"}
    ingest(
        con,
        _source(
            tmp_path,
            "notts-police",
            "police",
            [(CRIME, [(AMY, "victim"), (ALI_KHAN, "suspect")])],
            park,
        ),
    )
    ingest(
        con,
        _source(
            tmp_path,
            "notts-police-b",
            "police",
            [({**CRIME, "event_id": "E2"}, [(ALI_HUSSAIN, "suspect")])],
            flat,
        ),
    )
    ingest(
        con,
        _source(
            tmp_path,
            "notts-csc",
            "childrens_social_care",
            [(VISIT, [(AMY, "subject"), ({"forenames": "Ali"}, "associate")])],
            flat,
        ),
    )
    run(con, model_json=linked.model_json)
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(_key, anchor, outcome, reason, *_rest)] = _context(con)
        assert (anchor, outcome, reason) == ("notts-police:P1", "linked", RULE)
    finally:
        con.close()


def test_a_join_in_one_round_places_the_man_for_the_next(linked: Linked, tmp_path: Path) -> None:
    """Social care's "Ali", found at the flat with Amy, is Ali Khan through her (round 1):
    that record puts Ali Khan at the flat. The clinic's "Ali", found there with Beth and
    nobody named, is then Ali Khan through the flat (round 2). The later rounds read the
    thin records at the places of the last round's joins: this fails if they do not."""
    con = connect(tmp_path / "store.duckdb")
    flat = {"postcode": FLAT, "location_type": "residential"}
    park = {"name": "Forest Rec", "postcode": "NG7 6AB", "location_type": "park"}
    clinic = {"event_id": "H1", "event_type": "health_attendance", "reported_date": "2024-05-02"}
    for source, agency, events, place in (
        ("notts-police", "police", [(CRIME, [(AMY, "victim"), (ALI_KHAN, "suspect")])], park),
        (
            "notts-csc",
            "childrens_social_care",
            [(VISIT, [(AMY, "subject"), ({"forenames": "Ali"}, "associate")])],
            flat,
        ),
        (
            "notts-health",
            "health",
            [(clinic, [(BETH, "subject"), ({"forenames": "Ali"}, "associate")])],
            flat,
        ),
    ):
        ingest(con, _source(tmp_path, source, agency, events, place))
    run(con, model_json=linked.model_json)
    try:
        ali = _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P1") == ali == _entity(con, "notts-health:P1")
        assert [(r[0], r[1], r[2], r[3]) for r in _context(con)] == [
            ("notts-csc:P1", "notts-police:P1", "linked", RULE),
            ("notts-health:P1", "notts-police:P1", "linked", PLACE_RULE),
        ]
    finally:
        con.close()


def test_sex_and_ethnicity_are_never_read_at_a_place(linked: Linked, tmp_path: Path) -> None:
    """A thin record whose recorded sex and ethnicity differ from the one Ali's still joins
    him through the place: the place and the name are the only evidence."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), ({**ALI_KHAN, "ethnicity_self_defined": "A1"}, "suspect")],
        found=[
            (BETH, "subject"),
            ({"forenames": "Ali", "sex": "female", "ethnicity_self_defined": "W1"}, "associate"),
        ],
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        [(_key, _anchor, outcome, reason, *_rest)] = _context(con)
        assert (outcome, reason) == ("linked", PLACE_RULE)
    finally:
        con.close()


def test_private_place_types_are_the_standards() -> None:
    """A place type agencies cannot submit is a clear error naming the file; the shipped
    file names homes and vehicles only."""
    assert load_settings().private_place_types == ("residential", "vehicle")
    with pytest.raises(ValueError, match=r"context\.yaml: private_place_types \['flat'\]"):
        parse_settings("private_place_types: [residential, flat]")
    with pytest.raises(ValueError, match="unknown settings"):
        parse_settings("private_places: [residential]")
    # One type written without the list brackets is a clear error, not its letters.
    with pytest.raises(ValueError, match=r"context.yaml: private_place_types must be a list"):
        parse_settings("private_place_types: residential")
    with pytest.raises(ValueError, match=r"context.yaml: typo_min_letters must be a number"):
        parse_settings("typo_min_letters: five")
    with pytest.raises(ValueError, match=r"birth_year_tolerance must be a number"):
        parse_settings("birth_year_tolerance: true")


def test_every_context_setting_is_documented() -> None:
    """Each setting of ``data/context.yaml`` is named in docs/linkage.md."""
    from importlib import resources

    import yaml

    text = resources.files("clearsight.linkage").joinpath(SETTINGS_FILE).read_text("utf-8")
    docs = (Path(__file__).parents[2] / "docs" / "linkage.md").read_text("utf-8")
    missing = [k for k in yaml.safe_load(text) if f"`{k}`" not in docs]
    assert missing == []
