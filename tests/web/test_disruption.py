"""The disruption what-if page (/network/{id}/disrupt) on a store the whole pipeline
built: the ranks are the CLI's, the same for every viewer, explained; selecting a person
draws the network after their removal; hidden people stay pseudonyms; views are audited;
another area's network is not found."""

from __future__ import annotations

import html
import re

import duckdb
import pytest

from clearsight.graph import disruption
from tests.web.conftest import Login
from tests.web.helpers import audit_actions, networks_only_in, query
from tests.web.store import Built

pytestmark = pytest.mark.linked

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


def _home_network(db: object) -> str:
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT network_id FROM networks WHERE list_contains(areas, ?) "
        "ORDER BY size DESC, network_id LIMIT 1",
        [HOME],
    )
    assert rows, "the fixture store has no network in the home area"
    return str(rows[0][0])


def _cli_result(db: object, network_id: str) -> disruption.Disruption:
    con = duckdb.connect(str(db))
    try:
        return disruption.from_store(con, network_id)
    finally:
        con.close()


def test_page_ranks_as_the_cli_and_explains(store: Built, login: Login) -> None:
    net = _home_network(store.db)
    expected = _cli_result(store.db, net)
    assert expected.ranked
    client = login(ANALYST)
    page = client.get(f"/network/{net}/disrupt")
    assert page.status_code == 200, page.text[:300]
    shown = re.findall(r'class="show-removal" href="([^"]+)"', page.text)
    assert len(shown) == len(expected.ranked)
    assert "never an instruction" in page.text and 'id="after-removal"' in page.text
    data = client.get(f"/network/{net}/disrupt.json").json()
    assert [r["fragmentation"] for r in data["ranked"]] == [
        r.removal.fragmentation for r in expected.ranked
    ]
    assert [r["betweenness"] for r in data["ranked"]] == [r.betweenness for r in expected.ranked]
    assert all(r["explanation"].startswith("Removing ") for r in data["ranked"])
    views = [(a, t) for a, t, _r in audit_actions(store.db, ANALYST)]
    assert views.count(("view_network", f"network:{net}")) >= 2


def test_selecting_a_person_shows_the_network_after_removal(store: Built, login: Login) -> None:
    net = _home_network(store.db)
    client = login(ANALYST)
    first = client.get(f"/network/{net}/disrupt")
    links = re.findall(r'class="show-removal" href="([^"]+)"', first.text)
    assert links and 'data-removed="0"' in first.text
    after = client.get(html.unescape(links[0]))
    assert after.status_code == 200
    assert "After removing" in after.text and 'data-removed="1"' in after.text
    assert after.text.count('class="person removed"') == 1
    expected = _cli_result(store.db, net).ranked[0].removal
    assert f'data-groups="{len(expected.groups)}"' in after.text
    # Several people at once: the network without all of them.
    ids = [html.unescape(link).split("remove=", 1)[1].split("#")[0] for link in links[:2]]
    if len(ids) == 2:
        both = client.get(f"/network/{net}/disrupt?remove={ids[0]}&remove={ids[1]}")
        assert both.status_code == 200 and 'data-removed="2"' in both.text
        assert both.text.count('class="person removed"') == 2
    # A greedy set, shown as the set's own link.
    sets = re.findall(r'class="show-set" href="([^"]+)"', first.text)
    assert len(sets) == len(_cli_result(store.db, net).sets)
    if sets:
        shown = client.get(html.unescape(sets[0]))
        assert 'data-removed="2"' in shown.text
    # An id that is nobody's shows the network as it is.
    nobody = client.get(f"/network/{net}/disrupt?remove=nobody")
    assert nobody.status_code == 200 and 'data-removed="0"' in nobody.text


def test_same_ranks_for_every_viewer_hidden_people_pseudonymised(
    store: Built, login: Login
) -> None:
    net = _home_network(store.db)
    local = login(ANALYST).get(f"/network/{net}/disrupt.json").json()
    national_client = login("national")
    national = national_client.get(f"/network/{net}/disrupt.json").json()
    assert local["ranked"] and len(local["ranked"]) == len(national["ranked"])
    for key in ("rank", "fragmentation", "distance_fragmentation", "betweenness", "groups"):
        assert [r[key] for r in local["ranked"]] == [r[key] for r in national["ranked"]]
    # The national role sees networks pseudonymised: no member's entity id or name.
    page = national_client.get(f"/network/{net}/disrupt").text
    members = query(
        store.db,  # type: ignore[arg-type]
        "SELECT entity_id FROM network_members WHERE network_id = ?",
        [net],
    )
    assert members and not any(str(m[0]) in page for m in members)
    assert all(r["label"].startswith("PX-") for r in national["ranked"])


def test_children_are_listed_never_ranked(store: Built, login: Login) -> None:
    client = login("national")
    networks = [str(r[0]) for r in query(store.db, "SELECT network_id FROM networks")]  # type: ignore[arg-type]
    held = 0
    for net in networks:
        data = client.get(f"/network/{net}/disrupt.json").json()
        ranked = {r["label"] for r in data["ranked"]}
        held += len(data["not_ranked"])
        assert not ranked & {c["label"] for c in data["not_ranked"]}
    # The fixture (seed 11) holds a peer group with members under 18 at their records.
    assert held > 0


def test_another_areas_network_is_not_found(store: Built, login: Login) -> None:
    others = networks_only_in(store.db, OTHER)
    assert others, "the fixture store has no network only in the other area"
    client = login(ANALYST)
    assert client.get(f"/network/{others[0]}/disrupt").status_code == 404
    assert client.get(f"/network/{others[0]}/disrupt.json").status_code == 404
    assert client.get("/network/N-nonesuch/disrupt").status_code == 404
