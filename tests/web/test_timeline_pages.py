"""The timeline and places pages through the app: scope (another area's network, person or
place is 404), pseudonyms for the national role, a sealed person refused, and every view
audited."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Login
from tests.web.helpers import audit_actions, networks_only_in, people_in, query, sealed_entity
from tests.web.store import Built

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST, OTHER_ANALYST = f"analyst-{HOME}", f"analyst-{OTHER}"


def _cross_area(db: object) -> tuple[str, int]:
    found = query(
        db,  # type: ignore[arg-type]
        """
        SELECT n.network_id, count(DISTINCT e.source_id) FROM networks n
        JOIN network_records r USING (network_id)
        JOIN current_involvements i ON i.source_id = r.source_id AND i.person_id = r.person_id
        JOIN current_events e ON e.source_id = i.source_id AND e.event_id = i.event_id
        WHERE len(n.areas) > 1 GROUP BY n.network_id, n.size
        ORDER BY n.size DESC, n.network_id LIMIT 1
        """,
    )
    assert found, "the linked fixture has no cross-area network"
    return str(found[0][0]), int(found[0][1])  # type: ignore[call-overload]


@pytest.mark.linked
def test_network_timeline_in_scope_and_audited(store: Built, login: Login) -> None:
    network, agencies = _cross_area(store.db)
    client = login(ANALYST)
    page = client.get(f"/timeline/network/{network}")
    assert page.status_code == 200, page.text[:300]
    assert page.text.count('<g class="lane') == agencies
    assert 'id="heat"' in page.text and page.text.count('class="heat-cell') == 7 * 24
    assert "held by an agency outside your access" in page.text
    views = [t for a, t, _r in audit_actions(store.db, ANALYST) if a == "view_network_timeline"]
    assert views == [f"network:{network}"]
    # The network page links to it and to its places.
    net_page = client.get(f"/network/{network}").text
    assert f'href="/timeline/network/{network}"' in net_page
    assert f'href="/places?network={network}"' in net_page
    assert client.get(f"/places?network={network}").status_code == 200

    home_only = networks_only_in(store.db, HOME)
    assert home_only, "the linked fixture has no network of one area"
    other = login(OTHER_ANALYST)
    assert other.get(f"/timeline/network/{home_only[0]}").status_code == 404
    assert other.get(f"/places?network={home_only[0]}").status_code == 404


@pytest.mark.linked
def test_national_sees_every_lane_and_no_one(store: Built, login: Login) -> None:
    network, agencies = _cross_area(store.db)
    client = login("national")
    page = client.get(f"/timeline/network/{network}")
    assert page.status_code == 200
    assert page.text.count('<g class="lane') == agencies
    assert 'href="/person/' not in page.text
    places = client.get("/places")
    assert places.status_code == 200
    assert 'id="place-map"' not in places.text  # no place the national role may name
    assert re.search(r'href="/places/LX-[0-9a-f]{12}"', places.text)


@pytest.mark.linked
def test_person_timeline_scope_and_audit(store: Built, login: Login) -> None:
    client = login(ANALYST)
    with_events = query(
        store.db,
        """
        SELECT pe.entity_id FROM person_entities pe JOIN sources s USING (source_id)
        JOIN current_involvements i ON i.source_id = pe.source_id AND i.person_id = pe.person_id
        WHERE s.area = ? GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
        """,
        [HOME],
    )
    entity = str(with_events[0][0])
    page = client.get(f"/timeline/person/{entity}")
    assert page.status_code == 200
    assert 'id="timeline"' in page.text and f'href="/person/{entity}#event-' in page.text
    person = client.get(f"/person/{entity}").text
    assert f'href="/timeline/person/{entity}"' in person
    # Every mark's anchor is a row of the person page.
    anchors = set(re.findall(rf'href="/person/{re.escape(entity)}#(event-[^"]+)"', page.text))
    assert anchors and all(f'id="{a}"' in person for a in anchors)
    views = [t for a, t, _r in audit_actions(store.db, ANALYST) if a == "view_person_timeline"]
    assert views == [f"entity:{entity}"]
    other_entity, _surname = people_in(store.db, OTHER, 1)[0]
    assert client.get(f"/timeline/person/{other_entity}").status_code == 404


@pytest.mark.linked
def test_places_and_a_place(store: Built, login: Login) -> None:
    client = login(ANALYST)
    page = client.get("/places")
    assert page.status_code == 200
    aliases = re.findall(r'href="/places/(LX-[0-9a-f]{12})"', page.text)
    assert aliases, "the analyst sees no hotspot"
    one = client.get(f"/places/{aliases[0]}")
    assert one.status_code == 200 and 'id="sightings"' in one.text
    assert client.get("/places/LX-000000000000").status_code == 404
    actions = [(a, t) for a, t, _r in audit_actions(store.db, ANALYST)]
    assert ("view_places", None) in actions and ("view_place", f"place:{aliases[0]}") in actions


def test_sealed_person_timeline_is_refused(store: Built, login: Login) -> None:
    entity = sealed_entity(store.db)
    client = login(ANALYST)
    page = client.get(f"/timeline/person/{entity}")
    assert page.status_code == 403 and "sealed" in page.text
    assert 'id="timeline"' not in page.text
    entries = [t for a, t, _r in audit_actions(store.db, ANALYST) if a == "view_person_timeline"]
    assert entries == [f"entity:{entity}"]
