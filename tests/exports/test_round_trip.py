"""Round trips: every network and the whole-store export, in every format, read back by
the tools analysts load them into (or the schema those tools follow).

* GraphML validates against the GraphML XSD and GEXF against the GEXF 1.3 XSD (both in
  tests/exports/schema, offline; see SOURCE.md there);
* cytoscape.js JSON loads with ``networkx.cytoscape_graph`` as a multigraph with the
  node and edge counts of the GraphML (read by ``networkx.read_graphml``) and of the graph
  exported, parallel edges kept;
* i2 ANX passes the structural checker (tests/exports/anx_structure.py).
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import duckdb
import networkx as nx
import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from clearsight.exports import (
    Subgraph,
    export_network,
    export_store,
    load_store,
    load_subgraph,
    write_anx,
)
from clearsight.graph.cli import export_store_command
from tests.exports.anx_structure import anx_problems
from tests.graph.conftest import scenario_db, scon  # noqa: F401  (fixtures)

SCHEMAS = Path(__file__).parent / "schema"
GEXF = "{http://gexf.net/1.3}"


def _graphs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Subgraph, dict[str, bytes]]]:
    """(name, graph, {format: bytes}) for every network and for the whole store."""
    found = []
    for (network_id,) in con.execute("SELECT network_id FROM networks ORDER BY 1").fetchall():
        graph = load_subgraph(con, network_id)
        files = {f: export_network(con, network_id, f) for f in ("graphml", "gexf", "cyjs", "anx")}
        found.append((str(network_id), graph, files))
    store = {f: export_store(con, f) for f in ("graphml", "gexf", "cyjs", "anx")}
    found.append(("store", load_store(con), store))
    assert len(found) >= 4
    return found


def test_graphml_and_gexf_validate_against_their_schemas(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    graphml = etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml.xsd")))
    gexf = etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf.xsd")))
    for name, graph, files in _graphs(scon):
        assert graphml.validate(etree.fromstring(files["graphml"])), (name, graphml.error_log)
        document = etree.fromstring(files["gexf"])
        assert gexf.validate(document), (name, gexf.error_log)
        # What XSD 1.0 cannot say: each attvalue names an attribute of its own class.
        declared = {
            cls: {a.get("id") for a in document.iterfind(f".//{GEXF}attributes[@class='{cls}']/")}
            for cls in ("node", "edge")
        }
        for cls in ("node", "edge"):
            used = {v.get("for") for v in document.iterfind(f".//{GEXF}{cls}/{GEXF}attvalues/")}
            assert used and used <= declared[cls], (name, cls, used - declared[cls])
        assert len(document.findall(f".//{GEXF}node")) == len(graph.nodes)
        assert len(document.findall(f".//{GEXF}edge")) == len(graph.edges)


def test_gexf_schema_is_not_a_rubber_stamp(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf.xsd")))
    network_id = str(scon.execute("SELECT min(network_id) FROM networks").fetchall()[0][0])
    for damage in ("dangling edge", "duplicate node", "unknown element"):
        document = etree.fromstring(export_network(scon, network_id, "gexf"))
        assert schema.validate(document)
        if damage == "dangling edge":
            edge = document.find(f".//{GEXF}edge")
            assert edge is not None
            edge.set("target", "nowhere")
        elif damage == "duplicate node":
            node = document.find(f".//{GEXF}node")
            assert node is not None
            node.addnext(etree.fromstring(etree.tostring(node)))
        else:
            graph = document.find(f"{GEXF}graph")
            assert graph is not None
            etree.SubElement(graph, f"{GEXF}spells")
        assert not schema.validate(document), damage


def test_cytoscape_json_loads_in_networkx_with_the_graphml_counts(
    scon: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    parallel = 0
    for name, graph, files in _graphs(scon):
        cy = nx.cytoscape_graph(json.loads(files["cyjs"]))
        ml = nx.read_graphml(io.BytesIO(files["graphml"]), force_multigraph=True)
        assert cy.is_multigraph() and not cy.is_directed()
        counts = (cy.number_of_nodes(), cy.number_of_edges())
        assert counts == (ml.number_of_nodes(), ml.number_of_edges()), name
        assert counts == (len(graph.nodes), len(graph.edges)), name
        assert cy.number_of_edges() > 0
        pairs = Counter(frozenset((e.source, e.target)) for e in graph.edges)
        parallel += sum(1 for n in pairs.values() if n > 1)
        # Names and kinds survive the trip.
        assert {d["name"] for _n, d in cy.nodes(data=True)} == {n.label for n in graph.nodes}
    assert parallel > 0, "no parallel edges in the scenario: the multigraph is untested"


def test_anx_passes_the_structural_check(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    for name, graph, files in _graphs(scon):
        assert anx_problems(files["anx"]) == [], name
        root = ET.fromstring(files["anx"])
        assert len(root.findall(".//Entity")) == len(graph.nodes)
        assert len(root.findall(".//Link")) == len(graph.edges)
        # Dates on every event and on every link with a date.
        for item in root.iter("ChartItem"):
            style = item.find("End/Entity/Icon/IconStyle")
            dated = style is not None and style.get("Type") == "event"
            attributes = {a.get("AttributeClass") for a in item.iter("Attribute")}
            dated = dated or (item.find("Link") is not None and "first_date" in attributes)
            if dated:
                assert item.get("DateSet") == "true" and item.get("DateTime"), (name, item.attrib)
        assert any(item.get("DateSet") == "true" for item in root.iter("ChartItem"))


def test_anx_checker_is_not_a_rubber_stamp(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    network_id = str(scon.execute("SELECT min(network_id) FROM networks").fetchall()[0][0])
    good = export_network(scon, network_id, "anx")
    assert anx_problems(good) == []

    def damaged(change: str) -> list[str]:
        root = ET.fromstring(good)
        if change == "strength":
            strengths = root.find("StrengthCollection")
            assert strengths is not None
            for strength in list(strengths):
                strengths.remove(strength)
        elif change == "link end":
            link = next(root.iter("Link"))
            link.set("End2Id", "n9999")
        elif change == "duplicate id":
            entities = list(root.iter("Entity"))
            entities[1].set("EntityId", str(entities[0].get("EntityId")))
        elif change == "attribute class":
            classes = root.find("AttributeClassCollection")
            assert classes is not None
            classes.remove(classes[0])
        elif change == "network id":
            item = next(root.iter("ChartItem"))
            for collection in item.findall("AttributeCollection"):
                item.remove(collection)
        return anx_problems(ET.tostring(root))

    for change in ("strength", "link end", "duplicate id", "attribute class", "network id"):
        assert damaged(change), change


def test_names_as_recorded_and_network_id_on_every_item(
    scon: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    recorded = dict(
        scon.execute(
            """
            SELECT entity_id, arg_min(trim(forenames_raw || ' ' || surname_raw),
                                      source_id || '/' || person_id)
            FROM network_records r JOIN current_persons p USING (source_id, person_id)
            WHERE forenames_raw IS NOT NULL AND surname_raw IS NOT NULL GROUP BY entity_id
            """
        ).fetchall()
    )
    children = 0
    for (network_id,) in scon.execute("SELECT network_id FROM networks").fetchall():
        graph = load_subgraph(scon, network_id)
        people = [n for n in graph.nodes if n.kind in ("person", "child") and n.id in recorded]
        assert people
        for node in people:
            assert node.label == recorded[node.id]
        children += sum(1 for n in people if n.kind == "child")
        assert all(i.attributes["network_id"] == network_id for i in [*graph.nodes, *graph.edges])
    assert children >= 3
    # The scenario's children are recorded in capitals-and-lower case: never lower-cased.
    assert "Amelia Testchild" in {n.label for n in load_store(scon).nodes}


def test_a_chart_subset_writes_a_valid_chart(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    network_id = str(scon.execute("SELECT min(network_id) FROM networks").fetchall()[0][0])
    graph = load_subgraph(scon, network_id)
    people = [n.id for n in graph.nodes if n.kind in ("person", "child")]
    assert len(people) >= 2
    part = graph.restricted(people)
    assert part.nodes and all(e.source in people and e.target in people for e in part.edges)
    chart = write_anx(part, positions={people[0]: (10.0, -20.0)})
    assert anx_problems(chart) == []
    end = ET.fromstring(chart).find("ChartItemCollection/ChartItem/End")
    assert end is not None and (end.get("X"), end.get("Y")) == ("10", "-20")


def test_store_export_holds_every_network(
    scon: duckdb.DuckDBPyConnection,  # noqa: F811
    scenario_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    ids = [str(n) for (n,) in scon.execute("SELECT network_id FROM networks").fetchall()]
    networks = [load_subgraph(scon, n) for n in ids]
    store = load_store(scon)
    assert {n.id for g in networks for n in g.nodes} == {n.id for n in store.nodes}
    assert len(store.edges) == sum(len(g.edges) for g in networks)
    assert len({e.id for e in store.edges}) == len(store.edges)
    summaries = json.loads(store.attributes["networks"])
    assert {s["network_id"] for s in summaries} == {g.network_id for g in networks}
    for node in store.nodes:
        assert node.attributes["network_id"]
    app = typer.Typer()
    app.command("store")(export_store_command)
    app.command("noop")(lambda: None)
    out = tmp_path / "store.anx"
    db = str(scenario_db)
    scon.close()
    result = CliRunner().invoke(app, ["store", "--format", "anx", "--out", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert anx_problems(out.read_bytes()) == []
    logged = duckdb.connect(db, read_only=True)
    action, target, category = logged.execute(
        "SELECT action, target, category FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchall()[0]
    logged.close()
    assert (action, target, category) == ("export", "store", "disclosure")
    bad = CliRunner().invoke(app, ["store", "--format", "pdf", "--db", db])
    assert bad.exit_code != 0 and "unknown format" in str(bad.exception)
    nobody = CliRunner().invoke(app, ["store", "--user", "nobody", "--db", db])
    assert nobody.exit_code != 0 and "no enabled user" in str(nobody.exception)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cyjs", "anx"])
def test_unknown_network_is_a_clear_error(scon: duckdb.DuckDBPyConnection, fmt: str) -> None:  # noqa: F811
    with pytest.raises(ValueError, match="no network 'N-nope'"):
        export_network(scon, "N-nope", fmt)


def test_a_sealed_record_is_named_in_no_export(scenario_db: Path, tmp_path: Path) -> None:  # noqa: F811
    """Sealing hides a record's name from every export, the operator's included."""
    import shutil

    from clearsight.access import seal_record
    from clearsight.exports.viewer import operator_viewer
    from clearsight.store import connect

    db = tmp_path / "store.duckdb"
    shutil.copy(scenario_db, db)
    con = connect(db)
    source_id, person_id, surname = con.execute(
        "SELECT source_id, person_id, surname_raw FROM current_persons "
        "WHERE forenames_raw = 'Amelia'"
    ).fetchall()[0]
    seal_record(con, source_id, person_id, actor="system:test")
    viewer = operator_viewer(con)
    networks = [str(n) for (n,) in con.execute("SELECT network_id FROM networks").fetchall()]
    formats = ("graphml", "gexf", "cyjs", "anx")
    files = [export_network(con, n, f, viewer) for n in networks for f in formats]
    files += [export_store(con, f, viewer) for f in ("graphml", "anx")]
    con.close()
    assert any(b"sealed record" in f for f in files)
    assert not any(str(surname).encode() in f for f in files)


def test_anx_strength_follows_police_evidence(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    """Links evidenced in a police record are Confirmed; partner-only ones Unconfirmed."""
    seen: dict[str, set[str]] = {}
    for (network_id,) in scon.execute("SELECT network_id FROM networks").fetchall():
        graph = load_subgraph(scon, network_id)
        root = ET.fromstring(write_anx(graph))
        for edge, style in zip(graph.edges, root.iter("LinkStyle"), strict=True):
            police = "true" in (
                edge.attributes.get("police_evidence"),
                edge.attributes.get("police"),
            )
            seen.setdefault(str(style.get("Strength")), set()).add(str(police))
    assert seen.get("Confirmed") == {"True"}
    assert seen.get("Unconfirmed") == {"False"}
