"""A man in two groups is a member of both networks (overlapping membership, issue 17).

Offenders belong to more than one group: IICSA (2022) and the Home Office's review of
group-based child sexual exploitation (2020) describe loose, overlapping associations, a
man offending with one set of men against their children and with another set against
theirs. Detection otherwise gives every person one network within an area, so two groups
that share one man become one network (or the smaller loses him and falls apart).

The rule: a man (one vertex of the detection graph, an entity in one area) whose own
offending evidence (co-offending in one record, ``co_involved`` where the two are held
together, ``bridging.held_sql``; or a shared victim) ties him to two or more **sets of
people that share no child and no link of any kind with each other once he is removed**
(issue 17 item 5: split only where the parts share no victim and no strong link), each
set of at least ``overlap_min_part_size`` people, is split into one copy per such set
before components are found, the way area-aware vertices split a man per force area. Each
copy joins one group; the area join (which needs two or more shared people) keeps the
groups apart, and the man is in both networks. Whatever else hangs on him alone (a
single co-offender, a phone, an association, an employee) stays with the copy in his
largest set. A place, a phone or a presence alone never makes a set of his: those are
not offending together. Protected characteristics play no part: only links are read.
"""

from __future__ import annotations

import duckdb
import igraph as ig
import numpy as np
import numpy.typing as npt

from clearsight import partition


def read_overlap_inputs(
    con: duckdb.DuckDBPyConnection, n: int, types: str, support: str, police_only: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """With ``_vid`` (entity id -> vertex order) in place: the entity pairs seen at one
    place (``support``: the place link types, among detection's ``types``; SQL lists),
    each once, and per entity whether some record names him in full (a forename and a
    surname, not a placeholder). ``police_only``: links with police evidence only."""
    place = con.execute(
        f"""
        SELECT DISTINCT least(a.vid, b.vid) AS va, greatest(a.vid, b.vid) AS vb
        FROM graph_links l
        JOIN _vid a ON a.entity_id = l.entity_a JOIN _vid b ON b.entity_id = l.entity_b
        WHERE list_contains({support}, l.link_type) AND list_contains({types}, l.link_type)
          {"AND l.police_evidence" if police_only else ""}
        ORDER BY 1, 2
        """
    ).fetchnumpy()
    named_vids = con.execute(
        """
        SELECT DISTINCT v.vid FROM graph_person_map p JOIN _vid v USING (entity_id)
        WHERE NOT p.unidentified AND strpos(trim(p.name), ' ') > 0
        """
    ).fetchall()
    named = np.zeros(n, dtype=np.bool_)
    named[[int(r[0]) for r in named_vids]] = True
    pairs = np.column_stack(
        [np.asarray(place["va"], dtype=np.int64), np.asarray(place["vb"], dtype=np.int64)]
    ).reshape(-1, 2)
    return pairs, named


def _parts(graph: ig.Graph, vertex: int, component: list[int]) -> dict[int, int]:
    """Per vertex of ``component`` other than ``vertex``: the label of its part once
    ``vertex`` is removed (components of what is left)."""
    rest = [v for v in component if v != vertex]
    sub = graph.induced_subgraph(rest)
    labels = sub.connected_components().membership
    return dict(zip(rest, (int(x) for x in labels), strict=True))


def _joined_by_places(
    part_of: dict[int, int],
    vertex_entity: npt.NDArray[np.int64],
    places: dict[int, set[int]],
    own: int,
) -> dict[int, int]:
    """``part_of`` with parts whose people (other than ``own``) were seen at one place
    given one label: a place alone joins nobody to a group, but two sets of a man's
    co-offenders who use the same flat, takeaway or hotel are one group working from it
    (the Rochdale and Rotherham reviews: a group's places), not two groups."""
    label_of_entity: dict[int, set[int]] = {}
    for v, label in part_of.items():
        e = int(vertex_entity[v])
        if e != own:
            label_of_entity.setdefault(e, set()).add(label)
    labels = sorted(set(part_of.values()))
    sets = partition.DisjointSets(max(labels) + 1 if labels else 0)
    for e, mine in label_of_entity.items():
        for other in places.get(e, ()):
            if other == own:
                continue
            for x in mine:
                for y in label_of_entity.get(other, ()):
                    sets.union(x, y)
    return {v: int(sets.find(label)) for v, label in part_of.items()}


def split_overlapping(
    graph: ig.Graph,
    vertex_entity: npt.NDArray[np.int64],
    min_part_size: int,
    place_pairs: npt.NDArray[np.int64] | None = None,
    named: npt.NDArray[np.bool_] | None = None,
) -> tuple[ig.Graph, npt.NDArray[np.int64]]:
    """The graph with each man of two groups split into one vertex per group, and per
    vertex of the result the vertex of ``graph`` it stands for (copies come after the
    originals). Edges keep their order and attributes, so per-edge arrays still apply.

    ``graph`` needs the edge attribute ``offending`` (the link is co-offending or a shared
    victim); edges flagged ``employment_only`` take no part in finding the sets (an
    employee is an end point, never a path). ``place_pairs`` (entity index pairs seen at
    one place) join two sets into one: men who use one place are one group working from
    it. ``named`` (per entity): only people some record names in full count towards a
    set's size; a first name or a nickname alone may be a man already counted, recorded
    thinly where linkage could not join him. ``min_part_size`` 0 turns the rule off."""
    origin = np.arange(graph.vcount(), dtype=np.int64)
    if min_part_size <= 0 or not graph.ecount() or "offending" not in graph.es.attributes():
        return graph, origin
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    offending = np.asarray(graph.es["offending"], dtype=np.bool_)
    path = np.ones(len(edges), dtype=np.bool_)
    if "employment_only" in graph.es.attributes():
        path = ~np.asarray(graph.es["employment_only"], dtype=np.bool_)
    paths = graph.subgraph_edges(np.flatnonzero(path).tolist(), delete_vertices=False)
    membership = np.asarray(paths.connected_components().membership, dtype=np.int64)
    # Per vertex, its incident edges (edge ids) and the neighbour at the other end.
    incident: dict[int, list[tuple[int, int]]] = {}
    for e, (a, b) in enumerate(edges.tolist()):
        incident.setdefault(a, []).append((e, b))
        incident.setdefault(b, []).append((e, a))
    places: dict[int, set[int]] = {}
    for a, b in (place_pairs if place_pairs is not None else np.zeros((0, 2), np.int64)).tolist():
        places.setdefault(int(a), set()).add(int(b))
        places.setdefault(int(b), set()).add(int(a))
    # Per split vertex: edge id -> which copy (0 = the vertex itself, k = the k-th copy).
    copy_of_edge: dict[int, dict[int, int]] = {}
    for vertex in sorted(int(v) for v in paths.articulation_points()):
        # Only a man tied by offending evidence to two or more people can be in two groups.
        tied = {b for e, b in incident.get(vertex, []) if offending[e] and path[e]}
        if len(tied) < 2:
            continue
        component = np.flatnonzero(membership == membership[vertex]).tolist()
        part_of = _joined_by_places(
            _parts(paths, vertex, component), vertex_entity, places, int(vertex_entity[vertex])
        )
        people: dict[int, set[int]] = {}
        for v, label in part_of.items():
            e = int(vertex_entity[v])
            if named is None or named[e]:
                people.setdefault(label, set()).add(e)
        own = int(vertex_entity[vertex])
        first: dict[int, int] = {}
        for v, label in sorted(part_of.items()):
            first.setdefault(label, v)
        groups = sorted(
            {
                part_of[b]
                for b in tied
                if len(people.get(part_of[b], set()) - {own}) >= min_part_size
            },
            # The largest set first (it keeps the vertex itself); ties in vertex order.
            key=lambda label: (-len(people[label]), first[label]),
        )
        if len(groups) < 2:
            continue
        index = {label: k for k, label in enumerate(groups)}
        # Each edge of his goes with the set at its other end; the rest stay home (copy 0).
        copy_of_edge[vertex] = {e: index.get(part_of.get(b, -1), 0) for e, b in incident[vertex]}
    if not copy_of_edge:
        return graph, origin
    copies: list[int] = []
    first_copy: dict[int, int] = {}
    for vertex, assigned in sorted(copy_of_edge.items()):
        first_copy[vertex] = graph.vcount() + len(copies) - 1
        copies.extend([vertex] * max(assigned.values()))
    new_edges = edges.copy()
    for vertex, assigned in copy_of_edge.items():
        for e, k in assigned.items():
            if not k:
                continue
            side = 0 if edges[e, 0] == vertex else 1
            new_edges[e, side] = first_copy[vertex] + k
    origin = np.concatenate([origin, np.asarray(copies, dtype=np.int64)])
    split = ig.Graph(n=len(origin), edges=new_edges.tolist(), directed=False)
    for name in graph.es.attributes():
        split.es[name] = graph.es[name]
    for name in graph.vs.attributes():
        values = graph.vs[name]
        split.vs[name] = [values[int(v)] for v in origin]
    return split, origin


def other_network_record(member: str, event_key: str, offending: str) -> str:
    """SQL true when record ``event_key`` of network member ``member`` (an alias of
    ``network_members``) belongs to another network of his: it names on the offending
    side (``offending``, an SQL list of roles) someone of that other network who is not in
    this one. A man in two networks offended with each group's men against its children;
    each record goes to the group it names, so neither network lists the other's children,
    places or records as its own. A record naming him alone stays with both."""
    return f"""EXISTS (
        SELECT 1 FROM network_members x
        JOIN network_members y ON y.network_id = x.network_id AND y.entity_id <> x.entity_id
        JOIN graph_involvements o2 ON o2.entity_id = y.entity_id
        WHERE x.entity_id = {member}.entity_id AND x.network_id <> {member}.network_id
          AND o2.event_key = {event_key} AND list_contains({offending}, o2.role)
          AND NOT EXISTS (SELECT 1 FROM network_members z
                          WHERE z.network_id = {member}.network_id
                            AND z.entity_id = y.entity_id))"""
