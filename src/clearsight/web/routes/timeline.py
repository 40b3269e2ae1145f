"""Timelines of a network and of a person: every agency's events on one axis, and the
weekday-by-hour heat matrix of a network's offences (``web/timeline.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.access import visibility
from clearsight.web import queries, timeline
from clearsight.web.deps import (
    NotVisible,
    Viewer,
    audit_view,
    pseudonymiser_of,
    render,
    store_of,
    viewer,
)
from clearsight.web.routes.networks import network_of

router = APIRouter()


@router.get("/timeline/network/{network_id}", response_class=HTMLResponse)
def network_timeline(network_id: str, v: Viewer = viewer("network")) -> Response:
    view = network_of(v, network_id)  # 404 unless the viewer may open the network
    store = store_of(v.request)
    doc = store.networks.get(v.con, network_id)
    if doc is None:
        raise NotVisible(f"network:{network_id}")
    drawn = timeline.network_timeline(
        v.con, v.principal, pseudonymiser_of(v.request), doc, store.sealed()
    )
    audit_view(
        v,
        "view_network_timeline",
        f"network:{network_id}",
        {
            "pseudonymised_members": view.pseudonymised,
            "events": len(drawn.marks),
            "events_held_elsewhere": drawn.hidden_events,
            "lanes": [lane.source_id for lane in drawn.lanes],
        },
    )
    return render(
        v,
        v.con,
        "timeline.html",
        heading=f"network {network_id}",
        kind="network",
        back=f"/network/{network_id}",
        timeline=drawn,
        show_heat=True,
        heat_what="this network's offences",
        note=(
            "Every event of every member and child of the network, in every agency."
            if not view.pseudonymised
            else f"{view.pseudonymised} members are outside your access: their events in"
            " agencies you may not see show their date and type only."
        ),
    )


@router.get("/timeline/person/{entity_id:path}", response_class=HTMLResponse)
def person_timeline(entity_id: str, v: Viewer = viewer("person")) -> Response:
    records = [
        r
        for r in queries.entity_records(v.con, entity_id)
        if visibility(v.principal, source_id=r["source_id"], area=r["area"]) == "identified"
    ]
    if not records:
        raise NotVisible(f"entity:{entity_id}")
    if any(r["sealed"] for r in records):
        # A sealed person is opened on the person page, with a reason; not here.
        audit_view(
            v, "view_person_timeline", f"entity:{entity_id}", {"sealed": True, "opened": False}
        )
        return render(
            v,
            v.con,
            "error.html",
            status_code=403,
            message="This person's record is sealed: open the person page and give a reason.",
        )
    named = next((r for r in records if r["forenames"] or r["surname"]), None)
    label = (
        " ".join(str(x) for x in (named["forenames"], named["surname"]) if x).title()
        if named
        else entity_id
    )
    drawn = timeline.person_timeline(v.con, v.principal, entity_id, records, label)
    audit_view(
        v,
        "view_person_timeline",
        f"entity:{entity_id}",
        {
            "records": [f"{r['source_id']}/{r['person_id']}" for r in records],
            "events": len(drawn.marks),
        },
    )
    return render(
        v,
        v.con,
        "timeline.html",
        heading=label,
        kind="person",
        back=timeline.person_href(entity_id),
        timeline=drawn,
        show_heat=False,
        heat_what="",
        note="The events of this person's records you may see; records held by other areas"
        " or agencies are not shown.",
    )
