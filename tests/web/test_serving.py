"""What keeps pages cheap without changing what they show: serving copies and their
indexes, explanations read by index, reference data cached no longer than access allows,
and logins kept off the event loop."""

from __future__ import annotations

import asyncio
import re

import duckdb
import httpx
import pytest
from markupsafe import escape

from clearsight.access import seal_record
from clearsight.web import WebSettings, create_app
from tests.web.conftest import Login
from tests.web.helpers import people_in, query
from tests.web.store import CSRF, Built

HOME = "west-yorkshire"
ANALYST = f"analyst-{HOME}"


def _compression(db: object, table: str, column: str) -> set[str]:
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT DISTINCT compression FROM pragma_storage_info(?)"
        " WHERE column_name = ? AND segment_type = 'VARCHAR'",
        [table, column],
    )
    return {str(r[0]) for r in rows}


def _indexed(db: object, table: str) -> list[str]:
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT expressions FROM duckdb_indexes() WHERE table_name = ?",
        [table],
    )
    return [str(r[0]) for r in rows]


@pytest.mark.linked
def test_pages_look_up_by_key_what_start_up_and_linkage_wrote(store: Built, login: Login) -> None:
    client = login(ANALYST)  # the app has started: serving copies are built
    assert client.get("/networks").status_code == 200
    query(store.db, "CHECKPOINT")
    latest = query(store.db, "SELECT max(run_id) FROM link_runs WHERE status = 'finished'")
    assert query(store.db, "SELECT DISTINCT run_id FROM entity_explanations") == latest
    assert _indexed(store.db, "entity_explanations") == ["[entity_id]"]
    assert _indexed(store.db, "web_networks") == ["[network_id]"]
    assert sorted(_indexed(store.db, "web_persons")) == ["[entity_id]", "[k]"]
    # A ZSTD segment would be decompressed whole to fetch one document.
    assert _compression(store.db, "web_networks", "payload") == {"Uncompressed"}


def test_sealing_while_serving_takes_effect_on_the_next_page(store: Built, login: Login) -> None:
    entity, surname = people_in(store.db, HOME, 1)[0]
    client = login(ANALYST)
    before = client.get(f"/person/{entity}")
    assert before.status_code == 200 and surname.lower() in before.text.lower()
    source_id, person_id = entity.split("/", 1)
    con = duckdb.connect(str(store.db))  # the app's own database instance, in this process
    try:
        seal_record(con, source_id, person_id, actor="system:test")
    finally:
        con.close()
    after = client.get(f"/person/{entity}")
    assert after.status_code == 200 and "Sealed record" in after.text
    assert surname.lower() not in after.text.lower()


def test_a_burst_of_logins_queues_and_pages_still_answer(store: Built) -> None:
    """Logins wait for one of ``login_concurrency`` turns without holding the event loop:
    all succeed, and a page asked for meanwhile is answered."""
    app = create_app(store.db, WebSettings(login_concurrency=1))
    names = [n for n in store.passwords if n.startswith(("analyst-", "partner-"))]

    async def log_in(client: httpx.AsyncClient, name: str) -> int:
        form = await client.get("/login")
        token = CSRF.search(form.text)
        assert token
        done = await client.post(
            "/login",
            data={"username": name, "password": store.passwords[name], "csrf": token.group(1)},
        )
        return done.status_code

    async def burst() -> tuple[list[int], int]:
        transport = httpx.ASGITransport(app=app)
        clients = [httpx.AsyncClient(transport=transport, base_url="http://t") for _ in names]
        page = httpx.AsyncClient(transport=transport, base_url="http://t")
        try:
            pairs = zip(clients, names, strict=True)
            logins = [asyncio.create_task(log_in(c, n)) for c, n in pairs]
            health = (await page.get("/healthz")).status_code
            return list(await asyncio.gather(*logins)), health
        finally:
            for c in [*clients, page]:
                await c.aclose()

    try:
        statuses, health = asyncio.run(burst())
    finally:
        app.state.store.close()
    assert health == 200
    assert statuses == [303] * len(names)
    logged = query(store.db, "SELECT count(*) FROM audit_log WHERE action = 'login'")
    assert int(str(logged[0][0])) >= len(names)


def test_person_page_reads_sources_once_cached(store: Built, login: Login) -> None:
    """The page still names each record's organisation (sources come from the cache)."""
    entity, _surname = people_in(store.db, HOME, 1)[0]
    source_id = entity.split("/", 1)[0]
    organisation = str(
        query(store.db, "SELECT organisation FROM sources WHERE source_id = ?", [source_id])[0][0]
    )
    page = login(ANALYST).get(f"/person/{entity}")
    assert page.status_code == 200
    assert str(escape(organisation)) in page.text


@pytest.mark.linked
def test_person_page_lists_the_entitys_networks(store: Built, login: Login) -> None:
    """Read from memory once; the same networks the tables give."""
    rows = query(
        store.db,
        "SELECT m.entity_id FROM network_members m JOIN person_entities pe USING (entity_id)"
        " JOIN sources s USING (source_id) GROUP BY 1"
        " HAVING bool_and(s.area = ?) ORDER BY count(DISTINCT m.network_id) DESC, 1 LIMIT 3",
        [HOME],
    )
    assert rows, "no home-area entity is in a network"
    # A child a network offended against is in its picture: her page says so.
    victims = query(
        store.db,
        "SELECT v.entity_id FROM network_victims v JOIN person_entities pe USING (entity_id)"
        " JOIN sources s USING (source_id) GROUP BY 1 HAVING bool_and(s.area = ?)"
        " ORDER BY 1 LIMIT 2",
        [HOME],
    )
    assert victims, "no home-area child is in a network's picture"
    rows += victims
    client = login(ANALYST)
    for (entity_id,) in rows:
        page = client.get(f"/person/{entity_id}")
        assert page.status_code == 200
        want = query(
            store.db,
            "SELECT network_id FROM network_members WHERE entity_id = ? UNION ALL "
            "SELECT network_id FROM network_victims WHERE entity_id = ? ORDER BY 1",
            [entity_id, entity_id],
        )
        shown = re.findall(r'href="/network/([^"/]+)"', page.text)
        assert shown == [str(r[0]) for r in want]
