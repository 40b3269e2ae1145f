"""The link chart: a network's chart page and its data, expanding an item, saved charts
(save, reopen, list) and exports of the chart's current items (i2 ANX; PNG and SVG are
drawn in the browser and logged here)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from clearsight.web import chart, saved_charts
from clearsight.web.chart_export import EXPORTS, chart_anx
from clearsight.web.deps import (
    CSRF,
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


async def read_json(request: Request) -> Any:
    """The JSON body, read on the event loop (as ``deps.read_form`` reads a form); None
    when the body is not JSON, which the route answers with a 400."""
    try:
        return await request.json()
    except ValueError:
        return None


JSON_BODY = Depends(read_json)


def graph_of(v: Viewer, network_id: str) -> chart.ChartGraph:
    """The network's chart as ``v`` may see it; 404 when the network is not theirs."""
    view = network_of(v, network_id)
    state = v.request.app.state
    cache: chart.RowsCache | None = getattr(state, "chart_rows", None)
    if cache is None:
        cache = state.chart_rows = chart.RowsCache()
    return chart.chart_graph(
        v.con,
        view,
        v.principal,
        pseudonymiser_of(v.request),
        store_of(v.request).sources(),
        cache.get(v.con, view),
    )


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


@router.get("/network/{network_id}/chart", response_class=HTMLResponse)
def chart_page(network_id: str, v: Viewer = viewer("chart")) -> Response:
    network_of(v, network_id)
    audit_view(v, "view_chart", f"network:{network_id}")
    mine = saved_charts.owned(v.con, v.principal.name, network_id)
    return render(
        v, v.con, "chart.html", network_id=network_id, chart_id=None, title="", saved=mine
    )


@router.get("/network/{network_id}/chart.json")
def chart_data(network_id: str, v: Viewer = viewer("chart")) -> Response:
    graph = graph_of(v, network_id)
    opening = chart.opening(graph)
    # The chart names the people: fetched on its own it is a view like the page.
    audit_view(
        v,
        "view_network",
        f"network:{network_id}",
        {
            "as": "chart.json",
            "nodes": len(opening["nodes"]),
            "pseudonymised_members": graph.pseudonymised,
        },
    )
    return JSONResponse(opening)


@router.get("/network/{network_id}/chart/expand")
def chart_expand(network_id: str, node: str, v: Viewer = viewer("chart")) -> Response:
    graph = graph_of(v, network_id)
    if node not in graph.nodes:
        raise NotVisible(f"network:{network_id}/item:{node[:200]}")
    nodes, edges = chart.neighbours(graph, node)
    audit_view(v, "chart_expand", f"network:{network_id}", {"item": node, "added": len(nodes) - 1})
    return JSONResponse({"node": node, "nodes": nodes, "edges": edges})


@router.post("/network/{network_id}/charts", dependencies=[CSRF])
def chart_save_new(network_id: str, body: Any = JSON_BODY, v: Viewer = viewer("chart")) -> Response:
    network_of(v, network_id)
    return _save(v, network_id, body, None)


@router.post("/chart/{chart_id}", dependencies=[CSRF])
def chart_save(chart_id: str, body: Any = JSON_BODY, v: Viewer = viewer("chart")) -> Response:
    found = saved_charts.get(v.con, v.principal.name, chart_id)
    if found is None:
        raise NotVisible(f"chart:{chart_id}")
    network_of(v, str(found["network_id"]))
    return _save(v, str(found["network_id"]), body, chart_id)


def _save(v: Viewer, network_id: str, body: Any, chart_id: str | None) -> Response:
    try:
        state = saved_charts.parse_state(body)
        saved = saved_charts.save(v.con, v.principal.name, network_id, state, chart_id)
    except saved_charts.ChartError as exc:
        return _bad(str(exc))
    # The notes are the analyst's own words about people: logged by count, not quoted.
    audit_view(
        v,
        "chart_save",
        f"chart:{saved}",
        {
            "network": network_id,
            "items": len(state.positions),
            "notes": len(state.notes),
            "new": chart_id is None,
        },
    )
    return JSONResponse({"chart_id": saved, "url": f"/chart/{saved}"})


def _saved(v: Viewer, chart_id: str) -> dict[str, Any]:
    found = saved_charts.get(v.con, v.principal.name, chart_id)
    if found is None:
        raise NotVisible(f"chart:{chart_id}")
    return found


@router.get("/chart/{chart_id}", response_class=HTMLResponse)
def chart_open_page(chart_id: str, v: Viewer = viewer("chart")) -> Response:
    found = _saved(v, chart_id)
    network_id = str(found["network_id"])
    network_of(v, network_id)
    audit_view(v, "chart_open", f"chart:{chart_id}", {"network": network_id})
    mine = saved_charts.owned(v.con, v.principal.name, network_id)
    return render(
        v,
        v.con,
        "chart.html",
        network_id=network_id,
        chart_id=chart_id,
        title=found["title"],
        saved=mine,
    )


@router.get("/chart/{chart_id}/state.json")
def chart_state(chart_id: str, v: Viewer = viewer("chart")) -> Response:
    """The saved chart's items as its owner may see them now, with its layout and notes;
    items no longer visible to them are left out, with their notes."""
    found = _saved(v, chart_id)
    network_id = str(found["network_id"])
    graph = graph_of(v, network_id)
    opening = chart.opening(graph)
    wanted = set(found["positions"]) | set(graph.core())
    for item in found["expanded"]:
        if item in graph.nodes:
            wanted |= {str(n["id"]) for n in chart.neighbours(graph, item)[0]}
    shown = chart.subset(graph, sorted(wanted), list(graph.edges))
    opening["nodes"] = list(shown.nodes.values())
    opening["edges"] = list(shown.edges.values())
    items = set(shown.nodes) | set(shown.edges)
    opening["core_ids"] = graph.core()
    opening["saved"] = {
        "chart_id": chart_id,
        "title": found["title"],
        "positions": {k: p for k, p in found["positions"].items() if k in items},
        "pinned": [i for i in found["pinned"] if i in items],
        "hidden": [i for i in found["hidden"] if i in items],
        "expanded": [i for i in found["expanded"] if i in items],
        "filters": found["filters"],
        "notes": {k: t for k, t in found["notes"].items() if k in items},
        "updated_at": str(found["updated_at"]),
    }
    audit_view(
        v,
        "chart_open",
        f"chart:{chart_id}",
        {"network": network_id, "as": "state.json", "items": len(shown.nodes)},
    )
    return JSONResponse(opening)


@router.get("/charts", response_class=HTMLResponse)
def charts_list(v: Viewer = viewer("chart")) -> Response:
    mine = saved_charts.owned(v.con, v.principal.name)
    audit_view(v, "view_chart_list", details={"charts": len(mine)})
    return render(v, v.con, "chart_list.html", charts=mine)


@router.post("/network/{network_id}/chart/export", dependencies=[CSRF])
def chart_export(network_id: str, body: Any = JSON_BODY, v: Viewer = viewer("export")) -> Response:
    """The chart's current items: i2 ANX written here; PNG and SVG, drawn by the browser
    from what it shows, are logged here before the browser saves them."""
    if not isinstance(body, dict) or body.get("format") not in EXPORTS:
        return _bad(f"format: expected one of {', '.join(EXPORTS)}")
    nodes, edges = body.get("nodes"), body.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return _bad("nodes, edges: expected lists of the chart's item ids")
    fmt = str(body["format"])
    graph = graph_of(v, network_id)
    shown = chart.subset(graph, [str(n) for n in nodes], [str(e) for e in edges])
    audit_view(
        v,
        "export",
        f"network:{network_id}",
        {
            "format": fmt,
            "as": "chart",
            "nodes": len(shown.nodes),
            "edges": len(shown.edges),
            "pseudonymised_members": graph.pseudonymised,
        },
    )
    if fmt != "anx":
        return JSONResponse({"logged": fmt, "nodes": len(shown.nodes)})
    return Response(
        chart_anx(shown, body.get("positions")),
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{network_id}-chart.anx"'},
    )
