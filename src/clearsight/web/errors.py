"""Error pages: a browser gets an HTML page for an unknown address (404), a method the
address does not take (405) and a fault (500); a client asking for JSON (an address ending
``.json``, or ``Accept: application/json`` without HTML) gets JSON, as before."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from clearsight.web.deps import render, store_of

log = logging.getLogger(__name__)

MESSAGES = {
    403: ("Form expired", "Form expired or forged: reload the page and try again."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This address does not take that kind of request."),
    500: ("Something went wrong", "The page could not be shown; the fault has been logged."),
}


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page(request: Request, status: int, detail: str | None) -> Response:
    title, message = MESSAGES.get(status, ("Error", detail or "The request failed."))
    with store_of(request).borrow() as cur:
        return render(
            request,
            cur,
            "error.html",
            status_code=status,
            title=title,
            message=message,
            status=status,
        )


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else None
    headers = getattr(exc, "headers", None)
    if wants_json(request) or status not in MESSAGES or status == 403:
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    response = await run_in_threadpool(_page, request, status, detail)
    if headers:
        response.headers.update(headers)
    return response


async def _fault(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    if wants_json(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    try:
        return await run_in_threadpool(_page, request, 500, None)
    except Exception:  # the store itself may be the fault: a plain page then
        return Response(MESSAGES[500][1], status_code=500, media_type="text/plain")


async def form_expired(request: Request, exc: Exception) -> Response:
    """A POST without the session's CSRF token: the page says so (JSON to JSON clients)."""
    if wants_json(request):
        return JSONResponse({"detail": MESSAGES[403][1]}, status_code=403)
    return await run_in_threadpool(_page, request, 403, None)


def add_error_pages(app: FastAPI) -> None:
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(Exception)(_fault)
