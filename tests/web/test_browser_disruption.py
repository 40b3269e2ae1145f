"""The disruption what-if page in Debian's Chromium (Playwright): it renders the ranked
table and the network, and choosing a person draws the network after their removal."""

from __future__ import annotations

import pytest

from tests.web.helpers import query
from tests.web.store import Built
from tests.web.test_browser import ANALYST, HOME, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.linked


def test_choosing_a_person_shows_the_network_after_removal(
    store: Built,
    server: str,  # noqa: F811
    page: object,  # noqa: F811
) -> None:
    rows = query(
        store.db,
        "SELECT network_id FROM networks WHERE list_contains(areas, ?) "
        "ORDER BY size DESC, network_id LIMIT 1",
        [HOME],
    )
    assert rows, "the fixture store has no network in the home area"
    net = str(rows[0][0])
    pg = page  # the Playwright Page
    pg.goto(f"{server}/login")  # type: ignore[attr-defined]
    pg.fill("#username", ANALYST)  # type: ignore[attr-defined]
    pg.fill("#password", store.passwords[ANALYST])  # type: ignore[attr-defined]
    pg.click("#login")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Dashboard · west-yorkshire")  # type: ignore[attr-defined]

    pg.goto(f"{server}/network/{net}/disrupt")  # type: ignore[attr-defined]
    pg.wait_for_selector("#disruption-ranks")  # type: ignore[attr-defined]
    pg.wait_for_selector('svg#after-removal[data-removed="0"]')  # type: ignore[attr-defined]
    ranked = pg.locator("a.show-removal").count()  # type: ignore[attr-defined]
    assert ranked > 0
    drawn = pg.locator("svg#after-removal g.person").count()  # type: ignore[attr-defined]
    assert drawn >= ranked
    assert pg.locator("svg#after-removal g.person.removed").count() == 0  # type: ignore[attr-defined]

    pg.click("a.show-removal >> nth=0")  # type: ignore[attr-defined]
    pg.wait_for_selector('svg#after-removal[data-removed="1"]')  # type: ignore[attr-defined]
    assert pg.locator("svg#after-removal g.person.removed").count() == 1  # type: ignore[attr-defined]
    words = pg.inner_text("#after-words")  # type: ignore[attr-defined]
    assert words.startswith("Removing ")
    assert pg.locator("tr.selected").count() == 1  # type: ignore[attr-defined]
    # The drawing is visible, not only in the page source.
    box = pg.locator("svg#after-removal").bounding_box()  # type: ignore[attr-defined]
    assert box and box["width"] > 200 and box["height"] > 100
    # Tick two people and show the network without both.
    if ranked >= 2:
        boxes = pg.locator("input[name=remove]")  # type: ignore[attr-defined]
        boxes.nth(0).uncheck()
        boxes.nth(1).check()
        boxes.nth(2 if ranked > 2 else 0).check()
        pg.click("#what-if-go")  # type: ignore[attr-defined]
        pg.wait_for_selector('svg#after-removal[data-removed="2"]')  # type: ignore[attr-defined]
        assert pg.locator("svg#after-removal g.person.removed").count() == 2  # type: ignore[attr-defined]
        assert pg.locator("tr.selected").count() == 2  # type: ignore[attr-defined]
    pg.screenshot(path=str(store.db.parent / "disruption.png"))  # type: ignore[attr-defined]
    assert pg.csp_errors == []  # type: ignore[attr-defined]
