from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from clearsight.exports import ExportError, export_network, write_networks_csv
from clearsight.graph.cli import (
    export_network_command,
    export_networks_command,
    network_app,
    networks_command,
)
from tests.graph.conftest import scenario_db, scon  # noqa: F401  (fixtures)

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"


def _abu(con: duckdb.DuckDBPyConnection) -> str:
    return str(
        con.execute(
            "SELECT network_id FROM network_members WHERE entity_id = 'wyp-police/A'"
        ).fetchall()[0][0]
    )


def test_contract_csv(scon: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "n.csv"
    n = write_networks_csv(scon, out)
    with out.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["network_id", "source_id", "person_id", "entity_id", "role",
                       "definition_status"]  # fmt: skip
    assert len(rows) == n + 1
    assert {r[5] for r in rows[1:]} <= {"meets", "possible", "does_not_meet"}


def test_graphml(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    root = ET.fromstring(export_network(scon, _abu(scon), "graphml"))
    assert root.tag == f"{GRAPHML}graphml"
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    # Keys precede the graph, every data names a declared key, every edge names nodes.
    tags = [child.tag for child in root]
    assert tags.index(f"{GRAPHML}graph") > max(
        i for i, t in enumerate(tags) if t == f"{GRAPHML}key"
    )
    keys = {k.get("id") for k in root.findall(f"{GRAPHML}key")}
    assert {d.get("key") for d in root.iter(f"{GRAPHML}data")} <= keys
    nodes = {n.get("id") for n in graph.findall(f"{GRAPHML}node")}
    edges = graph.findall(f"{GRAPHML}edge")
    assert edges and all(e.get("source") in nodes and e.get("target") in nodes for e in edges)
    refs = {
        d.text
        for n in graph.findall(f"{GRAPHML}node")
        for d in n.findall(f"{GRAPHML}data")
        if d.get("key") == "n_ref"
    }
    assert "wyp-police/A" in refs


SCHEMA = Path(__file__).parent / "schema" / "graphml.xsd"


def test_graphml_valid_against_schema(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    """The export validates against the vendored GraphML XSD (tests/exports/schema)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    for network_id in [r[0] for r in scon.execute("SELECT network_id FROM networks").fetchall()]:
        document = etree.fromstring(export_network(scon, network_id, "graphml"))
        assert schema.validate(document), schema.error_log
    # The schema is not a rubber stamp: an edge to an undeclared node is rejected.
    document = etree.fromstring(export_network(scon, _abu(scon), "graphml"))
    graph = document.find("{http://graphml.graphdrawing.org/xmlns}graph")
    assert graph is not None
    etree.SubElement(
        graph, "{http://graphml.graphdrawing.org/xmlns}edge", source="nowhere", target="nowhere"
    )
    assert not schema.validate(document)


def test_gexf_has_no_type_attribute_on_edges(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    root = ET.fromstring(export_network(scon, _abu(scon), "gexf"))
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    titles = [
        a.get("title")
        for attrs in graph.findall(f"{GEXF}attributes")
        if attrs.get("class") == "edge"
        for a in attrs
    ]
    assert "type" not in titles and "link_type" in titles
    nodes = {n.get("id") for n in root.iter(f"{GEXF}node")}
    assert all(
        e.get("source") in nodes and e.get("target") in nodes for e in root.iter(f"{GEXF}edge")
    )


def test_anx_links_name_entities(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    root = ET.fromstring(export_network(scon, _abu(scon), "anx"))
    assert root.tag == "Chart"
    assert [c.tag for c in root] == [
        "AttributeClassCollection",
        "EntityTypeCollection",
        "LinkTypeCollection",
        "StrengthCollection",
        "ChartItemCollection",
    ]
    entities = {e.get("EntityId") for e in root.iter("Entity")}
    links = list(root.iter("Link"))
    assert links and all(
        link.get("End1Id") in entities and link.get("End2Id") in entities for link in links
    )
    assert all(e.find("Icon/IconStyle") is not None for e in root.iter("Entity"))


def test_cyjs(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    doc = json.loads(export_network(scon, _abu(scon), "cyjs"))
    nodes = {n["data"]["id"] for n in doc["elements"]["nodes"]}
    edges = doc["elements"]["edges"]
    assert nodes and edges
    assert all(e["data"]["source"] in nodes and e["data"]["target"] in nodes for e in edges)


def test_unknown_network_and_format(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    with pytest.raises(ExportError, match="no network"):
        export_network(scon, "N-nope", "graphml")
    with pytest.raises(ExportError, match="unknown format"):
        export_network(scon, _abu(scon), "pdf")


def test_cli_functions(scenario_db: Path, tmp_path: Path) -> None:  # noqa: F811
    app = typer.Typer()
    app.command("networks")(networks_command)
    app.add_typer(network_app, name="network")
    export = typer.Typer()
    export.command("networks")(export_networks_command)
    export.command("network")(export_network_command)
    app.add_typer(export, name="export")
    runner = CliRunner()
    db = str(scenario_db)
    result = runner.invoke(app, ["network", "list", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert len(listed) == 3
    network_id = listed[0]["network_id"]
    shown = runner.invoke(app, ["network", "show", network_id, "--db", db, "--json"])
    assert json.loads(shown.stdout)["network"]["network_id"] == network_id
    out = tmp_path / "n.csv"
    assert runner.invoke(app, ["export", "networks", "--db", db, "--out", str(out)]).exit_code == 0
    assert out.read_text().startswith("network_id,source_id,person_id,entity_id,role,")
    chart = tmp_path / "c.anx"
    result = runner.invoke(
        app, ["export", "network", network_id, "--format", "anx", "--out", str(chart), "--db", db]
    )
    assert result.exit_code == 0 and ET.parse(chart).getroot().tag == "Chart"
    bad = runner.invoke(app, ["network", "show", "N-nope", "--db", db])
    assert bad.exit_code != 0


def test_networks_command_runs_and_is_audited(scenario_db: Path, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "store.duckdb"
    shutil.copy(scenario_db, db)
    app = typer.Typer()
    app.command("networks")(networks_command)
    app.command("noop")(lambda: None)  # a group, as the root CLI registers it
    result = CliRunner().invoke(app, ["networks", "--db", str(db)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    action, actor = con.execute(
        "SELECT action, actor FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchall()[0]
    con.close()
    assert action == "network_run"
    assert actor.startswith("cli:")


def test_network_duplicates_lists_what_was_set_aside(
    scenario_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(scenario_db, db)
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO network_possible_duplicates BY NAME "
        "SELECT 'E-one' AS entity_a, 'E-two' AS entity_b, 'Sam Poole' AS label_a, "
        "'Sam Pool' AS label_b"
    )
    stored = con.execute("SELECT count(*) FROM network_possible_duplicates").fetchall()[0][0]
    con.close()
    app = typer.Typer()
    app.add_typer(network_app, name="network")
    result = CliRunner().invoke(app, ["network", "duplicates", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert len(listed) == stored
    assert {"entity_a": "E-one", "entity_b": "E-two"}.items() <= next(
        row for row in listed if row["entity_a"] == "E-one"
    ).items()
