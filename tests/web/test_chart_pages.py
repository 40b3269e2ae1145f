"""The link chart's endpoints through the app: scope, audit, saved charts and exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.web.client import Client
from tests.web.conftest import Login, csrf_of
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


def _network(store: Built, area: str, *, only: bool = False) -> str:
    """The largest network with a child and a record in ``area`` (and in no other area
    when ``only``)."""
    only_sql = "AND n.areas = [?]" if only else "AND ? IS NOT NULL"
    rows = query(
        store.db,
        f"""
        SELECT n.network_id FROM networks n
        WHERE n.n_victims > 0 {only_sql} AND EXISTS (
            SELECT 1 FROM network_records r JOIN sources s USING (source_id)
            WHERE r.network_id = n.network_id AND s.area = ?)
        ORDER BY n.size DESC, n.network_id LIMIT 1
        """,
        [area, area],
    )
    assert rows, f"the fixture has no network with a child in {area}"
    return str(rows[0][0])


def _post_json(client: Client, url: str, body: object, token: str | None) -> object:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-CSRF-Token"] = token
    return client.post(url, content=json.dumps(body), headers=headers)


def _state(opening: dict[str, object], note_on: str) -> dict[str, object]:
    nodes = opening["nodes"]
    assert isinstance(nodes, list) and nodes
    return {
        "title": "Park group, spring",
        "positions": {n["id"]: [i * 50.0, 10.0] for i, n in enumerate(nodes)},
        "pinned": [note_on],
        "hidden": [],
        "expanded": [note_on],
        "filters": {"off": ["uses"]},
        "notes": {note_on: "Central to the group; check the phone"},
    }


def test_chart_page_data_and_expansion_are_scoped_and_audited(store: Built, login: Login) -> None:
    network = _network(store, HOME)
    client = login(ANALYST)
    page = client.get(f"/network/{network}/chart")
    assert page.status_code == 200
    assert "/static/chart.js" in page.text and "cytoscape-fcose.js" in page.text
    assert f'href="/network/{network}/chart"' in client.get(f"/network/{network}").text
    opening = client.get(f"/network/{network}/chart.json").json()
    kinds = {n["kind"] for n in opening["nodes"]}
    assert kinds == {"person", "child"}
    assert opening["edges"] and opening["legend"] and opening["link_types"]
    busiest = max(opening["nodes"], key=lambda n: n["degree"])
    expanded = client.get(f"/network/{network}/chart/expand", params={"node": busiest["id"]})
    assert expanded.status_code == 200
    added = {n["id"] for n in expanded.json()["nodes"]} - {n["id"] for n in opening["nodes"]}
    assert added
    assert (
        client.get(f"/network/{network}/chart/expand", params={"node": "not-an-item"}).status_code
        == 404
    )
    actions = [a for a, _t, _r in audit_actions(store.db, ANALYST)]
    assert {"view_chart", "view_network", "chart_expand"} <= set(actions)
    # Another area's network: not found, whichever chart endpoint.
    elsewhere = _network(store, OTHER, only=True)
    for path in ("/chart", "/chart.json", "/chart/expand?node=x"):
        assert client.get(f"/network/{elsewhere}{path}").status_code == 404
    inspector = login("inspector")
    assert inspector.get(f"/network/{network}/chart").status_code == 403


def test_a_chart_saved_reopens_for_its_owner_only(store: Built, login: Login) -> None:
    network = _network(store, HOME)
    client = login(ANALYST)
    token = csrf_of(client)
    opening = client.get(f"/network/{network}/chart.json").json()
    busiest = max(opening["nodes"], key=lambda n: n["degree"])["id"]
    state = _state(opening, busiest)
    assert _post_json(client, f"/network/{network}/charts", state, None).status_code == 403
    refused = _post_json(client, f"/network/{network}/charts", {**state, "title": ""}, token)
    assert refused.status_code == 400 and "title" in refused.json()["error"]
    saved = _post_json(client, f"/network/{network}/charts", state, token)
    assert saved.status_code == 200, saved.text
    chart_id = saved.json()["chart_id"]
    page = client.get(f"/chart/{chart_id}")
    assert page.status_code == 200 and "Park group, spring" in page.text
    reopened = client.get(f"/chart/{chart_id}/state.json").json()
    assert reopened["saved"]["notes"] == state["notes"]
    assert reopened["saved"]["expanded"] == [busiest]
    # The expansion is restored: the busiest person's neighbours are on the chart again.
    ids = {n["id"] for n in reopened["nodes"]}
    assert {n["id"] for n in opening["nodes"]} < ids
    assert chart_id in client.get("/charts").text
    again = _post_json(client, f"/chart/{chart_id}", {**state, "title": "Renamed"}, token)
    assert again.status_code == 200 and again.json()["chart_id"] == chart_id
    actions = [(a, t) for a, t, _r in audit_actions(store.db, ANALYST)]
    assert ("chart_save", f"chart:{chart_id}") in actions
    assert ("chart_open", f"chart:{chart_id}") in actions
    # Nobody else's, not even a colleague of the same area.
    partner = login(f"partner-{HOME}")
    assert partner.get(f"/chart/{chart_id}").status_code == 404
    assert partner.get(f"/chart/{chart_id}/state.json").status_code == 404
    assert chart_id not in partner.get("/charts").text
    assert _post_json(partner, f"/chart/{chart_id}", state, csrf_of(partner)).status_code == 404


def test_chart_exports_carry_the_charts_items_and_are_logged(store: Built, login: Login) -> None:
    network = _network(store, HOME)
    client = login(ANALYST)
    token = csrf_of(client)
    opening = client.get(f"/network/{network}/chart.json").json()
    nodes = [n["id"] for n in opening["nodes"]][:6]
    edges = [e["id"] for e in opening["edges"]]
    kept = [e for e in opening["edges"] if e["source"] in nodes and e["target"] in nodes]
    body = {"format": "anx", "nodes": [*nodes, "forged"], "edges": edges}
    anx = _post_json(client, f"/network/{network}/chart/export", body, token)
    assert anx.status_code == 200 and anx.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(anx.content)
    assert len(root.findall(".//ChartItem/End/Entity")) == len(nodes)
    parts = sum(len(e.get("parts") or [e]) for e in kept)
    assert len(root.findall(".//ChartItem/Link")) == parts
    png = _post_json(client, f"/network/{network}/chart/export", {**body, "format": "png"}, token)
    assert png.status_code == 200 and png.json()["logged"] == "png"
    bad = _post_json(client, f"/network/{network}/chart/export", {**body, "format": "pdf"}, token)
    assert bad.status_code == 400 and "format" in bad.json()["error"]
    exported = query(
        store.db,
        "SELECT details->>'format' FROM audit_log WHERE actor = ? AND action = 'export'"
        " AND details->>'as' = 'chart' ORDER BY seq",
        [ANALYST],
    )
    assert [r[0] for r in exported] == ["anx", "png"]
    partner = login(f"partner-{HOME}")
    refused = _post_json(partner, f"/network/{network}/chart/export", body, csrf_of(partner))
    assert refused.status_code == 403
