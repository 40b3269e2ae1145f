"""Networks: the list, one network's page and graph, and its export."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import FormData

from clearsight.access import Forbidden, require
from clearsight.graph.linked import LinkedNetwork, linked_networks
from clearsight.web import exports, network_view
from clearsight.web.deps import (
    CSRF,
    FORM,
    NotVisible,
    Viewer,
    audit_view,
    pseudonymiser_of,
    render,
    store_of,
    viewer,
)

router = APIRouter()


@router.get("/networks", response_class=HTMLResponse)
def networks(partner_only: bool = False, v: Viewer = viewer("network")) -> Response:
    rows = network_view.networks_list(v.con, v.principal, partner_only=partner_only)
    audit_view(
        v,
        "view_network_list",
        details={
            "networks": len(rows) if rows is not None else None,
            "partner_only": partner_only,
        },
    )
    return render(v, v.con, "networks.html", networks=rows, partner_only=partner_only)


def network_of(v: Viewer, network_id: str) -> network_view.NetworkView:
    """The network as ``v`` may see it (members pseudonymised or hidden by scope)."""
    try:
        require(v.principal, "network")
    except Forbidden as exc:
        exc.target = v.request.url.path
        raise
    store = store_of(v.request)
    view = network_view.network_view(
        store.networks.get(v.con, network_id),
        v.principal,
        pseudonymiser_of(v.request),
        store.sealed(),
    )
    if view is None:
        raise NotVisible(f"network:{network_id}")
    return view


@router.get("/network/{network_id}", response_class=HTMLResponse)
def network(network_id: str, v: Viewer = viewer("network")) -> Response:
    view = network_of(v, network_id)
    audit_view(
        v,
        "view_network",
        f"network:{network_id}",
        {"pseudonymised_members": view.pseudonymised},
    )
    evidence = sorted({str(e["evidence"]) for e in view.edges})
    return render(
        v, v.con, "network.html", view=view, evidence=evidence, linked=_linked(v, network_id)
    )


def _linked(v: Viewer, network_id: str) -> list[LinkedNetwork]:
    """The networks sharing a child or a member with this one that ``v`` may open (one
    they may not is not mentioned, not even counted)."""
    store = store_of(v.request)
    return [
        n
        for n in linked_networks(v.con, network_id)
        if network_view.network_view(
            store.networks.get(v.con, n.network_id),
            v.principal,
            pseudonymiser_of(v.request),
            store.sealed(),
        )
        is not None
    ]


@router.get("/network/{network_id}/graph.json")
def network_graph(network_id: str, v: Viewer = viewer("network")) -> Response:
    view = network_of(v, network_id)
    # The graph names the members: fetched on its own it is a view like the page.
    audit_view(
        v,
        "view_network",
        f"network:{network_id}",
        {"pseudonymised_members": view.pseudonymised, "as": "graph.json"},
    )
    return JSONResponse({"nodes": view.nodes, "edges": view.edges})


@router.post("/network/{network_id}/export", dependencies=[CSRF])
def network_export(
    network_id: str, form: FormData = FORM, v: Viewer = viewer("export")
) -> Response:
    fmt = str(form.get("format") or "")
    if fmt not in exports.OFFERED:
        return HTMLResponse("Unknown export format.", 400)
    view = network_of(v, network_id)  # 404 unless the viewer may see the network
    sealed = store_of(v.request).sealed()
    body = exports.export(v.con, network_id, fmt, v.principal, pseudonymiser_of(v.request), sealed)
    audit_view(
        v,
        "export",
        f"network:{network_id}",
        {"format": fmt, "nodes": len(view.nodes), "pseudonymised_members": view.pseudonymised},
    )
    return Response(
        body,
        media_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{network_id}.{fmt}"'},
    )
