"""Logging in and out, sessions, throttling, CSRF, headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from clearsight.access import SessionPolicy
from clearsight.web import WebSettings
from tests.web.client import Client
from tests.web.conftest import Login, csrf_of, do_login
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

ANALYST = "analyst-west-yorkshire"

PAGES = [
    "/",
    "/search?q=smith",
    "/person/x/y",
    "/networks",
    "/network/N-1",
    "/network/N-1/graph.json",
    "/review",
    "/language",
    "/data",
    "/admin/users",
    "/audit",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_login(make_client: Callable[[], Client], path: str) -> None:
    client = make_client()
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_login_sets_a_safe_cookie_and_logout_revokes(store: Built, login: Login) -> None:
    client = login(ANALYST)
    cookie = client.cookies.get("clearsight_session")
    assert cookie and len(cookie) >= 22  # 128 bits, URL-safe base64
    assert client.get("/", follow_redirects=False).status_code == 200
    token = csrf_of(client)
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303
    # Replaying the old cookie after logout is refused server-side.
    client.cookies.set("clearsight_session", cookie)
    assert client.get("/", follow_redirects=False).status_code == 303
    actions = [a for a, _t, _r in audit_actions(store.db, ANALYST)]
    assert actions[0] == "login" and "logout" in actions


def test_cookie_flags(store: Built, make_client: Callable[[], Client]) -> None:
    client = make_client()
    form = client.get("/login")
    assert "httponly" in form.headers["set-cookie"].lower()
    token = form.text.split('name="csrf" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": ANALYST, "password": store.passwords[ANALYST], "csrf": token},
        follow_redirects=False,
    )
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header
    assert "secure" not in header.replace("clearsight", "")  # plain HTTP here


def test_cookie_secure_over_tls(store: Built) -> None:
    from clearsight.web import create_app

    app = create_app(store.db, WebSettings())
    with Client(app, base_url="https://testserver") as client:
        assert do_login(client, ANALYST, store.passwords[ANALYST]) == 303
        assert client.get("/").status_code == 200
    app.state.store.close()


def test_security_headers(make_client: Callable[[], Client]) -> None:
    response = make_client().get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


def test_wrong_password_and_unknown_user_look_the_same(
    store: Built, make_client: Callable[[], Client]
) -> None:
    client = make_client()
    assert do_login(client, ANALYST, "wrong-password-123") == 401
    assert do_login(client, "nobody-at-all", "wrong-password-123") == 401
    assert ("login_failed", None, None) in audit_actions(store.db, ANALYST)


def test_throttling_after_repeated_failures(
    store: Built, make_client: Callable[[], Client]
) -> None:
    client = make_client()
    for _ in range(5):
        assert do_login(client, ANALYST, "wrong-password-123") == 401
    # Even the right password is refused while throttled.
    assert do_login(client, ANALYST, store.passwords[ANALYST]) == 429
    assert "login_throttled" in [a for a, _t, _r in audit_actions(store.db, ANALYST)]


def test_csrf_required_on_every_post(login: Login) -> None:
    client = login(ANALYST)
    for path, data in [
        ("/logout", {}),
        ("/language", {"text": "She is a regular misper."}),
        ("/unseal/x/y", {"reason": "a long enough reason"}),
        ("/network/N-1/export", {"format": "anx"}),
    ]:
        assert client.post(path, data=data, follow_redirects=False).status_code == 403
        bad = {**data, "csrf": "forged"}
        assert client.post(path, data=bad, follow_redirects=False).status_code == 403
    # Still logged in: the forged logout did nothing.
    assert client.get("/", follow_redirects=False).status_code == 200


def test_login_needs_its_own_csrf(store: Built, make_client: Callable[[], Client]) -> None:
    client = make_client()
    response = client.post(
        "/login", data={"username": ANALYST, "password": store.passwords[ANALYST]}
    )
    assert response.status_code == 403


def test_no_state_change_by_get(login: Login) -> None:
    client = login(ANALYST)
    assert client.get("/logout").status_code == 405
    assert client.get("/", follow_redirects=False).status_code == 200


def test_disable_revokes_sessions(store: Built, login: Login) -> None:
    analyst = login(ANALYST)
    admin = login("admin")
    token = csrf_of(admin)
    done = admin.post(f"/admin/users/{ANALYST}/disable", data={"csrf": token})
    assert done.status_code == 200, done.text
    assert analyst.get("/", follow_redirects=False).status_code == 303
    assert do_login(analyst, ANALYST, store.passwords[ANALYST]) == 401
    assert ("user_disable", f"user:{ANALYST}", None) in audit_actions(store.db, "admin")


@pytest.fixture
def short_sessions() -> WebSettings:
    return WebSettings(session=SessionPolicy(idle_timeout=timedelta(minutes=5)))


@pytest.mark.parametrize("column", ["last_seen", "created_at"])
def test_idle_and_absolute_timeouts(store: Built, login: Login, column: str) -> None:
    client = login(ANALYST)
    shift = "INTERVAL 31 MINUTE" if column == "last_seen" else "INTERVAL 13 HOUR"
    query(store.db, f"UPDATE sessions SET {column} = {column} - {shift}")
    if column == "created_at":
        query(store.db, "UPDATE sessions SET last_seen = now()::TIMESTAMP")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "session_expired" in [a for a, _t, _r in audit_actions(store.db, ANALYST)]


def test_session_token_not_stored_in_clear(store: Built, login: Login) -> None:
    client = login(ANALYST)
    token = client.cookies.get("clearsight_session")
    stored = [str(r[0]) for r in query(store.db, "SELECT token_hash FROM sessions")]
    assert token not in stored
