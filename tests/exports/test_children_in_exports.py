"""Children in the picture: in every network export each child is linked to the events
that involve her and a member, and those events to the members in them, so no child node
is isolated (a member who both frequents a place and offended there keeping both links is
tested in tests/graph/test_places.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import duckdb

from clearsight.exports import export_network, load_subgraph
from tests.graph.conftest import scenario_db, scon  # noqa: F401  (fixtures)

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"


def _networks(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(r[0]) for r in con.execute("SELECT network_id FROM networks").fetchall()]


def test_no_child_is_an_isolated_node(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    children_seen = 0
    for network_id in _networks(scon):
        graph = load_subgraph(scon, network_id)
        ends = {e.source for e in graph.edges} | {e.target for e in graph.edges}
        children = [n for n in graph.nodes if n.kind == "child"]
        children_seen += len(children)
        assert all(c.id in ends for c in children), network_id
        # Every event node ties a child to a member.
        for event in (n for n in graph.nodes if n.kind == "event"):
            kinds = {
                next(n.kind for n in graph.nodes if n.id == e.source)
                for e in graph.edges
                if e.target == event.id
            }
            assert kinds == {"child", "person"}, (network_id, event.id, kinds)
    assert children_seen >= 3


def test_every_format_links_the_child(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    network_id = str(
        scon.execute(
            "SELECT network_id FROM network_members WHERE entity_id = 'wyp-police/A'"
        ).fetchall()[0][0]
    )
    child = "wyp-police/V1"
    # GraphML: node ids are n0, n1, ...; the entity id is the ref data.
    root = ET.fromstring(export_network(scon, network_id, "graphml"))
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    ref = {
        n.get("id"): d.text
        for n in graph.findall(f"{GRAPHML}node")
        for d in n.findall(f"{GRAPHML}data")
        if d.get("key") == "n_ref"
    }
    node = next(k for k, v in ref.items() if v == child)
    assert any(node in (e.get("source"), e.get("target")) for e in graph.iter(f"{GRAPHML}edge"))
    gexf = ET.fromstring(export_network(scon, network_id, "gexf"))
    gexf_ids = {n.get("id"): n.get("label") for n in gexf.iter(f"{GEXF}node")}
    assert gexf_ids
    gexf_edges = [(e.get("source"), e.get("target")) for e in gexf.iter(f"{GEXF}edge")]
    child_gexf = [k for k in gexf_ids if k == child or gexf_ids[k] == "Amelia Testchild"]
    assert child_gexf and any(child_gexf[0] in pair for pair in gexf_edges)
    cy = json.loads(export_network(scon, network_id, "cyjs"))
    elements = cy.get("elements", cy)
    edges = [e["data"] for e in elements["edges"]]
    assert any(child in (e["source"], e["target"]) for e in edges)
    anx = ET.fromstring(export_network(scon, network_id, "anx"))
    entity_ids = {e.get("Identity"): e.get("EntityId") for e in anx.iter("Entity")}
    anx_child = entity_ids[child]
    assert any(anx_child in (ln.get("End1Id"), ln.get("End2Id")) for ln in anx.iter("Link"))
