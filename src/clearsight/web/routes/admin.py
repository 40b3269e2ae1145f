"""User administration: add users and disable them (their sessions end at once)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from clearsight.access import AccessError
from clearsight.access.users import add_user, known_areas, list_users, set_disabled
from clearsight.web.deps import CSRF, FORM, Viewer, audit_view, render, store_of, viewer

router = APIRouter()


def _admin_page(v: Viewer, error: str | None = None, message: str | None = None) -> Response:
    return render(
        v,
        v.con,
        "admin.html",
        status_code=400 if error else 200,
        users=list_users(v.con),
        areas=known_areas(v.con),
        error=error,
        message=message,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(v: Viewer = viewer("admin")) -> Response:
    audit_view(v, "view_users")
    return _admin_page(v)


@router.post("/admin/users", response_class=HTMLResponse, dependencies=[CSRF])
def admin_add(form: FormData = FORM, v: Viewer = viewer("admin")) -> Response:
    error = message = None
    try:
        user = add_user(
            v.con,
            str(form.get("name") or ""),
            role=str(form.get("role") or ""),
            password=str(form.get("password") or ""),
            area=str(form.get("area") or "") or None,
            source_id=str(form.get("source_id") or "") or None,
            actor=v.principal.name,
        )
        message = f"Added {user.name}."
    except AccessError as exc:
        error = str(exc)
    return _admin_page(v, error, message)


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse, dependencies=[CSRF])
def admin_disable(name: str, v: Viewer = viewer("admin")) -> Response:
    error = message = None
    if name == v.principal.name:
        error = "You cannot disable yourself."
    else:
        try:
            set_disabled(v.con, name, disabled=True, actor=v.principal.name)
            store_of(v.request).forget_user(name)
            message = f"Disabled {name}; their sessions are ended."
        except AccessError as exc:
            error = str(exc)
    return _admin_page(v, error, message)
