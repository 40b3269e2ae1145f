"""In Debian's Chromium: a cross-area network's timeline draws one lane per agency holding
its events, the heat matrix draws every weekday and hour, the legend hides a type, a mark
opens its record, and the places page draws its map; no CSP violation on the way."""

from __future__ import annotations

import pytest

from tests.web.helpers import query
from tests.web.store import Built
from tests.web.test_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.linked

HOME = "west-yorkshire"
ANALYST = f"analyst-{HOME}"


def _network_and_sources(db: object) -> tuple[str, int]:
    """The largest network spanning the analyst's area and another, and how many agencies
    hold an event of its records (counted here in SQL, not by the app)."""
    found = query(
        db,  # type: ignore[arg-type]
        """
        SELECT n.network_id, count(DISTINCT e.source_id) FROM networks n
        JOIN network_records r USING (network_id)
        JOIN current_involvements i ON i.source_id = r.source_id AND i.person_id = r.person_id
        JOIN current_events e ON e.source_id = i.source_id AND e.event_id = i.event_id
        WHERE len(n.areas) > 1 AND list_contains(n.areas, ?)
        GROUP BY n.network_id, n.size ORDER BY n.size DESC, n.network_id LIMIT 1
        """,
        [HOME],
    )
    assert found, "the linked fixture has no cross-area network"
    return str(found[0][0]), int(found[0][1])  # type: ignore[call-overload]


def _mapped_hotspots(db: object) -> int:
    found = query(
        db,  # type: ignore[arg-type]
        """
        SELECT count(*) FROM place_hotspots h
        WHERE EXISTS (SELECT 1 FROM place_sightings s JOIN sources so USING (source_id)
                      WHERE s.location_key = h.location_key AND so.area = ?)
          AND EXISTS (SELECT 1 FROM graph_source_locations g JOIN sources so USING (source_id)
                      JOIN current_locations l
                        ON l.source_id = g.source_id AND l.location_id = g.location_id
                      WHERE g.location_key = h.location_key AND so.area = ?
                        AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL)
        """,
        [HOME, HOME],
    )
    return int(found[0][0])  # type: ignore[call-overload]


def test_timeline_heat_matrix_and_map_render(store: Built, server: str, page: object) -> None:  # noqa: F811
    pg = page  # the Playwright Page
    network, agencies = _network_and_sources(store.db)
    assert agencies > 1
    mapped = _mapped_hotspots(store.db)
    assert mapped > 0, "no hotspot of the analyst's area has coordinates in the fixture"

    pg.goto(f"{server}/login")  # type: ignore[attr-defined]
    pg.fill("#username", ANALYST)  # type: ignore[attr-defined]
    pg.fill("#password", store.passwords[ANALYST])  # type: ignore[attr-defined]
    pg.click("#login")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Dashboard · west-yorkshire")  # type: ignore[attr-defined]

    pg.goto(f"{server}/network/{network}")  # type: ignore[attr-defined]
    pg.click("#network-timeline")  # type: ignore[attr-defined]
    pg.wait_for_selector("#timeline[data-ready]")  # type: ignore[attr-defined]
    assert pg.locator("#timeline g.lane").count() == agencies  # type: ignore[attr-defined]
    marks = pg.locator("#timeline g.mark").count()  # type: ignore[attr-defined]
    assert marks > 0 and pg.get_attribute("#timeline", "data-marks") == str(marks)  # type: ignore[attr-defined]
    # Another area's events are there, naming no one and linking nowhere.
    held = pg.locator("#timeline g.mark.held")  # type: ignore[attr-defined]
    assert held.count() > 0 and pg.locator("#timeline g.mark.held a").count() == 0  # type: ignore[attr-defined]
    assert pg.locator("#heat rect.heat-cell").count() == 7 * 24  # type: ignore[attr-defined]

    # Untick the first event type in the legend: exactly its marks are hidden.
    first = pg.locator("#timeline-legend input").first  # type: ignore[attr-defined]
    kind = first.get_attribute("value")
    of_kind = pg.locator(f'#timeline g.mark[data-type="{kind}"]').count()  # type: ignore[attr-defined]
    assert of_kind > 0
    first.uncheck()
    assert pg.locator("#timeline g.mark.off").count() == of_kind  # type: ignore[attr-defined]
    first.check()
    assert pg.locator("#timeline g.mark.off").count() == 0  # type: ignore[attr-defined]

    # A mark opens its record: the person page, at the event's row. Clicked as a user
    # would, so on a mark no other covers.
    circles = pg.locator("#timeline g.mark circle")  # type: ignore[attr-defined]
    at = [(float(c.get_attribute("cx")), float(c.get_attribute("cy"))) for c in circles.all()]
    links = pg.locator("#timeline g.mark a").all()  # type: ignore[attr-defined]
    assert links
    clear = [
        a
        for a in links
        if sum(
            1
            for x, y in at
            if abs(x - float(a.locator("circle").get_attribute("cx"))) < 12
            and abs(y - float(a.locator("circle").get_attribute("cy"))) < 12
        )
        == 1
    ]
    assert clear, "every linked mark is covered by another"
    link = clear[0]
    href = str(link.get_attribute("href"))
    assert href.startswith("/person/") and "#event-" in href
    link.locator("circle").click()
    pg.wait_for_selector("text=Source records side by side")  # type: ignore[attr-defined]
    anchor = href.split("#", 1)[1]
    assert pg.locator(f'tr[id="{anchor}"]').count() == 1  # type: ignore[attr-defined]

    pg.goto(f"{server}/places")  # type: ignore[attr-defined]
    pg.wait_for_selector("#hotspots")  # type: ignore[attr-defined]
    assert pg.locator("#place-map circle.map-point").count() == mapped  # type: ignore[attr-defined]
    assert pg.locator("#place-map .scale-bar").count() == 1  # type: ignore[attr-defined]
    pg.locator("#hotspots a").first.click()  # type: ignore[attr-defined]
    pg.wait_for_selector("#sightings")  # type: ignore[attr-defined]
    assert pg.locator("#heat rect.heat-cell").count() == 7 * 24  # type: ignore[attr-defined]
    errors = list(pg.csp_errors)  # type: ignore[attr-defined]
    assert not errors, errors
