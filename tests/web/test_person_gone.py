"""A person id that a later run merged away or whose records a newer extract withdrew: the
page says what happened, to whoever could have seen the person, and is audited; anyone
else gets the usual "not found"."""

from __future__ import annotations

import pytest

from clearsight.linkage import decide
from clearsight.linkage.incremental import link_new
from clearsight.store import connect
from tests.web.conftest import Login
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST, OUTSIDER = f"analyst-{HOME}", f"analyst-{OTHER}"


def _home_entities(db: object, n: int) -> list[tuple[str, list[str]]]:
    """Entities whose records all come from one home-area source, largest first."""
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT pe.entity_id, list_sort(list(pe.record_key)) FROM person_entities pe"
        " JOIN sources s USING (source_id) GROUP BY 1"
        " HAVING bool_and(s.area = ?) AND count(DISTINCT pe.source_id) = 1"
        " ORDER BY count(*) DESC, 1 LIMIT ?",
        [HOME, n],
    )
    return [(str(e), [str(k) for k in keys]) for e, keys in rows]


@pytest.fixture
def changed(store: Built) -> tuple[str, str, str, str]:
    """Withdraw one entity's records, merge two others, before the app starts (as a
    handed-over ``link --new`` would, whose end rebuilds the serving copies); returns
    (withdrawn, its source, retired, kept)."""
    found = _home_entities(store.db, 3)
    assert len(found) == 3, "the fixture store has three home-area entities"
    (gone, gone_keys), (a, a_keys), (b, b_keys) = found
    source = gone_keys[0].split(":", 1)[0]
    con = connect(store.db)
    try:
        batch = con.execute("SELECT max(batch_id) + 1 FROM batches").fetchall()[0][0]
        con.execute(
            "INSERT INTO batches SELECT ?, source_id, organisation, agency_type, area,"
            " DATE '2026-11-30', period_start, period_end, standard_version, submission,"
            " submission_sha256, now(), 'current' FROM batches WHERE source_id = ? LIMIT 1",
            [batch, source],
        )
        con.execute(
            "UPDATE persons SET is_current = false, superseded_by = ?"
            " WHERE list_contains(?, source_id || ':' || person_id)",
            [batch, gone_keys],
        )
        decide(con, a_keys[0], b_keys[0], accept=True, reason="one person", by="test")
        link_new(con)
        kept = str(
            con.execute(
                "SELECT entity_id FROM person_entities WHERE record_key = ?", [a_keys[0]]
            ).fetchall()[0][0]
        )
    finally:
        con.close()
    return gone, source, (b if kept == a else a), kept


def test_a_withdrawn_or_merged_person_says_what_happened(
    changed: tuple[str, str, str, str], store: Built, login: Login
) -> None:
    gone, source, retired, kept = changed
    client = login(ANALYST)
    page = client.get(f"/person/{gone}")
    assert page.status_code == 410, page.text[:300]
    assert "This person's records were withdrawn" in page.text
    assert f"the newest extract of {source} does not include them" in page.text
    page = client.get(f"/person/{retired}")
    assert page.status_code == 200, page.text[:300]
    assert "This person's records have moved" in page.text
    assert f'href="/person/{kept}"' in page.text
    assert client.get(f"/person/{kept}").status_code == 200
    views = [t for a, t, _r in audit_actions(store.db, ANALYST) if a == "view_person"]
    assert f"entity:{gone}" in views and f"entity:{retired}" in views
    # An id that never existed is still plain "not found".
    assert client.get("/person/ENOTANID").status_code == 404


def test_someone_who_could_not_see_the_person_is_told_nothing(
    changed: tuple[str, str, str, str], login: Login
) -> None:
    gone, _source, retired, kept = changed
    client = login(OUTSIDER)
    for entity_id in (gone, retired):
        page = client.get(f"/person/{entity_id}")
        assert page.status_code == 404
        assert "withdrawn" not in page.text and kept not in page.text
