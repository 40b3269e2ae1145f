"""Two first names recorded together, resolved through the two named men recorded
together elsewhere (``linkage/context_pairs.py``), end to end: ingest, the linkage run
with the shared model, the entities and ``link_context``."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.ingest import ingest
from clearsight.linkage import explain_entity, run
from clearsight.linkage.context import (
    AMBIGUOUS_COMPANION,
    AMBIGUOUS_PAIR,
    COMPANION_RULE,
    PAIR_RULE,
)
from clearsight.store import connect
from tests.linkage.conftest import Linked
from tests.linkage.test_context import (
    AMY,
    BETH,
    CRIME,
    MEETING,
    TYLER,
    _context,
    _entity,
    _linked,
    _source,
)

KIERAN = {
    "forenames": "Kieran",
    "surname": "Doherty",
    "date_of_birth": "1992-03-09",
    "sex": "male",
    "postcode": "NG5 1XY",
}
KIERAN_WARD = {
    "forenames": "Kieran",
    "surname": "Ward",
    "date_of_birth": "1988-06-30",
    "sex": "male",
    "postcode": "NG8 2PL",
}
CAI = {
    "forenames": "Cai",
    "surname": "Pryce",
    "date_of_birth": "1995-11-21",
    "sex": "male",
    "postcode": "NG7 4RR",
}

# Beth's meeting: two adults she names by first name only.
THIN_PAIR = [
    (BETH, "subject"),
    ({"forenames": "Kieran"}, "associate"),
    ({"forenames": "Cai"}, "associate"),
]


def _reasons(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str, str]]:
    return {key: (anchor, outcome, reason) for key, anchor, outcome, reason, *_ in _context(con)}


def test_two_first_names_are_the_two_men_recorded_together(linked: Linked, tmp_path: Path) -> None:
    """Beth's meeting names "Kieran" and "Cai"; police hold Kieran Doherty and Cai Pryce as
    suspects together against Amy. No child, named companion or place is in common: the
    two names are the evidence. One joins through the pair, the other then through him as
    a named companion (or through the pair in the same round)."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
        meeting=THIN_PAIR,
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P2") == _entity(con, "notts-police:P2")
        reasons = _reasons(con)
        assert reasons["notts-csc:P1"][:2] == ("notts-police:P1", "linked")
        assert reasons["notts-csc:P2"][:2] == ("notts-police:P2", "linked")
        assert {reasons[k][2] for k in reasons} <= {PAIR_RULE, COMPANION_RULE}
        assert PAIR_RULE in {reasons[k][2] for k in reasons}
        # The join says whom it rests on (the other first name) and where.
        [row] = [r for r in _context(con) if r[3] == PAIR_RULE][:1]
        assert row[5] == ["notts-csc:M1", "notts-police:E1"]
        explained = explain_entity(con, _entity(con, "notts-police:P1"))
        assert [c.reason for c in explained.context] in ([PAIR_RULE], [COMPANION_RULE])
    finally:
        con.close()


def test_two_men_of_the_name_with_the_other_go_to_review(linked: Linked, tmp_path: Path) -> None:
    """Cai Pryce is recorded with two Kierans: "Kieran" beside "Cai" could be either, so
    he is joined to neither; "Cai" is the one Cai recorded with a Kieran, and joins Cai
    Pryce. Then "Kieran" has a named companion, and two Kierans recorded with him: the
    record goes to review, saying so."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "suspect"), (KIERAN_WARD, "suspect"), (CAI, "suspect")],
        meeting=THIN_PAIR,
    )
    try:
        kieran = _entity(con, "notts-csc:P1")
        assert kieran not in {_entity(con, "notts-police:P1"), _entity(con, "notts-police:P2")}
        reasons = _reasons(con)
        assert reasons["notts-csc:P1"] == (None, "review", AMBIGUOUS_COMPANION)
        assert reasons["notts-csc:P2"] == ("notts-police:P3", "linked", PAIR_RULE)
    finally:
        con.close()


def test_two_pairs_of_those_names_go_to_review(linked: Linked, tmp_path: Path) -> None:
    """Kieran Doherty and Cai Pryce are suspects together against Amy, Kieran Ward and Cai
    Jones against another girl: "Kieran" and "Cai" could be either pair, so neither
    record is joined and both go to review."""
    con = connect(tmp_path / "store.duckdb")
    try:
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police",
                "police",
                CRIME,
                [(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
            ),
        )
        jones = dict(CAI, surname="Jones", date_of_birth="1990-01-15", postcode="NG1 5DT")
        second = dict(CRIME, event_id="E2", reported_date="2024-02-02")
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police-2",
                "police",
                second,
                [(KIERAN_WARD, "suspect"), (jones, "suspect")],
            ),
        )
        ingest(con, _source(tmp_path, "notts-csc", "childrens_social_care", MEETING, THIN_PAIR))
        run(con, model_json=linked.model_json)
        reasons = _reasons(con)
        assert reasons["notts-csc:P1"] == (None, "review", AMBIGUOUS_PAIR)
        assert reasons["notts-csc:P2"] == (None, "review", AMBIGUOUS_PAIR)
        named = {_entity(con, k) for k in ("notts-police:P1", "notts-police:P2")}
        named |= {_entity(con, k) for k in ("notts-police-2:P0", "notts-police-2:P1")}
        assert not {_entity(con, "notts-csc:P1"), _entity(con, "notts-csc:P2")} & named
    finally:
        con.close()


def test_one_first_name_alone_joins_no_one(linked: Linked, tmp_path: Path) -> None:
    """ "Kieran" alone at Beth's meeting: a forename is no identity, and no other first
    name beside it makes a pair."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
        meeting=[(BETH, "subject"), ({"forenames": "Kieran"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _context(con) == []
    finally:
        con.close()


def test_men_recorded_together_outside_a_linking_role_make_no_pair(
    linked: Linked, tmp_path: Path
) -> None:
    """Kieran Doherty reported the crime Cai Pryce is suspected of: recorded together, but
    not as the men around an offence (a reporting person is not in a linking role), so the
    two first names are not theirs by this rule."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "reporting_person"), (CAI, "suspect")],
        meeting=THIN_PAIR,
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P2") != _entity(con, "notts-police:P2")
        assert _context(con) == []
    finally:
        con.close()


def test_the_other_name_s_birth_year_must_fit_its_man(linked: Linked, tmp_path: Path) -> None:
    """ "Cai, born 2005" is not Cai Pryce (born 1995): the pair does not stand, and
    "Kieran" beside him is not resolved by it either."""
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
        meeting=[
            (BETH, "subject"),
            ({"forenames": "Kieran"}, "associate"),
            ({"forenames": "Cai", "date_of_birth": "2005"}, "associate"),
        ],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P2") != _entity(con, "notts-police:P2")
        assert _context(con) == []
    finally:
        con.close()


def test_a_named_companion_comes_before_the_pair(linked: Linked, tmp_path: Path) -> None:
    """Beth's meeting names "Kieran" beside Tyler Thompson and "Cai"; police hold Kieran
    Ward with Tyler Thompson, and Kieran Doherty with Cai Pryce. The named companion is
    stronger evidence than a second first name: "Kieran" is Kieran Ward, and the pair
    context, read only once the stronger ones join nothing more, no longer sees "Cai"
    beside a Kieran known only by his first name."""
    con = connect(tmp_path / "store.duckdb")
    try:
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police",
                "police",
                CRIME,
                [(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
            ),
        )
        second = dict(CRIME, event_id="E2", reported_date="2024-02-02")
        ingest(
            con,
            _source(
                tmp_path,
                "notts-police-2",
                "police",
                second,
                [(KIERAN_WARD, "suspect"), (TYLER, "suspect")],
            ),
        )
        ingest(
            con,
            _source(
                tmp_path,
                "notts-csc",
                "childrens_social_care",
                MEETING,
                [
                    (BETH, "subject"),
                    ({"forenames": "Kieran"}, "associate"),
                    (TYLER, "associate"),
                    ({"forenames": "Cai"}, "associate"),
                ],
            ),
        )
        run(con, model_json=linked.model_json)
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police-2:P0")
        assert _reasons(con)["notts-csc:P1"] == ("notts-police-2:P0", "linked", COMPANION_RULE)
        # "Cai" stood beside Kieran Ward, not Kieran Doherty: Cai Pryce is not his man.
        assert _entity(con, "notts-csc:P3") != _entity(con, "notts-police:P2")
    finally:
        con.close()


def test_a_middle_name_is_not_the_name_a_man_is_called(linked: Linked, tmp_path: Path) -> None:
    """Police hold Imran Ali Khan and Cai Pryce together: "Ali" beside "Cai" is not Imran
    Ali Khan. A man is called by his first forename or a name he is known by, and two
    first names are too thin to be read against every middle name as well."""
    imran = {
        "forenames": "Imran Ali",
        "surname": "Khan",
        "date_of_birth": "1998-05-30",
        "sex": "male",
        "postcode": "NG3 9LL",
    }
    meeting = [(BETH, "subject"), ({"forenames": "Ali"}, "associate")]
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (imran, "suspect"), (CAI, "suspect")],
        meeting=[*meeting, ({"forenames": "Cai"}, "associate")],
    )
    try:
        assert _entity(con, "notts-csc:P1") != _entity(con, "notts-police:P1")
        assert "notts-csc:P1" not in _reasons(con)
    finally:
        con.close()


def test_sex_and_ethnicity_are_never_read_in_a_pair(linked: Linked, tmp_path: Path) -> None:
    """Protected characteristics are not identity evidence here: "Kieran" and "Cai"
    recorded as female and of another ethnicity than Kieran Doherty and Cai Pryce still
    join them, as when they agree (the two names recorded together are the evidence)."""
    other = {"sex": "female", "ethnicity_self_defined": "A1", "ethnicity_officer_defined": "IC4"}
    con = _linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (KIERAN, "suspect"), (CAI, "suspect")],
        meeting=[
            (BETH, "subject"),
            ({"forenames": "Kieran", **other}, "associate"),
            ({"forenames": "Cai", **other}, "associate"),
        ],
    )
    try:
        assert _entity(con, "notts-csc:P1") == _entity(con, "notts-police:P1")
        assert _entity(con, "notts-csc:P2") == _entity(con, "notts-police:P2")
    finally:
        con.close()
