"""Timeline, heat matrix and places: the data layer on real stores (a hand-written
submission through the package's own ingest, and the linked synthetic store)."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

from clearsight.access import Principal, Pseudonymiser
from clearsight.exports.clock import local_time
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.web import places, queries, timeline
from clearsight.web.heat import HeatMatrix, heat_matrix
from clearsight.web.pool import Store
from tests.web.store import Built

KEY = Pseudonymiser(b"timeline-test-key-0123456789")
HOME, OTHER = "west-yorkshire", "greater-manchester"


# ------------------------------------------------------------------ clock times


@pytest.mark.parametrize(
    ("raw", "day", "expected"),
    [
        ("2024-03-05T19:45", date(2024, 3, 5), (date(2024, 3, 5), 19, 45)),
        ("2024-03-05 07:05:30", date(2024, 3, 5), (date(2024, 3, 5), 7, 5)),
        # British Summer Time: 22:30 UTC on 1 July is 23:30 in England.
        ("2024-07-01T22:30:00Z", date(2024, 7, 1), (date(2024, 7, 1), 23, 30)),
        # Across midnight into the next local day (a Tuesday, not a Monday).
        ("2024-07-01T23:30:00+00:00", date(2024, 7, 1), (date(2024, 7, 2), 0, 30)),
        ("2024-01-15T23:30+01:00", date(2024, 1, 15), (date(2024, 1, 15), 22, 30)),
        ("05/03/2024 21:10", date(2024, 3, 5), (date(2024, 3, 5), 21, 10)),
    ],
)
def test_clock_time_reads_the_time_in_local_time(
    raw: str, day: date, expected: tuple[date, int, int]
) -> None:
    at = local_time(raw, day)
    assert at is not None
    assert (at.day, at.hour, at.minute) == expected


@pytest.mark.parametrize("raw", ["2024-03-05", "2024-03-05T00:00", "2024-03-05 00:00:00", None])
def test_a_date_alone_or_midnight_has_no_time(raw: str | None) -> None:
    assert local_time(raw, date(2024, 3, 5)) is None


def test_heat_matrix_counts_each_offence_once_and_the_untimed() -> None:
    events = [
        {"source_id": "a", "event_id": "1", "event_type": "crime",
         "occurred_date": date(2024, 3, 5), "occurred_date_raw": "2024-03-05T19:45"},
        # The same event seen twice (two people in it) counts once.
        {"source_id": "a", "event_id": "1", "event_type": "crime",
         "occurred_date": date(2024, 3, 5), "occurred_date_raw": "2024-03-05T19:45"},
        {"source_id": "a", "event_id": "2", "event_type": "crime",
         "occurred_date": date(2024, 3, 10), "occurred_date_raw": "2024-03-10"},
        # An arrest follows its crime: not an offence of its own.
        {"source_id": "a", "event_id": "3", "event_type": "arrest",
         "occurred_date": date(2024, 3, 6), "occurred_date_raw": "2024-03-06T10:00"},
    ]  # fmt: skip
    h = heat_matrix(events)
    assert (h.offences, h.timed, h.untimed) == (2, 1, 1)
    assert h.counts[1][19] == 1  # 5 March 2024 was a Tuesday
    assert sum(map(sum, h.counts)) == 1
    assert h.level(1) == 5 and h.level(0) == 0


# ------------------------------------------------------------------ a hand-written store

MANIFEST = {
    "standard_version": "1.0",
    "source_id": "wyp-police",
    "organisation": "West Yorkshire Police",
    "agency_type": "police",
    "area": HOME,
    "extract_date": "2025-10-01",
    "period_start": "2023-04-01",
    "period_end": "2025-09-30",
}


def _write(folder: Path, manifest: dict[str, str], tables: dict[str, list[dict[str, str]]]) -> Path:
    import csv

    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for name, table in tables.items():
        columns: list[str] = []
        for row in table:
            columns += [c for c in row if c not in columns]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(table)
    return folder


@pytest.fixture
def timed_store(tmp_path: Path) -> Path:
    """Two agencies of one area and one of another: a police force with crimes at recorded
    times (ISO, with an offset, day first, a date alone, midnight), social care, and a
    police force elsewhere; one person in every agency's records."""
    police_events = [
        ("E1", "crime", "2024-03-05T19:45"),  # Tuesday 19h
        ("E2", "crime", "2024-07-06T21:30:00Z"),  # Saturday 22h local (BST)
        ("E3", "crime", "09/03/2024 19:10"),  # Saturday 19h, day first
        ("E4", "crime", "2024-03-12"),  # a date alone
        ("E5", "crime", "2024-03-13T00:00"),  # midnight: no time entered
        ("E6", "arrest", "2024-03-14T09:00"),  # not an offence
    ]
    db = tmp_path / "timed.duckdb"
    con = connect(db)
    ingest(
        con,
        _write(
            tmp_path / "police",
            MANIFEST,
            {
                "persons": [{"person_id": "P1", "forenames": "Amelia", "surname": "Stroud",
                             "date_of_birth": "2010-02-03"}],
                "events": [
                    {"event_id": e, "event_type": t, "reported_date": raw[:10]
                     if "/" not in raw else "2024-03-09", "occurred_date": raw,
                     "offence": "Sexual activity with a child" if t == "crime" else ""}
                    for e, t, raw in police_events
                ],
                "involvements": [{"event_id": e, "person_id": "P1", "role": "victim"}
                                 for e, _t, _r in police_events],
            },
        ),
    )  # fmt: skip
    ingest(
        con,
        _write(
            tmp_path / "csc",
            {**MANIFEST, "source_id": "wy-csc", "organisation": "WY children's services",
             "agency_type": "childrens_social_care"},
            {
                "persons": [{"person_id": "C1", "forenames": "Amelia", "surname": "Stroud",
                             "date_of_birth": "2010-02-03"}],
                "events": [{"event_id": "R1", "event_type": "referral",
                            "reported_date": "2024-02-01"}],
                "involvements": [{"event_id": "R1", "person_id": "C1", "role": "subject"}],
            },
        ),
    )  # fmt: skip
    ingest(
        con,
        _write(
            tmp_path / "gmp",
            {**MANIFEST, "source_id": "gmp-police", "organisation": "Greater Manchester Police",
             "area": OTHER},
            {
                "persons": [{"person_id": "G1", "forenames": "Amelia", "surname": "Stroud",
                             "date_of_birth": "2010-02-03"}],
                "events": [{"event_id": "G9", "event_type": "crime",
                            "reported_date": "2024-04-01", "occurred_date": "2024-04-01T18:00",
                            "offence": "Rape of a child under 13"}],
                "involvements": [{"event_id": "G9", "person_id": "G1", "role": "victim"}],
            },
        ),
    )  # fmt: skip
    # One person across the three agencies (as linkage would place them).
    con.execute(
        "CREATE TABLE person_entities AS SELECT source_id, person_id,"
        " source_id || ':' || person_id AS record_key, 'E-AMELIA' AS entity_id, 1 AS run_id"
        " FROM current_persons"
    )
    con.close()
    return db


def _open(db: Path) -> tuple[Store, duckdb.DuckDBPyConnection]:
    store = Store(db)
    con = store.cursor()
    queries.use_catalog(store.catalog(con), sources=store.sources(), sealed=store.sealed())
    return store, con


def test_person_timeline_draws_visible_records_by_agency_with_times(timed_store: Path) -> None:
    store, con = _open(timed_store)
    try:
        analyst = Principal(name="a", role="analyst", area=HOME)
        records = [r for r in queries.entity_records(con, "E-AMELIA") if r["area"] == HOME]
        assert {r["source_id"] for r in records} == {"wyp-police", "wy-csc"}
        t = timeline.person_timeline(con, analyst, "E-AMELIA", records, "Amelia Stroud")
    finally:
        store.release(con)
        store.close()
    assert [lane.source_id for lane in t.lanes] == ["wyp-police", "wy-csc"]  # police first
    assert len(t.marks) == 7 and t.hidden_events == 0
    times = {m.event_id: m.time for m in t.marks}
    assert times == {"E1": "19:45", "E2": "22:30", "E3": "19:10", "E4": None, "E5": None,
                     "E6": "09:00", "R1": None}  # fmt: skip
    assert all(m.href and m.href.startswith("/person/E-AMELIA#event-") for m in t.marks)
    # Five crimes: three with a time drawn, a date alone and a midnight left out.
    assert (t.heat.offences, t.heat.timed, t.heat.untimed) == (5, 3, 2)
    assert t.heat.counts[1][19] == 1 and t.heat.counts[5][22] == 1 and t.heat.counts[5][19] == 1
    # Marks lie inside the plot, in date order along the axis.
    xs = [m.x for m in sorted(t.marks, key=lambda m: m.date)]
    assert xs == sorted(xs) and xs[0] >= timeline.LEFT and xs[-1] <= timeline.WIDTH
    assert t.ticks and all(timeline.LEFT <= x <= timeline.WIDTH for x, _ in t.ticks)


def test_events_of_another_area_name_no_one(timed_store: Path) -> None:
    """Built as a network would pass its records: every agency's events are drawn, those
    of another area as marks with a date and a type only."""
    store, con = _open(timed_store)
    try:
        analyst = Principal(name="a", role="analyst", area=HOME)
        records = queries.entity_records(con, "E-AMELIA")
        keys = [(str(r["source_id"]), str(r["person_id"])) for r in records]
        _involved, events, truncated = timeline.events_of(con, keys)
        t = timeline.build_timeline(
            "test", events, {}, analyst, queries.read_sources(con), truncated=truncated
        )
    finally:
        store.release(con)
        store.close()
    assert len(t.lanes) == 3
    held = [m for m in t.marks if not m.identified]
    assert [m.event_id for m in held] == ["G9"]
    assert held[0].offence is None and held[0].href is None and held[0].people == []
    assert held[0].time is None and "Rape" not in held[0].title
    # The other area's crime still counts in the matrix: an aggregate names no one.
    assert t.heat.offences == 6


# ------------------------------------------------------------------ the linked store


def _network_sources(db: Path, network_id: str) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT DISTINCT e.source_id FROM network_records r"
            " JOIN current_involvements i USING (source_id, person_id)"
            " JOIN current_events e ON e.source_id = i.source_id AND e.event_id = i.event_id"
            " WHERE r.network_id = ?",
            [network_id],
        ).fetchall()
    finally:
        con.close()
    return {str(s) for (s,) in found}


def _cross_area_network(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT network_id FROM networks WHERE len(areas) > 1 AND list_contains(areas, ?)"
            " ORDER BY size DESC, network_id LIMIT 1",
            [HOME],
        ).fetchall()
    finally:
        con.close()
    assert found, "the linked fixture has no cross-area network"
    return str(found[0][0])


@pytest.mark.linked
def test_network_timeline_has_a_lane_per_agency_of_its_events(store: Built) -> None:
    network_id = _cross_area_network(store.db)
    expected = _network_sources(store.db, network_id)
    assert len(expected) > 1
    st, con = _open(store.db)
    try:
        doc = st.networks.get(con, network_id)
        assert doc is not None
        analyst = Principal(name="a", role="analyst", area=HOME)
        t = timeline.network_timeline(con, analyst, KEY, doc, st.sealed())
        national = timeline.network_timeline(
            con, Principal(name="n", role="national"), KEY, doc, st.sealed()
        )
        areas = {s: r["area"] for s, r in queries.read_sources(con).items()}
    finally:
        st.release(con)
        st.close()
    assert {lane.source_id for lane in t.lanes} == expected
    assert len(t.lanes) == len(expected)
    assert t.marks and {m.event_type for m in t.marks} == {k for k, _c, _n in t.legend}
    for m in t.marks:
        assert m.identified == (areas[m.source_id] == HOME)
        if not m.identified:
            assert m.people == [] and m.offence is None and m.href is None
    assert any(m.href for m in t.marks)
    # The national role sees the shape: every lane, no one named, nothing linked.
    assert len(national.lanes) == len(expected)
    assert all(not m.identified and m.href is None for m in national.marks)
    # Synthetic police crimes carry a time of day for most: the matrix has some.
    assert t.heat.offences > 0 and t.heat.timed + t.heat.untimed == t.heat.offences


@pytest.mark.linked
def test_hotspots_in_scope_with_coordinates_only_from_visible_records(store: Built) -> None:
    st, con = _open(store.db)
    try:
        analyst = Principal(name="a", role="analyst", area=HOME)
        spots = places.hotspots(con, analyst, KEY)
        national = places.hotspots(con, Principal(name="n", role="national"), KEY)
        every = con.execute("SELECT count(*) FROM place_hotspots").fetchall()[0][0]
        assert spots, "the linked fixture has no hotspot in the analyst's area"
        one = places.place(con, analyst, KEY, spots[0].alias, st.sealed())
        assert one is not None
        when = places.place_timeline(con, analyst, one)
        visible = {s for s, r in queries.read_sources(con).items() if r["area"] == HOME}
    finally:
        st.release(con)
        st.close()
    assert national is not None and len(national) == every
    # Exploitation first, as the graph stage ranks them, whatever order the table holds.
    for seen in (national, spots):
        ranks = [
            (
                -p.counts["n_exploitation_events"],
                -p.counts["n_offending_adults"],
                -p.counts["n_children"],
            )
            for p in seen
        ]
        assert ranks == sorted(ranks)
    assert all(not p.identified and p.latitude is None for p in national)
    assert all(p.label.endswith(p.alias) for p in national)
    assert one.sightings
    for s in one.sightings:
        if s["identified"]:
            assert s["href"] and s["href"].startswith("/person/")
        else:
            assert s["href"] is None and s["event"] is None and s["label"].startswith("PX-")
    assert when.marks and all(m.identified == (m.source_id in visible) for m in when.marks)


def test_map_projection_keeps_distances_and_scale_bar() -> None:
    """Two places 0.1 degree of latitude apart (11.06 km) and one east of them."""
    spots = [
        places.Place("a", "LX-a", "A", "park", True, {"n_children": 2}, 53.80, -1.55),
        places.Place("b", "LX-b", "B", "hotel", True, {"n_children": 4}, 53.90, -1.55),
        places.Place("c", "LX-c", "C", "shop", True, {"n_children": 2}, 53.85, -1.45),
        places.Place("d", "LX-d", "D", "shop", True, {"n_children": 2}),
    ]
    m = places.place_map(spots)
    assert m is not None and [p.alias for p in m.places] == ["LX-a", "LX-b", "LX-c"]
    a, b, c = m.places
    assert a.x == b.x and b.y < a.y  # north is up
    px_per_km = m.scale_px / m.scale_km
    assert math.isclose(abs(a.y - b.y) / px_per_km, 11.06, rel_tol=0.01)
    # 0.1 degree of longitude at 53.85 N is 6.57 km.
    assert math.isclose((c.x - a.x) / px_per_km, 6.57, rel_tol=0.01)
    assert m.scale_km in (1.0, 2.0, 5.0) and 0 < m.scale_px < m.width
    assert all(0 <= p.x <= m.width and 0 <= p.y <= m.height for p in m.places)
    assert b.radius > a.radius
    assert [p.alias for p in places.without_coordinates(spots)] == ["LX-d"]
    assert places.place_map(spots[3:]) is None


def test_empty_matrix_has_no_levels() -> None:
    h = HeatMatrix()
    assert h.busiest == 0 and h.level(0) == 0
    assert len(h.rows()) == 7 and all(len(r["cells"]) == 24 for r in h.rows())


@pytest.mark.linked
def test_network_places_named_only_from_visible_rows(store: Built) -> None:
    con = duckdb.connect(str(store.db), read_only=True)
    try:
        found = con.execute(
            "SELECT l.network_id, count(*) FROM network_locations l JOIN networks n"
            " USING (network_id) WHERE list_contains(n.areas, ?) GROUP BY 1"
            " ORDER BY 2 DESC, 1 LIMIT 1",
            [HOME],
        ).fetchall()
        assert found, "the linked fixture has no network with a shared place"
        network_id = str(found[0][0])
        named_at_home = {
            str(k)
            for (k,) in con.execute(
                "SELECT DISTINCT g.location_key FROM graph_source_locations g"
                " JOIN sources s USING (source_id) WHERE s.area = ?",
                [HOME],
            ).fetchall()
        }
    finally:
        con.close()
    st, cur = _open(store.db)
    try:
        doc = st.networks.get(cur, network_id)
        assert doc is not None
        shown = places.network_places(cur, Principal(name="a", role="analyst", area=HOME), KEY, doc)
    finally:
        st.release(cur)
        st.close()
    # The places the network page draws (shared by members), each once.
    assert shown and sorted(p.location_key for p in shown) == sorted(
        str(loc["location_key"]) for loc in doc["locations"]
    )
    for p in shown:
        assert p.identified == (p.location_key in named_at_home)
        if not p.identified:
            assert p.label.endswith(p.alias) and p.latitude is None
