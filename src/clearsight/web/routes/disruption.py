"""The disruption what-if of a network (``/network/{id}/disrupt``): members ranked by how
much their removal fragments it, each explained, and the network drawn with a selected
person taken out (``web/disruption.py``, ``graph/disruption.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from clearsight.graph import disruption as measures
from clearsight.web.deps import (
    NotVisible,
    Viewer,
    audit_view,
    pseudonymiser_of,
    render,
    store_of,
    viewer,
)
from clearsight.web.disruption import DisruptionPage, disruption_page

router = APIRouter()


def _page(v: Viewer, network_id: str, remove: list[str] | None) -> DisruptionPage:
    store = store_of(v.request)
    page = disruption_page(
        v.con,
        store.networks.get(v.con, network_id),
        v.principal,
        pseudonymiser_of(v.request),
        store.sealed(),
        remove,
    )
    if page is None:
        raise NotVisible(f"network:{network_id}")
    # The what-if names the network's members: a view of the network, audited as one.
    audit_view(
        v,
        "view_network",
        f"network:{network_id}",
        {
            "as": "disruption",
            "pseudonymised_members": page.view.pseudonymised,
            "removed": page.selected["ids"] if page.selected else [],
        },
    )
    return page


@router.get("/network/{network_id}/disrupt", response_class=HTMLResponse)
def network_disrupt(
    network_id: str,
    remove: Annotated[list[str] | None, Query()] = None,
    v: Viewer = viewer("network"),
) -> Response:
    """``remove`` (repeatable): the people, by their shown ids, to take out."""
    page = _page(v, network_id, remove)
    return render(v, v.con, "disruption_network.html", page=page)


@router.get("/network/{network_id}/disrupt.json")
def network_disrupt_json(network_id: str, v: Viewer = viewer("network")) -> Response:
    page = _page(v, network_id, None)
    return JSONResponse(
        {
            "network_id": network_id,
            "people": len(page.result.people),
            "links": len(page.result.links),
            "distance_measures": page.result.distances,
            "ranked": page.rows,
            "sets": page.sets,
            "not_ranked": page.not_ranked,
            "note": measures.NOTE,
        }
    )
