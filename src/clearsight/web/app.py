"""The analyst web app: ``create_app(db_path, settings)`` builds it; nothing runs at import.

The pages are in ``web/routes/`` (one router per concern) and what they share in
``web/deps.py``; this module wires them together with the store, templates, security
headers and the error pages.
"""

from __future__ import annotations

import contextlib
import json
import weakref
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from clearsight import audit
from clearsight.access import Forbidden, Pseudonymiser, allowed, load_key
from clearsight.web.deps import (
    CsrfFailed,
    NotLoggedIn,
    NotVisible,
    client_of,
    render,
    session_of,
    store_of,
)
from clearsight.web.errors import add_error_pages, form_expired
from clearsight.web.headers import SecurityHeaders
from clearsight.web.labels import add_label_filters
from clearsight.web.pool import Store
from clearsight.web.routes import ROUTERS
from clearsight.web.settings import WebSettings

__all__ = ["NotVisible", "WebSettings", "create_app"]

HERE = Path(__file__).parent


def create_app(db_path: Path | str, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    store = Store(db_path)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["allowed"] = allowed
    templates.env.filters["tojson_attr"] = lambda v: json.dumps(v)
    add_label_filters(templates.env)
    for name in templates.env.list_templates():
        # Compiled now rather than by the first request to use each (tens of ms each).
        templates.env.get_template(name)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        await run_in_threadpool(store.close)

    app = FastAPI(
        title="Clearsight", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    # What the routes and deps.py reach through request.app.state.
    app.state.store = store
    app.state.settings = settings
    app.state.templates = templates
    app.state.pseudonymiser = Pseudonymiser(settings.pseudonym_key or load_key(store.path))
    app.state.login_limiters = weakref.WeakKeyDictionary()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SecurityHeaders, always_secure=settings.secure_cookies is True)

    app.exception_handler(NotLoggedIn)(_not_logged_in)
    app.exception_handler(CsrfFailed)(form_expired)
    app.exception_handler(Forbidden)(_forbidden)
    app.exception_handler(NotVisible)(_not_visible)
    add_error_pages(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


async def _not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse("/login", status_code=303)


def _denied(request: Request, what: str, target: str, status: int) -> Response:
    store = store_of(request)
    with store.borrow() as cur:
        session = session_of(request, cur)
        store.audit.record(
            actor=session.principal.name if session else "-",
            action="access_denied",
            # From the URL: control characters (a NUL byte) escaped, never stored raw.
            target=audit.printable(target),
            details={
                "what": what,
                "path": audit.printable(request.url.path),
                "client": client_of(request),
            },
        )
        message = "Not found, or not yours to see." if status == 404 else "Not permitted."
        return render(request, cur, "error.html", status_code=status, message=message)


# Handlers run on the event loop: the audit append and page go to the thread pool.
async def _forbidden(request: Request, exc: Forbidden) -> Response:
    target = exc.target or request.url.path
    return await run_in_threadpool(_denied, request, exc.permission, target, 403)


async def _not_visible(request: Request, exc: NotVisible) -> Response:
    return await run_in_threadpool(_denied, request, "record", exc.target, 404)
