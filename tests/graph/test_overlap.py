"""A man in two groups is a member of both networks (``graph/overlap.py``), and every
consumer of membership reads him in each: the victims, places and decision record of each
network are its own group's, the exports, ``network show``, the web's person page and
dashboard, the statistics' and returns' person counts and the disruption what-if. The
store is built by the package's own ingest and networks stage. Everything fictional."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.graph import disruption
from clearsight.graph.overlap import split_overlapping
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.web import queries
from tests.graph.scenario import POLICE_MANIFEST, _person, write_submission
from tests.graph.scenario import networks_and_definitions as run

SEXUAL = "Sexual activity with a child"
M = "wyp-police/M"
TOWN_A = {"wyp-police/A2", "wyp-police/A3", "wyp-police/A4"}
TOWN_B = {"wyp-police/B2", "wyp-police/B3", "wyp-police/B4"}


def _crime(event_id: str, date: str, place: str) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "crime",
        "reported_date": date,
        "location_id": place,
        "offence": SEXUAL,
        "cse_flag": "yes",
    }


def _data(one_girl: bool = False) -> dict[str, list[dict[str, str]]]:
    """M offends with A2-A4 against A1 and A5 at a Huddersfield flat and, later, with
    B2-B4 against B1 at a Keighley takeaway. ``one_girl``: B1's crimes are against A1
    too (the two sets share a child: one group)."""
    crimes = [
        ("HC1", "2023-09-14", "HF", "A1", ["M", "A2"]),
        ("HC2", "2023-10-22", "HF", "A5", ["A2", "A3", "A4"]),
        ("HC3", "2023-11-03", "HF", "A1", ["A3", "A4"]),
        ("KC1", "2024-05-09", "KF", "A1" if one_girl else "B1", ["M", "B2"]),
        ("KC2", "2024-06-17", "KF", "B1", ["B2", "B3", "B4"]),
    ]
    people = [
        _person("M", "Darren", "Holroyd", "1979-03-21", "male"),
        _person("A1", "Chloe", "Brierley", "2009-05-02", "female"),
        _person("A5", "Macy", "Haigh", "2010-01-19", "female"),
        _person("B1", "Courtney", "Mitchell", "2008-11-27", "female"),
        _person("A2", "Imran", "Qadir", "1988-06-11", "male"),
        _person("A3", "Lee", "Sutcliffe", "1985-09-30", "male"),
        _person("A4", "Naveed", "Rafiq", "1991-12-04", "male"),
        _person("B2", "Wayne", "Feather", "1983-02-14", "male"),
        _person("B3", "Zahid", "Mir", "1990-07-08", "male"),
        _person("B4", "Dean", "Holroyd", "1987-04-25", "male"),
    ]
    involvements = [
        {"event_id": e, "person_id": p, "role": role}
        for e, _, _, child, men in crimes
        for p, role in [(child, "victim"), *((m, "suspect") for m in men)]
    ]
    return {
        "persons": people,
        "locations": [
            {
                "location_id": "HF",
                "location_type": "residential",
                "name": "flat, Bradford Road",
                "postcode": "HD1 6EN",
            },
            {
                "location_id": "KF",
                "location_type": "takeaway",
                "name": "Cavendish Grill",
                "postcode": "BD21 3RQ",
            },
        ],
        "events": [_crime(e, d, place) for e, d, place, _, _ in crimes],
        "involvements": involvements,
    }


def _store(folder: Path, one_girl: bool = False) -> Path:
    db = folder / "overlap.duckdb"
    con = connect(db)
    ingest(con, write_submission(folder / "police", POLICE_MANIFEST, _data(one_girl)))
    run(con)
    con.close()
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory.mktemp("overlap"))


def _networks(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for network_id, entity_id in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        found.setdefault(str(network_id), set()).add(str(entity_id))
    return found


def _ids(db: Path) -> tuple[str, str]:
    """The network ids of the Huddersfield and the Keighley group."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = _networks(con)
    finally:
        con.close()
    a = next(n for n, m in found.items() if m & TOWN_A)
    b = next(n for n, m in found.items() if m & TOWN_B)
    return a, b


def test_a_man_of_two_groups_is_in_both_networks(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = _networks(con)
    finally:
        con.close()
    assert sorted(found.values(), key=sorted) == [TOWN_A | {M}, TOWN_B | {M}]


def test_sets_that_share_a_child_stay_one_network(tmp_path: Path) -> None:
    con = duckdb.connect(str(_store(tmp_path, one_girl=True)), read_only=True)
    try:
        found = _networks(con)
    finally:
        con.close()
    assert list(found.values()) == [TOWN_A | TOWN_B | {M}]


def test_each_network_has_its_own_groups_children_places_and_records(db: Path) -> None:
    a, b = _ids(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        victims = {
            str(n): sorted(
                str(e)
                for (e,) in con.execute(
                    "SELECT entity_id FROM network_victims WHERE network_id = ?", [n]
                ).fetchall()
            )
            for n in (a, b)
        }
        places = {
            str(n): sorted(
                str(p)
                for (p,) in con.execute(
                    "SELECT postcode FROM network_locations WHERE network_id = ?", [n]
                ).fetchall()
            )
            for n in (a, b)
        }
        # His decision record: in each network, the offending records of that group only.
        records = {
            str(n): sorted(
                str(r)
                for (ids,) in con.execute(
                    "SELECT record_ids FROM network_evidence WHERE network_id = ? "
                    "AND entity_id = ? AND rule_id = 'offending_role'",
                    [n, M],
                ).fetchall()
                for r in ids
            )
            for n in (a, b)
        }
        events = {
            str(k): str(e)
            for k, e in con.execute("SELECT event_key, event_id FROM graph_events").fetchall()
        }
        n_a, n_b = (
            con.execute(
                "SELECT n_victims, first_date::VARCHAR, last_date::VARCHAR FROM networks "
                "WHERE network_id = ?",
                [n],
            ).fetchone()
            for n in (a, b)
        )
    finally:
        con.close()
    assert victims == {a: ["wyp-police/A1", "wyp-police/A5"], b: ["wyp-police/B1"]}
    # Each network's span is its own group's records, his included.
    assert n_a == (2, "2023-09-14", "2023-11-03")
    assert n_b == (1, "2024-05-09", "2024-06-17")
    assert places == {a: ["HD1 6EN"], b: ["BD21 3RQ"]}
    assert [events.get(r, r) for r in records[a]] == ["HC1"]
    assert [events.get(r, r) for r in records[b]] == ["KC1"]


def test_exports_and_network_show_list_him_in_each(db: Path, tmp_path: Path) -> None:
    a, b = _ids(db)
    runner = CliRunner()
    out = tmp_path / "networks.csv"
    result = runner.invoke(app, ["export", "networks", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["network_id"] for r in rows if r["entity_id"] == M} == {a, b}
    evidence = tmp_path / "evidence.csv"
    result = runner.invoke(
        app, ["export", "network-evidence", "--db", str(db), "--out", str(evidence)]
    )
    assert result.exit_code == 0, result.output
    with evidence.open() as handle:
        held = {(r["network_id"], r["entity_id"]) for r in csv.DictReader(handle)}
    assert (a, M) in held and (b, M) in held
    for network_id, own, other in ((a, "Brierley", "Mitchell"), (b, "Mitchell", "Brierley")):
        shown = runner.invoke(app, ["network", "show", network_id, "--db", str(db)])
        assert shown.exit_code == 0, shown.output
        text = shown.output.lower()
        assert "holroyd" in text and own.lower() in text
        assert other.lower() not in text


def test_each_network_names_the_other_it_shares_a_man_with(db: Path) -> None:
    """Each network stays its own, and each lists the other with the one man in common:
    where an investigation of one reaches the other (``graph/linked.py``). The two groups'
    children are their own, so no child is counted."""
    from clearsight.graph.linked import LinkedNetwork, linked_networks

    a, b = _ids(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert linked_networks(con, a) == [LinkedNetwork(b, children=0, members=1)]
        assert linked_networks(con, b) == [LinkedNetwork(a, children=0, members=1)]
    finally:
        con.close()
    shown = CliRunner().invoke(app, ["network", "show", a, "--db", str(db)])
    assert f"{b}: 1 member in common" in shown.output
    assert LinkedNetwork("N-x", children=2, members=1).words() == (
        "2 children and 1 member in common"
    )
    assert LinkedNetwork("N-x", children=1, members=0).words() == "1 child in common"
    as_json = CliRunner().invoke(app, ["network", "show", a, "--db", str(db), "--json"])
    assert json.loads(as_json.output)["linked_networks"] == [
        {"network_id": b, "children": 0, "members": 1}
    ]


def test_web_person_page_and_dashboard_count_him_once(db: Path) -> None:
    a, b = _ids(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        his = queries.entity_networks(con, M)
        figures = queries.dashboard(con, None)
    finally:
        con.close()
    assert {(r["network_id"], r["role"]) for r in his} == {(a, "suspect"), (b, "suspect")}
    # Two networks of four: seven people, three children.
    assert figures["networks"]["n"] == 2
    assert figures["networks"]["members"] == 7
    assert figures["networks"]["victims"] == 3


def test_statistics_count_him_once(db: Path) -> None:
    from clearsight.stats.base import prepare

    con = duckdb.connect(str(db))
    try:
        prepare(con)
        suspects = con.execute("SELECT count(*), count(DISTINCT entity_id) FROM st_suspects")
        assert suspects.fetchone() == (7, 7)
        assert con.execute("SELECT count(*) FROM st_networks").fetchone() == (2,)
        # The returns' network flag reads each member once (``SELECT DISTINCT``).
        from clearsight.returns.compute import _offences_sql

        assert "SELECT DISTINCT entity_id FROM network_members" in _offences_sql(con)
    finally:
        con.close()


def test_disruption_what_if_per_network(db: Path) -> None:
    a, b = _ids(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for network_id, others in ((a, TOWN_A), (b, TOWN_B)):
            d = disruption.from_store(con, network_id)
            assert set(d.people) == others | {M}
            removed = disruption.what_if(d, [M])
            # Without him each group is still held together by its own men.
            assert removed.removed == (M,)
            assert sorted(len(g) for g in removed.groups) == [3]
    finally:
        con.close()
    result = CliRunner().invoke(app, ["network", "disrupt", a, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert M in {r["entity_id"] for r in json.loads(result.output)["ranked"]}


def _graph(edges: list[tuple[int, int]], offending: list[bool], n: int) -> ig.Graph:
    graph = ig.Graph(n=n, edges=edges)
    graph.es["offending"] = offending
    graph.es["weight"] = [1.0] * len(edges)
    return graph


def test_split_needs_two_sets_of_three_that_share_nothing() -> None:
    # Vertex 0 offends with the triangle 1-2-3 and with the triangle 4-5-6.
    tri = [(1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)]
    spokes = [(0, 1), (0, 4)]
    entity = np.arange(7, dtype=np.int64)
    graph = _graph([*spokes, *tri], [True] * 8, 7)
    split, origin = split_overlapping(graph, entity, 3)
    assert origin.tolist() == [0, 1, 2, 3, 4, 5, 6, 0]
    assert split.ecount() == graph.ecount()
    parts = sorted(sorted(int(origin[v]) for v in c) for c in split.connected_components())
    assert parts == [[0, 1, 2, 3], [0, 4, 5, 6]]
    # A place seen by men of both sets: one group working from it, no split.
    places = np.asarray([[2, 5]], dtype=np.int64)
    assert split_overlapping(graph, entity, 3, places)[0].vcount() == 7
    # A set of two (4-5) is how his own group is recorded: no split.
    small = _graph([*spokes, (1, 2), (1, 3), (2, 3), (4, 5)], [True] * 6, 6)
    assert split_overlapping(small, entity[:6], 3)[0].vcount() == 6
    # Tied to the second set only by a phone (not offending): no split.
    phone = _graph([*spokes, *tri], [True, False] + [True] * 6, 7)
    assert split_overlapping(phone, entity, 3)[0].vcount() == 7
    # Only people some record names in full count: 5 and 6 first names alone.
    named = np.asarray([True, True, True, True, True, False, False])
    assert split_overlapping(graph, entity, 3, None, named)[0].vcount() == 7
    # Turned off.
    assert split_overlapping(graph, entity, 0)[0].vcount() == 7


def _reference_split(
    graph: ig.Graph,
    entity: np.ndarray,
    min_part_size: int,
    places: np.ndarray,
    named: np.ndarray,
) -> list[tuple[int, list[int]]]:
    """The rule read the long way: per articulation point tied to two or more people,
    every component of its component without it, sets sharing a place as one, each edge
    to the set at its other end (copy 0: the largest set, ties by first vertex)."""
    edges = graph.get_edgelist()
    offending = graph.es["offending"]
    membership = graph.connected_components().membership
    seen_at: dict[int, set[int]] = {}
    for a, b in places.tolist():
        seen_at.setdefault(a, set()).add(b)
        seen_at.setdefault(b, set()).add(a)
    out = []
    for vertex in sorted(graph.articulation_points()):
        tied = {
            b if a == vertex else a
            for (a, b), o in zip(edges, offending, strict=True)
            if o and vertex in (a, b)
        }
        if len(tied) < 2:
            continue
        rest = [
            v for v in range(graph.vcount()) if membership[v] == membership[vertex] and v != vertex
        ]
        labels = graph.induced_subgraph(rest).connected_components().membership
        part = dict(zip(rest, labels, strict=True))
        own = int(entity[vertex])
        joined = list(range(max(labels) + 1))

        def find(x: int, joined: list[int] = joined) -> int:
            while joined[x] != x:
                x = joined[x]
            return x

        for v in rest:
            for u in rest:
                e, f = int(entity[v]), int(entity[u])
                if own not in (e, f) and f in seen_at.get(e, set()):
                    joined[find(part[v])] = find(part[u])
        part = {v: find(x) for v, x in part.items()}
        people: dict[int, set[int]] = {}
        for v, x in part.items():
            if named[entity[v]]:
                people.setdefault(x, set()).add(int(entity[v]))
        first = {x: min(v for v in part if part[v] == x) for x in set(part.values())}
        groups = sorted(
            {part[b] for b in tied if len(people.get(part[b], set()) - {own}) >= min_part_size},
            key=lambda x: (-len(people[x]), first[x]),
        )
        if len(groups) >= 2:
            copy = [
                groups.index(part[b]) if part.get(b) in groups else 0
                for a, b0 in edges
                if vertex in (a, b0)
                for b in [b0 if a == vertex else a]
            ]
            out.append((vertex, copy))
    return out


def _random_case(
    rng: random.Random,
) -> tuple[ig.Graph, np.ndarray, int, np.ndarray, np.ndarray]:
    """A small graph: men of several vertices (fewer people than vertices), links of
    which some are offending, people not named in full, places shared by people."""
    n = rng.randint(4, 16)
    people = n // 2 + 1
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(1, 3 * n))]
    pairs = [(a, b) for a, b in pairs if a != b] or [(0, 1)]
    graph = _graph(pairs, [rng.random() < 0.6 for _ in pairs], n)
    entity = np.asarray([rng.randrange(people) for _ in range(n)], dtype=np.int64)
    named = np.asarray([rng.random() < 0.8 for _ in range(people)])
    places = np.asarray(
        [
            (rng.randrange(people), rng.randrange(people))
            for _ in range(rng.randint(0, rng.choice([6, 12])))
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    return graph, entity, rng.randint(1, 3), places, named


def test_the_sets_around_a_man_are_every_component_without_him() -> None:
    """The split walks only a man's smaller sets and reads the largest through counts;
    on any graph it splits exactly where reading every component would, each edge to the
    same copy (20,000 seeded random graphs)."""
    rng = random.Random(17)
    for _ in range(20000):
        graph, entity, size, places, named = _random_case(rng)
        n = graph.vcount()
        split, origin = split_overlapping(graph, entity, size, places, named)
        expected = _reference_split(graph, entity, size, places, named)
        assert sorted({int(v) for v in origin[n:]}) == sorted(
            v for v, copy in expected if max(copy)
        )
        pairs = graph.get_edgelist()
        new_edges = split.get_edgelist()
        for vertex, copy in expected:
            mine = [e for e, (a, b) in enumerate(pairs) if vertex in (a, b)]
            first_copy = n + origin[n:].tolist().index(vertex) - 1 if max(copy) else 0
            got = []
            for e in mine:
                end = next(v for v in new_edges[e] if origin[v] == vertex)
                got.append(0 if end == vertex else end - first_copy)
            assert got == copy
