from __future__ import annotations

import json
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
import numpy.typing as npt
import pytest

from clearsight.definitions import evaluate_all
from clearsight.graph import GraphSettings, run
from clearsight.graph.communities import _tied_back
from clearsight.graph.detect import _networks
from clearsight.graph.ids import assign_ids, fresh_id
from clearsight.store import connect
from tests.graph.scenario import load_scenario, shuffle_protected_characteristics


def members(con: duckdb.DuckDBPyConnection) -> dict[frozenset[str], str]:
    grouped: dict[str, set[str]] = {}
    for network_id, entity_id in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        grouped.setdefault(network_id, set()).add(entity_id)
    return {frozenset(v): k for k, v in grouped.items()}


ABU = frozenset({"wyp-police/A", "wyp-police/B", "wyp-police/U", "wyp-police/C"})
PQ = frozenset({"wyp-police/P", "wyp-police/Q"})
DF = frozenset({"wyp-police/D", "wyp-police/F"})


def test_networks_found_with_partner_evidence(scon: duckdb.DuckDBPyConnection) -> None:
    found = members(scon)
    assert set(found) == {ABU, PQ, DF}
    # G and H co-offended against an adult: no exploitation, no network.
    assert not any("wyp-police/G" in m for m in found)


def test_network_facts(scon: duckdb.DuckDBPyConnection) -> None:
    found = members(scon)
    rows = {
        r[0]: r[1:]
        for r in scon.execute(
            "SELECT network_id, size, n_unidentified, n_victims, detectable_police_only, sources "
            "FROM networks"
        ).fetchall()
    }
    assert rows[found[ABU]] == (4, 1, 2, True, ["leeds-csc", "wyp-police"])
    # P and Q are linked only by a social-care record: not detectable from police data.
    assert rows[found[PQ]][3] is False
    assert rows[found[DF]][3] is True


def test_key_people(scon: duckdb.DuckDBPyConnection) -> None:
    found = members(scon)
    top = scon.execute(
        "SELECT entity_id, degree, betweenness FROM network_members "
        "WHERE network_id = ? ORDER BY key_person_rank LIMIT 1",
        [found[ABU]],
    ).fetchall()
    # A is the only bridge to C (through the shared phone).
    assert top[0][0] == "wyp-police/A" and top[0][2] > 0


def test_evidence_names_records_sources_dates(scon: duckdb.DuckDBPyConnection) -> None:
    evidence = scon.execute(
        "SELECT evidence, sources, police_evidence FROM graph_links "
        "WHERE link_type = 'shared_object'"
    ).fetchall()
    assert len(evidence) == 1
    items = json.loads(evidence[0][0])
    assert items[0]["records"] == ["leeds-csc:c-C", "wyp-police:A"]
    assert evidence[0][1] == ["leeds-csc", "wyp-police"] and evidence[0][2] is False
    dated = scon.execute(
        "SELECT first_date FROM graph_links WHERE link_type = 'association'"
    ).fetchall()
    assert str(dated[0][0]) == "2024-06-05"


def test_contract_records_include_every_member_record(scon: duckdb.DuckDBPyConnection) -> None:
    found = members(scon)
    rows = scon.execute(
        "SELECT source_id, person_id, role FROM network_records WHERE network_id = ?",
        [found[ABU]],
    ).fetchall()
    assert ("leeds-csc", "c-C", "offender") in rows and ("wyp-police", "C", "offender") in rows
    assert ("wyp-police", "V1", "victim") in rows


def test_without_linkage_each_record_is_an_entity(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path, linked=False)
    summary = run(con)
    assert summary.networks >= 1
    ids = {r[0] for r in con.execute("SELECT entity_id FROM graph_entities").fetchall()}
    assert "leeds-csc/c-C" in ids and "wyp-police/C" in ids
    con.close()


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {
        "members": con.execute("SELECT * FROM network_members ORDER BY ALL").fetchall(),
        "networks": con.execute(
            "SELECT * EXCLUDE (carried_over) FROM networks ORDER BY ALL"
        ).fetchall(),
        "links": con.execute("SELECT * FROM graph_links ORDER BY ALL").fetchall(),
        "results": con.execute(
            "SELECT * EXCLUDE (evaluated_at) FROM definition_results ORDER BY ALL"
        ).fetchall(),
        "agreement": con.execute("SELECT * FROM cse_flag_agreement ORDER BY ALL").fetchall(),
    }


def test_protected_characteristics_change_nothing(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path)
    run(con)
    evaluate_all(con)
    before = _snapshot(con)
    # Shuffle ethnicity, nationality and sex across people (a reversed assignment).
    shuffle_protected_characteristics(con)
    run(con)
    evaluate_all(con)
    assert _snapshot(con) == before
    con.close()


def test_ids_are_stable_across_runs(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path)
    run(con)
    first = members(con)
    run(con)
    assert members(con) == first
    assert all(r[0] for r in con.execute("SELECT carried_over FROM networks").fetchall())
    con.close()


def test_assign_ids_carries_over_by_overlap() -> None:
    previous = {"N-old": ["a", "b", "c"], "N-other": ["x", "y"]}
    ids, carried = assign_ids([["a", "b", "c", "d"], ["p", "q"]], previous)
    assert ids[0] == "N-old" and carried == [True, False]
    assert ids[1] == fresh_id(["q", "p"])
    # Overlap below half: a new id.
    ids, carried = assign_ids([["a", "z", "w"]], previous)
    assert ids[0] != "N-old" and carried == [False]


def test_leiden_split_never_drops_members_and_is_stable(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path)
    # Every component goes through Leiden at a resolution that leaves only singletons:
    # they join back into their component, nobody is dropped, and reruns agree.
    settings = GraphSettings(
        max_network_size=3, leiden_resolution=50.0, split_merge_ratio=float("inf")
    )
    run(con, settings)
    first = sorted(map(sorted, members(con)))
    assert set(members(con)) == {ABU, PQ, DF}
    run(con, settings)
    assert sorted(map(sorted, members(con))) == first
    con.close()


def _graph(edges: list[tuple[int, int]], n: int) -> tuple[ig.Graph, npt.NDArray[np.bool_]]:
    graph = ig.Graph(n=n, edges=edges)
    graph.es["weight"] = [1.0] * len(edges)
    return graph, np.ones(len(edges), dtype=np.bool_)


def test_bridge_splits_two_groups_dense_group_stays_one() -> None:
    """Two groups of five joined through one cross-area offender (vertex 0, in both) are
    two networks; one sparse group of seven (a ring with chords) stays one."""
    a = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    b = [(i, j) for i in range(5, 10) for j in range(i + 1, 10)]
    bridge = [(0, 5), (0, 6), (0, 7)]
    graph, knowing = _graph(a + b + bridge, 10)
    networks, split_from = _networks(graph, knowing, GraphSettings())
    assert sorted(map(sorted, networks)) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert split_from == [0, 0]
    ring = [(i, (i + 1) % 7) for i in range(7)] + [(0, 3), (2, 5), (4, 6)]
    graph, knowing = _graph(ring, 7)
    networks, split_from = _networks(graph, knowing, GraphSettings())
    assert networks == [list(range(7))] and split_from == [None]


def test_a_split_stands_only_at_a_single_point_of_contact() -> None:
    """Two dense groups of six tied across by one person are two networks; tied across by
    two people on each side (say two co-offending with two others), they are one: a group
    community detection cut is put back (``_tied_back``)."""
    a = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    b = [(i, j) for i in range(6, 12) for j in range(i + 1, 12)]
    one = [(0, 6), (0, 7)]
    graph, knowing = _graph(a + b + one, 12)
    networks, _ = _networks(graph, knowing, GraphSettings())
    assert sorted(map(sorted, networks)) == [list(range(6)), list(range(6, 12))]
    edges = np.asarray(a + b + [(0, 6), (1, 7)], dtype=np.int64)
    labels = np.asarray([0] * 6 + [1] * 6, dtype=np.int64)
    strong = np.ones(len(edges), dtype=np.bool_)
    assert set(_tied_back(edges, strong, labels).tolist()) == {0}
    # The same two ties as bridging links (a shared child) leave the split.
    strong[-2:] = False
    assert set(_tied_back(edges, strong, labels).tolist()) == {0, 1}


def test_one_co_offending_pair_across_a_split_ties_back_only_with_something_shared() -> None:
    """One pair of men tied across a community split (co-offending once) is the contact
    between two groups, and the split stands; the same pair where the two sides also
    share a child (a bridging link between two other men) is one group recorded in two
    sets, and the split is undone. A bridging link alone undoes nothing."""
    a = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    b = [(i, j) for i in range(6, 12) for j in range(i + 1, 12)]
    labels = np.asarray([0] * 6 + [1] * 6, dtype=np.int64)
    pair = np.asarray(a + b + [(0, 6)], dtype=np.int64)
    assert set(_tied_back(pair, np.ones(len(pair), dtype=np.bool_), labels).tolist()) == {0, 1}
    shared = np.asarray(a + b + [(0, 6), (2, 9)], dtype=np.int64)
    strong = np.ones(len(shared), dtype=np.bool_)
    strong[-1] = False
    assert set(_tied_back(shared, strong, labels).tolist()) == {0}
    only = np.asarray(a + b + [(2, 9)], dtype=np.int64)
    strong = np.ones(len(only), dtype=np.bool_)
    strong[-1] = False
    assert set(_tied_back(only, strong, labels).tolist()) == {0, 1}
    # One man tied to two on the other side is a bridge: the split stands, shared child
    # or not.
    bridge = np.asarray(a + b + [(0, 6), (0, 7), (2, 9)], dtype=np.int64)
    strong = np.ones(len(bridge), dtype=np.bool_)
    strong[-1] = False
    assert set(_tied_back(bridge, strong, labels).tolist()) == {0, 1}


@pytest.mark.parametrize("cap", [1])
def test_hub_objects_are_not_evidence(tmp_path: Path, cap: int) -> None:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path)
    run(con, GraphSettings(max_object_people=cap))
    assert not con.execute(
        "SELECT count(*) FROM graph_links WHERE link_type = 'shared_object'"
    ).fetchall()[0][0]
    con.close()


def test_area_aware_bridge_belongs_to_both_networks() -> None:
    """Entity 0 offends with entity 1 in one area (vertex 0) and with a group of four in
    another (vertex 1): two networks, entity 0 in both. Two networks from different areas
    sharing two people are one."""
    from clearsight.graph.detect import LinkGraph, _entity_networks

    group = [(1, 3), (1, 4), (1, 5), (3, 4), (3, 5), (4, 5)]
    graph, knowing = _graph([(0, 2), *group], 6)
    lg = LinkGraph(
        entities=[f"e{i}" for i in range(5)],
        graph=graph,
        strong=knowing,
        vertex_entity=np.asarray([0, 0, 1, 2, 3, 4], dtype=np.int64),
        entity_edges=np.zeros((0, 2), dtype=np.int64),
    )
    networks, _ = _entity_networks(lg, GraphSettings())
    assert sorted(networks) == [[0, 1], [0, 2, 3, 4]]
    # Entities 0 and 1 both have evidence in two areas: the pair is one network.
    graph, knowing = _graph([(0, 2), (1, 3), (3, 5), (4, 5)], 6)
    lg = LinkGraph(
        entities=[f"e{i}" for i in range(4)],
        graph=graph,
        strong=knowing,
        vertex_entity=np.asarray([0, 0, 1, 1, 2, 3], dtype=np.int64),
        entity_edges=np.zeros((0, 2), dtype=np.int64),
    )
    networks, _ = _entity_networks(lg, GraphSettings())
    assert networks == [[0, 1, 2, 3]]


def test_two_visiting_offenders_are_not_most_of_a_group_of_four() -> None:
    """Entities 0 and 1 offend with a group of five in one area and with two other men in
    another: the group of four holds them, but two of four is not most of it, so two
    networks with 0 and 1 in both. With one other man there (a group of three), two of
    three are most of it: one group recorded in two areas."""
    from clearsight.graph.detect import LinkGraph, _entity_networks

    def clique(vertices: list[int]) -> list[tuple[int, int]]:
        return [(a, b) for i, a in enumerate(vertices) for b in vertices[i + 1 :]]

    # Vertices: entity 0 in areas a and b (0, 1), entity 1 likewise (2, 3), entities 2-4
    # in area a (4-6), entities 5 and 6 in area b (7, 8).
    graph, knowing = _graph(clique([0, 2, 4, 5, 6]) + clique([1, 3, 7, 8]), 9)
    lg = LinkGraph(
        entities=[f"e{i}" for i in range(7)],
        graph=graph,
        strong=knowing,
        vertex_entity=np.asarray([0, 0, 1, 1, 2, 3, 4, 5, 6], dtype=np.int64),
        entity_edges=np.zeros((0, 2), dtype=np.int64),
    )
    networks, _ = _entity_networks(lg, GraphSettings())
    assert sorted(networks) == [[0, 1, 2, 3, 4], [0, 1, 5, 6]]
    graph, knowing = _graph(clique([0, 2, 4, 5, 6]) + clique([1, 3, 7]), 8)
    lg = LinkGraph(
        entities=[f"e{i}" for i in range(6)],
        graph=graph,
        strong=knowing,
        vertex_entity=np.asarray([0, 0, 1, 1, 2, 3, 4, 5], dtype=np.int64),
        entity_edges=np.zeros((0, 2), dtype=np.int64),
    )
    networks, _ = _entity_networks(lg, GraphSettings())
    assert networks == [[0, 1, 2, 3, 4, 5]]
