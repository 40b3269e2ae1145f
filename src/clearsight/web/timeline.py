"""Timelines: the events of a network or a person from every agency on one time axis, one
lane per agency (source), coloured by event type, each mark a link to its record.

What a viewer may see follows the access policy exactly as the person and network pages
do: an event of a source the viewer may identify shows its offence, time and the people
in it, each linked to their page; an event of any other source is a grey-ringed mark with
its date and type only (another agency holds something that day: the viewer asks that
agency), naming no one. The geometry is computed here and drawn as plain SVG by the
template: the page needs no script to show it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

import duckdb

from clearsight.access import Principal, Pseudonymiser, visibility
from clearsight.exports.clock import local_time
from clearsight.web.heat import HeatMatrix, heat_matrix
from clearsight.web.queries import Row, _involvements, _key_match, _sources, exists, rows

# Events drawn at most: a network of a few dozen people has a few hundred events; past
# this the page says the timeline is cut and the oldest are left out.
TIMELINE_MAX = 2000
WIDTH, LEFT, RIGHT, TOP, LANE, AXIS = 1000, 220, 20, 10, 52, 30
# A mark's diameter plus a pixel: closer marks in one lane go to another row of the lane.
MARK_GAP = 13
ROWS = (0, -MARK_GAP, MARK_GAP)
# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), then
# greys for the rarer types; one per event type of the standard.
EVENT_COLOURS = {
    "crime": "#D55E00",
    "incident": "#E69F00",
    "referral": "#0072B2",
    "intelligence": "#CC79A7",
    "missing_episode": "#56B4E9",
    "strategy_meeting": "#009E73",
    "arrest": "#000000",
    "charge": "#5A3A8A",
    "court_outcome": "#7F6A00",
    "health_attendance": "#8FBC8F",
    "education_concern": "#F0E442",
    "other": "#999999",
}


@dataclass(frozen=True)
class Lane:
    source_id: str
    organisation: str
    agency_type: str
    area: str
    y: int
    events: int
    identified: bool


@dataclass
class Mark:
    source_id: str
    event_id: str
    event_type: str
    date: date
    time: str | None
    identified: bool
    organisation: str = ""
    x: float = 0.0
    y: float = 0.0
    colour: str = "#999999"
    offence: str | None = None
    cse_flag: str | None = None
    href: str | None = None
    people: list[Row] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return event_anchor(self.source_id, self.event_id)

    @property
    def title(self) -> str:
        when = f"{self.date.isoformat()}{' ' + self.time if self.time else ''}"
        kind = self.event_type.replace("_", " ")
        if not self.identified:
            return f"{when} · {kind} · held by another agency: not yours to see"
        who = "; ".join(f"{p['label']} ({p['role']})" for p in self.people)
        offence = f" · {self.offence}" if self.offence else ""
        return f"{when} · {kind}{offence}{' · ' + who if who else ''}"


@dataclass
class Timeline:
    subject: str
    lanes: list[Lane]
    marks: list[Mark]
    legend: list[tuple[str, str, int]]
    ticks: list[tuple[float, str]]
    height: int
    heat: HeatMatrix
    truncated: bool = False
    hidden_events: int = 0
    width: int = WIDTH
    left: int = LEFT
    lane: int = LANE
    axis_y: int = 0


def event_anchor(source_id: str, event_id: str) -> str:
    """The id of an event's row on the person page (and the timeline's table)."""
    return "event-" + quote(f"{source_id}-{event_id}", safe="/")


def person_href(entity_id: str, anchor: str | None = None) -> str:
    return f"/person/{quote(entity_id, safe='/')}" + (f"#{anchor}" if anchor else "")


def events_of(
    con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]]
) -> tuple[list[Row], list[Row], bool]:
    """(involvements, events, truncated) of the person records ``keys``: two lookups by
    key (on the serving copies when built), as the person page reads its events."""
    if not keys or not exists(con, "current_involvements"):
        return [], [], False
    where, params = _key_match(con, "web_involvements", "i", "person_id", keys)
    involved = rows(
        con,
        f"SELECT i.source_id, i.person_id, i.event_id, i.role FROM {_involvements(con)} i"
        f" WHERE {where} LIMIT {TIMELINE_MAX * 4}",
        params,
    )
    event_keys = sorted({(str(r["source_id"]), str(r["event_id"])) for r in involved})
    if not event_keys:
        return [], [], False
    served = exists(con, "web_events")
    where, params = _key_match(con, "web_events", "e", "event_id", event_keys)
    found = rows(
        con,
        "SELECT e.source_id, e.event_id, e.event_type, e.occurred_date, e.occurred_date_raw,"
        " e.reported_date, e.offence, e.cse_flag, e.location_id"
        f" FROM {'web_events' if served else 'current_events'} e WHERE {where}",
        params,
    )
    found.sort(key=lambda e: (_day(e), str(e["source_id"]), str(e["event_id"])))
    truncated = len(found) > TIMELINE_MAX
    # The most recent are kept: an analyst works forwards from what happened last.
    return involved, found[-TIMELINE_MAX:], truncated


def _day(e: Row) -> date:
    return e["occurred_date"] or e["reported_date"]  # type: ignore[no-any-return]


def build_timeline(
    subject: str,
    events: list[Row],
    people: dict[tuple[str, str], list[Row]],
    principal: Principal,
    sources: dict[str, Row],
    *,
    truncated: bool = False,
) -> Timeline:
    """Lay ``events`` out: a lane per source, x by date, colour by type. ``people`` maps
    (source_id, event_id) to the people in it the viewer may see (label, role, href);
    ``sources`` is the sources table by id."""
    per_source = Counter(str(e["source_id"]) for e in events)
    ordered = sorted(
        per_source,
        key=lambda s: (
            str(sources[s]["agency_type"]) != "police",
            str(sources[s]["organisation"]),
            s,
        ),
    )
    lanes = [
        Lane(
            source_id=s,
            organisation=str(sources[s]["organisation"]),
            agency_type=str(sources[s]["agency_type"]),
            area=str(sources[s]["area"]),
            y=TOP + i * LANE,
            events=per_source[s],
            identified=visibility(principal, source_id=s, area=str(sources[s]["area"]))
            == "identified",
        )
        for i, s in enumerate(ordered)
    ]
    lane_of = {lane.source_id: lane for lane in lanes}
    days = [_day(e) for e in events]
    start, end = (min(days), max(days)) if days else (date.today(), date.today())
    if end <= start:
        start, end = start - timedelta(days=15), end + timedelta(days=15)
    span = (end - start).days
    plot = WIDTH - LEFT - RIGHT
    rows_end: dict[str, list[float]] = {lane.source_id: [-1e9] * len(ROWS) for lane in lanes}
    marks: list[Mark] = []
    for e in sorted(events, key=lambda e: (_day(e), str(e["source_id"]), str(e["event_id"]))):
        lane = lane_of[str(e["source_id"])]
        day = _day(e)
        at = local_time(e.get("occurred_date_raw"), e.get("occurred_date"))
        mark = Mark(
            source_id=lane.source_id,
            event_id=str(e["event_id"]),
            event_type=str(e["event_type"]),
            date=day,
            time=str(at) if at and lane.identified else None,
            identified=lane.identified,
            organisation=lane.organisation,
        )
        # A mark too close to the last one in its lane's row goes to the next row; when
        # every row is taken it goes where it covers least.
        mark.x = round(LEFT + (day - start).days / span * plot, 1)
        ends = rows_end[lane.source_id]
        row = next(
            (r for r, end_x in enumerate(ends) if end_x <= mark.x - MARK_GAP),
            min(range(len(ends)), key=lambda r: ends[r]),
        )
        ends[row] = mark.x
        mark.y = lane.y + LANE / 2 + ROWS[row]
        mark.colour = EVENT_COLOURS.get(mark.event_type, EVENT_COLOURS["other"])
        if lane.identified:
            mark.offence = e.get("offence")
            mark.cse_flag = e.get("cse_flag")
            mark.people = people.get((lane.source_id, mark.event_id), [])
            linked = next((p for p in mark.people if p.get("href")), None)
            mark.href = f"{linked['href']}#{mark.anchor}" if linked else None
        marks.append(mark)
    types = Counter(m.event_type for m in marks)
    legend = [(t, c, types[t]) for t, c in EVENT_COLOURS.items() if types[t]]
    axis_y = TOP + len(lanes) * LANE
    return Timeline(
        subject=subject,
        lanes=lanes,
        marks=marks,
        legend=legend,
        ticks=_ticks(start, end, plot),
        height=axis_y + AXIS,
        heat=heat_matrix(events),
        truncated=truncated,
        hidden_events=sum(1 for m in marks if not m.identified),
        axis_y=axis_y,
    )


def _ticks(start: date, end: date, plot: int) -> list[tuple[float, str]]:
    """Axis ticks on month starts, every 1, 3, 6 or 12 months: at most a dozen labels."""
    span = (end - start).days or 1
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in (1, 3, 6, 12, 24, 60) if months / s <= 12), 120)
    ticks: list[tuple[float, str]] = []
    index = start.year * 12 + start.month  # the month after the start's, counted from 0
    while True:
        at = date(index // 12, index % 12 + 1, 1)
        if at > end:
            return ticks
        if index % step == 0:
            label = str(at.year) if step >= 12 else at.strftime("%b %Y")
            ticks.append((round(LEFT + (at - start).days / span * plot, 1), label))
        index += 1


# ------------------------------------------------------------------ the two timelines


def network_timeline(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    pseudonym: Pseudonymiser,
    doc: Row,
    sealed: frozenset[tuple[str, str]],
) -> Timeline:
    """The timeline of a network the viewer may open (``doc``: its serving document, as
    ``network_view`` takes it): every event of every record of its members and children."""
    records: list[Row] = doc["records"]
    keys = sorted({(str(r["source_id"]), str(r["person_id"])) for r in records})
    involved, events, truncated = events_of(con, keys)
    by_record = {(str(r["source_id"]), str(r["person_id"])): r for r in records}
    people: dict[tuple[str, str], list[Row]] = {}
    for i in sorted(involved, key=lambda r: (str(r["role"]), str(r["person_id"]))):
        record = by_record.get((str(i["source_id"]), str(i["person_id"])))
        if record is None:
            continue
        seen = visibility(principal, source_id=str(record["source_id"]), area=str(record["area"]))
        if seen != "identified":
            continue
        entity = str(record["entity_id"])
        is_sealed = (str(record["source_id"]), str(record["person_id"])) in sealed
        label = "sealed record" if is_sealed else (str(record["name"] or "").title() or entity)
        people.setdefault((str(i["source_id"]), str(i["event_id"])), []).append(
            {"label": label, "role": str(i["role"]), "href": person_href(entity)}
        )
    return build_timeline(
        f"network {doc['summary']['network_id']}",
        events,
        people,
        principal,
        _sources(con),
        truncated=truncated,
    )


def person_timeline(
    con: duckdb.DuckDBPyConnection,
    principal: Principal,
    entity_id: str,
    records: list[Row],
    label: str,
) -> Timeline:
    """The timeline of one person: the events of their ``records`` the viewer may identify
    (the person page's visible records)."""
    keys = [(str(r["source_id"]), str(r["person_id"])) for r in records]
    involved, events, truncated = events_of(con, keys)
    people: dict[tuple[str, str], list[Row]] = {}
    for i in involved:
        people.setdefault((str(i["source_id"]), str(i["event_id"])), []).append(
            {"label": label, "role": str(i["role"]), "href": person_href(entity_id)}
        )
    return build_timeline(
        f"person {label}", events, people, principal, _sources(con), truncated=truncated
    )
