"""The routers' wiring (docs/web.md, "Where a page lives"): every page is behind the
viewer dependency (login and permission) unless it is one of the few public ones, and
every POST carries the CSRF check. A page added without them fails here."""

from __future__ import annotations

from fastapi.routing import APIRoute

from clearsight.web.deps import CSRF, viewer
from clearsight.web.routes import ROUTERS

# Reachable before signing in: the login form, logging out (its CSRF token is the
# session's own) and the health check.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/healthz")}


def _routes() -> list[tuple[str, str, APIRoute]]:
    found = [
        (method, route.path, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    ]
    assert len(found) > 20
    return found


def _calls(route: APIRoute) -> set[str]:
    return {d.call.__qualname__ for d in route.dependant.dependencies if d.call is not None}


def test_every_page_but_the_public_ones_needs_a_viewer() -> None:
    viewer_call = viewer("person").dependency
    assert viewer_call is not None
    open_pages = {
        (method, path)
        for method, path, route in _routes()
        if viewer_call.__qualname__ not in _calls(route)
    }
    assert open_pages == PUBLIC


def test_every_post_checks_csrf() -> None:
    assert CSRF.dependency is not None
    posts = [(path, route) for method, path, route in _routes() if method == "POST"]
    assert posts
    unchecked = [p for p, r in posts if CSRF.dependency.__qualname__ not in _calls(r)]
    assert unchecked == []


def test_no_two_routes_share_a_method_and_path() -> None:
    keys = [(method, path) for method, path, _route in _routes()]
    assert len(keys) == len(set(keys))
