"""The person page says why a record named by a first name only is the man it joined: the
child or the named companion they are recorded with (``linkage/context.py``), not a score.
Real ingest, the linkage run with the shared test model, the app over the store;
everything fictional."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from clearsight.access.users import create_demo_users
from clearsight.linkage.context import CIRCLE_RULE, COMPANION_RULE, PAIR_RULE, PLACE_RULE, RULE
from clearsight.web import WebSettings, create_app
from tests.linkage.conftest import Linked, linked  # noqa: F401  (the session fixture)
from tests.linkage.test_context import ALI_KHAN, AMY, BETH, TYLER, _entity, _linked
from tests.web.client import Client
from tests.web.conftest import do_login


def _person_page(
    linked: Linked,  # noqa: F811
    tmp_path: Path,
    police: list[tuple[dict[str, Any], str]],
    meeting: list[tuple[dict[str, Any], str]],
) -> str:
    """The person page of the man "Ali" (the social care record P1) was joined to, as an
    analyst of the area sees it."""
    return _page_of(tmp_path, _linked(tmp_path, linked, police=police, meeting=meeting))


def _page_of(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> str:
    """The person page of the entity the record notts-police:P1 is in, which must hold
    the social care record P1 too (the store is closed here)."""
    entity = _entity(con, "notts-police:P1")
    assert entity == _entity(con, "notts-csc:P1")
    return _page_of_entity(tmp_path, con, entity)


def _page_of_entity(tmp_path: Path, con: duckdb.DuckDBPyConnection, entity: str) -> str:
    """The person page of ``entity``, as an analyst of the area sees it (the store is
    closed here)."""
    passwords = {name: pw for name, _role, _area, pw in create_demo_users(con)}
    con.close()
    app = create_app(tmp_path / "store.duckdb", WebSettings())
    client = Client(app, base_url="http://testserver")
    try:
        name = "analyst-nottinghamshire"
        assert do_login(client, name, passwords[name]) == 303
        page = client.get(f"/person/{entity}")
        assert page.status_code == 200
        return page.text
    finally:
        client.close()
        app.state.store.close()


@pytest.mark.parametrize(
    ("police", "meeting", "whom", "rule"),
    [
        # "Ali" at Amy's meeting: the one Ali recorded with her.
        (
            [(AMY, "victim"), (ALI_KHAN, "suspect")],
            [(AMY, "subject"), ({"forenames": "Ali"}, "associate")],
            "child",
            RULE,
        ),
        # "Ali" beside Tyler Thompson at Beth's meeting: the one Ali recorded with him.
        (
            [(AMY, "victim"), (ALI_KHAN, "suspect"), (TYLER, "suspect")],
            [(BETH, "subject"), ({"forenames": "Ali"}, "associate"), (TYLER, "associate")],
            "companion",
            COMPANION_RULE,
        ),
    ],
    ids=["child", "companion"],
)
def test_the_person_page_says_whom_the_join_rests_on(
    linked: Linked,  # noqa: F811
    tmp_path: Path,
    police: list[tuple[dict[str, Any], str]],
    meeting: list[tuple[dict[str, Any], str]],
    whom: str,
    rule: str,
) -> None:
    text = _person_page(linked, tmp_path, police, meeting)
    assert f"joined through the {whom} they are recorded with" in text
    other = "companion" if whom == "child" else "child"
    assert f"joined through the {other} they are recorded with" not in text
    assert rule in text
    assert "notts-csc:M1" in text


def test_the_person_page_says_the_place_the_join_rests_on(
    linked: Linked,  # noqa: F811
    tmp_path: Path,
) -> None:
    """ "Ali", found with Beth at the flat police recorded Ali Khan at: the page names the
    place (postcode and type), says it is the evidence, and shows no score."""
    from tests.linkage import test_context_place as place

    con = place._linked(
        tmp_path,
        linked,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect")],
        found=[(BETH, "subject"), ({"forenames": "Ali"}, "associate")],
    )
    text = _page_of(tmp_path, con)
    assert "joined through the private place they are recorded at" in text
    assert f"recorded at {place.FLAT} (residential)" in text
    assert PLACE_RULE in text and "notts-csc:V1" in text
    assert "joined through the child they are recorded with" not in text


def test_the_person_page_says_a_join_rests_on_two_first_names(
    linked: Linked,  # noqa: F811
    tmp_path: Path,
) -> None:
    """ "Ali" and "Tyler" at Beth's meeting, both known by first name only, are the one Ali
    and Tyler police recorded together: the page says the two names are the evidence, and
    not a child or a companion."""
    text = _person_page(
        linked,
        tmp_path,
        police=[(AMY, "victim"), (ALI_KHAN, "suspect"), (TYLER, "suspect")],
        meeting=[
            (BETH, "subject"),
            ({"forenames": "Ali"}, "associate"),
            ({"forenames": "Tyler"}, "associate"),
        ],
    )
    assert "joined through the other first name recorded beside them" in text
    assert PAIR_RULE in text and "notts-csc:M1" in text
    assert "joined through the child they are recorded with" not in text
    assert "joined through the companion they are recorded with" not in text


def test_the_person_page_says_a_join_rests_on_the_men_around_the_child(
    linked: Linked,  # noqa: F811
    tmp_path: Path,
) -> None:
    """ "Thomas" at Beth's meeting is the one Thomas recorded with Rafiq Choudhury, who is
    suspected of her crime: the page says the men around her are the evidence."""
    from tests.linkage import test_context_circle as circle

    con = circle._linked(
        tmp_path,
        linked,
        {"P0": AMY, "P1": circle.RAFIQ, "P2": circle.THOMAS, "P3": BETH},
        [
            (circle.CRIME, [("P0", "victim"), ("P1", "suspect"), ("P2", "suspect")]),
            (circle.BETH_CRIME, [("P3", "victim"), ("P1", "suspect")]),
        ],
    )
    entity = _entity(con, "notts-police:P2")
    assert entity == _entity(con, "notts-csc:C1")
    text = _page_of_entity(tmp_path, con, entity)
    assert "joined through the men recorded around the child" in text
    assert CIRCLE_RULE in text and "notts-csc:M1" in text
    assert "joined through the child they are recorded with" not in text
