"""Offender networks: connected components of the offending side, split by Leiden when huge.

The graph is built from integer ids assigned in entity-id order, and Leiden runs with a
fixed seed, so the same tables always give the same networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import igraph as ig
import leidenalg
import numpy as np
import numpy.typing as npt

from clearsight.graph.build import _sql_list
from clearsight.graph.settings import KNOWING_LINK_TYPES, GraphSettings

# A shared victim alone is weaker evidence than people known to one another.
LINK_WEIGHTS: dict[str, float] = {"shared_victim": 0.5}


@dataclass
class Detection:
    """Entities in id order, the member graph and each network's vertex ids."""

    entities: list[str]
    graph: ig.Graph
    networks: list[list[int]]
    split_from: list[int | None]
    # The networks detection finds in police data alone (entity ids), for comparison.
    police_networks: list[list[str]]


def load_graph(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings, police_only: bool = False
) -> tuple[list[str], ig.Graph, npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The offending-side entities and the weighted person–person links between them.

    ``police_only``: only people involved through police events and links with police
    evidence, the networks police data alone would give.
    """
    types = _sql_list(settings.detection_link_types)
    knowing = _sql_list(KNOWING_LINK_TYPES)
    weights = " ".join(f"WHEN '{t}' THEN {w}" for t, w in LINK_WEIGHTS.items())
    involved = _sql_list(settings.involved_roles)
    assoc_types = _sql_list(settings.associate_event_types)
    who = "graph_involved"
    if police_only:
        who = f"""(SELECT DISTINCT i.entity_id FROM graph_involvements i
                   JOIN graph_events e USING (event_key)
                   WHERE e.police AND e.relevant AND (list_contains({involved}, i.role)
                     OR (i.role = 'associate'
                         AND list_contains({assoc_types}, e.event_type))))"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _vid AS
        SELECT entity_id, (row_number() OVER (ORDER BY entity_id) - 1)::INTEGER AS vid
        FROM {who}
        """
    )
    entities = [
        str(r[0]) for r in con.execute("SELECT entity_id FROM _vid ORDER BY vid").fetchall()
    ]
    arrays = con.execute(
        f"""
        SELECT a.vid AS va, b.vid AS vb,
               sum(CASE l.link_type {weights} ELSE 1.0 END)::DOUBLE AS w,
               bool_or(list_contains({knowing}, l.link_type)) AS knowing
        FROM graph_links l
        JOIN _vid a ON a.entity_id = l.entity_a JOIN _vid b ON b.entity_id = l.entity_b
        WHERE list_contains({types}, l.link_type) {"AND l.police_evidence" if police_only else ""}
        GROUP BY ALL ORDER BY va, vb
        """
    ).fetchnumpy()
    con.execute("DROP TABLE _vid")
    edges: npt.NDArray[np.int64] = np.column_stack(
        [np.asarray(arrays["va"], dtype=np.int64), np.asarray(arrays["vb"], dtype=np.int64)]
    )
    graph = ig.Graph(n=len(entities), edges=edges, directed=False)
    graph.es["weight"] = np.asarray(arrays["w"], dtype=np.float64)
    return entities, graph, edges, np.asarray(arrays["knowing"], dtype=np.bool_)


def _leiden(sub: ig.Graph, settings: GraphSettings) -> list[int]:
    partition = leidenalg.find_partition(
        sub,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=settings.leiden_resolution,
        n_iterations=settings.leiden_iterations,
        seed=settings.seed,
    )
    return [int(m) for m in partition.membership]


def _components(graph: ig.Graph, knowing: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Components over knowing links, then shared-child links that do not join two groups.

    A shared-child link joins its ends unless both already sit in (different) groups of
    two or more people known to one another; links are taken in vertex order, so the
    result does not depend on anything but the tables.
    """
    knowing_graph = graph.subgraph_edges(np.flatnonzero(knowing).tolist(), delete_vertices=False)
    base = np.asarray(knowing_graph.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(base)
    parent = list(range(len(sizes)))
    has_core = [bool(n >= 2) for n in sizes]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)[~knowing]
    for a, b in edges.tolist():
        ra, rb = find(int(base[a])), find(int(base[b]))
        if ra == rb or (has_core[ra] and has_core[rb]):
            continue
        parent[rb] = ra
        has_core[ra] = has_core[ra] or has_core[rb]
    roots = np.asarray([find(c) for c in range(len(sizes))], dtype=np.int64)
    return roots[base] if len(base) else base


def _split(sub: ig.Graph, settings: GraphSettings) -> list[list[int]]:
    """Leiden communities of one connected component. A community too small to be a
    network joins its most strongly linked neighbour, so the split never drops anyone."""
    labels = _leiden(sub, settings)
    while True:
        sizes: dict[int, int] = {}
        for label in labels:
            sizes[label] = sizes.get(label, 0) + 1
        small = sorted(c for c, n in sizes.items() if n < settings.network_min_size)
        if not small or len(sizes) == 1:
            break
        strength: dict[int, float] = {}
        for edge in sub.es:
            a, b = labels[edge.source], labels[edge.target]
            if a != b and small[0] in (a, b):
                other = b if a == small[0] else a
                strength[other] = strength.get(other, 0.0) + float(edge["weight"])
        if not strength:
            break
        target = min(strength, key=lambda k: (-strength[k], k))
        labels = [target if label == small[0] else label for label in labels]
    _merge_back(sub, labels, settings.split_merge_ratio)
    communities: dict[int, list[int]] = {}
    for v, label in enumerate(labels):
        communities.setdefault(label, []).append(v)
    return [c for c in communities.values() if len(c) >= settings.network_min_size]


def _merge_back(sub: ig.Graph, labels: list[int], ratio: float) -> None:
    """Undo a split the evidence does not support: two communities are one network again
    when the weight of the links between them is at least ``ratio`` of the smaller one's
    total link weight (a bridge through one person is far below; a sparse group cut in
    two is above)."""
    while True:
        volume: dict[int, float] = {}
        cut: dict[tuple[int, int], float] = {}
        for edge in sub.es:
            a, b = labels[edge.source], labels[edge.target]
            w = float(edge["weight"])
            volume[a] = volume.get(a, 0.0) + w
            volume[b] = volume.get(b, 0.0) + w
            if a != b:
                pair = (min(a, b), max(a, b))
                cut[pair] = cut.get(pair, 0.0) + w
        best = max(
            ((w / min(volume[a], volume[b]), (a, b)) for (a, b), w in cut.items()),
            default=(0.0, (0, 0)),
        )
        if best[0] < ratio:
            return
        keep, gone = best[1]
        for v, label in enumerate(labels):
            if label == gone:
                labels[v] = keep


def _networks(
    graph: ig.Graph, knowing: npt.NDArray[np.bool_], settings: GraphSettings
) -> tuple[list[list[int]], list[int | None]]:
    membership = _components(graph, knowing)
    order = np.argsort(membership, kind="stable")
    bounds = np.flatnonzero(np.diff(membership[order])) + 1
    networks: list[list[int]] = []
    split_from: list[int | None] = []
    for component, block in enumerate(np.split(order, bounds)):
        if len(block) < settings.network_min_size:
            continue
        ids = [int(v) for v in block]
        parts = [list(range(len(ids)))]
        if len(ids) >= settings.split_min_size or len(ids) > settings.max_network_size:
            # Two groups joined through one bridging person (a cross-area offender, a
            # shared phone) are two communities: Leiden finds them; a dense group is one.
            parts = _split(graph.induced_subgraph(ids), settings)
        if len(parts) == 1 and len(parts[0]) == len(ids):
            networks.append(ids)
            split_from.append(None)
            continue
        for part in parts:
            networks.append(sorted(ids[v] for v in part))
            split_from.append(component)
    return networks, split_from


def detect(con: duckdb.DuckDBPyConnection, settings: GraphSettings) -> Detection:
    entities, graph, edges, knowing = load_graph(con, settings)
    networks, split_from = _networks(graph, knowing, settings)
    p_entities, p_graph, _, p_knowing = load_graph(con, settings, police_only=True)
    police_networks = [
        [p_entities[v] for v in members] for members in _networks(p_graph, p_knowing, settings)[0]
    ]
    # Only links inside a network count for its key people.
    owner = np.full(len(entities), -1, dtype=np.int64)
    for index, members in enumerate(networks):
        owner[members] = index
    pairs = edges
    keep = (owner[pairs[:, 0]] >= 0) & (owner[pairs[:, 0]] == owner[pairs[:, 1]])
    member_graph = graph.subgraph_edges(np.flatnonzero(keep).tolist(), delete_vertices=False)
    return Detection(entities, member_graph, networks, split_from, police_networks)
