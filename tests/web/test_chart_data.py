"""The link chart's data layer on a real store with networks: items and links as a viewer
may see them, expansion, exports of the chart's items, and saved charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from clearsight.access import Pseudonymiser, load_key
from clearsight.access.model import Principal
from clearsight.web import chart, network_view, queries, saved_charts, serving
from clearsight.web.chart_export import chart_anx, chart_subgraph
from tests.web.store import Built

pytestmark = pytest.mark.linked


@pytest.fixture
def con(store: Built) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(store.db))
    yield connection
    connection.close()


def _largest(con: duckdb.DuckDBPyConnection, area: str) -> str:
    """The largest network with a member record in ``area`` and at least one child."""
    found = con.execute(
        """
        SELECT n.network_id FROM networks n
        WHERE n.n_victims > 0 AND EXISTS (
            SELECT 1 FROM network_records r JOIN sources s USING (source_id)
            WHERE r.network_id = n.network_id AND s.area = ?)
        ORDER BY n.size DESC, n.network_id LIMIT 1
        """,
        [area],
    ).fetchall()
    assert found, f"the fixture has no network with a child and a record in {area}"
    return str(found[0][0])


def _graph(
    con: duckdb.DuckDBPyConnection, db: Path, network_id: str, principal: Principal
) -> chart.ChartGraph:
    pseudonym = Pseudonymiser(load_key(db))
    doc = serving.NetworkCache().get(con, network_id)
    view = network_view.network_view(doc, principal, pseudonym, frozenset())
    assert view is not None
    return chart.chart_graph(con, view, principal, pseudonym, queries.read_sources(con))


AREA = "west-yorkshire"
ANALYST = Principal(name="analyst-west-yorkshire", role="analyst", area=AREA)


def test_every_child_is_linked_to_an_adult_and_events(
    con: duckdb.DuckDBPyConnection, store: Built
) -> None:
    graph = _graph(con, store.db, _largest(con, AREA), ANALYST)
    children = [i for i, n in graph.nodes.items() if n["kind"] == "child"]
    assert children
    for child in children:
        links = [e for e in graph.edges.values() if child in (e["source"], e["target"])]
        kinds = {
            graph.nodes[e["source"] if e["target"] == child else e["target"]]["kind"] for e in links
        }
        assert "person" in kinds, f"child {child} has no link to an adult"
        assert "event" in kinds, f"child {child} has no event"
    # Every link joins two items of the chart, and says what it is.
    assert graph.edges
    for e in graph.edges.values():
        assert e["source"] in graph.nodes and e["target"] in graph.nodes
        assert str(e["link_type"]).replace("_", " ") in e["label"]
        assert int(e["strength"]) >= 1


def test_links_carry_their_dates_and_strength(con: duckdb.DuckDBPyConnection, store: Built) -> None:
    network = _largest(con, AREA)
    graph = _graph(con, store.db, network, ANALYST)
    dated = [e for e in graph.edges.values() if e["first_date"]]
    assert dated
    for e in dated:
        assert e["first_date"] <= e["last_date"]
        assert e["first_date"] in e["label"]
    # A pair of people's link is one line carrying each type with its own evidence count.
    pairs = [e for e in graph.edges.values() if e.get("parts")]
    assert pairs
    for e in pairs:
        assert e["strength"] == sum(p["strength"] for p in e["parts"])
        assert e["link_types"] == [p["link_type"] for p in e["parts"]]
    # Strength is the evidence count the graph stage recorded for the pair and type.
    total = con.execute(
        "SELECT sum(n_evidence) FROM network_links WHERE network_id = ?", [network]
    ).fetchall()[0][0]
    adults = sum(
        p["strength"] for e in pairs for p in e["parts"] if p["link_type"] != chart.CHILD_LINK
    )
    assert adults == total


def test_the_chart_opens_on_people_and_expands(
    con: duckdb.DuckDBPyConnection, store: Built
) -> None:
    graph = _graph(con, store.db, _largest(con, AREA), ANALYST)
    opening = chart.opening(graph)
    assert {n["kind"] for n in opening["nodes"]} == {"person", "child"}
    assert len(opening["dates"]) == 2 and opening["dates"][0] <= opening["dates"][1]
    assert {x["kind"] for x in opening["legend"]} == {n["kind"] for n in graph.nodes.values()}
    person = max(opening["nodes"], key=lambda n: n["degree"])
    nodes, edges = chart.neighbours(graph, person["id"])
    added = {n["id"] for n in nodes} - {n["id"] for n in opening["nodes"]}
    assert added, "expanding the best-connected person brought nothing in"
    assert all(graph.nodes[i]["kind"] not in chart.CORE_KINDS for i in added)
    touching = {e["id"] for e in edges if person["id"] in (e["source"], e["target"])}
    assert len(touching) == person["degree"]


def test_a_viewer_of_another_area_sees_pseudonyms_and_no_hidden_dates(
    con: duckdb.DuckDBPyConnection, store: Built
) -> None:
    """Events recorded in sources the viewer may not see (here a partner agency's analyst
    and the police's events) are pseudonyms without date or type."""
    found = con.execute(
        """
        SELECT r.network_id, s.source_id, s.area FROM network_records r
        JOIN sources s USING (source_id)
        JOIN graph_involvements i ON i.entity_id = r.entity_id
        JOIN graph_events e ON e.event_key = i.event_key
        WHERE e.relevant AND e.source_id <> s.source_id AND s.agency_type <> 'police'
          AND list_contains(['suspect', 'offender', 'facilitator'], i.role)
        ORDER BY 1, 2 LIMIT 1
        """
    ).fetchall()
    assert found, "the fixture has no network with a partner record and another's event"
    network, source, area = (str(x) for x in found[0])
    viewer = Principal(name="probe", role="partner", area=area, sources=frozenset({source}))
    graph = _graph(con, store.db, network, viewer)
    sources = queries.read_sources(con)
    hidden_events = [
        n for n in graph.nodes.values() if n["kind"] == "event" and not n["identified"]
    ]
    shown_events = [n for n in graph.nodes.values() if n["kind"] == "event" and n["identified"]]
    assert hidden_events
    for n in hidden_events:
        assert n["id"].startswith("ev:EX-") and n.get("date") is None and n["role"] == ""
    for n in shown_events:
        assert n["id"][3:].split(":", 1)[0] == source and sources[source]["area"] == area
    pseudonymised = [n for n in graph.nodes.values() if not n["identified"]]
    assert pseudonymised
    for n in pseudonymised:
        assert re.search(r"(PX|OX|LX|EX)-[0-9a-f]{12}", n["label"]), n


def test_subset_keeps_only_the_viewers_items(con: duckdb.DuckDBPyConnection, store: Built) -> None:
    graph = _graph(con, store.db, _largest(con, AREA), ANALYST)
    core = graph.core()
    edges = [e for e in graph.edges if graph.edges[e]["source"] in core]
    shown = chart.subset(graph, [*core, "forged-id"], [*edges, "forged|a|b"])
    assert set(shown.nodes) == set(core)
    assert shown.edges and all(
        e["source"] in shown.nodes and e["target"] in shown.nodes for e in shown.edges.values()
    )


def test_chart_anx_has_the_charts_items_where_the_analyst_left_them(
    con: duckdb.DuckDBPyConnection, store: Built
) -> None:
    graph = _graph(con, store.db, _largest(con, AREA), ANALYST)
    first = graph.core()[0]
    anx = chart_anx(graph, {first: [123.4, -56.7]})
    root = ET.fromstring(anx)
    entities = root.findall(".//ChartItem/End/Entity")
    links = root.findall(".//ChartItem/Link")
    subgraph = chart_subgraph(graph)
    assert len(entities) == len(graph.nodes) == len(subgraph.nodes)
    assert len(links) == len(subgraph.edges) >= len(graph.edges)
    moved = [e for e in root.iter("End") if e.find("Entity").get("Identity") == first]  # type: ignore[union-attr]
    assert moved and (moved[0].get("X"), moved[0].get("Y")) == ("123", "-57")
    types = {t.get("Name") for t in root.iter("LinkType")}
    assert chart.CHILD_LINK in types
    # Police-graded links are Confirmed; events carry their dates.
    strengths = {s.get("Strength") for s in root.iter("LinkStyle")}
    assert "Confirmed" in strengths and strengths <= {"Confirmed", "Unconfirmed"}
    events = [n for n in graph.nodes.values() if n["kind"] == "event" and n.get("date")]
    dated = [i for i in root.iter("ChartItem") if i.get("DateSet") == "true"]
    assert events and len(dated) >= len(events)


def _state(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Group around the park",
        "positions": {"E1": [10, 20.5], "ev:EX-1": [-5, 7]},
        "pinned": ["E1"],
        "hidden": [],
        "expanded": ["E1"],
        "filters": {"from": "2023-01-01", "to": "2024-01-01", "off": ["uses"]},
        "notes": {"E1": "Seen at the park twice; check CCTV", "ev:EX-1": "  "},
    }
    body.update(extra)
    return body


def test_saved_charts_are_their_owners_alone(con: duckdb.DuckDBPyConnection) -> None:
    state = saved_charts.parse_state(_state())
    assert state.notes == {"E1": "Seen at the park twice; check CCTV"}  # blank notes dropped
    chart_id = saved_charts.save(con, "alice", "N-1", state)
    found = saved_charts.get(con, "alice", chart_id)
    assert found is not None
    assert found["positions"] == {"E1": [10.0, 20.5], "ev:EX-1": [-5.0, 7.0]}
    assert found["pinned"] == ["E1"] and found["filters"]["off"] == ["uses"]
    assert saved_charts.get(con, "bob", chart_id) is None
    assert [c["chart_id"] for c in saved_charts.owned(con, "alice", "N-1")] == [chart_id]
    assert saved_charts.owned(con, "bob") == []
    again = saved_charts.parse_state(_state(title="Renamed", notes={}))
    assert saved_charts.save(con, "alice", "N-1", again, chart_id) == chart_id
    reread = saved_charts.get(con, "alice", chart_id)
    assert reread is not None and reread["title"] == "Renamed" and reread["notes"] == {}
    with pytest.raises(saved_charts.ChartError, match="no such chart of yours"):
        saved_charts.save(con, "bob", "N-1", again, chart_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "title"),
        ({"positions": {"E1": [1, "x"]}}, r"positions\[E1\]"),
        ({"positions": {"E1": [1, float("inf")]}}, r"positions\[E1\]"),
        ({"pinned": "E1"}, "pinned: expected a list"),
        ({"hidden": ["E1", 3]}, r"hidden\[1\]"),
        ({"notes": {"E1": "x" * 2001}}, r"notes\[E1\]"),
        ({"filters": []}, "filters"),
    ],
)
def test_a_malformed_chart_is_refused_naming_the_field(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(saved_charts.ChartError, match=message):
        saved_charts.parse_state(_state(**change))
