"""The language check: paste text, see findings and alternatives (the text is not kept)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from clearsight.web.deps import CSRF, FORM, Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/language", response_class=HTMLResponse)
def language_form(v: Viewer = viewer("language")) -> Response:
    return render(v, v.con, "language.html", text="", findings=None)


@router.post("/language", response_class=HTMLResponse, dependencies=[CSRF])
def language_check(form: FormData = FORM, v: Viewer = viewer("language")) -> Response:
    text = str(form.get("text") or "")[:20000]
    from clearsight.language import check

    findings = [{**f.as_dict(), "title": f.title} for f in check(text)]
    # The pasted text may name people: log that a check ran, not what was checked.
    audit_view(v, "language_check", details={"characters": len(text), "findings": len(findings)})
    template = "language_results.html" if v.request.headers.get("hx-request") else "language.html"
    return render(v, v.con, template, text=text, findings=findings)
