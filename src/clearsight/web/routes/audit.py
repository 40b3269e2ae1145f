"""The audit log: chain verification and the latest entries."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight import audit
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/audit", response_class=HTMLResponse)
def audit_page(v: Viewer = viewer("audit")) -> Response:
    result = audit.verify(v.con)
    recent = audit.entries(v.con, limit=200, newest_first=True)
    audit_view(v, "view_audit")
    return render(v, v.con, "audit.html", result=result, entries=recent)
