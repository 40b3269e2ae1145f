"""Force-scoped access: changing an id in a URL never reveals another area's person."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Login, csrf_of
from tests.web.helpers import audit_actions, networks_only_in, people_in, query
from tests.web.store import Built

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


def home_area(store: Built, entity: str) -> bool:
    rows = query(
        store.db,
        "SELECT s.area FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE p.source_id || '/' || p.person_id = ?",
        [entity],
    )
    return bool(rows) and rows[0][0] == HOME


def test_analyst_opens_own_area_person(store: Built, login: Login) -> None:
    client = login(ANALYST)
    entity, surname = people_in(store.db, HOME, 1)[0]
    page = client.get(f"/person/{entity}")
    assert page.status_code == 200
    assert surname.lower() in page.text.lower()
    assert ("view_person", f"entity:{entity}", None) in audit_actions(store.db, ANALYST)


@pytest.mark.parametrize("role", ["analyst", "partner"])
def test_other_areas_people_are_refused_on_every_route(
    store: Built, login: Login, role: str
) -> None:
    client = login(f"{role}-{HOME}")
    token = csrf_of(client)
    for entity, surname in people_in(store.db, OTHER, 5):
        for response in (
            client.get(f"/person/{entity}"),
            client.post(f"/unseal/{entity}", data={"csrf": token, "reason": "curious, honestly"}),
        ):
            assert response.status_code == 404
            assert surname.lower() not in response.text.lower(), response.url
        # Search finds namesakes at home, never the other area's record.
        found = client.get("/search", params={"field": "name", "q": surname}).text
        linked = re.findall(r'href="/person/([^"]+)"', found)
        assert entity not in linked
        assert all(home_area(store, e) for e in linked)
    denied = [t for a, t, _r in audit_actions(store.db, f"{role}-{HOME}") if a == "access_denied"]
    assert len(denied) >= 5


def test_other_areas_networks_are_refused(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, OTHER)
    if not nets:
        pytest.fail("the fixture store has no single-area network in the other area")
    client = login(ANALYST)
    token = csrf_of(client)
    for network_id in nets[:3]:
        assert client.get(f"/network/{network_id}").status_code == 404
        assert client.get(f"/network/{network_id}/graph.json").status_code == 404
        export = client.post(
            f"/network/{network_id}/export", data={"csrf": token, "format": "graphml"}
        )
        assert export.status_code == 404
    listing = client.get("/networks").text
    assert not any(n in listing for n in nets)


def test_own_network_graph_names_only_own_area(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, HOME)
    if not nets:
        pytest.fail("the fixture store has no network in the home area")
    client = login(ANALYST)
    graph = client.get(f"/network/{nets[0]}/graph.json").json()
    assert graph["nodes"] and graph["edges"]
    other_ids = {
        str(r[0])
        for r in query(
            store.db,
            "SELECT p.source_id || '/' || p.person_id FROM current_persons p"
            " JOIN sources s USING (source_id) WHERE s.area <> ?",
            [HOME],
        )
    }
    assert not other_ids & {n["id"] for n in graph["nodes"]}


def test_partner_sees_only_own_agency(store: Built, login: Login) -> None:
    partner = f"partner-{HOME}"
    source = str(query(store.db, "SELECT source_id FROM users WHERE name = ?", [partner])[0][0])
    client = login(partner)
    other = query(
        store.db,
        "SELECT p.source_id || '/' || p.person_id FROM current_persons p"
        " JOIN sources s USING (source_id) WHERE s.area = ? AND p.source_id <> ?"
        " AND NOT EXISTS (SELECT 1 FROM current_persons q WHERE q.source_id = ?"
        " AND q.person_id = p.person_id) LIMIT 3",
        [HOME, source, source],
    )
    for (entity,) in other:
        assert client.get(f"/person/{entity}").status_code == 404
    own = query(
        store.db,
        "SELECT source_id || '/' || person_id FROM current_persons WHERE source_id = ?"
        " AND NOT EXISTS (SELECT 1 FROM sealed_records r WHERE r.source_id = current_persons"
        ".source_id AND r.person_id = current_persons.person_id) LIMIT 1",
        [source],
    )
    assert client.get(f"/person/{own[0][0]}").status_code == 200


def test_sharing_rule_widens_a_partner(store: Built, login: Login) -> None:
    from clearsight.access import add_sharing_rule
    from clearsight.store import connect

    partner = f"partner-{HOME}"
    source = str(query(store.db, "SELECT source_id FROM users WHERE name = ?", [partner])[0][0])
    police = str(
        query(
            store.db,
            "SELECT source_id FROM sources WHERE area = ? AND agency_type = 'police'",
            [HOME],
        )[0][0]
    )
    entity = query(
        store.db,
        "SELECT source_id || '/' || person_id FROM current_persons WHERE source_id = ? "
        "AND surname IS NOT NULL LIMIT 1",
        [police],
    )[0][0]
    client = login(partner)
    assert client.get(f"/person/{entity}").status_code == 404
    con = connect(store.db)
    add_sharing_rule(con, source, police, purpose="MASH information sharing agreement")
    con.close()
    assert client.get(f"/person/{entity}").status_code == 200


def test_analyst_dashboard_ignores_area_parameter(store: Built, login: Login) -> None:
    client = login(ANALYST)
    page = client.get("/", params={"area": OTHER})
    assert page.status_code == 200
    assert f"Dashboard · {HOME}" in page.text


def test_national_sees_pseudonyms_only(store: Built, login: Login) -> None:
    client = login("national")
    entity, surname = people_in(store.db, HOME, 1)[0]
    assert client.get(f"/person/{entity}").status_code == 403
    assert client.get("/search", params={"q": surname}).status_code == 403
    nets = query(store.db, "SELECT network_id FROM networks ORDER BY size DESC LIMIT 2")
    surnames = {
        str(r[0]).lower()
        for r in query(
            store.db,
            "SELECT DISTINCT surname FROM current_persons WHERE surname"
            " IS NOT NULL AND length(surname) >= 5",
        )
    }
    for (network_id,) in nets:
        graph = client.get(f"/network/{network_id}/graph.json").json()
        labels = [n["label"] for n in graph["nodes"]]
        assert labels
        people = [n for n in graph["nodes"] if n["kind"] in ("person", "victim")]
        assert all(re.fullmatch(r"PX-[0-9a-f]{12}", n["label"]) for n in people)
        assert all(re.fullmatch(r"PX-[0-9a-f]{12}", n["id"]) for n in people)
        assert not any(s in label.lower() for s in surnames for label in labels)
    dash = client.get("/", params={"area": OTHER})
    assert dash.status_code == 200 and OTHER in dash.text


def test_pseudonyms_are_stable_and_keyed(store: Built, login: Login) -> None:
    nets = query(store.db, "SELECT network_id FROM networks ORDER BY size DESC LIMIT 1")
    if not nets:
        pytest.fail("the fixture store has no networks")
    a = login("national").get(f"/network/{nets[0][0]}/graph.json").json()
    b = login("national").get(f"/network/{nets[0][0]}/graph.json").json()
    assert a == b


@pytest.mark.parametrize(
    ("user", "forbidden"),
    [
        (
            "inspector",
            ["/search?q=a", "/person/x/y", "/networks", "/review", "/language", "/admin/users"],
        ),
        ("admin", ["/search?q=a", "/person/x/y", "/networks", "/review", "/language"]),
        (ANALYST, ["/admin/users", "/audit"]),
        (f"partner-{HOME}", ["/admin/users", "/audit", "/data", "/review"]),
        ("national", ["/search?q=a", "/person/x/y", "/admin/users", "/audit", "/review"]),
    ],
)
def test_role_pages(login: Login, user: str, forbidden: list[str]) -> None:
    client = login(user)
    for path in forbidden:
        assert client.get(path).status_code == 403, path


def test_inspector_reads_aggregates_and_audit(store: Built, login: Login) -> None:
    client = login("inspector")
    assert client.get("/").status_code == 200
    audit = client.get("/audit")
    assert audit.status_code == 200 and "Chain intact" in audit.text
    people = people_in(store.db, HOME, 3)
    data = client.get("/data").text
    assert not any(s.lower() in data.lower() for _e, s in people)


def test_sealed_record_needs_a_logged_reason(store: Built, login: Login) -> None:
    from tests.web.helpers import sealed_entity

    entity = sealed_entity(store.db)
    surname = str(
        query(
            store.db,
            "SELECT surname FROM current_persons WHERE source_id || '/' || person_id = ?",
            [entity],
        )[0][0]
    )
    client = login(ANALYST)
    closed = client.get(f"/person/{entity}")
    assert closed.status_code == 200 and "Sealed record" in closed.text
    assert surname.lower() not in closed.text.lower()
    search = client.get("/search", params={"field": "name", "q": surname})
    assert "Sealed record" in search.text
    token = csrf_of(client)
    short = client.post(f"/unseal/{entity}", data={"csrf": token, "reason": "why"})
    assert short.status_code == 400 and surname.lower() not in short.text.lower()
    reason = "Strategy meeting 14/2: safeguarding plan review"
    opened = client.post(f"/unseal/{entity}", data={"csrf": token, "reason": reason})
    assert opened.status_code == 200 and surname.lower() in opened.text.lower()
    assert ("view_sealed", f"entity:{entity}", reason) in audit_actions(store.db, ANALYST)
