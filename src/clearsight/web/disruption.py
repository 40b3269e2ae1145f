"""The disruption what-if page of a network: the ranked members with their explanations
and the network drawn (server-side SVG) with a selected person taken out.

The what-if is computed on the whole network, whoever looks (a viewer of one area gets
the same ranks as a national one); only the words differ: people the viewer may not
identify are named by the network page's keyed pseudonyms, and their entity ids never
reach the page (``graph/disruption.py`` for the measures).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import duckdb
import igraph as ig
from markupsafe import Markup

from clearsight.access import Principal, Pseudonymiser
from clearsight.graph import disruption
from clearsight.graph.settings import GraphSettings
from clearsight.web.network_view import NetworkView, network_view
from clearsight.web.queries import Row

# Groups after removal are told apart by colour (colour-blind-safe Okabe-Ito order);
# beyond eight groups the rest are grey: the words name every group anyway.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000")
# Names are written to the right of each person: room is kept for them.
WIDTH, HEIGHT, PAD, LABEL_ROOM = 720, 460, 20, 170


@dataclass
class DisruptionPage:
    view: NetworkView
    result: disruption.Disruption
    rows: list[Row]
    sets: list[Row]
    not_ranked: list[Row]
    selected: Row | None
    svg: Markup
    note: str


def disruption_page(
    con: duckdb.DuckDBPyConnection,
    doc: Row | None,
    principal: Principal,
    pseudonym: Pseudonymiser,
    sealed: frozenset[tuple[str, str]],
    remove: list[str] | None = None,
) -> DisruptionPage | None:
    """The page as ``principal`` may see it, or None when they may not see the network;
    ``remove`` holds the shown ids (entity id or pseudonym) of the people to take out
    (ids of no one, and children, are ignored)."""
    view = network_view(doc, principal, pseudonym, sealed)
    if view is None or doc is None:
        return None
    raw: list[Any] = doc["members"]
    people = [str(m["entity_id"]) for m in raw]
    shown_id = {p: str(m["entity_id"]) for p, m in zip(people, view.members, strict=True)}
    label = {p: str(m["label"]) for p, m in zip(people, view.members, strict=True)}
    counts: dict[str, int] = {}
    for text in label.values():
        counts[text] = counts.get(text, 0) + 1

    def name(entity_id: str) -> str:
        text = label.get(entity_id, "someone")
        return f"{text} ({shown_id[entity_id]})" if counts.get(text, 0) > 1 else text

    def ident(entity_id: str) -> str:
        return shown_id.get(entity_id, "")

    result = _what_if(con, doc, view.network_id, people)
    held = result.not_ranked
    rows: list[Row] = [
        {
            "rank": r.rank,
            "id": ident(r.entity_id),
            "label": name(r.entity_id),
            "fragmentation": r.removal.fragmentation,
            "distance_fragmentation": r.removal.distance_fragmentation,
            "groups": [len(g) for g in r.removal.groups],
            "betweenness": r.betweenness,
            "betweenness_rank": r.betweenness_rank,
            "explanation": disruption.explain(result, r, name),
        }
        for r in result.ranked
    ]
    wanted = set(remove or [])
    chosen = [r for r in result.ranked if ident(r.entity_id) in wanted]
    removal: disruption.Removal | None = None
    selected: Row | None = None
    if len(chosen) == 1:
        removal = chosen[0].removal
        selected = dict(next(row for row in rows if row["rank"] == chosen[0].rank))
    elif chosen:
        removal = disruption.what_if(result, [r.entity_id for r in chosen])
        names = [name(r.entity_id) for r in chosen]
        selected = {"label": ", ".join(names[:-1]) + " and " + names[-1]}
    if selected is not None and removal is not None:
        selected["ids"] = [ident(r.entity_id) for r in chosen]
        selected["after"] = disruption.describe(result, removal, name)
        selected["groups_named"] = [[name(p) for p in g] for g in removal.groups]
        selected["isolated"] = [name(p) for p in removal.isolated]
    return DisruptionPage(
        view=view,
        result=result,
        rows=rows,
        sets=[
            {
                "size": len(s.removed),
                "removed": [name(p) for p in s.removed],
                "ids": [ident(p) for p in s.removed],
                "fragmentation": s.fragmentation,
                "distance_fragmentation": s.distance_fragmentation,
                "explanation": disruption.describe(result, s, name),
            }
            for s in result.sets
        ],
        not_ranked=[{"label": name(p), "reason": why} for p, why in sorted(held.items())],
        selected=selected,
        svg=draw(result, name, removal),
        note=disruption.NOTE,
    )


# Key of the what-if kept in a network's serving document: ``Store.networks`` keeps the
# document until the store is reloaded after a job changed the data, and a reload builds
# new documents, so the what-if is computed once per network per generation of the data
# (the child rule reads ``graph_involvements``, the largest graph table, for it).
_CACHED = "disruption_what_if"


def _what_if(
    con: duckdb.DuckDBPyConnection, doc: Row, network_id: str, people: list[str]
) -> disruption.Disruption:
    found = doc.get(_CACHED)
    if isinstance(found, disruption.Disruption):
        return found
    links = [(str(x["entity_a"]), str(x["entity_b"]), str(x["link_type"])) for x in doc["links"]]
    held = disruption.children_among(con, network_id, people, GraphSettings().child_age)
    result = disruption.analyse(network_id, people, links, held)
    doc[_CACHED] = result
    return result


def _positions(result: disruption.Disruption) -> list[tuple[float, float]]:
    """Kamada-Kawai from a circle: deterministic (no random start), and the same before
    and after a removal, so the reader sees the same network with a person taken out."""
    index = {p: i for i, p in enumerate(result.people)}
    n = len(result.people)
    g = ig.Graph(n=n, edges=[(index[a], index[b]) for a, b, _k in result.links])
    if n == 0:
        return []
    start = g.layout_circle()
    coords = (
        g.layout_kamada_kawai(seed=start, maxiter=50 * max(n, 1)).coords if n > 1 else [(0.0, 0.0)]
    )
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return [
        (
            PAD + (x - min(xs)) / span_x * (WIDTH - PAD - LABEL_ROOM),
            PAD + (y - min(ys)) / span_y * (HEIGHT - 2 * PAD),
        )
        for x, y in coords
    ]


def draw(result: disruption.Disruption, name: Any, removal: disruption.Removal | None) -> Markup:
    """The network as SVG: people coloured by the group they are left in, the removed
    person crossed out and their links dashed, people left alone ringed in red, members
    who are children square (never ranked)."""
    where = dict(zip(result.people, _positions(result), strict=True))
    gone = set(removal.removed) if removal else set()
    group_of = {p: i for i, g in enumerate(removal.groups) for p in g} if removal else {}
    alone = set(removal.isolated) if removal else set()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" id="after-removal" '
        f'data-removed="{len(gone)}" data-groups="{len(removal.groups) if removal else 1}" '
        'aria-label="the network after removal">'
    ]
    for a, b, kinds in result.links:
        (x1, y1), (x2, y2) = where[a], where[b]
        style = (
            'class="link cut" stroke="#c8c8c8" stroke-dasharray="4 3"'
            if a in gone or b in gone
            else 'class="link" stroke="#7a848e"'
        )
        kind_words = escape(", ".join(k.replace("_", " ") for k in kinds))
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style} '
            f'stroke-width="1.5"><title>{kind_words}</title></line>'
        )
    for p in result.people:
        x, y = where[p]
        text = escape(name(p))
        group = group_of.get(p, 0)
        colour = "#ffffff" if p in gone else PALETTE[group] if group < len(PALETTE) else "#999"
        ring = "#d00000" if p in alone else "#333333"
        shape = (
            f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="{colour}" '
            f'stroke="{ring}" stroke-width="2"/>'
            if p in result.not_ranked
            else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{colour}" stroke="{ring}" '
            'stroke-width="2"/>'
        )
        cross = (
            f'<path d="M{x - 9:.1f} {y - 9:.1f}L{x + 9:.1f} {y + 9:.1f}M{x + 9:.1f} {y - 9:.1f}'
            f'L{x - 9:.1f} {y + 9:.1f}" stroke="#d00000" stroke-width="2.5"/>'
            if p in gone
            else ""
        )
        state = "removed" if p in gone else "alone" if p in alone else "kept"
        parts.append(
            f'<g class="person {state}" data-group="{group_of.get(p, "")}">{shape}{cross}'
            f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" font-size="11">{text}</text>'
            f"<title>{text}</title></g>"
        )
    parts.append("</svg>")
    # Every name and link type above is escaped; the rest is numbers and fixed markup.
    return Markup("".join(parts))
