"""Arrival alerts and watchlists: the analyst's area's alerts, one alert with why its record
linked, acknowledgement, the daily digest (page and JSON), the unread count for the nav,
and the analyst's own watches."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from clearsight.alerts import KINDS, WatchError, add_watch, list_watches, remove_watch
from clearsight.alerts.reading import acknowledge, unread_count
from clearsight.web import alerts_view
from clearsight.web.deps import (
    CSRF,
    FORM,
    NotVisible,
    Viewer,
    pseudonymiser_of,
    render,
    store_of,
    viewer,
)

router = APIRouter()
PAGE_SIZE = 100


def _audit(
    v: Viewer,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    category: str = "consultation",
) -> None:
    # Actions of this concern name their s62 category here rather than in the audit
    # module's table of well-known actions.
    store_of(v.request).audit.record(
        actor=v.principal.name, action=action, target=target, details=details, category=category
    )


def _day(text: str | None) -> date | None:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.get("/alerts", response_class=HTMLResponse)
def alerts_list(
    unread: str | None = None,
    page: int = 1,
    acknowledged: int | None = None,
    v: Viewer = viewer("alerts"),
) -> Response:
    page = max(page, 1)
    found = alerts_view.alerts_page(
        v.con,
        v.principal,
        pseudonymiser_of(v.request),
        unacknowledged=bool(unread),
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    shown = found[:PAGE_SIZE]
    _audit(v, "view_alerts", details={"alerts": [a["alert_id"] for a in shown], "page": page})
    return render(
        v,
        v.con,
        "alerts_list.html",
        alerts=shown,
        more=len(found) > PAGE_SIZE,
        page=page,
        unacknowledged=bool(unread),
        acknowledged=acknowledged,
    )


@router.get("/alerts/unread", response_class=HTMLResponse)
def alerts_unread(v: Viewer = viewer("alerts")) -> Response:
    """The nav's badge: a count, no personal data (not audited)."""
    n = unread_count(v.con, alerts_view.area_of(v.principal))
    badge = f'<span class="badge" id="alerts-unread" title="not acknowledged">{n}</span>'
    return HTMLResponse(badge if n else '<span id="alerts-unread"></span>')


def _digest(v: Viewer, day_text: str | None) -> tuple[dict[str, Any] | None, str | None]:
    day = _day(day_text)
    if day is None:
        return None, f"{day_text!r} is not a day written YYYY-MM-DD."
    found = alerts_view.digest_view(v.con, v.principal, pseudonymiser_of(v.request), day)
    _audit(
        v,
        "view_alert_digest",
        details={"day": day.isoformat(), "alerts": [a["alert_id"] for a in found["alerts"]]},
    )
    return found, None


@router.get("/alerts/digest", response_class=HTMLResponse)
def alerts_digest(day: str | None = None, v: Viewer = viewer("alerts")) -> Response:
    found, error = _digest(v, day)
    if found is None:
        blank = {"day": "", "alerts": []}
        return render(v, v.con, "alerts_digest.html", status_code=400, d=blank, error=error)
    return render(v, v.con, "alerts_digest.html", d=found, kinds=KINDS)


@router.get("/alerts/digest.json")
def alerts_digest_json(day: str | None = None, v: Viewer = viewer("alerts")) -> Response:
    found, error = _digest(v, day)
    if found is None:
        return JSONResponse({"error": error}, status_code=400)
    alerts = [alerts_view.as_json(a) for a in found["alerts"]]
    return JSONResponse({**found, "alerts": alerts})


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_one(alert_id: int, v: Viewer = viewer("alerts")) -> Response:
    found = alerts_view.one_alert(v.con, v.principal, pseudonymiser_of(v.request), alert_id)
    if found is None:
        raise NotVisible(f"alert:{alert_id}")
    _audit(
        v,
        "view_alert",
        f"alert:{alert_id}",
        {"entity": found["entity_id"], "network": found["network_id"]},
    )
    return render(v, v.con, "alerts_one.html", a=found)


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[CSRF])
def alert_acknowledge(alert_id: int, v: Viewer = viewer("alerts")) -> Response:
    # Audited by ``acknowledge`` itself (``alert_acknowledge``), as from the CLI.
    done = acknowledge(
        v.con, alert_id, by=v.principal.name, area=alerts_view.area_of(v.principal) or ""
    )
    if done is None:
        raise NotVisible(f"alert:{alert_id}")
    return RedirectResponse(f"/alerts?acknowledged={alert_id}", status_code=303)


def _watches_page(
    v: Viewer, *, status_code: int = 200, error: str | None = None, message: str | None = None
) -> Response:
    found = list_watches(v.con, owner=v.principal.name)
    _audit(v, "view_watches", details={"watches": len(found)})
    return render(
        v,
        v.con,
        "alerts_watches.html",
        status_code=status_code,
        watches=found,
        error=error,
        message=message,
    )


@router.get("/watches", response_class=HTMLResponse)
def watches(v: Viewer = viewer("alerts")) -> Response:
    return _watches_page(v)


def _may_watch(v: Viewer, kind: str, target: str) -> bool:
    """Only what the analyst may open: a person with a record they may identify, or a
    network their page shows them."""
    if kind == "network":
        from clearsight.web import network_view

        store = store_of(v.request)
        view = network_view.network_view(
            store.networks.get(v.con, target),
            v.principal,
            pseudonymiser_of(v.request),
            store.sealed(),
        )
        return view is not None
    return bool(alerts_view.visible_entities(v.con, v.principal, {target}))


@router.post("/watches", response_class=HTMLResponse, dependencies=[CSRF])
def watch_add(form: FormData = FORM, v: Viewer = viewer("alerts")) -> Response:
    kind = str(form.get("kind") or "")
    target = str(form.get("target") or "").strip()[:64]
    note = str(form.get("note") or "").strip()[:500] or None
    try:
        if kind not in ("person", "child", "network"):
            raise WatchError("choose person, child or network")
        if not target or not _may_watch(v, kind, target):
            raise WatchError(f"no {kind} {target!r} that you may see")
        add_watch(
            v.con,
            owner=v.principal.name,
            kind=kind,
            target_id=target,
            area=v.principal.area or "",
            note=note,
        )
    except WatchError as exc:
        return _watches_page(v, status_code=400, error=str(exc))
    return RedirectResponse("/watches", status_code=303)


@router.post("/watches/{watch_id}/remove", response_class=HTMLResponse, dependencies=[CSRF])
def watch_remove(watch_id: int, v: Viewer = viewer("alerts")) -> Response:
    try:
        remove_watch(v.con, watch_id, by=v.principal.name, owner=v.principal.name)
    except WatchError as exc:
        raise NotVisible(f"watch:{watch_id}") from exc
    return RedirectResponse("/watches", status_code=303)
