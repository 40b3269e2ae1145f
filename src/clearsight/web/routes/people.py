"""A person's page (their records side by side and why they are one person) and opening a
sealed record with a reason."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from clearsight.web import queries
from clearsight.web.deps import (
    CSRF,
    FORM,
    NotVisible,
    Viewer,
    audit_view,
    render,
    store_of,
    viewer,
)
from clearsight.web.entity_fate import gone_for
from clearsight.web.person_names import person_names

router = APIRouter()


def _person(v: Viewer, entity_id: str, reason: str | None) -> Response:
    store = store_of(v.request)
    view = queries.entity_view(
        v.con,
        v.principal,
        entity_id,
        unsealed=reason is not None,
        explain=store.explain,
        networks_of=store.entity_networks,
    )
    if view is None:
        return _gone(v, entity_id)
    if view.sealed and reason is None:
        audit_view(v, "view_person", f"entity:{entity_id}", {"sealed": True, "opened": False})
    else:
        audit_view(
            v,
            "view_sealed" if view.sealed else "view_person",
            f"entity:{entity_id}",
            {"records": [f"{r['source_id']}/{r['person_id']}" for r in view.records]},
            reason=reason,
        )
    return render(
        v,
        v.con,
        "person.html",
        view=view,
        names=person_names(view.records),
        opened=reason is not None,
        protected=queries.PROTECTED,
    )


def _gone(v: Viewer, entity_id: str) -> Response:
    """A merged or withdrawn id's page for a viewer who could see the person; else 404."""
    gone = gone_for(v.con, v.principal, entity_id)
    if gone is None:
        raise NotVisible(f"entity:{entity_id}")
    audit_view(v, "view_person", f"entity:{entity_id}", {"gone": gone.change, "now": gone.now})
    # Withdrawn: gone for good from the current records (410); merged: the page points on.
    status = 200 if gone.change == "merge" else 410
    return render(v, v.con, "person_gone.html", status_code=status, gone=gone)


@router.get("/person/{entity_id:path}", response_class=HTMLResponse)
def person(entity_id: str, v: Viewer = viewer("person")) -> Response:
    return _person(v, entity_id, None)


@router.post("/unseal/{entity_id:path}", response_class=HTMLResponse, dependencies=[CSRF])
def unseal(entity_id: str, form: FormData = FORM, v: Viewer = viewer("person")) -> Response:
    reason = str(form.get("reason") or "").strip()
    if len(reason) < 10:
        view = queries.entity_view(v.con, v.principal, entity_id, unsealed=False)
        if view is None:
            raise NotVisible(f"entity:{entity_id}")
        return render(
            v,
            v.con,
            "person.html",
            status_code=400,
            view=view,
            names=person_names(view.records),
            opened=False,
            protected=queries.PROTECTED,
            error="Give a reason of at least 10 characters; it is logged.",
        )
    return _person(v, entity_id, reason[:500])
