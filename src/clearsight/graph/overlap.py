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

from collections import deque
from collections.abc import Callable

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


class _Around:
    """The sets of people around one vertex once it is removed (components of what is
    left of its component), found by searching out from each neighbour in step and
    stopping when one set is left unexplored. A man's own sets are small beside the rest
    of a large graph, so only they are walked; the one left (``rest``) is read through
    counts made once per graph. Equal to labelling every component of the graph without
    the vertex, at the cost of the parts other than the largest."""

    def __init__(
        self,
        paths: ig.Graph,
        vertex_entity: npt.NDArray[np.int64],
        places: dict[int, set[int]],
        named: npt.NDArray[np.bool_] | None,
    ) -> None:
        self.paths = paths
        self.vertex_entity = vertex_entity
        self.places = places
        self.membership = np.asarray(paths.connected_components().membership, dtype=np.int64)
        # Vertices by component, each component's in vertex order.
        self.by_component = np.argsort(self.membership, kind="stable")
        self.component_start = np.searchsorted(
            self.membership[self.by_component], np.arange(self.membership.max() + 2)
        )
        self.vertices_of: dict[int, list[int]] = {}
        for v, e in enumerate(vertex_entity.tolist()):
            self.vertices_of.setdefault(int(e), []).append(v)
        self.named = (
            np.ones(int(vertex_entity.max()) + 1 if len(vertex_entity) else 0, np.bool_)
            if named is None
            else named
        )
        # Per component, the named people in it (each once, however many vertices).
        pairs = np.unique(np.column_stack([self.membership, vertex_entity]), axis=0)
        pairs = pairs[self.named[pairs[:, 1]]] if len(pairs) else pairs
        self.named_in = np.bincount(pairs[:, 0], minlength=len(self.component_start) - 1)

    def sets(
        self, vertex: int, ends: list[int]
    ) -> tuple[dict[int, int], dict[int, tuple[int, int, int]]]:
        """Per vertex of ``ends``, the label of its set once ``vertex`` is removed, sets
        whose people were seen at one place given one label (``-1``: not in the vertex's
        component); per label, the named people in it (a person once, however many
        vertices), those other than the vertex's own person, and its first vertex."""
        walked, rest = self._walk(vertex)
        component = int(self.membership[vertex])

        def label(v: int) -> int:
            if v == vertex or self.membership[v] != component:
                return -1
            return walked.get(v, -1 if rest is None else rest)

        root = self._joined(vertex, walked, rest, label)
        people: dict[int, set[int]] = {}
        first: dict[int, int] = {}
        for v, x in sorted(walked.items()):
            people.setdefault(root[x], set()).add(int(self.vertex_entity[v]))
            first.setdefault(root[x], v)
        own = int(self.vertex_entity[vertex])
        # Named people of the component with no vertex in the rest were all walked (or
        # are the vertex's own person): the rest holds every other one.
        walked_people = {int(self.vertex_entity[v]) for v in walked} | {own}
        in_rest = {
            e
            for e in walked_people
            if rest is not None and any(label(u) == rest for u in self.vertices_of[e])
        }
        rest_count = int(self.named_in[component]) - sum(
            1 for e in walked_people if self.named[e] and e not in in_rest
        )
        summary: dict[int, tuple[int, int, int]] = {}
        for r in sorted(set(root.values())):
            named = {e for e in people.get(r, set()) if self.named[e]}
            if rest is None or root[rest] != r:
                summary[r] = (len(named), len(named - {own}), first[r])
                continue
            count = rest_count + len(named - in_rest)
            has_own = own in named or (bool(self.named[own]) and own in in_rest)
            start = self._first_in_rest(component, label, rest)
            summary[r] = (count, count - int(has_own), min(first.get(r, start), start))
        return {b: root.get(label(b), -1) for b in ends}, summary

    def _walk(self, vertex: int) -> tuple[dict[int, int], int | None]:
        """The vertices walked and their set's label, and the label of the one set left
        unexplored (None when every set was walked whole)."""
        starts = sorted({int(b) for b in self.paths.neighbors(vertex)} - {vertex})
        sets = partition.DisjointSets(len(starts))
        seen = {b: i for i, b in enumerate(starts)}
        pending = [deque([b]) for b in starts]
        while len({sets.find(i) for i, queue in enumerate(pending) if queue}) > 1:
            for i, queue in enumerate(pending):
                if not queue:
                    continue
                for w in self.paths.neighbors(queue.popleft()):
                    j = seen.get(w)
                    if w == vertex:
                        continue
                    if j is None:
                        seen[w] = i
                        queue.append(w)
                    else:
                        sets.union(i, j)
        open_sets = {sets.find(i) for i, queue in enumerate(pending) if queue}
        rest = open_sets.pop() if open_sets else None
        walked = {w: int(sets.find(i)) for w, i in seen.items()}
        return {w: x for w, x in walked.items() if x != rest}, rest

    def _joined(
        self,
        vertex: int,
        walked: dict[int, int],
        rest: int | None,
        label: Callable[[int], int],
    ) -> dict[int, int]:
        """Per label, its label once sets whose people (other than the vertex's own) were
        seen at one place are one: a place alone joins nobody to a group, but two sets of
        a man's co-offenders who use the same flat, takeaway or hotel are one group
        working from it (the Rochdale and Rotherham reviews: a group's places), not two
        groups. A place shared within the rest joins nothing new, so only walked people
        are read (a place is kept both ways round)."""
        labels = sorted(set(walked.values()) | ({rest} if rest is not None else set()))
        joined = partition.DisjointSets(max(labels) + 1 if labels else 0)
        own = int(self.vertex_entity[vertex])
        for e in sorted({int(self.vertex_entity[v]) for v in walked} - {own}):
            mine = {label(u) for u in self.vertices_of[e]} - {-1}
            for other in sorted(self.places.get(e, ())):
                if other == own:
                    continue
                for y in {label(u) for u in self.vertices_of.get(other, [])} - {-1}:
                    for x in mine:
                        joined.union(x, y)
        return {x: int(joined.find(x)) for x in labels}

    def _first_in_rest(self, component: int, label: Callable[[int], int], rest: int) -> int:
        """The first vertex, in vertex order, of the set left unexplored."""
        lo, hi = self.component_start[component], self.component_start[component + 1]
        for v in self.by_component[lo:hi].tolist():
            if label(int(v)) == rest:
                return int(v)
        raise ValueError("the set left unexplored has no vertex")


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
    # Per vertex, its incident edges (edge ids) and the neighbour at the other end.
    incident: dict[int, list[tuple[int, int]]] = {}
    for e, (a, b) in enumerate(edges.tolist()):
        incident.setdefault(a, []).append((e, b))
        incident.setdefault(b, []).append((e, a))
    places: dict[int, set[int]] = {}
    for a, b in (place_pairs if place_pairs is not None else np.zeros((0, 2), np.int64)).tolist():
        places.setdefault(int(a), set()).add(int(b))
        places.setdefault(int(b), set()).add(int(a))
    around = _Around(paths, vertex_entity, places, named)
    # Per split vertex: edge id -> which copy (0 = the vertex itself, k = the k-th copy).
    copy_of_edge: dict[int, dict[int, int]] = {}
    for vertex in sorted(int(v) for v in paths.articulation_points()):
        # Only a man tied by offending evidence to two or more people can be in two groups.
        tied = {b for e, b in incident.get(vertex, []) if offending[e] and path[e]}
        if len(tied) < 2:
            continue
        set_of, sizes = around.sets(vertex, sorted({b for _, b in incident[vertex]}))
        groups = sorted(
            {
                set_of[b]
                for b in tied
                if set_of[b] in sizes and sizes[set_of[b]][1] >= min_part_size
            },
            # The largest set first (it keeps the vertex itself); ties in vertex order.
            key=lambda label: (-sizes[label][0], sizes[label][2]),
        )
        if len(groups) < 2:
            continue
        index = {label: k for k, label in enumerate(groups)}
        # Each edge of his goes with the set at its other end; the rest stay home (copy 0).
        copy_of_edge[vertex] = {e: index.get(set_of[b], 0) for e, b in incident[vertex]}
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
