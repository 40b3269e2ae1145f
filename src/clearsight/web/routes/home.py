"""The dashboard (figures for the viewer's area or all areas) and the health check."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearsight.access import require
from clearsight.access.users import known_areas
from clearsight.web import queries
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(area: str | None = None, v: Viewer = viewer("dashboard")) -> Response:
    principal, con = v.principal, v.con
    if principal.role == "admin":
        return RedirectResponse("/admin/users", status_code=303)
    if principal.role in ("analyst", "partner"):
        # Their own area only, whatever the URL says.
        area = principal.area
    elif area is not None:
        require(principal, "dashboard_national")
    figures = queries.dashboard(con, area)
    audit_view(v, "view_dashboard", f"area:{area or 'all'}")
    return render(
        v,
        con,
        "dashboard.html",
        figures=figures,
        area=area,
        areas=known_areas(con),
        chart=json.dumps(figures.get("cse_events_by_year", [])),
    )


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
