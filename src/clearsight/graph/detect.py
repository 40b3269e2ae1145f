"""Offender networks: connected components of the offending side, split by Leiden when huge.

The graph is built from integer ids assigned in entity-id order, and Leiden runs with a
fixed seed, so the same tables always give the same networks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import igraph as ig
import numpy as np
import numpy.typing as npt
import pandas as pd  # type: ignore[import-untyped]

from clearsight import partition
from clearsight.graph.areas import area_vertices
from clearsight.graph.bridging import (
    CO_INVOLVED,
    core_edges,
    held_sql,
    join_bridged,
    paired_edges,
    paired_sql,
    write_held_pairs,
)
from clearsight.graph.cohorts import join_cohorts
from clearsight.graph.communities import _split
from clearsight.graph.duplicates import _drop, _near_duplicate_finder, _possible_duplicates
from clearsight.graph.forenames import join_by_forenames
from clearsight.graph.lone_offenders import set_apart_lone_offenders
from clearsight.graph.overlap import read_overlap_inputs, split_overlapping
from clearsight.graph.peer_groups import set_apart_peer_groups
from clearsight.graph.rules import bridging_link_types, default_rules
from clearsight.graph.settings import SUPPORT_LINK_TYPES, GraphSettings
from clearsight.graph.unidentified import _attach_unidentified
from clearsight.store.sql import sql_list as _sql_list


@dataclass
class Detection:
    """Entities in id order, the member graph and each network's vertex ids."""

    entities: list[str]
    graph: ig.Graph
    networks: list[list[int]]
    split_from: list[int | None]
    # The networks detection finds in police data alone (entity ids), for comparison.
    police_networks: list[list[str]]
    # Two-person "networks" whose two people may be one person: (entity_a, entity_b,
    # reason), for review rather than as networks (see ``_possible_duplicates``).
    possible_duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    # People set apart as lone offenders (``lone_offenders.py``): (entity, a member of the
    # network he was held in).
    lone_offenders: list[tuple[str, str]] = field(default_factory=list)
    # Peer groups of children set apart (``peer_groups.py``): each group's entity ids.
    peer_groups: list[list[str]] = field(default_factory=list)
    # Men known by forename only joined to the group whose men bear their forenames
    # (``forenames.py``): (man, member, forename).
    forename_joins: list[tuple[str, str, str]] = field(default_factory=list)


EMPLOYMENT = "employed_at_offending_location"
SHARED_VICTIM = "shared_victim"


@dataclass
class LinkGraph:
    """Offending-side entities and the weighted links between them.

    ``graph`` has one vertex per entity (``vertex_entity`` maps vertex to entity index)
    unless area-aware, when it has one vertex per entity and area its links' evidence
    comes from: a person with evidence in two areas is two vertices there.
    """

    entities: list[str]
    graph: ig.Graph
    # Per edge: some link other than a bridging one (``bridging: true`` in the rule pack).
    strong: npt.NDArray[np.bool_]
    vertex_entity: npt.NDArray[np.int64]
    # Entity-level links (entity index pairs, each once), for key people.
    entity_edges: npt.NDArray[np.int64]
    # Entity pairs seen at one place (``SUPPORT_LINK_TYPES``: no link by itself), each
    # once: two sets of a man's co-offenders who use one place are one group
    # (``overlap.split_overlapping``).
    place_pairs: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros((0, 2), dtype=np.int64)
    )
    # Per entity: some record names him in full (forename and surname, not a placeholder);
    # None: every entity counts as named.
    named: npt.NDArray[np.bool_] | None = None


def _employees(con: duckdb.DuckDBPyConnection, n: int) -> npt.NDArray[np.bool_]:
    """Per entity (``_vid`` order): recorded as employed somewhere, the employee end of
    an employment link."""
    employees = np.zeros(n, dtype=np.bool_)
    employee_vids = con.execute(
        """
        SELECT DISTINCT v.vid FROM graph_person_locations p JOIN _vid v USING (entity_id)
        WHERE p.via = 'employed_at'
        """
    ).fetchall()
    employees[[int(r[0]) for r in employee_vids]] = True
    return employees


def _police_involved_sql(settings: GraphSettings) -> str:
    """The people involved through police events: the offending side police data alone
    would give."""
    involved = _sql_list(settings.involved_roles)
    assoc_types = _sql_list(settings.associate_event_types)
    return f"""(SELECT DISTINCT i.entity_id FROM graph_involvements i
               JOIN graph_events e USING (event_key)
               WHERE e.police AND e.relevant AND (list_contains({involved}, i.role)
                 OR (i.role = 'associate'
                     AND list_contains({assoc_types}, e.event_type))))"""


def load_graph(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings, police_only: bool = False
) -> LinkGraph:
    """The offending-side entities and the weighted person–person links between them.

    ``police_only``: only people involved through police events and links with police
    evidence, the networks police data alone would give. With ``settings.area_aware`` a
    link counts in every area one of its evidence sources belongs to (``sources.area``),
    and a person is one vertex per such area.
    """
    types = _sql_list(settings.detection_link_types)
    rules = default_rules()
    # Bridging links and every link's weight are the evidence rule pack's.
    bridging = _sql_list(bridging_link_types())
    group_only = (
        f"list_contains({_sql_list(settings.group_only_link_types)}, link_type)"
        if settings.group_only_link_types
        else "false"
    )
    # Links that never join two people by themselves (a shared place) add their strength.
    support = _sql_list(SUPPORT_LINK_TYPES)
    weight = " ".join(
        f"WHEN '{r.id}' THEN {r.strength}" for r in rules.values() if r.kind == "link"
    )
    is_support = f"list_contains({support}, link_type)"
    paired = paired_sql()
    who = _police_involved_sql(settings) if police_only else "graph_involved"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _vid AS
        SELECT entity_id, (row_number() OVER (ORDER BY entity_id) - 1)::INTEGER AS vid
        FROM {who}
        """
    )
    # Which co-involvements hold a group for the bridging rule (``bridging.py``).
    write_held_pairs(con)
    entities = [
        str(r[0]) for r in con.execute("SELECT entity_id FROM _vid ORDER BY vid").fetchall()
    ]
    area = "''"
    area_join = ""
    if settings.area_aware:
        area = "coalesce(s.area, '')"
        area_join = (
            "CROSS JOIN unnest(l.sources) u(source_id) "
            "LEFT JOIN sources s ON s.source_id = u.source_id"
        )
    arrays = con.execute(
        f"""
        WITH l AS (
            SELECT a.vid AS va, b.vid AS vb, l.link_type, l.sources,
                   {held_sql("l")} AS held
            FROM graph_links l
            JOIN _vid a ON a.entity_id = l.entity_a JOIN _vid b ON b.entity_id = l.entity_b
            LEFT JOIN _held h ON h.entity_a = least(l.entity_a, l.entity_b)
                             AND h.entity_b = greatest(l.entity_a, l.entity_b)
            WHERE list_contains({types}, l.link_type)
              {"AND l.police_evidence" if police_only else ""}
        ),
        la AS (SELECT DISTINCT l.va, l.vb, l.link_type, l.held, {area} AS area
               FROM l {area_join})
        SELECT va, vb, area,
               sum(CASE link_type {weight} ELSE 1.0 END)::DOUBLE AS w,
               bool_or(NOT list_contains({bridging}, link_type) AND NOT {is_support})
                   AS strong,
               bool_or(NOT list_contains({bridging}, link_type) AND NOT {is_support}
                       AND held)
                   AS core,
               -- A bridging link that makes a group (``makes_group`` in the rule pack:
               -- named in one review of a child's case), or one with another it pairs with
               -- (``pairs_with``: a shared child and a shared place), makes the pair a
               -- group of its own (``bridging.join_bridged``).
               {paired} AS paired,
               coalesce(bool_and({group_only} OR {is_support}), false) AS group_only,
               -- Offending together: co-offending in one record (a pair held together)
               -- or a shared victim; what ties a man to a group of his (``overlap.py``).
               bool_or((link_type = '{CO_INVOLVED}' AND held) OR link_type = '{SHARED_VICTIM}')
                   AS offending,
               bool_and(link_type = '{EMPLOYMENT}' OR {is_support}) AS employment_only
        FROM la GROUP BY ALL
        -- A place alone never puts two people in one group.
        HAVING bool_or(NOT {is_support})
        ORDER BY va, vb, area
        """
    ).fetchnumpy()
    employees = _employees(con, len(entities))
    place_pairs, named = read_overlap_inputs(con, len(entities), types, support, police_only)
    con.execute("DROP TABLE _vid; DROP TABLE _held")
    va = np.asarray(arrays["va"], dtype=np.int64)
    vb = np.asarray(arrays["vb"], dtype=np.int64)
    vertex_entity, edges = area_vertices(
        va, vb, np.asarray(arrays["area"], dtype=object), len(entities)
    )
    graph = ig.Graph(n=len(vertex_entity), edges=edges, directed=False)
    graph.es["weight"] = np.asarray(arrays["w"], dtype=np.float64)
    # The vertices of people recorded as employed somewhere (the employee end of a link
    # resting only on being employed where the other offended).
    graph.vs["employee"] = employees[vertex_entity].tolist()
    # Per edge: resting only on group_only_link_types (employed where another offended),
    # only on being employed where the other offended; a strong link that holds a group
    # (``core``) and a bridging link that makes one (``paired``) for the bridging rule
    # (``join_bridged``); a link that ties a man to a group he offends with
    # (``offending``, ``overlap.split_overlapping``).
    for flag in ("group_only", "employment_only", "core", "paired", "offending"):
        graph.es[flag] = np.asarray(arrays[flag], dtype=np.bool_).tolist()
    pairs = np.unique(np.column_stack([va, vb]), axis=0) if len(va) else np.zeros((0, 2), np.int64)
    return LinkGraph(
        entities,
        graph,
        np.asarray(arrays["strong"], dtype=np.bool_),
        vertex_entity.astype(np.int64),
        pairs.astype(np.int64),
        place_pairs,
        named,
    )


# The graph-wide step: a component label per vertex, from the graph and which of its
# edges are knowing links. The Spark backend supplies its own (``detect(components=)``).
ComponentFinder = Callable[[ig.Graph, npt.NDArray[np.bool_]], npt.NDArray[np.int64]]


def _components(graph: ig.Graph, knowing: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Components over strong links, then bridging links that do not join two groups
    (``join_bridged``). ``knowing`` marks the strong edges (some link that is not a
    bridging one); the Spark backend supplies its own strong components."""
    strong_graph = graph.subgraph_edges(np.flatnonzero(knowing).tolist(), delete_vertices=False)
    base = np.asarray(strong_graph.connected_components().membership, dtype=np.int64)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return join_bridged(base, edges, knowing, core_edges(graph), paired_edges(graph))


def _without_group_only(
    graph: ig.Graph,
    strong: npt.NDArray[np.bool_],
    membership: npt.NDArray[np.int64],
    settings: GraphSettings,
) -> dict[int, list[list[int]]]:
    """Components that hold no strong link (people linked only by shared children and
    places) and rest partly on ``group_only_link_types`` (being employed where another
    offended): each such component's pieces once those links are taken out. An employee
    joins a group through the place, but an employee and a lone offender there, or
    offenders who share nothing but a child, are no group for him to join: the link that
    attaches him is the only evidence he facilitated anything."""
    if "group_only" not in graph.es.attributes() or not graph.ecount():
        return {}
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    group_only = np.asarray(graph.es["group_only"], dtype=np.bool_)
    if not group_only.any():
        return {}
    comp = membership[edges[:, 0]]
    n = int(membership.max()) + 1
    has_strong = np.bincount(comp[strong], minlength=n) > 0
    affected = np.unique(comp[group_only & ~has_strong[comp]])
    pieces: dict[int, list[list[int]]] = {}
    for c in affected.tolist():
        ids = np.flatnonzero(membership == c)
        keep = np.flatnonzero((comp == c) & ~group_only)
        sub = graph.subgraph_edges(keep.tolist(), delete_vertices=False)
        labels = np.asarray(sub.connected_components().membership, dtype=np.int64)[ids]
        found: dict[int, list[int]] = {}
        for v, label in zip(ids.tolist(), labels.tolist(), strict=True):
            found.setdefault(label, []).append(v)
        pieces[c] = [p for p in found.values() if len(p) >= settings.network_min_size]
    return pieces


def _attach_employees(
    graph: ig.Graph,
    strong: npt.NDArray[np.bool_],
    end_links: npt.NDArray[np.int64],
    networks: list[list[int]],
) -> None:
    """Each employee in no network joins, as an end point, the network most of his
    employment-only links (``end_links``, edge ids) lead to, among networks held together
    by some strong link. Only the employee end of a link moves, and only into a network
    found without these links: he carries no path between two other people."""
    if not len(end_links) or not networks:
        return
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    net_of = np.full(graph.vcount(), -1, dtype=np.int64)
    for index, members in enumerate(networks):
        net_of[members] = index
    held = {int(n) for (a, b) in edges[strong].tolist() if (n := net_of[a]) >= 0 and n == net_of[b]}
    employee = np.asarray(graph.vs["employee"], dtype=np.bool_)
    votes: dict[int, dict[int, int]] = {}
    for a, b in edges[end_links].tolist():
        for person, other in ((a, b), (b, a)):
            target = int(net_of[other])
            if employee[person] and net_of[person] < 0 and target in held:
                count = votes.setdefault(person, {})
                count[target] = count.get(target, 0) + 1
    for person, count in sorted(votes.items()):
        best = min(count, key=lambda n: (-count[n], n))
        networks[best] = sorted([*networks[best], person])


def _networks(
    graph: ig.Graph,
    strong: npt.NDArray[np.bool_],
    settings: GraphSettings,
    components: ComponentFinder = _components,
) -> tuple[list[list[int]], list[int | None]]:
    end_links = np.zeros(0, dtype=np.int64)
    full, full_strong = graph, strong
    if (
        settings.employees_are_end_points
        and "employment_only" in graph.es.attributes()
        and "employee" in graph.vs.attributes()
    ):
        # Employment-only links take no part in components or Leiden: an employee joins
        # a network found without them, at the end (``_attach_employees``).
        only = np.asarray(graph.es["employment_only"], dtype=np.bool_)
        end_links = np.flatnonzero(only)
        if len(end_links):
            graph = graph.subgraph_edges(np.flatnonzero(~only).tolist(), delete_vertices=False)
            strong = strong[~only]
    networks, split_from = _find_networks(graph, strong, settings, components)
    if len(end_links):
        _attach_employees(full, full_strong, end_links, networks)
    return networks, split_from


def _find_networks(
    graph: ig.Graph,
    strong: npt.NDArray[np.bool_],
    settings: GraphSettings,
    components: ComponentFinder = _components,
) -> tuple[list[list[int]], list[int | None]]:
    membership = components(graph, strong)
    reduced = _without_group_only(graph, strong, membership, settings)
    # Leiden's subgraphs keep which links are strong (``_tied_back``).
    graph.es["strong"] = strong.tolist()
    order = np.argsort(membership, kind="stable")
    bounds = np.flatnonzero(np.diff(membership[order])) + 1
    networks: list[list[int]] = []
    split_from: list[int | None] = []
    for component, block in enumerate(np.split(order, bounds)):
        if len(block) < settings.network_min_size:
            continue
        label = int(membership[block[0]])
        if label in reduced:
            # No group held together by strong links: the employment links go, and what
            # the other links hold together stays (a pair sharing a child).
            for piece in reduced[label]:
                networks.append(sorted(piece))
                split_from.append(component)
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


def _entity_networks(
    lg: LinkGraph,
    settings: GraphSettings,
    near_duplicates: Callable[[list[str]], list[tuple[str, str]]] | None = None,
    components: ComponentFinder = _components,
) -> tuple[list[list[int]], list[int | None]]:
    """Networks as entity indices. Area-aware, a network found in one area and one found
    in another are one network only when they share at least
    ``area_join_min_shared`` people, and they are more than ``area_join_min_fraction`` of
    the smaller (one group seen in two areas): evidence beyond one bridging person, who otherwise
    belongs to both. ``near_duplicates`` (entity ids -> pairs among them that may be one
    person) makes such a pair count once: one man the linkage stage left as two records
    is still one bridging person. A man whose own offending ties him to two groups that
    share nothing else is first split into one vertex per group
    (``overlap.split_overlapping``), so he is a member of both."""
    graph, copied_from = split_overlapping(
        lg.graph, lg.vertex_entity, settings.overlap_min_part_size, lg.place_pairs, lg.named
    )
    found, split_from = _networks(graph, lg.strong, settings, components)
    vertex_entity = lg.vertex_entity[copied_from]
    nets = [sorted({int(e) for e in vertex_entity[members]}) for members in found]
    if not settings.area_aware:
        return nets, split_from
    holders: dict[int, list[int]] = {}
    for index, members in enumerate(nets):
        for e in members:
            holders.setdefault(e, []).append(index)
    # Shared people, a near-duplicate pair counted once (one of the pair stands for both).
    shared_entities = sorted(e for e, hold in holders.items() if len(hold) > 1)
    slot = {e: i for i, e in enumerate(shared_entities)}
    persons = partition.DisjointSets(len(shared_entities))
    if near_duplicates is not None and len(shared_entities) > 1:
        index_of = {lg.entities[e]: e for e in shared_entities}
        for a, b in sorted(near_duplicates(sorted(index_of))):
            persons.union(slot[index_of[a]], slot[index_of[b]])
    shared_people: dict[tuple[int, int], set[int]] = {}
    for e, hold in holders.items():
        for i, x in enumerate(hold):
            for y in hold[i + 1 :]:
                shared_people.setdefault((x, y), set()).add(persons.find(slot[e]))
    shared = {pair: len(people) for pair, people in shared_people.items()}
    joined = partition.DisjointSets(len(nets))
    for (x, y), count in sorted(shared.items()):
        smaller = min(len(nets[x]), len(nets[y]))
        if (
            count >= settings.area_join_min_shared
            # "Most of them": more than the fraction, so a network of four sharing two
            # visiting offenders with another is two groups that share two men.
            and count > settings.area_join_min_fraction * smaller
        ):
            joined.union(x, y)
    merged: dict[int, set[int]] = {}
    origin: dict[int, int | None] = {}
    for index, members in enumerate(nets):
        root = joined.find(index)
        merged.setdefault(root, set()).update(members)
        if root not in origin or (origin[root] is None and split_from[index] is not None):
            origin[root] = split_from[index]
    roots = sorted(merged, key=lambda r: min(merged[r]))
    return [sorted(merged[r]) for r in roots], [origin[r] for r in roots]


def _member_graph(
    lg: LinkGraph, networks: list[list[int]]
) -> tuple[list[str], ig.Graph, list[list[int]]]:
    """One vertex per (network, member), linked by the entity links inside the network:
    someone in two networks is two vertices, so no path crosses between networks."""
    sizes = [len(m) for m in networks]
    slot_entity = np.asarray([e for members in networks for e in members], dtype=np.int64)
    slots = pd.DataFrame(
        {
            "e": slot_entity,
            "net": np.repeat(np.arange(len(networks), dtype=np.int64), sizes),
            "slot": np.arange(len(slot_entity), dtype=np.int64),
        }
    )
    pairs = pd.DataFrame(lg.entity_edges.reshape(-1, 2), columns=["a", "b"])
    ends = pairs.merge(slots.rename(columns={"e": "a", "slot": "sa"}), on="a").merge(
        slots.rename(columns={"e": "b", "slot": "sb"}), on=["b", "net"]
    )
    edges = np.column_stack([ends["sa"].to_numpy(np.int64), ends["sb"].to_numpy(np.int64)])
    graph = ig.Graph(n=len(slot_entity), edges=edges, directed=False)
    bounds = np.cumsum([0, *sizes])
    slot_ids = [list(range(int(bounds[i]), int(bounds[i + 1]))) for i in range(len(networks))]
    return [lg.entities[e] for e in slot_entity.tolist()], graph, slot_ids


def _lone_offenders_apart(
    con: duckdb.DuckDBPyConnection,
    lg: LinkGraph,
    networks: list[list[int]],
    split_from: list[int | None],
    settings: GraphSettings,
    police_only: bool = False,
) -> tuple[list[list[int]], list[int | None], list[tuple[str, str]]]:
    """``lone_offenders.set_apart_lone_offenders`` on the entity links of ``lg``."""
    edges = np.asarray(lg.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return set_apart_lone_offenders(
        con,
        lg.entities,
        networks,
        split_from,
        lg.vertex_entity[edges] if len(edges) else edges,
        lg.strong,
        settings.cohort_min_common_children,
        settings.network_min_size,
        settings.involved_roles,
        tuple(
            t
            for t in settings.detection_link_types
            if t != "co_involved" and t not in bridging_link_types() and t not in SUPPORT_LINK_TYPES
        ),
        police_only,
    )


def _peer_groups_apart(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    split_from: list[int | None],
    settings: GraphSettings,
) -> tuple[list[list[int]], list[int | None], list[list[str]]]:
    """``peer_groups.set_apart_peer_groups`` with the graph's child age and roles."""
    return set_apart_peer_groups(
        con, entities, networks, split_from, settings.child_age, settings.involved_roles
    )


# Identity fields only (name and date of birth; never sex, ethnicity, nationality or
# religion): two records are near-duplicates when their surnames agree, their forenames
# agree or share an initial, and their dates of birth agree or differ by one typing slip
# (one of day, month or year, or day and month swapped); or, when a date of birth is
# missing or the two are less than ``duplicate_strict_dob_days`` apart, when both names
# agree closely. Names are compared both ways round. People
# recorded together in one event are never duplicates of each other.
def detect(
    con: duckdb.DuckDBPyConnection,
    settings: GraphSettings,
    components: ComponentFinder = _components,
) -> Detection:
    lg = load_graph(con, settings)
    same_person = _near_duplicate_finder(con, settings)
    networks, split_from = _entity_networks(lg, settings, same_person, components)
    # Peer groups of children first: no rule after this joins anyone to them.
    networks, split_from, peers = _peer_groups_apart(
        con, lg.entities, networks, split_from, settings
    )
    networks, split_from = _attach_unidentified(con, lg.entities, networks, split_from)
    networks, split_from, by_name = join_by_forenames(con, lg.entities, networks, split_from)
    networks, split_from = join_cohorts(
        con, lg.entities, networks, split_from, settings.cohort_min_common_children
    )
    networks, split_from, lone = _lone_offenders_apart(con, lg, networks, split_from, settings)
    duplicates = _possible_duplicates(con, lg.entities, networks, settings)
    # A network of more than two set aside is listed as its first person with each other.
    pairs: list[tuple[str, str, str]] = []
    for i, reason in sorted(duplicates.items()):
        first, *others = sorted(lg.entities[v] for v in networks[i])
        pairs.extend((first, other, reason) for other in others)
    networks, split_from = _drop(networks, split_from, duplicates)
    police = load_graph(con, settings, police_only=True)
    police_found, police_split = _entity_networks(police, settings, same_person, components)
    police_found, police_split, _ = _peer_groups_apart(
        con, police.entities, police_found, police_split, settings
    )
    police_found, police_split = _attach_unidentified(
        con, police.entities, police_found, police_split, police_only=True
    )
    police_found, police_split, _ = join_by_forenames(
        con, police.entities, police_found, police_split, police_only=True
    )
    police_found, police_split = join_cohorts(
        con,
        police.entities,
        police_found,
        police_split,
        settings.cohort_min_common_children,
        police_only=True,
    )
    police_found, police_split, _ = _lone_offenders_apart(
        con, police, police_found, police_split, settings, police_only=True
    )
    police_found, _ = _drop(
        police_found,
        police_split,
        _possible_duplicates(con, police.entities, police_found, settings),
    )
    police_networks = [[police.entities[e] for e in members] for members in police_found]
    entities, member_graph, slots = _member_graph(lg, networks)
    return Detection(
        entities,
        member_graph,
        slots,
        split_from,
        police_networks,
        pairs,
        lone,
        peers,
        by_name,
    )
