"""The measured linkage review: the pairs drawn for measurement with their explanation and
the same/not-same decision, the model's precision and recall per pair of sources from the
decisions, and the entities flagged by size and density (``web/measured_review.py``)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from clearsight.web import measured_review
from clearsight.web.deps import CSRF, FORM, NotVisible, Viewer, audit_view, render, viewer

router = APIRouter()

PAGE = "/linkage/review"
# The analyst's two answers, as ``clearsight link decide --accept|--reject`` records them.
ANSWERS = {"same": True, "not_same": False}


def _cache(v: Viewer) -> measured_review.Cache:
    state = v.request.app.state
    found: measured_review.Cache | None = getattr(state, "measured_review", None)
    if found is None:
        found = measured_review.Cache()
        state.measured_review = found
    return found


def _page(
    v: Viewer,
    *,
    status_code: int = 200,
    error: str | None = None,
    note: str | None = None,
    refresh: bool = False,
) -> Response:
    if not measured_review.linked(v.con):
        audit_view(v, "view_linkage_review", details={"linked": False})
        return render(v, v.con, "linkage_review.html", status_code=status_code, drawn=None)
    sources = measured_review.visible_sources(v.con, v.principal)
    drawn = measured_review.sample(v.con, sources)
    cache = _cache(v)
    current = measured_review.measured(v.con, cache, refresh=refresh)
    figures = measured_review.accuracy_rows(cache, sources)
    flagged = measured_review.flagged_rows(v.con, cache, sources)
    from clearsight.linkage.accuracy import MIN_LABELS

    audit_view(
        v,
        "view_linkage_review",
        details={
            "pairs": [f"{p['record_key_l']}|{p['record_key_r']}" for p in drawn["pairs"]],
            "entities": [e["entity_id"] for e in flagged],
            "source_pairs": [f"{r.source_l}|{r.source_r}" for r in figures],
        },
    )
    return render(
        v,
        v.con,
        "linkage_review.html",
        status_code=status_code,
        drawn=drawn,
        figures=figures,
        accuracy_error=cache.accuracy_error,
        current=current,
        flagged=flagged,
        min_labels=MIN_LABELS,
        error=error,
        note=note,
    )


@router.get(PAGE, response_class=HTMLResponse)
def linkage_review(
    decided: str | None = None,
    seed: int | None = None,
    refresh: bool = False,
    v: Viewer = viewer("review"),
) -> Response:
    note = None
    if decided:
        note = f"Decision recorded for {decided}; every later linkage run enforces it."
    elif seed is not None:
        note = f"Sample drawn with seed {seed}: the same seed on this run draws the same pairs."
    return _page(v, note=note, refresh=refresh)


@router.post(f"{PAGE}/sample", response_class=HTMLResponse, dependencies=[CSRF])
def draw_sample(form: FormData = FORM, v: Viewer = viewer("review")) -> Response:
    from clearsight.linkage.errors import LinkageError
    from clearsight.linkage.review import measurement_sample

    try:
        size = int(str(form.get("size") or ""))
        given = str(form.get("seed") or "").strip()
        # No seed given: one drawn here, and shown, so the sample can be drawn again.
        seed = int(given) if given else secrets.randbelow(1_000_000) + 1
    except ValueError:
        return _page(v, status_code=400, error="Give the size and the seed as whole numbers.")
    if size not in measured_review.SAMPLE_SIZES:
        return _page(
            v,
            status_code=400,
            error=f"Draw between {measured_review.SAMPLE_SIZES.start} and "
            f"{measured_review.SAMPLE_SIZES.stop - 1} pairs per pair of sources.",
        )
    sources = measured_review.visible_sources(v.con, v.principal)
    try:
        drawn = measurement_sample(v.con, size, seed, sources=sources)
    except LinkageError as exc:
        return _page(v, status_code=400, error=str(exc))
    audit_view(
        v,
        "draw_link_sample",
        f"run:{drawn.run_id}",
        {"seed": seed, "per_source_pair": size, "sampled": drawn.sampled},
    )
    return RedirectResponse(f"{PAGE}?seed={seed}", status_code=303)


@router.post(f"{PAGE}/decide", response_class=HTMLResponse, dependencies=[CSRF])
def decide_pair(form: FormData = FORM, v: Viewer = viewer("review")) -> Response:
    from clearsight.linkage.errors import LinkageError
    from clearsight.linkage.review import decide

    left, right = str(form.get("left") or ""), str(form.get("right") or "")
    sources = measured_review.visible_sources(v.con, v.principal)
    if not left or not right or {left.partition(":")[0], right.partition(":")[0]} - sources:
        raise NotVisible(f"pair:{left}|{right}")
    answer = str(form.get("decision") or "")
    reason = str(form.get("reason") or "").strip()[:1000]
    if answer not in ANSWERS:
        return _page(v, status_code=400, error="Choose the same person or not the same.")
    if len(reason) < 10:
        return _page(
            v,
            status_code=400,
            error="Give a reason of at least 10 characters; it is recorded and logged.",
        )
    try:
        made = decide(
            v.con, left, right, accept=ANSWERS[answer], reason=reason, by=v.principal.name
        )
    except LinkageError as exc:
        return _page(v, status_code=400, error=str(exc))
    audit_view(
        v,
        "link_decision",
        f"pair:{made.record_key_l}|{made.record_key_r}",
        {"decision": made.decision},
        reason=reason,
    )
    decided = urlencode({"decided": f"{made.record_key_l} / {made.record_key_r}"})
    return RedirectResponse(f"{PAGE}?{decided}", status_code=303)
