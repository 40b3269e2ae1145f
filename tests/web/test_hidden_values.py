"""No value of a person the viewer may not identify appears anywhere they can reach.

A viewer is given each scope case by construction: from the networks the pipeline found,
the test picks a network holding a phone, email, vehicle, account or place recorded only
in records outside the viewer's scope, and creates the viewer (an analyst of an area, a
partner of an agency) so that they see that network but not those records. It then walks
every page and every export they can reach and fails on any clear value (name, phone,
email, object, place, address, narrative) recorded only in records they may not identify.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from clearsight import web
from clearsight.access import add_user
from clearsight.linkage.review import measurement_sample
from clearsight.store import connect
from clearsight.web.exports import OFFERED
from tests.web.client import Client
from tests.web.conftest import csrf_of, do_login
from tests.web.helpers import query
from tests.web.store import Built

pytestmark = pytest.mark.linked

PASSWORD = "probe-password-for-tests"
# Shorter values (a forename, a house number) also occur in ordinary words and labels.
MIN_LENGTH = 6
WINDOW = 30


def _scope_case(db: object, *, by: str) -> tuple[str, str, str]:
    """(network, viewer scope, hidden source): a network with a member record in the viewer's
    scope and an object or place recorded only outside it. ``by`` is ``area`` (an analyst)
    or ``source`` (a partner, whose scope is an agency that is not the police)."""
    scope = "s.area" if by == "area" else "s.source_id"
    held = f"""
        SELECT network_id, key, list(DISTINCT {scope}) AS holders, any_value(source_id) AS src
        FROM (SELECT o.network_id, o.object_key AS key, po.source_id
              FROM network_objects o JOIN graph_person_objects po USING (object_key)
              JOIN network_members m ON m.entity_id = po.entity_id AND m.network_id = o.network_id
              UNION ALL
              SELECT l.network_id, l.location_key, pl.source_id
              FROM network_locations l JOIN graph_person_locations pl USING (location_key)
              JOIN network_members m ON m.entity_id = pl.entity_id
               AND m.network_id = l.network_id) x
        JOIN sources s USING (source_id) GROUP BY ALL
    """
    partner_only = "AND s.agency_type <> 'police'" if by == "source" else ""
    rows = query(
        db,  # type: ignore[arg-type]
        f"""
        WITH held AS ({held})
        SELECT h.network_id, {scope}, h.src FROM held h
        JOIN network_records r ON r.network_id = h.network_id
        JOIN sources s ON s.source_id = r.source_id
        WHERE NOT list_contains(h.holders, {scope}) {partner_only}
        ORDER BY 1, 2, 3 LIMIT 1
        """,
    )
    assert rows, f"the fixture has no network with a value held outside a {by} scope"
    network, viewer_scope, hidden = rows[0]
    return str(network), str(viewer_scope), str(hidden)


def _visible_sources(db: object, *, by: str, scope: str) -> set[str]:
    column = "area" if by == "area" else "source_id"
    rows = query(db, f"SELECT source_id FROM sources WHERE {column} = ?", [scope])  # type: ignore[arg-type]
    return {str(r[0]) for r in rows}


def _values(db: object, sources: Iterable[str], *, inside: bool) -> set[str]:
    """Every identifying value recorded in records of ``sources`` (or of every other
    source when not ``inside``), lower-cased."""
    test = "list_contains(?, source_id)" if inside else "NOT list_contains(?, source_id)"
    chosen = [sorted(sources)]
    found: set[str] = set()
    statements = [
        "SELECT trim(coalesce(forenames, '') || ' ' || coalesce(surname, '')) FROM"
        f" current_persons WHERE {test}",
        f"SELECT surname FROM current_persons WHERE {test}",
        f"SELECT unnest(aliases) FROM current_persons WHERE {test}",
        f"SELECT unnest(phones) FROM current_persons WHERE {test}",
        f"SELECT unnest(emails) FROM current_persons WHERE {test}",
        f"SELECT nhs_number FROM current_persons WHERE {test}",
        f"SELECT address FROM current_persons WHERE {test}",
        f"SELECT postcode FROM current_persons WHERE {test}",
        f"SELECT value FROM current_objects WHERE {test}",
        f"SELECT value_raw FROM current_objects WHERE {test}",
        f"SELECT name FROM current_locations WHERE {test}",
        f"SELECT address FROM current_locations WHERE {test}",
        f"SELECT postcode FROM current_locations WHERE {test}",
        # The graph's normalised forms, as the network pages would show them.
        "SELECT o.value FROM network_objects o JOIN graph_person_objects po USING (object_key)"
        f" WHERE {test.replace('source_id', 'po.source_id')}",
        f"SELECT name FROM graph_source_locations WHERE {test}",
        f"SELECT postcode FROM graph_source_locations WHERE {test}",
    ]
    for sql in statements:
        for (value,) in query(db, sql, chosen):  # type: ignore[arg-type]
            if value is not None and len(str(value).strip()) >= MIN_LENGTH:
                found.add(str(value).strip().lower())
    return found


def _narratives(db: object, sources: Iterable[str], *, inside: bool) -> list[str]:
    test = "list_contains(?, source_id)" if inside else "NOT list_contains(?, source_id)"
    rows = query(db, f"SELECT narrative FROM current_events WHERE {test}", [sorted(sources)])  # type: ignore[arg-type]
    return [str(text or "").lower() for (text,) in rows]


def _windows(texts: list[str]) -> set[str]:
    """Every 30-character window, at 15-character steps: any quoted excerpt of 45
    characters or more contains one."""
    step = WINDOW // 2
    return {
        text[start : start + WINDOW]
        for text in texts
        for start in range(0, max(len(text) - WINDOW + 1, 0), step)
    }


def _unspecific(values: set[str], *texts: str) -> set[str]:
    """Values that also occur in what the viewer may see anyway (their own records, the
    page templates): finding them proves nothing."""
    blob = "\n".join(texts)
    return {v for v in values if v in blob}


def _walk(client: Client, network: str) -> dict[str, str]:
    """Every page and export the viewer can reach from the start page: what each says."""
    seen: dict[str, str] = {}
    for path in (
        "/",
        "/networks",
        "/data",
        "/review",
        "/language",
        "/search?field=name&q=a",
        "/places",
        "/search?field=name&q=son",
        "/readiness",
        "/linkage/review",
    ):
        seen[path] = client.get(path).text
    places = set(re.findall(r'href="/places/([^"/]+)"', seen["/places"]))
    for alias in sorted(places):
        seen[f"/places/{alias}"] = client.get(f"/places/{alias}").text
    # Every case page of the queue (an analyst's; a partner has none).
    for case in sorted(set(re.findall(r'href="/review/([^"?]+)"', seen["/review"]))):
        seen[f"/review/{case}"] = client.get(f"/review/{case}").text
    networks = set(re.findall(r'href="/network/([^"/]+)"', seen["/networks"]))
    assert network in networks, "the viewer cannot list the network built for them"
    token = csrf_of(client)
    people: set[str] = set()
    for net in sorted(networks):
        page = client.get(f"/network/{net}")
        assert page.status_code == 200
        seen[f"/network/{net}"] = page.text
        seen[f"/network/{net}/graph.json"] = client.get(f"/network/{net}/graph.json").text
        timeline = client.get(f"/timeline/network/{net}")
        assert timeline.status_code == 200
        seen[f"/timeline/network/{net}"] = timeline.text
        what_if = client.get(f"/network/{net}/disrupt")
        assert what_if.status_code == 200
        seen[f"/network/{net}/disrupt"] = what_if.text
        seen[f"/network/{net}/disrupt.json"] = client.get(f"/network/{net}/disrupt.json").text
        for link in re.findall(r'class="show-removal" href="([^"]+)"', what_if.text)[:3]:
            seen[html.unescape(link)] = client.get(html.unescape(link)).text
        for fmt in OFFERED:
            out = client.post(f"/network/{net}/export", data={"csrf": token, "format": fmt})
            seen[f"/network/{net}/export.{fmt}"] = out.text
        people |= set(re.findall(r'href="/person/([^"]+)"', page.text))
        seen.update(_chart_walk(client, net, token))
    for entity in sorted(people):
        seen[f"/person/{entity}"] = client.get(f"/person/{entity}").text
        seen[f"/timeline/person/{entity}"] = client.get(f"/timeline/person/{entity}").text
    # Arrival alerts (analysts): the list, each alert, the digest as page and JSON.
    for path in ("/alerts", "/alerts/digest", "/alerts/digest.json", "/watches"):
        seen[path] = client.get(path).text
    for alert in sorted(set(re.findall(r'href="/alerts/(\d+)"', seen["/alerts"]))):
        seen[f"/alerts/{alert}"] = client.get(f"/alerts/{alert}").text
    return seen


def _chart_walk(client: Client, net: str, token: str) -> dict[str, str]:
    """The link chart of ``net``: its page and opening, every item's expansion (breadth
    first until nothing new comes in), the ANX of all of it, and a saved chart reopened."""
    seen: dict[str, str] = {}
    seen[f"/network/{net}/chart"] = client.get(f"/network/{net}/chart").text
    opening = client.get(f"/network/{net}/chart.json")
    assert opening.status_code == 200
    seen[f"/network/{net}/chart.json"] = opening.text
    nodes = {str(n["id"]) for n in opening.json()["nodes"]}
    edges = {str(e["id"]) for e in opening.json()["edges"]}
    todo, done = sorted(nodes), set()
    while todo:
        item = todo.pop()
        if item in done:
            continue
        done.add(item)
        found = client.get(f"/network/{net}/chart/expand", params={"node": item})
        assert found.status_code == 200
        seen[f"/network/{net}/chart/expand?node={item}"] = found.text
        for n in found.json()["nodes"]:
            if n["id"] not in nodes:
                nodes.add(n["id"])
                todo.append(n["id"])
        edges |= {str(e["id"]) for e in found.json()["edges"]}
    headers = {"Content-Type": "application/json", "X-CSRF-Token": token}
    body = {"nodes": sorted(nodes), "edges": sorted(edges)}
    anx = client.post(
        f"/network/{net}/chart/export",
        content=json.dumps({"format": "anx", **body}),
        headers=headers,
    )
    seen[f"/network/{net}/chart/export.anx"] = anx.text
    state = {"title": "probe", "positions": {n: [0, 0] for n in sorted(nodes)}}
    saved = client.post(f"/network/{net}/charts", content=json.dumps(state), headers=headers)
    assert saved.status_code == 200, saved.text
    chart = saved.json()["chart_id"]
    seen[f"/chart/{chart}"] = client.get(f"/chart/{chart}").text
    seen[f"/chart/{chart}/state.json"] = client.get(f"/chart/{chart}/state.json").text
    return seen


def _arrival_from_outside(db: Path, network: str, scope: str) -> None:
    """A new record, from a new source outside the analyst's area, of a member of the
    network, ingested and linked as a user would: the analyst's area gets an alert about a
    record they may not identify. The analyst watches the network too."""
    from clearsight.alerts import add_watch
    from clearsight.linkage.features import STRONG_PLACEHOLDERS, WEAK_PLACEHOLDERS
    from tests.web.arrivals import clearsight, copy_submission

    placeholders = sorted(STRONG_PLACEHOLDERS | WEAK_PLACEHOLDERS)

    rows = query(
        db,
        """
        SELECT s.area, pe.source_id, pe.person_id FROM network_members m
        JOIN person_entities pe USING (entity_id) JOIN sources s USING (source_id)
        JOIN current_persons p ON p.source_id = pe.source_id AND p.person_id = pe.person_id
        WHERE m.network_id = ? AND s.area <> ? AND p.surname IS NOT NULL
          AND p.date_of_birth IS NOT NULL
          AND NOT list_contains(?, lower(p.forenames)) AND NOT list_contains(?, lower(p.surname))
        ORDER BY 1, 2, 3 LIMIT 1
        """,
        # A named member: a record naming no one ("unknown male") is never linked on its
        # own (the "unidentified person" guard), so its copy would raise no alert.
        [network, scope, placeholders, placeholders],
    )
    assert rows, "the network has no member recorded outside the analyst's area"
    area, source, person = (str(v) for v in rows[0])
    con = connect(db)
    add_watch(con, owner="probe", kind="network", target_id=network, area=scope)
    con.close()
    folder = copy_submission(
        db, db.parent / "arrival", people=[(source, person)], area=area, new_source=f"{area}-vcs-x"
    )
    for command in (("ingest", str(folder)), ("link", "--new")):
        done = clearsight(db, *command)
        assert done.returncode == 0, done.stderr


def _leaks(seen: dict[str, str], hidden: set[str], windows: set[str]) -> list[str]:
    found = []
    for path, text in seen.items():
        lowered = text.lower()
        found += [f"{path}: {value!r}" for value in hidden if value in lowered]
        found += [f"{path}: narrative {w!r}" for w in windows if w in lowered]
    return found


@pytest.mark.parametrize("role", ["analyst", "partner"])
def test_no_clear_value_of_a_hidden_person_anywhere(store: Built, role: str) -> None:
    from clearsight.web import WebSettings, create_app

    by = "area" if role == "analyst" else "source"
    network, scope, hidden_source = _scope_case(store.db, by=by)
    con = connect(store.db)
    if role == "analyst":
        add_user(con, "probe", role="analyst", password=PASSWORD, area=scope)
    else:
        area = str(
            con.execute("SELECT area FROM sources WHERE source_id = ?", [scope]).fetchall()[0][0]
        )
        add_user(con, "probe", role="partner", password=PASSWORD, area=area, source_id=scope)
    # A measurement sample of the whole store, as 'clearsight link review --sample' draws
    # it: the linkage review page must show none of its pairs outside the viewer's scope.
    assert measurement_sample(con, 20, 1).sampled
    con.close()
    if role == "analyst":
        _arrival_from_outside(store.db, network, scope)
    visible = _visible_sources(store.db, by=by, scope=scope)
    assert hidden_source not in visible
    own = _values(store.db, visible, inside=True)
    own_narratives = _narratives(store.db, visible, inside=True)
    templates = "\n".join(
        p.read_text().lower() for p in (Path(web.__file__).parent / "templates").iterdir()
    )
    hidden = _values(store.db, visible, inside=False) - own
    hidden -= _unspecific(hidden, "\n".join(own), "\n".join(own_narratives), templates)
    windows = _windows(_narratives(store.db, visible, inside=False))
    windows -= _unspecific(windows, "\n".join(own_narratives), templates)
    assert hidden and windows
    app = create_app(store.db, WebSettings())
    client = Client(app)
    try:
        assert do_login(client, "probe", PASSWORD) == 303
        seen = _walk(client, network)
        # Fuzzy search: a hidden person's surname, misspelt, finds no clear value.
        surnames = query(
            store.db,
            "SELECT DISTINCT surname FROM current_persons WHERE NOT list_contains(?, source_id)"
            " AND length(surname) >= 6 ORDER BY 1 LIMIT 5",
            [sorted(visible)],
        )
        assert surnames
        for (surname,) in surnames:
            typed = str(surname)[:3] + str(surname)[4:]  # one letter dropped
            found = client.get("/search", params={"field": "name", "q": typed})
            seen[f"/search?q={typed}"] = found.text
    finally:
        client.close()
        app.state.store.close()
    if role == "analyst":
        assert [p for p in seen if re.fullmatch(r"/alerts/\d+", p)], "no alert reached the probe"
    leaks = _leaks(seen, hidden, windows)
    assert leaks == [], "\n".join(leaks[:60])
    graph = seen[f"/network/{network}/graph.json"]
    # The case the fixture was built for is on the page, pseudonymised.
    assert re.search(
        r'"label":"[a-z_]+: OX-[0-9a-f]{12}"|"label":"[a-z_]+: LX-[0-9a-f]{12}"', graph
    )
    # And on the link chart, once its items are expanded.
    charted = "\n".join(t for p, t in seen.items() if p.startswith(f"/network/{network}/chart/"))
    assert re.search(r'"label":"[a-z_]+: (OX|LX)-[0-9a-f]{12}"', charted)
