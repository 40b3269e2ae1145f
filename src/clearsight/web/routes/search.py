"""Finding people in the records the viewer may see (names fuzzy and ranked)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.web import people_search
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/search", response_class=HTMLResponse)
def search(q: str = "", field: str = "name", v: Viewer = viewer("search")) -> Response:
    results: list[people_search.SearchResult] | None = None
    error: str | None = None
    if q.strip():
        try:
            results = people_search.search(v.con, v.principal, field, q[:200])
        except people_search.SearchInputError as exc:
            error = str(exc)
        audit_view(
            v,
            "search",
            f"search:{field}",
            {"field": field, "query": q[:200], "results": len(results or []), "error": error},
        )
    template = "search_results.html" if v.request.headers.get("hx-request") else "search.html"
    return render(
        v,
        v.con,
        template,
        q=q,
        field=field,
        results=results,
        error=error,
        fields=people_search.SEARCH_FIELDS,
    )
