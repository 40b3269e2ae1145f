"""One network as a small graph, as one viewer may see it: its people and children, the
phones, vehicles, accounts and places they use, the events that tie children to members,
and the links between them with dates and evidence. Every writer (ANX, GraphML, GEXF,
cytoscape.js) takes this and nothing else, and the command line and the web app both
build it here (``load_subgraph``), so one network and one viewer give one file.

Every node and edge carries ``network_id``; an analyst who merges charts keeps the
network each item came from. Names are as recorded (``forenames surname`` of the first
record, by source and person id, that the viewer may identify), as the agency wrote them
(the ``_raw`` columns: ingest's normalised forms are lower-cased for matching)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from clearsight.exports.model import Edge, Node, Subgraph, text
from clearsight.exports.places import Chart, attach_events, attach_places
from clearsight.exports.viewer import ExportError, NotVisible, Viewer, with_police
from clearsight.store.sql import table_exists

__all__ = ["Edge", "ExportError", "Node", "Subgraph", "load_subgraph"]


def load_subgraph(
    con: duckdb.DuckDBPyConnection, network_id: str, viewer: Viewer | None = None
) -> Subgraph:
    """``network_id`` as ``viewer`` may see it (default: the operator, who sees all)."""
    viewer = with_police(viewer or Viewer(), con)
    # Statuses exist once the definitions have run (``clearsight analyse``).
    status = (
        "LEFT JOIN network_status s USING (network_id)"
        if table_exists(con, "network_status")
        else "LEFT JOIN (SELECT NULL AS iicsa_status, NULL AS home_office_status,"
        " NULL AS cocad_category) s ON true"
    )
    head = con.execute(
        "SELECT n.*, s.iicsa_status, s.home_office_status, s.cocad_category "
        f"FROM networks n {status} WHERE network_id = ?",
        [network_id],
    )
    columns = [d[0] for d in head.description]
    rows = head.fetchall()
    if not rows:
        raise ExportError(f"no network {network_id!r}; see 'clearsight network list'")
    attributes = {c: text(v) for c, v in zip(columns, rows[0], strict=True)}
    records = con.execute(
        """
        SELECT r.entity_id, r.source_id, r.person_id,
               trim(coalesce(p.forenames_raw, p.forenames, '') || ' '
                    || coalesce(p.surname_raw, p.surname, ''))
        FROM network_records r
        LEFT JOIN current_persons p ON p.source_id = r.source_id AND p.person_id = r.person_id
        WHERE r.network_id = ? ORDER BY r.source_id, r.person_id
        """,
        [network_id],
    ).fetchall()
    if not viewer.sees_network(str(s) for _e, s, _p, _n in records):
        raise NotVisible(f"no network {network_id!r} you may see")
    names: dict[str, str] = {}
    for entity, source_id, person_id, name in records:
        if not viewer.identifies(str(source_id)):
            continue
        if (str(source_id), str(person_id)) in viewer.sealed:
            names[entity] = "sealed record"
        elif name and entity not in names:
            names[entity] = str(name)
    pseudonymised = {str(e) for e, *_ in records} - {
        str(e) for e, s, _p, _n in records if viewer.identifies(str(s))
    }
    attributes["pseudonymised_members"] = str(len(pseudonymised))

    def person(entity_id: str) -> tuple[str, str]:
        """(node id, label) of a member or child."""
        if entity_id in pseudonymised:
            alias = viewer.alias("entity", entity_id)
            return alias, alias
        return entity_id, names.get(entity_id, entity_id)

    nodes: dict[str, Node] = {}
    ids: dict[str, str] = {}
    _people(con, network_id, person, nodes, ids)
    edges: list[Edge] = []
    _links(con, network_id, viewer, ids, edges)
    chart = Chart(network_id, viewer, ids, nodes, edges)
    attach_places(con, chart)
    attach_events(con, chart)
    items: list[Node | Edge] = [*nodes.values(), *edges]
    for item in items:
        item.attributes["network_id"] = network_id
    return Subgraph(network_id, attributes, list(nodes.values()), edges)


def _people(
    con: duckdb.DuckDBPyConnection,
    network_id: str,
    person: Callable[[str], tuple[str, str]],
    nodes: dict[str, Node],
    ids: dict[str, str],
) -> None:
    """Members (with their rank and the rules that put them there) and children."""
    rules: dict[str, list[str]] = {}
    if table_exists(con, "network_evidence"):
        for entity_id, rule_id in con.execute(
            "SELECT DISTINCT entity_id, rule_id FROM network_evidence WHERE network_id = ? "
            "ORDER BY 1, 2",
            [network_id],
        ).fetchall():
            rules.setdefault(str(entity_id), []).append(str(rule_id))
    for (
        entity_id,
        role,
        degree,
        betweenness,
        brokerage,
        rank,
        unidentified,
        confirmed,
    ) in con.execute(
        "SELECT entity_id, role, degree, betweenness, brokerage, key_person_rank, "
        "unidentified, police_confirmed FROM network_members WHERE network_id = ? "
        "ORDER BY key_person_rank, entity_id",
        [network_id],
    ).fetchall():
        node_id, label = person(str(entity_id))
        ids[str(entity_id)] = node_id
        nodes[node_id] = Node(
            node_id,
            "person",
            label,
            {
                "role": text(role),
                "degree": text(degree),
                "betweenness": text(betweenness),
                "brokerage": text(brokerage),
                "key_person_rank": text(rank),
                "unidentified": text(bool(unidentified)),
                # Partner intelligence is never presented as a police suspect.
                "basis": "police-confirmed"
                if confirmed
                else "partner intelligence, not police-confirmed",
                "rules": "; ".join(rules.get(str(entity_id), [])),
            },
        )
    victims = (
        con.execute(
            "SELECT entity_id, n_events, first_date, last_date FROM network_victims "
            "WHERE network_id = ? ORDER BY entity_id",
            [network_id],
        ).fetchall()
        if table_exists(con, "network_victims")
        else []
    )
    for entity_id, n_events, first, last in victims:
        node_id, label = person(str(entity_id))
        ids[str(entity_id)] = node_id
        nodes.setdefault(
            node_id,
            Node(
                node_id,
                "child",
                label,
                {
                    "role": "victim",
                    "events": text(n_events),
                    "first_date": text(first),
                    "last_date": text(last),
                },
            ),
        )


def _links(
    con: duckdb.DuckDBPyConnection,
    network_id: str,
    viewer: Viewer,
    ids: dict[str, str],
    edges: list[Edge],
) -> None:
    """Person-person links; their dates, sources and evidence when the viewer may
    identify every source behind them."""
    for a, b, link_type, n, sources, first, last, police, evidence in con.execute(
        "SELECT entity_a, entity_b, link_type, n_evidence, sources, first_date, last_date, "
        "police_evidence, evidence FROM network_links WHERE network_id = ? "
        "ORDER BY entity_a, entity_b, link_type",
        [network_id],
    ).fetchall():
        if str(a) not in ids or str(b) not in ids:
            continue
        attributes = {"police_evidence": text(bool(police)), "n_evidence": text(n)}
        if viewer.identifies_all(str(s) for s in sources or []):
            attributes |= {
                "first_date": text(first),
                "last_date": text(last),
                "sources": "; ".join(str(s) for s in sources or []),
                "evidence": text(evidence),
            }
        edges.append(
            Edge(
                f"e{len(edges)}",
                ids[str(a)],
                ids[str(b)],
                str(link_type),
                str(link_type).replace("_", " "),
                attributes,
            )
        )
