"""A first name recorded with a child, resolved through the men recorded around her
(``linkage/context_circle.py``), end to end: ingest, the linkage run with the shared
model, the entities and ``link_context``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from clearsight.ingest import ingest
from clearsight.linkage import run
from clearsight.linkage.context import AMBIGUOUS_CIRCLE, CIRCLE_RULE
from clearsight.store import connect
from tests.graph.scenario import write_submission
from tests.linkage.conftest import Linked
from tests.linkage.test_context import AMY, BETH, CRIME, MEETING, _context, _entity, manifest

RAFIQ = {
    "forenames": "Rafiq",
    "surname": "Choudhury",
    "date_of_birth": "1977-04-02",
    "sex": "male",
    "postcode": "NG6 8JJ",
}
THOMAS = {
    "forenames": "Thomas",
    "surname": "Macintosh",
    "date_of_birth": "1980-01-04",
    "sex": "male",
    "postcode": "NG4 2AA",
}
THOMAS_REID = {
    "forenames": "Thomas",
    "surname": "Reid",
    "date_of_birth": "1985-10-19",
    "sex": "male",
    "postcode": "NG9 1ZZ",
}
# Beth's own crime: Rafiq Choudhury suspected, no Thomas.
BETH_CRIME = dict(CRIME, event_id="E2", reported_date="2024-02-20")
# Another girl's crime, Amy's sister: a third event.
THIRD_CRIME = dict(CRIME, event_id="E3", reported_date="2024-04-11")

Events = list[tuple[dict[str, Any], list[tuple[str, str]]]]


def _police(tmp: Path, people: dict[str, dict[str, Any]], events: Events) -> Path:
    """A police submission of several events: ``people`` by person id, each event with its
    (person id, role) pairs."""
    return write_submission(
        tmp / "notts-police",
        manifest("notts-police", "police"),
        {
            "persons": [{"person_id": pid, **p} for pid, p in people.items()],
            "events": [event for event, _who in events],
            "involvements": [
                {"event_id": event["event_id"], "person_id": pid, "role": role}
                for event, who in events
                for pid, role in who
            ],
        },
    )


def _linked(
    tmp: Path, linked: Linked, people: dict[str, dict[str, Any]], events: Events
) -> duckdb.DuckDBPyConnection:
    """The police events, and Beth's strategy meeting naming "Thomas" beside her."""
    con = connect(tmp / "store.duckdb")
    ingest(con, _police(tmp, people, events))
    meeting = write_submission(
        tmp / "notts-csc",
        manifest("notts-csc", "childrens_social_care"),
        {
            "persons": [{"person_id": "C0", **BETH}, {"person_id": "C1", "forenames": "Thomas"}],
            "events": [MEETING],
            "involvements": [
                {"event_id": "M1", "person_id": "C0", "role": "subject"},
                {"event_id": "M1", "person_id": "C1", "role": "associate"},
            ],
        },
    )
    ingest(con, meeting)
    run(con, model_json=linked.model_json)
    return con


def test_the_one_man_of_that_name_around_her_abuser_links(linked: Linked, tmp_path: Path) -> None:
    """Beth's meeting names "Thomas"; no Thomas is recorded with Beth. Rafiq Choudhury is
    suspected of her crime, and police hold him with Thomas Macintosh against Amy:
    "Thomas" is Thomas Macintosh, and the join rests on Rafiq's record."""
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": THOMAS, "P3": BETH},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") == _entity(con, "notts-police:P2")
        [(key, anchor, outcome, reason, whom, events)] = _context(con)
        assert (key, anchor, outcome, reason) == (
            "notts-csc:C1",
            "notts-police:P2",
            "linked",
            CIRCLE_RULE,
        )
        assert whom == [_entity(con, "notts-police:P1")]
        assert events == ["notts-csc:M1", "notts-police:E1"]
    finally:
        con.close()


def test_two_men_of_that_name_around_her_go_to_review(linked: Linked, tmp_path: Path) -> None:
    """Rafiq Choudhury is held with Thomas Macintosh against Amy and with Thomas Reid
    against another girl: "Thomas" could be either, so he is joined to neither."""
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": THOMAS, "P3": BETH, "P4": THOMAS_REID},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
            (THIRD_CRIME, [("P1", "suspect"), ("P4", "suspect")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") not in {
            _entity(con, "notts-police:P2"),
            _entity(con, "notts-police:P4"),
        }
        [(key, anchor, outcome, reason, *_)] = _context(con)
        assert (key, anchor, outcome, reason) == ("notts-csc:C1", None, "review", AMBIGUOUS_CIRCLE)
    finally:
        con.close()


def test_a_man_not_recorded_as_around_her_gives_no_circle(linked: Linked, tmp_path: Path) -> None:
    """Rafiq Choudhury only reported Beth's crime (a reporting person is not in a linking
    role), so the men he is recorded with are not the men around her."""
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": THOMAS, "P3": BETH},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "reporting_person")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") != _entity(con, "notts-police:P2")
        assert _context(con) == []
    finally:
        con.close()


def test_the_named_man_must_be_in_a_linking_role_with_him(linked: Linked, tmp_path: Path) -> None:
    """Thomas Macintosh only witnessed the crime Rafiq Choudhury is suspected of against
    Amy: recorded with him, but not as one of the men around an offence."""
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": THOMAS, "P3": BETH},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "witness")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") != _entity(con, "notts-police:P2")
        assert _context(con) == []
    finally:
        con.close()


def test_the_child_s_own_adults_come_first(linked: Linked, tmp_path: Path) -> None:
    """Thomas Reid is recorded with Beth herself; Thomas Macintosh only with Rafiq
    Choudhury. The child's own adults are the stronger context: "Thomas" is Thomas Reid."""
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": THOMAS, "P3": BETH, "P4": THOMAS_REID},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect"), ("P4", "associate")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") == _entity(con, "notts-police:P4")
        [(_key, anchor, outcome, reason, *_)] = _context(con)
        assert (anchor, outcome) == ("notts-police:P4", "linked")
        assert reason != CIRCLE_RULE
    finally:
        con.close()


def test_a_middle_name_is_not_the_name_he_is_called(linked: Linked, tmp_path: Path) -> None:
    """Rafiq Choudhury's co-suspect is Imran Thomas Reid: "Thomas" is not read as him (a
    man is called by his first forename or a name he is known by)."""
    imran = dict(THOMAS_REID, forenames="Imran Thomas")
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": imran, "P3": BETH},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") != _entity(con, "notts-police:P2")
        assert _context(con) == []
    finally:
        con.close()


def test_sex_and_ethnicity_are_never_read_around_the_child(linked: Linked, tmp_path: Path) -> None:
    """Thomas Macintosh recorded as female and of another ethnicity than the meeting's
    "Thomas" is still the one Thomas around her abuser: the men around her are the
    evidence, not protected characteristics."""
    thomas = dict(THOMAS, sex="female", ethnicity_self_defined="A1")
    con = _linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": RAFIQ, "P2": thomas, "P3": BETH},
        [
            (CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
        ],
    )
    try:
        assert _entity(con, "notts-csc:C1") == _entity(con, "notts-police:P2")
    finally:
        con.close()
