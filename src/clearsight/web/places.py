"""Places as a viewer may see them: the hotspots the graph stage found (``place_hotspots``,
see docs/networks.md, Places), who was seen at each and when, and a map of those with
coordinates drawn on a projected plane (no tile server: the app runs where the internet
may not be reachable, and tests run offline).

Scope: an analyst or partner sees a hotspot where at least one sighting comes from a
source they may identify; the national role sees every hotspot, pseudonymised. A place is
named (and placed on the map) only from location rows of sources the viewer may identify:
a place recorded only by another agency is that agency's data, shown as its keyed
pseudonym, exactly as the network page shows it. People the viewer may not identify are
pseudonyms; counts are aggregates over every source, as the hotspot command gives them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import duckdb

from clearsight.access import Principal, Pseudonymiser, visibility
from clearsight.graph.places import HOTSPOT_ORDER
from clearsight.web.queries import Row, _key_match, _persons, _sources, exists, rows
from clearsight.web.timeline import Timeline, build_timeline, person_href

MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 800, 520, 40
# Kilometres per degree of latitude, and of longitude at the equator (WGS84 means). An
# equirectangular projection about the places' mean latitude is within a fraction of a
# per cent over a county, which is what a map of one area's hotspots spans.
KM_PER_DEGREE_LAT, KM_PER_DEGREE_LON = 110.574, 111.320


@dataclass
class Place:
    location_key: str
    alias: str
    label: str
    location_type: str
    identified: bool
    counts: Row
    latitude: float | None = None
    longitude: float | None = None
    x: float = 0.0
    y: float = 0.0
    radius: float = 6.0
    sightings: list[Row] = field(default_factory=list)
    # Whether ``/places/{alias}`` opens it: a hotspot the viewer may see.
    hotspot: bool = True


@dataclass
class PlaceMap:
    places: list[Place]
    scale_km: float
    scale_px: float
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT


def _visible_sources(principal: Principal, sources: dict[str, Row]) -> frozenset[str]:
    return frozenset(
        s
        for s, row in sources.items()
        if visibility(principal, source_id=s, area=str(row["area"])) == "identified"
    )


def hotspots(
    con: duckdb.DuckDBPyConnection, principal: Principal, pseudonym: Pseudonymiser
) -> list[Place] | None:
    """The hotspots the viewer may see, exploitation first (the graph stage's order);
    None when the graph stage has not run."""
    if not all(exists(con, t) for t in ("place_hotspots", "place_sightings")):
        return None
    sources = _sources(con)
    visible = sorted(_visible_sources(principal, sources))
    scoped = principal.role != "national"
    where = (
        "WHERE EXISTS (SELECT 1 FROM place_sightings s WHERE s.location_key = h.location_key"
        " AND list_contains(?, s.source_id))"
        if scoped
        else ""
    )
    found = rows(
        con,
        "SELECT h.location_key, h.name, h.postcode, h.location_type, h.n_children, h.n_adults,"
        " h.n_offending_adults, h.n_events, h.n_exploitation_events, h.first_date, h.last_date"
        f" FROM place_hotspots h {where} ORDER BY {HOTSPOT_ORDER}",
        [visible] if scoped else [],
    )
    named = _named_places(con, [str(r["location_key"]) for r in found], visible)
    places: list[Place] = []
    for r in found:
        key = str(r["location_key"])
        alias = pseudonym("location", key)
        clear = key in named
        kind = str(r["location_type"] or "place")
        label = " ".join(str(x) for x in (r["name"], r["postcode"]) if x) if clear else ""
        counts = {k: v for k, v in r.items() if k.startswith("n_") or k.endswith("_date")}
        place = Place(key, alias, label or f"{kind}: {alias}", kind, clear, counts)
        coords = named.get(key)
        if coords is not None:
            place.latitude, place.longitude = coords
        places.append(place)
    return places


def network_places(
    con: duckdb.DuckDBPyConnection, principal: Principal, pseudonym: Pseudonymiser, doc: Row
) -> list[Place]:
    """The places a network's members share (``network_locations``, in the network's
    serving document ``doc``), named and placed only from rows of sources the viewer may
    identify, as ``hotspots`` does; the network page shows the same places."""
    sources = _sources(con)
    visible = sorted(_visible_sources(principal, sources))
    found: list[Row] = list(doc.get("locations") or [])
    named = _named_places(con, [str(r["location_key"]) for r in found], visible)
    spots = {p.location_key for p in hotspots(con, principal, pseudonym) or []}
    shown: list[Place] = []
    for r in found:
        key = str(r["location_key"])
        alias = pseudonym("location", key)
        kind = str(r["location_type"] or "place")
        clear = key in named
        label = " ".join(str(x) for x in (r["name"], r["postcode"]) if x) if clear else ""
        users = len(r.get("users") or [])
        place = Place(key, alias, label or f"{kind}: {alias}", kind, clear, {"n_members": users})
        place.hotspot = key in spots
        coords = named.get(key)
        if coords is not None:
            place.latitude, place.longitude = coords
        shown.append(place)
    return shown


def _named_places(
    con: duckdb.DuckDBPyConnection, keys: list[str], visible: list[str]
) -> dict[str, tuple[float, float] | None]:
    """The places among ``keys`` recorded in a location row of a visible source, each with
    the mean of the coordinates those rows carry (None when none does)."""
    if not keys or not visible or not exists(con, "graph_source_locations"):
        return {}
    coords = "NULL::DOUBLE, NULL::DOUBLE"
    join = ""
    if exists(con, "current_locations"):
        coords = "avg(l.latitude), avg(l.longitude)"
        join = (
            " LEFT JOIN current_locations l ON l.source_id = g.source_id"
            " AND l.location_id = g.location_id"
        )
    found = con.execute(
        f"SELECT g.location_key, {coords} FROM graph_source_locations g{join}"
        " WHERE list_contains(?, g.location_key) AND list_contains(?, g.source_id)"
        " GROUP BY g.location_key",
        [keys, visible],
    ).fetchall()
    return {
        str(k): (float(lat), float(lon)) if lat is not None and lon is not None else None
        for k, lat, lon in found
    }


def place(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonymiser,
    alias: str,
    sealed: frozenset[tuple[str, str]],
) -> Place | None:
    """One hotspot the viewer may see, by its alias, with who was seen there and when."""
    found = next((p for p in hotspots(con, principal, pseudonym) or [] if p.alias == alias), None)
    if found is None:
        return None
    found.sightings = _sightings(con, principal, pseudonym, found.location_key, sealed)
    return found


def _sightings(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonymiser,
    location_key: str,
    sealed: frozenset[tuple[str, str]],
) -> list[Row]:
    """Who was seen at the place, how and when: by name and linked when the sighting's
    record is one the viewer may identify, else as a pseudonym and how only in outline."""
    sources = _sources(con)
    seen = rows(
        con,
        "SELECT entity_id, record_key, source_id, role, how, event_key, date, child"
        " FROM place_sightings WHERE location_key = ? ORDER BY date NULLS LAST, entity_id",
        [location_key],
    )
    keys = sorted(
        {tuple(str(r["record_key"]).split(":", 1)) for r in seen if ":" in str(r["record_key"])}
    )
    names = record_names(con, [(k[0], k[1]) for k in keys if len(k) == 2])
    shown: list[Row] = []
    for r in seen:
        found = seen_as(r, principal, pseudonym, sources, names, sealed)
        if found is None:
            continue
        source, clear, label = found
        entity = str(r["entity_id"])
        shown.append(
            {
                "label": label,
                "href": person_href(entity) if clear else None,
                "child": bool(r["child"]),
                # The event's role (victim, suspect...) or the association (frequents...);
                # the event itself only when the viewer may see it.
                "how": str(r["role"] or r["how"]),
                # The code list ``how`` is from, for the page to say it in words.
                "how_column": "role" if r["event_key"] else "association_type",
                "event": str(r["event_key"]) if clear and r["event_key"] else None,
                "date": r["date"],
                "organisation": str(source["organisation"]),
                "identified": clear,
            }
        )
    return shown


def seen_as(
    r: Row,
    principal: Principal,
    pseudonym: Pseudonymiser,
    sources: dict[str, Row],
    names: dict[tuple[str, ...], str],
    sealed: frozenset[tuple[str, str]],
) -> tuple[Row, bool, str] | None:
    """The person of one record row (``source_id``, ``record_key``, ``entity_id``) as the
    viewer sees them: the record's source, whether the viewer may identify it, and the
    label (the record's name, "sealed record", or the entity's pseudonym); None when the
    source is unknown."""
    source = sources.get(str(r["source_id"]))
    if source is None:
        return None
    clear = (
        visibility(principal, source_id=str(r["source_id"]), area=str(source["area"]))
        == "identified"
    )
    record = tuple(str(r["record_key"]).split(":", 1))
    entity = str(r["entity_id"])
    if clear and record in sealed:
        return source, clear, "sealed record"
    if clear:
        return source, clear, names.get(record, "") or entity
    return source, clear, pseudonym("entity", entity)


def record_names(
    con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]]
) -> dict[tuple[str, ...], str]:
    if not keys or not exists(con, "current_persons"):
        return {}
    where, params = _key_match(con, "web_persons", "p", "person_id", keys)
    found = rows(
        con,
        f"SELECT p.source_id, p.person_id, p.forenames, p.surname FROM {_persons(con)} p"
        f" WHERE {where}",
        params,
    )
    return {
        (str(r["source_id"]), str(r["person_id"])): " ".join(
            str(x) for x in (r["forenames"], r["surname"]) if x
        ).title()
        for r in found
    }


def place_events(con: duckdb.DuckDBPyConnection, location_key: str, limit: int = 2000) -> list[Row]:
    """Events recorded at the place (every source: the timeline shows those of sources the
    viewer may not identify as marks naming no one), with the raw occurred date."""
    if not exists(con, "graph_events"):
        return []
    events = "web_events" if exists(con, "web_events") else "current_events"
    # The most recent ``limit``, oldest first as the timeline lays them out.
    newest = rows(
        con,
        "SELECT e.source_id, e.event_id, e.event_type, e.occurred_date, e.occurred_date_raw,"
        " e.reported_date, e.offence, e.cse_flag FROM graph_events g"
        f" JOIN {events} e ON e.source_id = g.source_id AND e.event_id = g.event_id"
        " WHERE g.location_key = ?"
        " ORDER BY coalesce(e.occurred_date, e.reported_date) DESC, e.source_id, e.event_id"
        f" LIMIT {int(limit)}",
        [location_key],
    )
    return newest[::-1]


def place_timeline(con: duckdb.DuckDBPyConnection, principal: Principal, found: Place) -> Timeline:
    """The events at ``found`` (a place from ``place``, with its sightings) by agency, the
    people the viewer may see in each named and linked, and the heat matrix of offences."""
    people: dict[tuple[str, str], list[Row]] = {}
    for s in found.sightings:
        if s["event"] and s["identified"]:
            source_id, event_id = str(s["event"]).split(":", 1)
            people.setdefault((source_id, event_id), []).append(
                {"label": s["label"], "role": s["how"], "href": s["href"]}
            )
    events = place_events(con, found.location_key)
    return build_timeline(f"place {found.label}", events, people, principal, _sources(con))


# ------------------------------------------------------------------ the map


def place_map(places: list[Place]) -> PlaceMap | None:
    """The places with coordinates on an equirectangular plane about their mean latitude,
    fitted to the drawing with a scale bar; None when none has coordinates."""
    located = [p for p in places if p.latitude is not None and p.longitude is not None]
    if not located:
        return None
    lat0 = sum(p.latitude for p in located if p.latitude is not None) / len(located)
    lon0 = sum(p.longitude for p in located if p.longitude is not None) / len(located)
    shrink = math.cos(math.radians(lat0))
    km = [
        (
            (float(p.longitude or 0) - lon0) * KM_PER_DEGREE_LON * shrink,
            (float(p.latitude or 0) - lat0) * KM_PER_DEGREE_LAT,
        )
        for p in located
    ]
    xs, ys = [k[0] for k in km], [k[1] for k in km]
    # At least 2 km across: one place, or places on one street, still get a usable scale.
    span = max(max(xs) - min(xs), max(ys) - min(ys), 2.0)
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    px_per_km = min(inner_w, inner_h) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    size = "n_children" if any("n_children" in p.counts for p in located) else "n_members"
    busiest = max(int(p.counts.get(size) or 0) for p in located) or 1
    for p, (x, y) in zip(located, km, strict=True):
        p.x = round(MAP_WIDTH / 2 + (x - mid_x) * px_per_km, 1)
        # North up: a larger latitude is higher on the drawing.
        p.y = round(MAP_HEIGHT / 2 - (y - mid_y) * px_per_km, 1)
        p.radius = round(5 + 7 * int(p.counts.get(size) or 0) / busiest, 1)
    scale_km = _nice(span / 5)
    return PlaceMap(located, scale_km, round(scale_km * px_per_km, 1))


def _nice(km: float) -> float:
    """1, 2 or 5 times a power of ten: the lengths a scale bar is read in."""
    power = 10 ** math.floor(math.log10(km))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= km))


def without_coordinates(places: list[Place]) -> list[Place]:
    return [p for p in places if p.latitude is None or p.longitude is None]
