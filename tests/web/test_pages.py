"""Pages render from a real store and every view lands in the audit log."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest

from clearsight.audit import verify
from clearsight.store import connect
from tests.web.conftest import Login, csrf_of
from tests.web.helpers import audit_actions, networks_only_in, query
from tests.web.store import Built

ANALYST = "analyst-west-yorkshire"
HOME = "west-yorkshire"


def test_dashboard(store: Built, login: Login) -> None:
    page = login(ANALYST).get("/")
    assert page.status_code == 200
    assert "Person records" in page.text and "<svg" in page.text
    # The partner-data gap in the area's own figure: networks only partners' records show.
    [(partner_only, persons)] = query(
        store.db,
        "SELECT (SELECT count(*) FROM networks WHERE partner_only AND list_contains(areas, ?)),"
        " (SELECT count(*) FROM current_persons JOIN sources USING (source_id) WHERE area = ?)",
        [HOME, HOME],
    )
    assert f"{partner_only} visible only through partner records" in page.text
    assert f'<p class="big">{persons:,}</p>' in page.text


@pytest.mark.parametrize("field", ["name", "dob", "phone", "postcode", "vehicle"])
def test_search_each_field(store: Built, login: Login, field: str) -> None:
    rows = {
        "name": "SELECT p.surname FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND p.surname IS NOT NULL LIMIT 1",
        "dob": "SELECT p.date_of_birth FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND length(p.date_of_birth) = 10 LIMIT 1",
        "phone": "SELECT p.phones[1] FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND len(p.phones) > 0 LIMIT 1",
        "postcode": "SELECT p.postcode FROM current_persons p JOIN sources s USING (source_id)"
        " WHERE s.area = ? AND p.postcode IS NOT NULL LIMIT 1",
        "vehicle": "SELECT o.value FROM current_objects o JOIN sources s USING (source_id)"
        " JOIN current_associations a ON a.source_id = o.source_id AND a.to_id = o.object_id"
        " AND a.to_type = 'object' AND a.from_type = 'person'"
        " WHERE s.area = ? AND o.object_type = 'vehicle' LIMIT 1",
    }
    found = query(store.db, rows[field], [HOME])
    if not found:
        pytest.fail(f"no {field} in the fixture store")
    value = str(found[0][0])
    client = login(ANALYST)
    page = client.get("/search", params={"field": field, "q": value})
    assert page.status_code == 200
    assert re.search(r'href="/person/', page.text), (field, value)
    partial = client.get(
        "/search", params={"field": field, "q": value}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text and "person-link" in partial.text
    searches = [d for a, d, _r in audit_actions(store.db, ANALYST) if a == "search"]
    assert searches and searches[-1] == f"search:{field}"


def test_person_page_sections(store: Built, login: Login) -> None:
    entity = query(
        store.db,
        "SELECT i.source_id || '/' || i.person_id FROM current_involvements i"
        " JOIN sources s USING (source_id) WHERE s.area = ? AND NOT EXISTS (SELECT 1 FROM"
        " sealed_records r WHERE r.source_id = i.source_id AND r.person_id = i.person_id)"
        " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        [HOME],
    )[0][0]
    page = login(ANALYST).get(f"/person/{entity}")
    assert page.status_code == 200
    for heading in (
        "Source records side by side",
        "Timeline across agencies",
        "Networks",
        "Language in related narratives",
    ):
        assert heading in page.text
    assert "(monitoring)" in page.text
    # One record (no linkage on this store): nothing to explain, so no empty heading.
    assert "Why these records are one person" not in page.text
    forenames, surname = query(
        store.db,
        "SELECT forenames, surname FROM current_persons WHERE source_id || '/' || person_id = ?",
        [entity],
    )[0]
    name = " ".join(str(n) for n in (forenames, surname) if n).title()
    assert f'<h1 id="person-name">{name}</h1>' in page.text
    assert "<h1>Person" not in page.text


def test_network_page_and_exports(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, HOME)
    if not nets:
        pytest.fail("the fixture store has no network")
    client = login(ANALYST)
    page = client.get(f"/network/{nets[0]}")
    assert page.status_code == 200
    assert 'id="graph"' in page.text and "/static/vendor/cytoscape/cytoscape.min.js" in page.text
    token = csrf_of(client)
    graph = client.get(f"/network/{nets[0]}/graph.json").json()
    for fmt in ("graphml", "anx"):
        out = client.post(f"/network/{nets[0]}/export", data={"csrf": token, "format": fmt})
        assert out.status_code == 200
        assert "attachment" in out.headers["content-disposition"]
        root = ET.fromstring(out.content)
        if fmt == "anx":
            # The export has every person and child of the page (and, as the page's graph,
            # the events that tie children to members).
            identities = {e.get("Identity") for e in root.iter("Entity")}
            people = {n["id"] for n in graph["nodes"] if n["kind"] in ("person", "victim")}
            assert people and people <= identities
            ids = {e.get("EntityId") for e in root.iter("Entity")}
            for link in root.iter("Link"):
                assert link.get("End1Id") in ids and link.get("End2Id") in ids
    actions = audit_actions(store.db, ANALYST)
    assert ("view_network", f"network:{nets[0]}", None) in actions
    # The page and its graph JSON are each a view: both logged.
    views = [a for a, t, _r in actions if a == "view_network" and t == f"network:{nets[0]}"]
    assert len(views) >= 2
    assert sum(1 for a, t, _r in actions if a == "export" and t == f"network:{nets[0]}") == 2


def test_exports_are_analyst_only(store: Built, login: Login) -> None:
    nets = query(store.db, "SELECT network_id FROM networks LIMIT 1")
    if not nets:
        pytest.fail("the fixture store has no network")
    client = login("national")
    token = csrf_of(client)
    out = client.post(f"/network/{nets[0][0]}/export", data={"csrf": token, "format": "anx"})
    assert out.status_code == 403


def test_language_check(store: Built, login: Login) -> None:
    client = login(ANALYST)
    token = csrf_of(client)
    text = "She is a regular misper and is putting herself at risk."
    page = client.post("/language", data={"csrf": token, "text": text})
    assert page.status_code == 200
    assert "regular misper" in page.text.lower()
    logged = query(store.db, "SELECT details FROM audit_log WHERE action = 'language_check'")
    assert "misper" not in str(logged)  # the pasted text is not logged
    # Rules and the trained model by default; the page says which found each finding.
    assert "<td>a rule</td>" in page.text
    paraphrase = (
        "He is making decent money from the older guys and seems happy with the arrangement."
    )
    page = client.post("/language", data={"csrf": token, "text": paraphrase})
    assert "<td>the trained model</td>" in page.text
    assert "found by the trained model, not a rule" in page.text


def test_data_page_scoped(store: Built, login: Login) -> None:
    page = login(ANALYST).get("/data")
    assert page.status_code == 200 and "Ingest batches" in page.text
    other = [
        str(r[0])
        for r in query(store.db, "SELECT organisation FROM sources WHERE area <> ?", [HOME])
    ]
    assert not any(o in page.text for o in other)


def test_admin_adds_user(store: Built, login: Login) -> None:
    client = login("admin")
    token = csrf_of(client)
    bad = client.post(
        "/admin/users", data={"csrf": token, "name": "x", "role": "analyst", "password": "short"}
    )
    assert bad.status_code == 400
    ok = client.post(
        "/admin/users",
        data={
            "csrf": token,
            "name": "new-analyst",
            "role": "analyst",
            "area": HOME,
            "password": "a-long-enough-password",
        },
    )
    assert ok.status_code == 200 and "Added new-analyst" in ok.text
    assert ("user_add", "user:new-analyst", None) in audit_actions(store.db, "admin")


def test_review_not_yet_run(login: Login) -> None:
    page = login(ANALYST).get("/review")
    assert page.status_code == 200


def test_audit_chain_intact_after_browsing(store: Built, login: Login) -> None:
    client = login(ANALYST)
    client.get("/")
    client.get("/search", params={"q": "smith"})
    client.get("/networks")
    con = connect(store.db, read_only=False)
    result = verify(con)
    con.close()
    assert result.ok, result.problems


def test_network_page_says_why_each_member_is_there(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, HOME)
    if not nets:
        pytest.fail("the fixture store has no network")
    client = login(ANALYST)
    page = client.get(f"/network/{nets[0]}").text
    record = page.split('id="decision-record"', 1)[1]
    evidence = query(
        store.db,
        "SELECT DISTINCT rule_id FROM network_evidence WHERE network_id = ?",
        [nets[0]],
    )
    assert evidence, "the network has no decision record"
    from clearsight.graph.rules import default_rules

    rules = default_rules()
    for (rule_id,) in evidence:
        assert f"<code>{rule_id}</code>" in record
        assert html.escape(rules[rule_id].description, quote=False) in record
    # Definition evidence names people, not entity hashes.
    assert "entity_id:" not in page and "unidentified: False" not in page
    assert 'id="police-basis"' in page


def test_network_graph_joins_every_child_to_the_network(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, HOME)
    with_children = [
        n
        for n in nets
        if query(store.db, "SELECT count(*) FROM network_victims WHERE network_id = ?", [n])[0][0]
    ]
    if not with_children:
        pytest.fail("the fixture store has no network with a child offended against")
    client = login(ANALYST)
    for network_id in with_children[:3]:
        graph = client.get(f"/network/{network_id}/graph.json").json()
        children = {n["id"] for n in graph["nodes"] if n["kind"] == "victim"}
        assert children
        joined = {e["source"] for e in graph["edges"]} | {e["target"] for e in graph["edges"]}
        assert children <= joined, "a child is an isolated node"
        events = {n["id"] for n in graph["nodes"] if n["kind"] == "event"}
        assert events and all(
            e["target"] in events for e in graph["edges"] if e["evidence"] == "involved_in"
        )


def test_decision_record_hides_records_of_agencies_a_partner_may_not_see(
    store: Built, login: Login
) -> None:
    checked = 0
    for partner, own in query(store.db, "SELECT name, source_id FROM users WHERE role = 'partner'"):
        client = login(str(partner))
        for (network_id,) in query(store.db, "SELECT network_id FROM networks ORDER BY 1"):
            page = client.get(f"/network/{network_id}")
            if page.status_code != 200:
                continue
            record = page.text.split('id="decision-record"', 1)[1]
            others = query(
                store.db,
                "SELECT DISTINCT unnest(record_ids) FROM network_evidence"
                " WHERE network_id = ? AND source_id <> ?",
                [network_id, own],
            )
            for (record_id,) in others:
                assert str(record_id).split(":", 1)[1] not in record
                checked += 1
            if others:
                assert "held in records of another agency (not shown to you)" in record
    assert checked, "no partner saw a network with another agency's evidence"


def test_networks_list_gives_period_definition_and_police_view(store: Built, login: Login) -> None:
    nets = networks_only_in(store.db, HOME)
    if not nets:
        pytest.fail("the fixture store has no network")
    page = login(ANALYST).get("/networks").text
    assert "<th>IICSA definition</th>" in page and "<th>Police data alone</th>" in page
    from clearsight.graph import police_view

    for network_id in nets:
        row = query(
            store.db,
            "SELECT first_date, detectable_police_only, police_only_coverage FROM networks"
            " WHERE network_id = ?",
            [network_id],
        )[0]
        line = page.split(f'href="/network/{network_id}"', 1)[1].split("</tr>", 1)[0]
        assert str(row[0]) in line
        expected = police_view.short(
            {"detectable_police_only": row[1], "police_only_coverage": row[2]}
        )
        assert html.escape(expected, quote=False) in line


def test_person_page_names_partner_intelligence_as_such(store: Built, login: Login) -> None:
    """A man named only in partner records is a network member as intelligence: his own
    page says so beside his role, never a bare "suspect" (issue 17 item 2)."""
    # The fixture's partner-named men are in Greater Manchester's networks.
    nets = networks_only_in(store.db, "greater-manchester")
    found = query(
        store.db,
        "SELECT entity_id, bool_and(police_confirmed) FROM network_members"
        " WHERE network_id IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 2, 1",
        [nets],
    )
    intelligence = [str(e) for e, confirmed in found if not confirmed]
    confirmed = [str(e) for e, ok in found if ok]
    if not intelligence or not confirmed:
        pytest.fail("the fixture store has no partner-intelligence member beside a confirmed one")
    client = login("analyst-greater-manchester")
    said = "partner intelligence, not police-confirmed"
    assert said in client.get(f"/person/{intelligence[0]}").text
    assert said not in client.get(f"/person/{confirmed[0]}").text


def test_network_page_lists_networks_sharing_a_child(store: Built, login: Login) -> None:
    """Two networks a child ties (never merged: a possible network, IICSA) each list the
    other with what they share, linked, as `network show` does."""
    pairs = query(
        store.db,
        "SELECT a.network_id, b.network_id, count(DISTINCT a.entity_id)"
        " FROM network_victims a JOIN network_victims b USING (entity_id)"
        " JOIN networks na ON na.network_id = a.network_id"
        " JOIN networks nb ON nb.network_id = b.network_id"
        " WHERE a.network_id < b.network_id AND na.areas = ['greater-manchester']"
        " AND nb.areas = ['greater-manchester'] GROUP BY ALL ORDER BY ALL",
    )
    if not pairs:
        pytest.fail("the fixture store has no two networks sharing a child")
    one, other, children = (str(x) for x in pairs[0])
    client = login("analyst-greater-manchester")
    for here, there in ((one, other), (other, one)):
        page = client.get(f"/network/{here}").text
        linked = page.split('<ul id="linked-networks">', 1)[1].split("</ul>", 1)[0]
        shown = f'<a href="/network/{there}">{there}</a>: {children} child'
        assert shown in linked, (here, linked)


def test_network_page_calls_an_unidentified_member_so(store: Built, login: Login) -> None:
    """A member police recorded under a placeholder ("UNKNOWN", "Unknown Male") is shown
    as unidentified with what the record says, never as a person called Unknown."""
    found = query(
        store.db,
        "SELECT network_id, entity_id FROM network_members WHERE unidentified"
        " AND network_id IN (SELECT unnest(?)) ORDER BY ALL LIMIT 1",
        [networks_only_in(store.db, HOME)],
    )
    if not found:
        pytest.fail("the fixture store has no unidentified network member")
    network_id, entity_id = (str(x) for x in found[0])
    page = login(ANALYST).get(f"/network/{network_id}").text
    row = page.split(f'<a href="/person/{entity_id}">', 1)[1].split("</a>", 1)[0]
    assert row.startswith("Unidentified (recorded as “"), row


def test_networks_list_narrows_to_those_only_partners_show(store: Built, login: Login) -> None:
    """The dashboard's partner-only figure links to the list of exactly those networks:
    the area's networks that police data alone does not find, and no other."""
    gm = "greater-manchester"
    partner_only = {str(n) for (n,) in query(
        store.db, "SELECT network_id FROM networks WHERE partner_only AND areas = [?]", [gm]
    )}  # fmt: skip
    others = set(networks_only_in(store.db, gm)) - partner_only
    if not partner_only or not others:
        pytest.fail("the fixture store has no partner-only network beside a police one")
    client = login(f"analyst-{gm}")
    assert 'href="/networks?partner_only=true"' in client.get("/").text
    page = client.get("/networks", params={"partner_only": "true"}).text
    listed = set(re.findall(r'<a href="/network/([^"]+)">', page))
    assert listed == partner_only, (listed, partner_only)
    everything = set(re.findall(r'<a href="/network/([^"]+)">', client.get("/networks").text))
    assert partner_only | others <= everything
