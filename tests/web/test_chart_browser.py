"""The link chart in Debian's Chromium, driven by Playwright: expand and collapse an item,
filter by time without orphans, note, save and reopen a chart, export PNG; and no two
labels overlap on a fully expanded chart (from cytoscape's label bounding boxes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.helpers import audit_actions, query
from tests.web.store import Built
from tests.web.test_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.linked

HOME = "west-yorkshire"
ANALYST = f"analyst-{HOME}"
READY = "#chart[data-state=ready]"

# Label boxes of every item shown, as cytoscape measures them (model coordinates).
BOXES = """() => window.csChartView.shown().nodes().map(n => {
  const b = n.boundingBox({includeLabels: true, includeOverlays: false});
  return [n.id(), b.x1, b.y1, b.x2, b.y2];
})"""
ORPHANS = """() => { const shown = window.csChartView.shown();
  return shown.nodes().filter(n => n.connectedEdges().intersection(shown).length === 0).length; }"""


def overlaps(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def _network(db: Path) -> str:
    rows = query(
        db,
        """
        SELECT n.network_id FROM networks n
        WHERE n.n_victims > 0 AND EXISTS (
            SELECT 1 FROM network_records r JOIN sources s USING (source_id)
            WHERE r.network_id = n.network_id AND s.area = ?)
        ORDER BY n.size DESC, n.network_id LIMIT 1
        """,
        [HOME],
    )
    assert rows, f"the fixture has no network with a child in {HOME}"
    return str(rows[0][0])


def _login(pg: Any, base: str, store: Built) -> None:
    pg.goto(f"{base}/login")
    pg.fill("#username", ANALYST)
    pg.fill("#password", store.passwords[ANALYST])
    pg.click("#login")
    pg.wait_for_selector("text=Dashboard · west-yorkshire")


def _rendered(pg: Any) -> int:
    return int(pg.get_attribute("#chart", "data-rendered"))


def _click_item(pg: Any, node_id: str, *, double: bool = False) -> None:
    """Click an item where it is drawn on the canvas, as the analyst would."""
    x, y = pg.evaluate(
        "id => { const p = window.csChart.getElementById(id).renderedPosition();"
        " return [p.x, p.y]; }",
        node_id,
    )
    box = pg.locator("#chart").bounding_box()
    if double:
        pg.mouse.dblclick(box["x"] + x, box["y"] + y)
    else:
        pg.mouse.click(box["x"] + x, box["y"] + y)


def test_expand_filter_note_save_reopen_and_export(
    store: Built,
    server: str,  # noqa: F811
    page: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    pg = page
    _login(pg, server, store)
    network = _network(store.db)
    pg.goto(f"{server}/network/{network}")
    pg.click("a.chart-link")
    pg.wait_for_selector(READY, timeout=30000)
    opened = _rendered(pg)
    assert opened > 1
    busiest = pg.evaluate(
        "() => window.csChart.nodes('.expandable').max(n => n.data('degree')).ele.id()"
    )

    # Expand by double-clicking the best-connected item: its events and objects come in.
    _click_item(pg, busiest, double=True)
    pg.wait_for_selector("#chart[data-expanded='1'][data-state=ready]", timeout=30000)
    expanded = _rendered(pg)
    assert expanded > opened
    assert ("chart_expand", f"network:{network}") in [
        (a, t) for a, t, _r in audit_actions(store.db, ANALYST)
    ]

    # Filter by time to the first day on the chart: later events leave, no orphans stay.
    later = pg.evaluate(
        "() => window.csChartView.shown().nodes('[kind = \"event\"]')"
        ".filter(n => n.data('date') > document.querySelector('#time-range')"
        ".textContent.slice(0, 10)).length"
    )
    assert later > 0
    pg.eval_on_selector(
        "#time-to", "el => { el.value = el.min; el.dispatchEvent(new Event('change')); }"
    )
    pg.wait_for_selector(READY)
    assert _rendered(pg) < expanded
    assert pg.evaluate(ORPHANS) == 0
    assert pg.text_content("#filter-count").strip()
    pg.eval_on_selector(
        "#time-to", "el => { el.value = el.max; el.dispatchEvent(new Event('change')); }"
    )
    pg.wait_for_selector(READY)
    assert _rendered(pg) == expanded

    # A note on the expanded item, then save under a name.
    _click_item(pg, busiest)
    pg.wait_for_function("() => !document.querySelector('#item-note').disabled")
    pg.fill("#item-note", "Central to the group; check the shared phone")
    pg.fill("#chart-title", "Spring review")
    pg.click("#btn-save")
    pg.wait_for_function(
        "() => (document.querySelector('#chart').dataset.saved || '').startsWith('CH-')"
    )
    chart_id = pg.get_attribute("#chart", "data-saved")
    assert pg.url.endswith(f"/chart/{chart_id}")

    # PNG of what the chart shows, logged before the browser saves it.
    with pg.expect_download() as download:
        pg.click("#btn-png")
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    exports = query(
        store.db,
        "SELECT details->>'format' FROM audit_log WHERE actor = ? AND action = 'export'",
        [ANALYST],
    )
    assert ("png",) in exports

    # Reopened: the same items, the expansion, the name and the note.
    pg.goto(f"{server}/charts")
    pg.click(f"a[href='/chart/{chart_id}']")
    pg.wait_for_selector(READY, timeout=30000)
    assert _rendered(pg) == expanded
    assert pg.get_attribute("#chart", "data-expanded") == "1"
    assert pg.input_value("#chart-title") == "Spring review"
    _click_item(pg, busiest)
    pg.wait_for_function("() => !document.querySelector('#item-note').disabled")
    assert pg.input_value("#item-note") == "Central to the group; check the shared phone"

    # Collapse: what the expansion brought in leaves again.
    _click_item(pg, busiest, double=True)
    pg.wait_for_selector("#chart[data-expanded='0'][data-state=ready]", timeout=30000)
    assert _rendered(pg) == opened

    # Move an item by hand: it is pinned where it was dropped.
    x, y = pg.evaluate(
        "id => { const p = window.csChart.getElementById(id).renderedPosition();"
        " return [p.x, p.y]; }",
        busiest,
    )
    box = pg.locator("#chart").bounding_box()
    pg.mouse.move(box["x"] + x, box["y"] + y)
    pg.mouse.down()
    pg.mouse.move(box["x"] + x + 60, box["y"] + y + 40, steps=8)
    pg.mouse.up()
    assert pg.evaluate("id => window.csChart.getElementById(id).hasClass('pinned')", busiest)

    # Select and hide (the Delete key), then show again. A pause first, as a person's:
    # two presses on one item within the double-click interval would expand it.
    pg.wait_for_timeout(800)
    # (A click toggles an item's selection: start from none selected.)
    pg.evaluate("() => window.csChart.elements().unselect()")
    _click_item(pg, busiest)
    pg.wait_for_function("() => !document.querySelector('#item-note').disabled")
    pg.keyboard.press("Delete")
    assert _rendered(pg) < opened
    pg.click("#btn-show")
    pg.wait_for_selector(READY)
    assert _rendered(pg) == opened
    assert not pg.csp_errors, pg.csp_errors


def expand_all(pg: Any, limit: int = 60) -> None:
    """Expand every expandable item until none is left (bounded)."""
    for _ in range(limit):
        left = pg.evaluate("() => window.csChart.nodes('.expandable').map(n => n.id())")
        if not left:
            return
        pg.evaluate("id => window.csChartView.expand(window.csChart.getElementById(id))", left[0])
        pg.wait_for_selector(READY, timeout=30000)


def test_no_two_labels_overlap_on_a_fully_expanded_chart(
    store: Built,
    server: str,  # noqa: F811
    page: Any,  # noqa: F811
) -> None:
    pg = page
    _login(pg, server, store)
    pg.goto(f"{server}/network/{_network(store.db)}/chart")
    pg.wait_for_selector(READY, timeout=30000)
    expand_all(pg)
    boxes = pg.evaluate(BOXES)
    assert len(boxes) >= 20, f"only {len(boxes)} items on the fully expanded chart"
    assert all(b[3] > b[1] and b[4] > b[2] for b in boxes)
    assert overlaps(boxes) == []
    assert pg.evaluate(ORPHANS) == 0
    assert not pg.csp_errors, pg.csp_errors
