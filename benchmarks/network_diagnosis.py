"""Why a true group was missed, or a reported network is spurious: one line each.

Used by ``benchmarks/networks.py diagnose`` on a tuning seed's store (never a held-out
one). For each true group not recovered (Jaccard < 0.5 with every network) the cause is
the first of:

- ``linkage merged``: an entity of a member holds records of two or more true people;
- ``not on offending side``: fewer than two of its recorded offenders are in
  ``graph_involved`` (what detection sees);
- ``never linked``: the members on the offending side are in two or more pieces over the
  person links among themselves, a shared place apart (it never joins two people alone);
- ``set aside as duplicate``: the members' network went to ``network_possible_duplicates``;
- ``split``: linked among themselves, but their best network holds fewer than half
  (community detection, area-aware detection or the bridging rule cut them);
- ``swamped``: their best network holds most of them but as many others again.

A group ``network_revealable`` finds no reading of the records could reveal is marked
``not revealable`` before its cause (a place only, or nothing recorded, ties its members).

For each spurious network: its offenders by true group (``-`` for people in no true
group: lone offenders, background) and the link types among them.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import duckdb
import igraph as ig


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def diagnose(
    con: duckdb.DuckDBPyConnection,
    records: dict[tuple[str, str], str],
    true_groups: dict[str, set[str]],
    predicted: dict[str, set[str]],
    kinds: dict[str, str],
    verdicts: dict[str, str | None] | None = None,
) -> list[str]:
    """One line per missed group and per spurious network; ``verdicts`` (from
    ``network_revealable``) marks the groups no reading of the records could reveal."""
    entity_people: dict[str, set[str]] = defaultdict(set)
    person_entities: dict[str, set[str]] = defaultdict(set)
    for entity, s, p in con.execute(
        "SELECT entity_id, source_id, person_id FROM graph_person_map"
    ).fetchall():
        if (s, p) in records:
            entity_people[entity].add(records[(s, p)])
            person_entities[records[(s, p)]].add(entity)
    involved = {str(r[0]) for r in con.execute("SELECT entity_id FROM graph_involved").fetchall()}
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b, t in con.execute("SELECT entity_a, entity_b, link_type FROM graph_links").fetchall():
        links[(a, b)].add(t)
    duplicates = {
        e
        for a, b in con.execute(
            "SELECT entity_a, entity_b FROM network_possible_duplicates"
        ).fetchall()
        for e in (a, b)
    }
    group_of: dict[str, set[str]] = defaultdict(set)
    for g, members in true_groups.items():
        for person in members:
            group_of[person].add(g)
    lines: list[str] = []
    for g, members in sorted(true_groups.items()):
        scores = sorted(((_jaccard(members, m), n) for n, m in predicted.items()), reverse=True)
        best, best_net = scores[0] if scores else (0.0, None)
        if best >= 0.5:
            continue
        entities = {e for p in members for e in person_entities[p]}
        merged = [e for e in entities if len(entity_people[e]) > 1]
        on_side = {e for e in entities if e in involved}
        # Entities of one true person (linkage split them) count as joined here.
        same = {(a, b) for p in members for a in person_entities[p] for b in person_entities[p]}
        pieces, types = _pieces(on_side, links, same)
        held = predicted.get(best_net, set()) if best_net else set()
        if merged:
            cause = f"linkage merged ({len(merged)} entities hold several true people)"
        elif len({p for e in on_side for p in entity_people[e]}) < 2:
            cause = f"not on offending side ({len(on_side)} of {len(entities)} entities)"
        elif pieces > 1:
            cause = f"never linked ({pieces} pieces over {dict(types)})"
        elif on_side & duplicates:
            cause = "set aside as duplicate"
        elif len(held & members) * 2 < len(members):
            cause = f"split (best network holds {len(held & members)} of {len(members)})"
        else:
            cause = f"swamped ({len(held & members)} of {len(members)} in a network of {len(held)})"
        hidden = (verdicts or {}).get(g)
        if hidden:
            cause = f"not revealable ({hidden} ties its members); the stage saw: {cause}"
        lines.append(
            f"missed {g} [{kinds.get(g, '?')}] {len(members)} offenders, best J={best:.2f} "
            f"({best_net}): {cause}; links among them {dict(types)}"
        )
    for n, members in sorted(predicted.items()):
        if any(_jaccard(members, t) >= 0.5 for t in true_groups.values()):
            continue
        by_group = Counter(g for p in members for g in (group_of[p] or {"-"}))
        ents = {e for p in members for e in person_entities[p]}
        _, types = _pieces(ents, links, set())
        lines.append(
            f"spurious {n} {len(members)} offenders by group {dict(by_group)}; links {dict(types)}"
        )
    return lines


def _pieces(
    entities: set[str], links: dict[tuple[str, str], set[str]], same: set[tuple[str, str]]
) -> tuple[int, Counter[str]]:
    """Components of ``entities`` over the links among them (and ``same``: pairs of one
    true person), and the link types used."""
    ids = sorted(entities)
    index = {e: i for i, e in enumerate(ids)}
    edges = []
    types: Counter[str] = Counter()
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            found = links.get((a, b)) or links.get((b, a)) or set()
            if found - {"shared_place"} or (a, b) in same:
                edges.append((index[a], index[b]))
            types.update(found)
    graph = ig.Graph(n=len(ids), edges=edges)
    return len(graph.connected_components()), types
