"""Inspection readiness per force (#22 item 2): each HMICFRS 2023 recommendation and 2025
finding with its red/amber/green rating, the figure and how it was computed, as in the
report. Aggregates only (percentages of records): no person is named. An analyst sees their
own force; national and inspector users any force, or all."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.access.users import known_areas
from clearsight.inspection.readiness import ReadinessItem, readiness
from clearsight.web import queries
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()

RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "not_assessed": "Not assessed"}


@router.get("/readiness", response_class=HTMLResponse)
def readiness_page(area: str | None = None, v: Viewer = viewer("readiness")) -> Response:
    principal, con = v.principal, v.con
    if principal.role == "analyst":
        # Their own force only, whatever the URL says.
        area = principal.area
    areas = known_areas(con)
    if area and area not in areas:
        area = None
    items: list[ReadinessItem] | None = None
    if queries.exists(con, "sources") and queries.exists(con, "batches"):
        items = readiness(con, area=area or None)
    by_force: dict[str, list[ReadinessItem]] = {}
    for item in items or []:
        by_force.setdefault(item.area, []).append(item)
    audit_view(
        v,
        "view_readiness",
        f"area:{area or 'all'}",
        {"items": len(items) if items is not None else None},
    )
    return render(
        v,
        con,
        "readiness.html",
        area=area,
        areas=areas,
        forces=by_force,
        ready=items is not None,
        rag_words=RAG_WORDS,
    )
