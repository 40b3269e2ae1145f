"""The analyst web app: ``create_app(db_path, settings)`` builds it; nothing runs at import."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from clearsight import audit, review
from clearsight.access import (
    AccessError,
    Forbidden,
    LoginRefused,
    Permission,
    Principal,
    Pseudonymiser,
    Session,
    SessionPolicy,
    allowed,
    load_key,
    login,
    logout,
    require,
)
from clearsight.access.users import (
    add_user,
    known_areas,
    list_users,
    set_disabled,
)
from clearsight.review.queue import DECISIONS
from clearsight.web import exports, network_view, queries
from clearsight.web.headers import SecurityHeaders
from clearsight.web.pool import Store

HERE = Path(__file__).parent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class WebSettings:
    session: SessionPolicy = field(default_factory=SessionPolicy)
    # None: Secure cookies exactly when the request came over TLS.
    secure_cookies: bool | None = None
    pseudonym_key: bytes | None = None
    cookie_name: str = "clearsight_session"
    login_cookie_name: str = "clearsight_login"
    # Password checks (Argon2id: 64 MiB and tens of milliseconds of CPU each) run at most
    # this many at a time, off the event loop: a burst of logins queues for its turn
    # without taking every worker thread and every core from the pages.
    login_concurrency: int = 2


class NotVisible(Exception):  # noqa: N818 (a verdict, like Forbidden)
    """A record or network the principal may not see, or that does not exist: both 404."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def create_app(db_path: Path | str, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    store = Store(db_path)
    pseudonym = Pseudonymiser(settings.pseudonym_key or load_key(store.path))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["allowed"] = allowed
    templates.env.filters["tojson_attr"] = lambda v: json.dumps(v)
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
    app.state.store = store
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ------------------------------------------------------------ plumbing

    app.add_middleware(SecurityHeaders, always_secure=settings.secure_cookies is True)

    def get_con() -> Iterator[duckdb.DuckDBPyConnection]:
        with store.borrow() as cur:
            yield cur

    def session_of(request: Request, con: duckdb.DuckDBPyConnection) -> Session | None:
        cached: Session | None = getattr(request.state, "session", None)
        if cached is not None:
            return cached
        found = store.session(con, request.cookies.get(settings.cookie_name), settings.session)
        request.state.session = found
        return found

    def borrowed_session(request: Request) -> Session | None:
        with store.borrow() as cur:
            return session_of(request, cur)

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
            expected = request.cookies.get(settings.login_cookie_name)
        else:
            session = await run_in_threadpool(borrowed_session, request)
            expected = session.csrf_token if session else None
        if not expected or not sent or not secrets.compare_digest(sent, expected):
            raise CsrfFailed()

    class CsrfFailed(Exception):  # noqa: N818
        pass

    def page(
        request: Request,
        con: duckdb.DuckDBPyConnection,
        template: str,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        session = session_of(request, con)
        context.update(
            request=request,
            principal=session.principal if session else None,
            csrf=session.csrf_token if session else "",
        )
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    def need(request: Request, con: duckdb.DuckDBPyConnection, permission: Permission) -> Principal:
        # Runs first in every route, in the route's own thread and context.
        queries.use_catalog(store.catalog(con), sources=store.sources(), sealed=store.sealed())
        session = session_of(request, con)
        if session is None:
            raise NotLoggedIn()
        try:
            return require(session.principal, permission)
        except Forbidden as exc:
            exc.target = request.url.path
            raise

    class NotLoggedIn(Exception):  # noqa: N818
        pass

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return HTMLResponse("Form expired or forged: reload the page and try again.", 403)

    def _denied(request: Request, what: str, target: str, status: int) -> Response:
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
            return page(request, cur, "error.html", status_code=status, message=message)

    # Handlers run on the event loop: the audit append and page go to the thread pool.
    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        target = exc.target or request.url.path
        return await run_in_threadpool(_denied, request, exc.permission, target, 403)

    @app.exception_handler(NotVisible)
    async def _not_visible(request: Request, exc: NotVisible) -> Response:
        return await run_in_threadpool(_denied, request, "record", exc.target, 404)

    con_dep = Depends(get_con)
    csrf_dep = Depends(csrf_guard)
    form_dep = Depends(read_form)

    def client_of(request: Request) -> str | None:
        """The user's address: behind a trusted proxy, the one it forwarded (``serve
        --proxy-headers``), not the proxy's own."""
        return request.client.host if request.client else None

    def secure(request: Request) -> bool:
        if settings.secure_cookies is not None:
            return settings.secure_cookies
        return request.url.scheme == "https"

    # ------------------------------------------------------------ login

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        token = secrets.token_urlsafe(16)
        response = page(request, con, "login.html", login_csrf=token, error=None)
        response.set_cookie(
            settings.login_cookie_name,
            token,
            httponly=True,
            samesite="strict",
            secure=secure(request),
            max_age=3600,
        )
        return response

    login_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
        weakref.WeakKeyDictionary()
    )

    @app.post("/login", dependencies=[csrf_dep])
    async def login_submit(
        request: Request, form: FormData = form_dep, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        # One limiter per event loop (a limiter belongs to the loop it first waits on).
        loop = asyncio.get_running_loop()
        limiter = login_limiters.get(loop)
        if limiter is None:
            limiter = login_limiters[loop] = CapacityLimiter(settings.login_concurrency)
        return await to_thread.run_sync(_login, request, form, con, limiter=limiter)

    def _login(request: Request, form: FormData, con: duckdb.DuckDBPyConnection) -> Response:
        name, password = str(form.get("username") or ""), str(form.get("password") or "")
        client = client_of(request)
        try:
            session = login(con, name, password, client=client, policy=settings.session)
        except LoginRefused as exc:
            token = request.cookies.get(settings.login_cookie_name, "")
            refused = page(
                request,
                con,
                "login.html",
                status_code=429 if exc.throttled else 401,
                login_csrf=token,
                error=str(exc),
            )
            if exc.throttled:
                refused.headers["Retry-After"] = str(exc.retry_after)
            return refused
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            settings.cookie_name,
            session.token,
            httponly=True,
            samesite="strict",
            secure=secure(request),
            path="/",
        )
        response.delete_cookie(settings.login_cookie_name)
        return response

    @app.post("/logout", dependencies=[csrf_dep])
    def logout_submit(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        session = session_of(request, con)
        if session is not None:
            store.forget_session(session.token)
            logout(con, session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(settings.cookie_name, path="/")
        return response

    # ------------------------------------------------------------ dashboard

    @app.get("/", response_class=HTMLResponse)
    def dashboard(
        request: Request, area: str | None = None, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal = need(request, con, "dashboard")
        if principal.role == "admin":
            return RedirectResponse("/admin/users", status_code=303)
        if principal.role in ("analyst", "partner"):
            # Their own area only, whatever the URL says.
            area = principal.area
        elif area is not None:
            require(principal, "dashboard_national")
        figures = queries.dashboard(con, area)
        store.audit.record(
            actor=principal.name, action="view_dashboard", target=f"area:{area or 'all'}"
        )
        return page(
            request,
            con,
            "dashboard.html",
            figures=figures,
            area=area,
            areas=known_areas(con),
            chart=json.dumps(figures.get("cse_events_by_year", [])),
        )

    # ------------------------------------------------------------ search

    @app.get("/search", response_class=HTMLResponse)
    def search(
        request: Request,
        q: str = "",
        field: str = "name",
        con: duckdb.DuckDBPyConnection = con_dep,
    ) -> Response:
        principal = need(request, con, "search")
        results: list[queries.SearchResult] | None = None
        if q.strip():
            results = queries.search(con, principal, field, q[:200])
            store.audit.record(
                actor=principal.name,
                action="search",
                target=f"search:{field}",
                details={"field": field, "query": q[:200], "results": len(results)},
            )
        template = "search_results.html" if request.headers.get("hx-request") else "search.html"
        return page(
            request, con, template, q=q, field=field, results=results, fields=queries.SEARCH_FIELDS
        )

    # ------------------------------------------------------------ person

    def _person(
        request: Request, con: duckdb.DuckDBPyConnection, entity_id: str, reason: str | None
    ) -> Response:
        principal = need(request, con, "person")
        view = queries.entity_view(
            con,
            principal,
            entity_id,
            unsealed=reason is not None,
            explain=store.explain,
            networks_of=store.entity_networks,
        )
        if view is None:
            raise NotVisible(f"entity:{entity_id}")
        if view.sealed and reason is None:
            store.audit.record(
                actor=principal.name,
                action="view_person",
                target=f"entity:{entity_id}",
                details={"sealed": True, "opened": False},
            )
        else:
            store.audit.record(
                actor=principal.name,
                action="view_sealed" if view.sealed else "view_person",
                target=f"entity:{entity_id}",
                reason=reason,
                details={"records": [f"{r['source_id']}/{r['person_id']}" for r in view.records]},
            )
        return page(
            request,
            con,
            "person.html",
            view=view,
            opened=reason is not None,
            protected=queries.PROTECTED,
        )

    @app.get("/person/{entity_id:path}", response_class=HTMLResponse)
    def person(
        request: Request, entity_id: str, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        return _person(request, con, entity_id, None)

    @app.post("/unseal/{entity_id:path}", response_class=HTMLResponse, dependencies=[csrf_dep])
    def unseal(
        request: Request,
        entity_id: str,
        form: FormData = form_dep,
        con: duckdb.DuckDBPyConnection = con_dep,
    ) -> Response:
        reason = str(form.get("reason") or "").strip()
        if len(reason) < 10:
            need(request, con, "person")
            view = queries.entity_view(
                con,
                session_of(request, con).principal,  # type: ignore[union-attr]
                entity_id,
                unsealed=False,
            )
            if view is None:
                raise NotVisible(f"entity:{entity_id}")
            return page(
                request,
                con,
                "person.html",
                status_code=400,
                view=view,
                opened=False,
                protected=queries.PROTECTED,
                error="Give a reason of at least 10 characters; it is logged.",
            )
        return _person(request, con, entity_id, reason[:500])

    # ------------------------------------------------------------ networks

    @app.get("/networks", response_class=HTMLResponse)
    def networks(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        principal = need(request, con, "network")
        rows = network_view.networks_list(con, principal)
        store.audit.record(
            actor=principal.name,
            action="view_network_list",
            details={"networks": len(rows) if rows is not None else None},
        )
        return page(request, con, "networks.html", networks=rows)

    def _network(
        request: Request, con: duckdb.DuckDBPyConnection, network_id: str
    ) -> tuple[Principal, network_view.NetworkView]:
        principal = need(request, con, "network")
        view = network_view.network_view(
            store.networks.get(con, network_id), principal, pseudonym, store.sealed()
        )
        if view is None:
            raise NotVisible(f"network:{network_id}")
        return principal, view

    @app.get("/network/{network_id}", response_class=HTMLResponse)
    def network(
        request: Request, network_id: str, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal, view = _network(request, con, network_id)
        store.audit.record(
            actor=principal.name,
            action="view_network",
            target=f"network:{network_id}",
            details={"pseudonymised_members": view.pseudonymised},
        )
        evidence = sorted({str(e["evidence"]) for e in view.edges})
        return page(request, con, "network.html", view=view, evidence=evidence)

    @app.get("/network/{network_id}/graph.json")
    def network_graph(
        request: Request, network_id: str, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal, view = _network(request, con, network_id)
        # The graph names the members: fetched on its own it is a view like the page.
        store.audit.record(
            actor=principal.name,
            action="view_network",
            target=f"network:{network_id}",
            details={"pseudonymised_members": view.pseudonymised, "as": "graph.json"},
        )
        return JSONResponse({"nodes": view.nodes, "edges": view.edges})

    @app.post("/network/{network_id}/export", dependencies=[csrf_dep])
    def network_export(
        request: Request,
        network_id: str,
        form: FormData = form_dep,
        con: duckdb.DuckDBPyConnection = con_dep,
    ) -> Response:
        fmt = str(form.get("format") or "")
        principal = need(request, con, "export")
        if fmt not in exports.OFFERED:
            return HTMLResponse("Unknown export format.", 400)
        _p, view = _network(request, con, network_id)
        body = exports.export(con, network_id, fmt, principal, pseudonym, store.sealed())
        store.audit.record(
            actor=principal.name,
            action="export",
            target=f"network:{network_id}",
            details={
                "format": fmt,
                "nodes": len(view.nodes),
                "pseudonymised_members": view.pseudonymised,
            },
        )
        return Response(
            body,
            media_type=exports.MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{network_id}.{fmt}"'},
        )

    # ------------------------------------------------------------ review, language, data

    def _review_page(
        request: Request,
        con: duckdb.DuckDBPyConnection,
        principal: Principal,
        *,
        status_code: int = 200,
        error: str | None = None,
        decided: str | None = None,
    ) -> Response:
        rows: list[dict[str, Any]] | None = None
        if queries.exists(con, "review_queue"):
            rows = queries.review_rows(con, principal)
        store.audit.record(
            actor=principal.name,
            action="view_review_queue",
            details={"cases": len(rows) if rows is not None else None},
        )
        return page(
            request,
            con,
            "review.html",
            status_code=status_code,
            rows=rows,
            error=error,
            decided=decided,
            decisions=DECISIONS,
        )

    @app.get("/review", response_class=HTMLResponse)
    def review_queue(
        request: Request, decided: str | None = None, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal = need(request, con, "review")
        return _review_page(request, con, principal, decided=decided)

    @app.post("/review/{case_id}/decide", response_class=HTMLResponse, dependencies=[csrf_dep])
    def review_decide(
        request: Request,
        case_id: str,
        form: FormData = form_dep,
        con: duckdb.DuckDBPyConnection = con_dep,
    ) -> Response:
        principal = need(request, con, "review")
        if not queries.exists(con, "review_queue") or not queries.review_case_visible(
            con, principal, case_id
        ):
            raise NotVisible(f"case:{case_id}")
        decision = str(form.get("decision") or "")
        reason = str(form.get("reason") or "").strip()[:1000]
        if decision not in DECISIONS:
            error = "Choose refer or no further action."
        elif len(reason) < 10:
            error = "Give a reason of at least 10 characters; it is recorded and logged."
        else:
            # Appends to review_decisions and writes the review_decision audit entry.
            review.decide(con, case_id, decision, reason, decided_by=principal.name)
            return RedirectResponse(f"/review?decided={case_id}", status_code=303)
        return _review_page(request, con, principal, status_code=400, error=error)

    @app.get("/language", response_class=HTMLResponse)
    def language_form(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        need(request, con, "language")
        return page(request, con, "language.html", text="", findings=None)

    @app.post("/language", response_class=HTMLResponse, dependencies=[csrf_dep])
    def language_check(
        request: Request, form: FormData = form_dep, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal = need(request, con, "language")
        text = str(form.get("text") or "")[:20000]
        from clearsight.language import check

        findings = [{**f.as_dict(), "title": f.title} for f in check(text)]
        # The pasted text may name people: log that a check ran, not what was checked.
        store.audit.record(
            actor=principal.name,
            action="language_check",
            details={"characters": len(text), "findings": len(findings)},
        )
        template = "language_results.html" if request.headers.get("hx-request") else "language.html"
        return page(request, con, template, text=text, findings=findings)

    @app.get("/data", response_class=HTMLResponse)
    def data(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        principal = need(request, con, "data")
        area = principal.area if principal.role == "analyst" else None
        where, params = ("WHERE b.area = ?", [area]) if area else ("", [])
        batches = quarantine = warnings = rows = None
        if queries.exists(con, "batches"):
            batches = queries.rows(
                con,
                "SELECT b.batch_id, b.source_id, b.organisation, b.area, b.extract_date,"
                " b.loaded_at, b.status, sum(f.rows_loaded) AS loaded,"
                " sum(f.rows_quarantined) AS quarantined FROM batches b"
                f" LEFT JOIN batch_files f USING (batch_id) {where}"
                " GROUP BY ALL ORDER BY b.batch_id DESC LIMIT 200",
                params,
            )
            quarantine = queries.rows(
                con,
                "SELECT q.source_id, q.file, q.reason_code, count(*) AS n FROM quarantine q"
                f" JOIN batches b USING (batch_id) {where} GROUP BY ALL ORDER BY n DESC LIMIT 100",
                params,
            )
            warnings = queries.rows(
                con,
                "SELECT w.source_id, w.column_name, w.reason_code, count(*) AS n"
                f" FROM value_warnings w JOIN batches b USING (batch_id) {where}"
                " GROUP BY ALL ORDER BY n DESC LIMIT 100",
                params,
            )
            if allowed(principal, "quarantine") and area:
                rows = queries.rows(
                    con,
                    "SELECT q.source_id, q.file, q.row_number, q.column_name, q.reason, q.value"
                    " FROM quarantine q JOIN batches b USING (batch_id) WHERE b.area = ?"
                    " ORDER BY q.batch_id DESC, q.file, q.row_number LIMIT 100",
                    [area],
                )
        store.audit.record(
            actor=principal.name, action="view_data_quality", target=f"area:{area or 'all'}"
        )
        return page(
            request,
            con,
            "data.html",
            batches=batches,
            quarantine=quarantine,
            warnings=warnings,
            rows=rows,
        )

    # ------------------------------------------------------------ admin, audit

    def admin_page(
        request: Request,
        con: duckdb.DuckDBPyConnection,
        error: str | None = None,
        message: str | None = None,
    ) -> Response:
        return page(
            request,
            con,
            "admin.html",
            status_code=400 if error else 200,
            users=list_users(con),
            areas=known_areas(con),
            error=error,
            message=message,
        )

    @app.get("/admin/users", response_class=HTMLResponse)
    def admin_users(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        principal = need(request, con, "admin")
        store.audit.record(actor=principal.name, action="view_users")
        return admin_page(request, con)

    @app.post("/admin/users", response_class=HTMLResponse, dependencies=[csrf_dep])
    def admin_add(
        request: Request, form: FormData = form_dep, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal = need(request, con, "admin")
        error = message = None
        try:
            user = add_user(
                con,
                str(form.get("name") or ""),
                role=str(form.get("role") or ""),
                password=str(form.get("password") or ""),
                area=str(form.get("area") or "") or None,
                source_id=str(form.get("source_id") or "") or None,
                actor=principal.name,
            )
            message = f"Added {user.name}."
        except AccessError as exc:
            error = str(exc)
        return admin_page(request, con, error, message)

    @app.post("/admin/users/{name}/disable", response_class=HTMLResponse, dependencies=[csrf_dep])
    def admin_disable(
        request: Request, name: str, con: duckdb.DuckDBPyConnection = con_dep
    ) -> Response:
        principal = need(request, con, "admin")
        error = message = None
        if name == principal.name:
            error = "You cannot disable yourself."
        else:
            try:
                set_disabled(con, name, disabled=True, actor=principal.name)
                store.forget_user(name)
                message = f"Disabled {name}; their sessions are ended."
            except AccessError as exc:
                error = str(exc)
        return admin_page(request, con, error, message)

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request, con: duckdb.DuckDBPyConnection = con_dep) -> Response:
        principal = need(request, con, "audit")
        result = audit.verify(con)
        recent = audit.entries(con, limit=200, newest_first=True)
        store.audit.record(actor=principal.name, action="view_audit")
        return page(request, con, "audit.html", result=result, entries=recent)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
