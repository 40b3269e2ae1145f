"""Places: the hotspots, one place with who was seen there and when, and the map
(``web/places.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.graph.settings import load_graph_settings
from clearsight.web import places
from clearsight.web.deps import (
    NotVisible,
    Viewer,
    audit_view,
    pseudonymiser_of,
    render,
    store_of,
    viewer,
)
from clearsight.web.place_people import network_place_people
from clearsight.web.queries import Row
from clearsight.web.routes.networks import network_of

router = APIRouter()


@router.get("/places", response_class=HTMLResponse)
def hotspots(network: str | None = None, v: Viewer = viewer("network")) -> Response:
    """The hotspots the viewer may see; with ``network``, the places its members share."""
    pseudonym = pseudonymiser_of(v.request)
    found: list[places.Place] | None
    tied: list[Row] | None = None
    if network is not None:
        network_of(v, network)  # 404 unless the viewer may open the network
        store = store_of(v.request)
        doc = store.networks.get(v.con, network)
        if doc is None:
            raise NotVisible(f"network:{network}")
        found = places.network_places(v.con, v.principal, pseudonym, doc)
        tied = network_place_people(v.con, v.principal, pseudonym, network, found, store.sealed())
    else:
        found = places.hotspots(v.con, v.principal, pseudonym)
    drawn = places.place_map(found) if found else None
    audit_view(
        v,
        "view_places",
        f"network:{network}" if network else None,
        {
            "places": len(found) if found is not None else None,
            "pseudonymised": sum(1 for p in found or [] if not p.identified),
            "mapped": len(drawn.places) if drawn else 0,
            # People tied to the network's premises, not members (lines of enquiry).
            "people_tied": len(tied) if tied is not None else None,
            "people_named": len({t["href"] for t in tied or [] if t["identified"]}),
        },
    )
    settings = load_graph_settings()
    return render(
        v,
        v.con,
        "places.html",
        network=network,
        places=found,
        tied=tied,
        place_map=drawn,
        unplaced=places.without_coordinates(found or []),
        min_children=settings.hotspot_min_children,
        min_adults=settings.hotspot_min_adults,
    )


@router.get("/places/{alias}", response_class=HTMLResponse)
def place(alias: str, v: Viewer = viewer("network")) -> Response:
    store = store_of(v.request)
    found = places.place(v.con, v.principal, pseudonymiser_of(v.request), alias, store.sealed())
    if found is None:
        raise NotVisible(f"place:{alias}")
    drawn = places.place_timeline(v.con, v.principal, found)
    audit_view(
        v,
        "view_place",
        f"place:{alias}",
        {
            "sightings": len(found.sightings),
            "people_named": len({s["href"] for s in found.sightings if s["identified"]}),
            "events": len(drawn.marks),
        },
    )
    return render(v, v.con, "place.html", place=found, timeline=drawn)
