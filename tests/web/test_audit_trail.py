"""Every page that lists or shows data writes an audit entry, and what a user sends (a
URL, a login name) goes into the log with its control characters escaped."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clearsight.audit import verify
from clearsight.store import connect
from tests.web.client import Client
from tests.web.conftest import Login, do_login
from tests.web.helpers import query
from tests.web.store import Built

ANALYST = "analyst-west-yorkshire"


def _last(db: object, actor: str) -> tuple[str, str | None, int]:
    rows = query(
        db,  # type: ignore[arg-type]
        "SELECT action, target, seq FROM audit_log WHERE actor = ? ORDER BY seq DESC LIMIT 1",
        [actor],
    )
    assert rows, f"no audit entry for {actor}"
    action, target, seq = rows[0]
    return str(action), None if target is None else str(target), int(str(seq))


@pytest.mark.parametrize(
    ("user", "path", "action"),
    [
        (ANALYST, "/", "view_dashboard"),
        (ANALYST, "/networks", "view_network_list"),
        (ANALYST, "/search?field=name&q=smith", "search"),
        (ANALYST, "/review", "view_review_queue"),
        (ANALYST, "/linkage/review", "view_linkage_review"),
        (ANALYST, "/data", "view_data_quality"),
        (ANALYST, "/readiness", "view_readiness"),
        ("national", "/readiness", "view_readiness"),
        ("partner-west-yorkshire", "/networks", "view_network_list"),
        ("national", "/networks", "view_network_list"),
        (ANALYST, "/charts", "view_chart_list"),
        ("national", "/charts", "view_chart_list"),
        ("inspector", "/audit", "view_audit"),
        ("admin", "/admin/users", "view_users"),
    ],
)
def test_every_list_page_is_audited(
    store: Built, login: Login, user: str, path: str, action: str
) -> None:
    client = login(user)
    before = _last(store.db, user)[2]
    assert client.get(path).status_code == 200
    found, _target, seq = _last(store.db, user)
    assert seq > before and found == action


def test_control_characters_in_a_url_are_escaped_in_the_log(store: Built, login: Login) -> None:
    client = login(ANALYST)
    assert client.get("/person/x%00y%1b[2J").status_code == 404
    action, target, _seq = _last(store.db, ANALYST)
    assert action == "access_denied"
    assert target == "entity:x\\x00y\\x1b[2J"
    con = connect(store.db)  # shares the app's open instance
    try:
        assert verify(con).ok
    finally:
        con.close()


def test_control_characters_in_a_login_name_are_escaped(
    store: Built, make_client: Callable[[], Client]
) -> None:
    assert do_login(make_client(), "admin\x00\r\nlogin ok", "wrong-password-123") == 401
    rows = query(
        store.db, "SELECT actor FROM audit_log WHERE action = 'login_failed' ORDER BY seq DESC"
    )
    assert rows and str(rows[0][0]) == "admin\\x00\\r\\nlogin ok"
