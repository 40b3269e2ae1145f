"""Finding people in the records the viewer may see."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.web import queries
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/search", response_class=HTMLResponse)
def search(q: str = "", field: str = "name", v: Viewer = viewer("search")) -> Response:
    results: list[queries.SearchResult] | None = None
    if q.strip():
        results = queries.search(v.con, v.principal, field, q[:200])
        audit_view(
            v,
            "search",
            f"search:{field}",
            {"field": field, "query": q[:200], "results": len(results)},
        )
    template = "search_results.html" if v.request.headers.get("hx-request") else "search.html"
    return render(
        v, v.con, template, q=q, field=field, results=results, fields=queries.SEARCH_FIELDS
    )
