"""On a store the whole pipeline built (synth, ingest, linkage, networks, screening): entity
pages show every linked record with the linkage explanation, and review decisions."""

from __future__ import annotations

import re

import pytest

from clearsight.audit import verify
from clearsight.linkage import explain_entity
from clearsight.store import connect
from tests.web.conftest import Login, csrf_of
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


def _entities(db: object, *, home_only: bool) -> list[str]:
    """Entities of two or more records with at least one at home; all at home, or not."""
    having = "bool_and(s.area = ?)" if home_only else "bool_or(s.area = ?) AND bool_or(s.area <> ?)"
    params: list[object] = [HOME] if home_only else [HOME, HOME]
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT pe.entity_id FROM person_entities pe JOIN sources s USING (source_id)"
        f" GROUP BY 1 HAVING count(*) >= 2 AND {having} ORDER BY count(*) DESC, 1 LIMIT 3",
        params,
    )
    return [str(r[0]) for r in rows]


def test_entity_page_shows_linked_records_and_explanation(store: Built, login: Login) -> None:
    entities = _entities(store.db, home_only=True)
    assert entities, "linkage linked no home-area records"
    client = login(ANALYST)
    for entity_id in entities:
        con = connect(store.db, read_only=False)
        try:
            explanation = explain_entity(con, entity_id)
        finally:
            con.close()
        page = client.get(f"/person/{entity_id}")
        assert page.status_code == 200, page.text[:300]
        # Every record side by side: one column per record, headed source/person.
        headed = re.findall(r"<br><small>([^<]+)</small></th>", page.text)
        want = sorted(f"{r['source_id']}/{r['person_id']}" for r in explanation.records)
        assert sorted(headed) == want
        assert "Linkage not yet run" not in page.text
        # Every scored pair among them, with its waterfall.
        assert page.text.count("<details><summary>") == len(explanation.links)
        for link in explanation.links:
            assert f"{link.record_key_l} ~ {link.record_key_r}" in page.text
            for step in link.steps:
                assert step.comparison in page.text
        views = [t for a, t, _r in audit_actions(store.db, ANALYST) if a == "view_person"]
        assert f"entity:{entity_id}" in views


def test_entity_across_areas_shows_only_home_records(store: Built, login: Login) -> None:
    entities = _entities(store.db, home_only=False)
    if not entities:
        pytest.fail("no entity spans both areas in the fixture store")
    client = login(ANALYST)
    for entity_id in entities:
        page = client.get(f"/person/{entity_id}")
        assert page.status_code == 200
        others = query(
            store.db,
            "SELECT pe.source_id, pe.person_id, pe.record_key FROM person_entities pe"
            " JOIN sources s USING (source_id) WHERE pe.entity_id = ? AND s.area = ?",
            [entity_id, OTHER],
        )
        assert "further record(s)" in page.text
        for source_id, person_id, record_key in others:
            assert f"{source_id}/{person_id}" not in page.text
            assert f"{record_key} ~" not in page.text and f"~ {record_key}" not in page.text


def test_linked_record_is_reached_through_its_entity(store: Built, login: Login) -> None:
    entity = _entities(store.db, home_only=True)[0]
    source_id, person_id = query(
        store.db, "SELECT source_id, person_id FROM person_entities WHERE entity_id = ?", [entity]
    )[0]
    assert login(ANALYST).get(f"/person/{source_id}/{person_id}").status_code == 404


def _home_case(db: object) -> str:
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT case_id FROM review_queue WHERE area = ? ORDER BY score DESC, case_id LIMIT 1",
        [HOME],
    )
    if not rows:
        pytest.fail("screening put no home-area case on the queue")
    return str(rows[0][0])


def test_review_decision_is_recorded_and_audited(store: Built, login: Login) -> None:
    case_id = _home_case(store.db)
    client = login(ANALYST)
    listing = client.get("/review")
    assert listing.status_code == 200 and case_id in listing.text
    token = csrf_of(client)
    reason = "Strategy meeting agreed: refer to the CSE team"
    out = client.post(
        f"/review/{case_id}/decide",
        data={"csrf": token, "decision": "refer", "reason": reason},
        follow_redirects=False,
    )
    assert out.status_code == 303
    after = client.get(out.headers["location"])
    assert "Decision recorded" in after.text
    assert f'id="case-{case_id}"' not in after.text
    decided = query(
        store.db,
        "SELECT decision, reason, decided_by FROM review_decisions WHERE case_id = ?",
        [case_id],
    )
    assert decided == [("refer", reason, ANALYST)]
    assert ("review_decision", case_id, reason) in audit_actions(store.db, ANALYST)
    con = connect(store.db, read_only=False)
    try:
        assert verify(con).ok
    finally:
        con.close()


def test_review_decision_is_checked(store: Built, login: Login) -> None:
    case_id = _home_case(store.db)
    client = login(ANALYST)
    token = csrf_of(client)
    path = f"/review/{case_id}/decide"
    good = {"decision": "no_action", "reason": "Already under a strategy meeting"}
    # Forged (no token), a decision that is neither, a reason too short: nothing recorded.
    assert client.post(path, data=good, follow_redirects=False).status_code == 403
    bad = {"csrf": token, "decision": "close", "reason": good["reason"]}
    assert client.post(path, data=bad).status_code == 400
    assert client.post(path, data={**good, "csrf": token, "reason": "ok"}).status_code == 400
    # Other roles may not decide; another area's case is not there for this analyst.
    for role in ("national", f"partner-{HOME}"):
        other = login(role)
        assert other.post(path, data={**good, "csrf": csrf_of(other)}).status_code == 403
    away = query(store.db, "SELECT case_id FROM review_queue WHERE area = ? LIMIT 1", [OTHER])
    if away:
        out = client.post(f"/review/{away[0][0]}/decide", data={**good, "csrf": token})
        assert out.status_code == 404
    assert query(store.db, "SELECT count(*) FROM review_decisions")[0][0] == 0
