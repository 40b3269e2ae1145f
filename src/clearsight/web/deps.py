"""What every page shares: the store cursor, the signed-in viewer and their permission,
the CSRF check, the form, the page renderer and the audit entry of a view.

The app's one store, settings, templates and pseudonymiser live on ``app.state`` (set by
``create_app``) and are reached here through ``request.app.state``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import duckdb
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from clearsight.access import Forbidden, Permission, Principal, Pseudonymiser, Session, require
from clearsight.web import queries
from clearsight.web.pool import Store
from clearsight.web.settings import WebSettings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotVisible(Exception):  # noqa: N818 (a verdict, like Forbidden)
    """A record or network the principal may not see, or that does not exist: both 404."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class NotLoggedIn(Exception):  # noqa: N818
    pass


class CsrfFailed(Exception):  # noqa: N818
    pass


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def pseudonymiser_of(request: Request) -> Pseudonymiser:
    pseudonym: Pseudonymiser = request.app.state.pseudonymiser
    return pseudonym


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    with store_of(request).borrow() as cur:
        yield cur


Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]


def session_of(request: Request, con: duckdb.DuckDBPyConnection) -> Session | None:
    cached: Session | None = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    settings = settings_of(request)
    found = store_of(request).session(
        con, request.cookies.get(settings.cookie_name), settings.session
    )
    request.state.session = found
    return found


def borrowed_session(request: Request) -> Session | None:
    with store_of(request).borrow() as cur:
        return session_of(request, cur)


def client_of(request: Request) -> str | None:
    """The user's address: behind a trusted proxy, the one it forwarded (``serve
    --proxy-headers``), not the proxy's own."""
    return request.client.host if request.client else None


def secure(request: Request) -> bool:
    settings = settings_of(request)
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    return request.url.scheme == "https"


async def read_form(request: Request) -> FormData:
    """The parsed form, for routes that are plain functions: FastAPI awaits this on the
    event loop and then runs the route on the thread pool. A route that is itself
    ``async`` would run its store work, and Argon2 at login, on the loop, stalling
    every other request meanwhile."""
    return await request.form()


async def csrf_guard(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (the login form a
    pre-session token matched against its own cookie)."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    sent = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
    if request.url.path == "/login":
        expected = request.cookies.get(settings_of(request).login_cookie_name)
    else:
        session = await run_in_threadpool(borrowed_session, request)
        expected = session.csrf_token if session else None
    if not expected or not sent or not secrets.compare_digest(sent, expected):
        raise CsrfFailed()


CSRF = Depends(csrf_guard)
FORM = Depends(read_form)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of this request, with the cursor the page reads through."""

    principal: Principal
    con: duckdb.DuckDBPyConnection
    request: Request


def _known(request: Request, con: duckdb.DuckDBPyConnection) -> tuple[Any, Session | None]:
    store = store_of(request)
    known = (store.catalog(con), store.sources(), store.sealed())
    return known, session_of(request, con)


def viewer(permission: Permission) -> Any:
    """``Depends`` yielding the ``Viewer`` once signed in (else a redirect to /login) and
    holding ``permission`` (else the audited 403 page).

    Async so that the catalog it installs (``queries.use_catalog``, a context variable)
    is in the request's context, which the route's thread copies; the store reads it
    needs run on the thread pool."""

    async def dependency(request: Request, con: Con) -> Viewer:
        (names, sources, sealed), session = await run_in_threadpool(_known, request, con)
        queries.use_catalog(names, sources=sources, sealed=sealed)
        if session is None:
            raise NotLoggedIn()
        try:
            principal = require(session.principal, permission)
        except Forbidden as exc:
            exc.target = request.url.path
            raise
        return Viewer(principal=principal, con=con, request=request)

    return Depends(dependency)


def render(
    who: Viewer | Request,
    con: duckdb.DuckDBPyConnection,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` with the principal, their CSRF token and the request added."""
    request = who.request if isinstance(who, Viewer) else who
    session = session_of(request, con)
    context.update(
        request=request,
        principal=session.principal if session else None,
        csrf=session.csrf_token if session else "",
    )
    return templates_of(request).TemplateResponse(
        request, template, context, status_code=status_code
    )


def audit_view(
    v: Viewer,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    *,
    reason: str | None = None,
) -> None:
    """Append what ``v`` looked at or did to the audit log."""
    store_of(v.request).audit.record(
        actor=v.principal.name, action=action, target=target, reason=reason, details=details
    )
