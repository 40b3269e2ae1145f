"""The closed-case review queue of the analyst's own area and its decisions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from clearsight import review
from clearsight.review.queue import DECISIONS
from clearsight.web import queries
from clearsight.web.deps import CSRF, FORM, NotVisible, Viewer, audit_view, render, viewer

router = APIRouter()


def _review_page(
    v: Viewer,
    *,
    status_code: int = 200,
    error: str | None = None,
    decided: str | None = None,
) -> Response:
    rows: list[dict[str, Any]] | None = None
    if queries.exists(v.con, "review_queue"):
        rows = queries.review_rows(v.con, v.principal)
    audit_view(v, "view_review_queue", details={"cases": len(rows) if rows is not None else None})
    return render(
        v,
        v.con,
        "review.html",
        status_code=status_code,
        rows=rows,
        error=error,
        decided=decided,
        decisions=DECISIONS,
    )


@router.get("/review", response_class=HTMLResponse)
def review_queue(decided: str | None = None, v: Viewer = viewer("review")) -> Response:
    return _review_page(v, decided=decided)


@router.post("/review/{case_id}/decide", response_class=HTMLResponse, dependencies=[CSRF])
def review_decide(case_id: str, form: FormData = FORM, v: Viewer = viewer("review")) -> Response:
    if not queries.exists(v.con, "review_queue") or not queries.review_case_visible(
        v.con, v.principal, case_id
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
        review.decide(v.con, case_id, decision, reason, decided_by=v.principal.name)
        return RedirectResponse(f"/review?decided={case_id}", status_code=303)
    return _review_page(v, status_code=400, error=error)
