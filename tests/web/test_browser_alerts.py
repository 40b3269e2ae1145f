"""In Chromium: a new submission about a network member is ingested and linked with
`clearsight link --new`; the area's analyst sees the unread count in the nav, opens the
alert, reads why the record linked, and acknowledges it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.arrivals import HOME, arrive
from tests.web.helpers import query
from tests.web.store import Built
from tests.web.test_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.linked
ANALYST = f"analyst-{HOME}"


@pytest.fixture
def store(built_linked: Built, tmp_path: Path) -> Built:
    """The linked store after the new submission's ingest and incremental linking (the
    server fixture serves this one)."""
    return arrive(built_linked, tmp_path).built


def test_an_alert_appears_after_ingesting_a_linked_record(
    store: Built,
    server: str,  # noqa: F811
    page: object,  # noqa: F811
) -> None:
    rows = query(
        store.db,
        "SELECT alert_id, network_id FROM alerts WHERE area = ? AND network_id IS NOT NULL "
        "AND acknowledged_at IS NULL ORDER BY alert_id",
        [HOME],
    )
    assert rows, "the new record raised no alert for the analyst's area"
    unread = len(query(store.db, "SELECT 1 FROM alerts WHERE area = ?", [HOME]))
    alert_id, network = int(str(rows[0][0])), str(rows[0][1])
    pg = page  # the Playwright Page
    pg.goto(f"{server}/login")  # type: ignore[attr-defined]
    pg.fill("#username", ANALYST)  # type: ignore[attr-defined]
    pg.fill("#password", store.passwords[ANALYST])  # type: ignore[attr-defined]
    pg.click("#login")  # type: ignore[attr-defined]
    # The nav's count, loaded after the page by HTMX.
    badge = pg.wait_for_selector("#alerts-unread.badge")  # type: ignore[attr-defined]
    assert badge.inner_text().strip() == str(unread)
    pg.click("#nav-alerts")  # type: ignore[attr-defined]
    pg.wait_for_selector(f"#alert-{alert_id}")  # type: ignore[attr-defined]
    row = pg.inner_text(f"#alert-{alert_id}")  # type: ignore[attr-defined]
    assert network in row and "match weight" in row
    pg.click(f"#alert-{alert_id} a.alert-link")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Why the record linked")  # type: ignore[attr-defined]
    steps = pg.locator("table.waterfall tr").count()  # type: ignore[attr-defined]
    assert steps > 3
    pg.click(f"#ack-{alert_id}")  # type: ignore[attr-defined]
    pg.wait_for_selector(f"text=Alert #{alert_id} acknowledged.")  # type: ignore[attr-defined]
    assert f"acknowledged by {ANALYST}" in pg.inner_text(f"#alert-{alert_id}")  # type: ignore[attr-defined]
    assert unread > 1  # the member's and the child's alerts at least
    after = pg.wait_for_selector("#alerts-unread.badge")  # type: ignore[attr-defined]
    assert after.inner_text().strip() == str(unread - 1)
    assert query(store.db, "SELECT acknowledged_by FROM alerts WHERE alert_id = ?", [alert_id]) == [
        (ANALYST,)
    ]
    errors = list(pg.csp_errors)  # type: ignore[attr-defined]
    assert not errors, errors
