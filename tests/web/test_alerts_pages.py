"""The alerts pages: an analyst of the area reads, opens and acknowledges an alert raised by
a real ingest and `clearsight link --new`; another area's analyst cannot; the digest as a
page and as JSON; watches from the web; every view audited."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearsight.web import WebSettings, create_app
from tests.web.arrivals import HOME, OTHER, Arrived, arrive, copy_store
from tests.web.client import Client
from tests.web.conftest import csrf_of, do_login
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

ANALYST, ELSEWHERE = f"analyst-{HOME}", f"analyst-{OTHER}"


@pytest.fixture(scope="module")
def arrived(built_linked: Built, tmp_path_factory: pytest.TempPathFactory) -> Arrived:
    return arrive(built_linked, tmp_path_factory.mktemp("arrived-pages"))


@pytest.fixture
def site(arrived: Arrived, tmp_path: Path) -> Iterator[tuple[Built, object]]:
    store = copy_store(arrived.built, tmp_path)
    app = create_app(store.db, WebSettings())
    yield store, app
    app.state.store.close()


def _client(site: tuple[Built, object], name: str) -> Client:
    store, app = site
    client = Client(app)  # type: ignore[arg-type]
    assert do_login(client, name, store.passwords[name]) == 303
    return client


def _alert_ids(db: Path, area: str) -> list[int]:
    rows = query(db, "SELECT alert_id FROM alerts WHERE area = ? ORDER BY alert_id", [area])
    return [int(str(r[0])) for r in rows]


def test_the_area_analyst_sees_opens_and_acknowledges_an_alert(
    site: tuple[Built, object], arrived: Arrived
) -> None:
    store, _app = site
    ids = _alert_ids(store.db, HOME)
    assert ids
    client = _client(site, ANALYST)
    page = client.get("/alerts")
    assert page.status_code == 200
    assert set(re.findall(r'href="/alerts/(\d+)"', page.text)) == {str(i) for i in ids}
    # The member's new record is in this area: named, with the network linked.
    assert f'href="/network/{arrived.network}"' in page.text
    badge = client.get("/alerts/unread")
    assert f">{len(ids)}<" in badge.text
    # One alert: the new record, the person, why it linked (the waterfall).
    (first,) = [
        int(str(r[0]))
        for r in query(
            store.db,
            "SELECT alert_id FROM alerts WHERE area = ? AND entity_id = ? AND network_id = ?",
            [HOME, arrived.member, arrived.network],
        )
    ]
    one = client.get(f"/alerts/{first}")
    assert one.status_code == 200
    assert "Why the record linked" in one.text and "date_of_birth" in one.text
    assert f'href="/person/{arrived.member}"' in one.text
    token = csrf_of(client)
    done = client.post(f"/alerts/{first}/acknowledge", data={"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    acked = query(store.db, "SELECT acknowledged_by FROM alerts WHERE alert_id = ?", [first])
    assert acked == [(ANALYST,)]
    assert f">{len(ids) - 1}<" in client.get("/alerts/unread").text or len(ids) == 1
    assert str(first) not in re.findall(
        r'href="/alerts/(\d+)"', client.get("/alerts?unread=1").text
    )
    # Without the token nothing changes.
    refused = client.post(f"/alerts/{ids[-1]}/acknowledge", data={}, follow_redirects=False)
    assert refused.status_code in (400, 403)
    actions = audit_actions(store.db, ANALYST)
    assert ("view_alert", f"alert:{first}", None) in actions
    assert ("alert_acknowledge", f"alert:{first}", None) in actions
    assert any(a == "view_alerts" for a, _t, _r in actions)


def test_another_areas_alert_is_not_found_and_its_record_is_not_named(
    site: tuple[Built, object], arrived: Arrived
) -> None:
    store, _app = site
    home_ids = _alert_ids(store.db, HOME)
    other_ids = _alert_ids(store.db, OTHER)
    assert home_ids and other_ids
    client = _client(site, ELSEWHERE)
    for alert_id in home_ids:
        assert client.get(f"/alerts/{alert_id}").status_code == 404
        token = csrf_of(client)
        assert (
            client.post(f"/alerts/{alert_id}/acknowledge", data={"csrf": token}).status_code == 404
        )
    # Their own alert (the child they watch) names no record of the other area.
    page = client.get(f"/alerts/{other_ids[0]}")
    assert page.status_code == 200
    names = query(
        store.db,
        "SELECT forenames || ' ' || surname FROM current_persons WHERE source_id = ?",
        ["west-yorkshire-vcs"],
    )
    assert names
    for (name,) in names:
        assert str(name).lower() not in page.text.lower()
    assert "RX-" in page.text
    # Roles without alerts are refused.
    partner = next(n for n in store.passwords if n.startswith("partner"))
    assert _client(site, partner).get("/alerts").status_code == 403


def test_digest_page_and_json(site: tuple[Built, object]) -> None:
    store, _app = site
    ids = _alert_ids(store.db, HOME)
    assert ids
    (day,) = query(store.db, "SELECT DISTINCT strftime(created_at, '%Y-%m-%d') FROM alerts")
    client = _client(site, ANALYST)
    found = client.get(f"/alerts/digest.json?day={day[0]}")
    assert found.status_code == 200
    digest = json.loads(found.text)
    assert digest["total"] == len(ids) and digest["area"] == HOME
    assert {a["alert_id"] for a in digest["alerts"]} == set(ids)
    assert sum(digest["by_kind"].values()) == len(ids)
    page = client.get(f"/alerts/digest?day={day[0]}")
    assert page.status_code == 200 and f"{len(ids)} alert" in page.text
    empty = json.loads(client.get("/alerts/digest.json?day=2001-01-01").text)
    assert empty["total"] == 0 and empty["alerts"] == []
    assert client.get("/alerts/digest?day=12/05/2026").status_code == 400
    assert any(a == "view_alert_digest" for a, _t, _r in audit_actions(store.db, ANALYST))


def test_watch_from_the_web_only_what_the_analyst_may_see(
    site: tuple[Built, object], arrived: Arrived
) -> None:
    store, _app = site
    client = _client(site, ANALYST)
    token = csrf_of(client)
    person = client.get(f"/person/{arrived.member}")
    assert 'id="watch-this"' in person.text
    added = client.post(
        "/watches",
        data={"csrf": token, "kind": "person", "target": arrived.member},
        follow_redirects=False,
    )
    assert added.status_code == 303
    listed = client.get("/watches")
    ((watch_id,),) = query(
        store.db,
        "SELECT watch_id FROM watches WHERE owner = ? AND target_id = ? AND removed_at IS NULL",
        [ANALYST, arrived.member],
    )
    assert (
        f'id="watch-{watch_id}"' in listed.text
        and f'href="/person/{arrived.member}"' in listed.text
    )
    # Someone only in the other area: refused as if it did not exist.
    (hidden,) = query(
        store.db,
        "SELECT pe.entity_id FROM person_entities pe JOIN sources s USING (source_id) "
        "GROUP BY pe.entity_id HAVING bool_and(s.area = ?) ORDER BY 1 LIMIT 1",
        [OTHER],
    )
    refused = client.post(
        "/watches", data={"csrf": token, "kind": "person", "target": str(hidden[0])}
    )
    assert refused.status_code == 400 and "that you may see" in refused.text
    removed = client.post(
        f"/watches/{watch_id}/remove", data={"csrf": token}, follow_redirects=False
    )
    assert removed.status_code == 303
    assert f'id="watch-{watch_id}"' not in client.get("/watches").text
    # Someone else's watch cannot be removed.
    other = _client(site, ELSEWHERE)
    assert (
        other.post(f"/watches/{watch_id}/remove", data={"csrf": csrf_of(other)}).status_code == 404
    )
    actions = [a for a, _t, _r in audit_actions(store.db, ANALYST)]
    assert "watch_add" in actions and "watch_remove" in actions


def test_while_the_app_holds_the_store_link_new_runs_in_it_and_the_alert_shows(
    built_linked: Built, tmp_path: Path
) -> None:
    from clearsight.store.service import socket_path
    from clearsight.web.jobs import JobServer
    from tests.web.arrivals import NEW_SOURCE, clearsight, copy_submission, member_record

    store = copy_store(built_linked, tmp_path)
    network, member, source, person = member_record(store.db, area=HOME)
    folder = copy_submission(
        store.db, tmp_path / "sub", people=[(source, person)], area=HOME, new_source=NEW_SOURCE
    )
    app = create_app(store.db, WebSettings())
    jobs = JobServer(app.state.store, socket_path(store.db)).start()
    try:
        client = _client((store, app), ANALYST)
        assert 'id="no-alerts"' in client.get("/alerts").text
        for command in (("ingest", str(folder)), ("link", "--new", "--json")):
            done = clearsight(store.db, *command)
            assert done.returncode == 0, done.stderr
        assert "arrival alerts" in done.stdout
        page = client.get("/alerts")
        assert f'href="/network/{network}"' in page.text
        assert re.findall(r'href="/alerts/(\d+)"', page.text)
        assert f'href="/person/{member}"' in page.text
    finally:
        jobs.stop()
        app.state.store.close()
