"""Signing in and out."""

from __future__ import annotations

import asyncio
import secrets
import weakref

import duckdb
from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from clearsight.access import LoginRefused, login, logout
from clearsight.web.deps import (
    CSRF,
    FORM,
    Con,
    client_of,
    render,
    secure,
    session_of,
    settings_of,
    store_of,
)

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, con: Con) -> Response:
    token = secrets.token_urlsafe(16)
    response = render(request, con, "login.html", login_csrf=token, error=None)
    response.set_cookie(
        settings_of(request).login_cookie_name,
        token,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        max_age=3600,
    )
    return response


@router.post("/login", dependencies=[CSRF])
async def login_submit(request: Request, con: Con, form: FormData = FORM) -> Response:
    # One limiter per event loop (a limiter belongs to the loop it first waits on).
    limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
        request.app.state.login_limiters
    )
    loop = asyncio.get_running_loop()
    limiter = limiters.get(loop)
    if limiter is None:
        limiter = limiters[loop] = CapacityLimiter(settings_of(request).login_concurrency)
    return await to_thread.run_sync(_login, request, form, con, limiter=limiter)


def _login(request: Request, form: FormData, con: duckdb.DuckDBPyConnection) -> Response:
    settings = settings_of(request)
    name, password = str(form.get("username") or ""), str(form.get("password") or "")
    client = client_of(request)
    try:
        session = login(con, name, password, client=client, policy=settings.session)
    except LoginRefused as exc:
        token = request.cookies.get(settings.login_cookie_name, "")
        refused = render(
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


@router.post("/logout", dependencies=[CSRF])
def logout_submit(request: Request, con: Con) -> Response:
    session = session_of(request, con)
    if session is not None:
        store_of(request).forget_session(session.token)
        logout(con, session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(settings_of(request).cookie_name, path="/")
    return response
