"""The closed-case review queue of the analyst's own area (paged, sortable), one case with
its people, and the decisions."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from clearsight import review
from clearsight.review.queue import DECISIONS
from clearsight.web import queries, review_view
from clearsight.web.deps import CSRF, FORM, NotVisible, Viewer, audit_view, render, viewer

router = APIRouter()


def _review_page(
    v: Viewer,
    *,
    sort: str = "score",
    order: str | None = None,
    page: int = 1,
    size: int = review_view.PAGE_SIZE,
    status_code: int = 200,
    error: str | None = None,
    decided: str | None = None,
) -> Response:
    shown: review_view.QueuePage | None = None
    if queries.exists(v.con, "review_queue"):
        descending = None if order not in ("asc", "desc") else order == "desc"
        shown = review_view.page_of(
            review_view.queue_rows(v.con, v.principal),
            sort=sort,
            descending=descending,
            page=page,
            size=size,
        )
    audit_view(
        v,
        "view_review_queue",
        details={
            "cases": shown.total if shown is not None else None,
            "page": shown.page if shown is not None else None,
        },
    )
    return render(
        v,
        v.con,
        "review.html",
        status_code=status_code,
        queue=shown,
        sorts=review_view.SORTS,
        error=error,
        decided=decided,
        decisions=DECISIONS,
    )


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    decided: str | None = None,
    sort: str = "score",
    order: str | None = None,
    page: int = 1,
    size: int = review_view.PAGE_SIZE,
    v: Viewer = viewer("review"),
) -> Response:
    return _review_page(v, sort=sort, order=order, page=page, size=size, decided=decided)


@router.get("/review/{case_id}", response_class=HTMLResponse)
def review_case(case_id: str, v: Viewer = viewer("review")) -> Response:
    found = review_view.case_detail(v.con, v.principal, case_id)
    if found is None:
        raise NotVisible(f"case:{case_id}")
    case, people = found
    audit_view(
        v,
        "view_review_case",
        f"case:{case_id}",
        {"people": [str(p["entity_id"]) for p in people]},
    )
    return render(
        v, v.con, "review_case.html", case=case, people=people, decisions=DECISIONS, error=None
    )


@router.post("/review/{case_id}/decide", response_class=HTMLResponse, dependencies=[CSRF])
def review_decide(case_id: str, form: FormData = FORM, v: Viewer = viewer("review")) -> Response:
    if not review_view.case_visible(v.con, v.principal, case_id):
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
