"""One code path for every network export: for the same network and the same user, the
web app's export and ``clearsight export network ID --user NAME`` are the same bytes, in
every format, including networks where the user sees some members only as pseudonyms;
and those scoped files pass the same round trips as the operator's
(tests/exports/test_round_trip.py)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest
import typer
from lxml import etree
from typer.testing import CliRunner

from clearsight.graph.cli import export_network_command
from clearsight.web import WebSettings, create_app
from clearsight.web.exports import OFFERED
from tests.exports.anx_structure import anx_problems
from tests.web.client import Client
from tests.web.conftest import csrf_of, do_login
from tests.web.store import Built

pytestmark = pytest.mark.linked

ANALYST = "analyst-west-yorkshire"
SCHEMAS = Path(__file__).parents[1] / "exports" / "schema"


def test_web_and_command_line_write_the_same_file(store: Built) -> None:
    app = create_app(store.db, WebSettings())
    client = Client(app)
    web: dict[tuple[str, str], bytes] = {}
    try:
        assert do_login(client, ANALYST, store.passwords[ANALYST]) == 303
        listed = client.get("/networks").text
        networks = sorted(set(re.findall(r'href="/network/([^"/]+)"', listed)))
        assert networks
        token = csrf_of(client)
        for network in networks:
            for fmt in OFFERED:
                out = client.post(f"/network/{network}/export", data={"csrf": token, "format": fmt})
                assert out.status_code == 200, (network, fmt)
                web[(network, fmt)] = out.content
    finally:
        client.close()
        app.state.store.close()
    cli = typer.Typer()
    cli.command("network")(export_network_command)
    cli.command("noop")(lambda: None)
    runner = CliRunner()
    pseudonymised = 0
    for (network, fmt), body in web.items():
        args = ["network", network, "--format", fmt, "--user", ANALYST, "--db", str(store.db)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == body, (network, fmt)
        if fmt == "cyjs":
            pseudonymised += int(json.loads(body)["data"]["pseudonymised_members"])
    assert pseudonymised > 0, "no network with members the analyst may not identify"
    graphml = etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml.xsd")))
    gexf = etree.XMLSchema(etree.parse(str(SCHEMAS / "gexf.xsd")))
    for network in networks:
        assert graphml.validate(etree.fromstring(web[(network, "graphml")])), graphml.error_log
        assert gexf.validate(etree.fromstring(web[(network, "gexf")])), gexf.error_log
        assert anx_problems(web[(network, "anx")]) == [], network
        cy = nx.cytoscape_graph(json.loads(web[(network, "cyjs")]))
        ml = nx.read_graphml(io.BytesIO(web[(network, "graphml")]), force_multigraph=True)
        assert cy.number_of_edges() > 0
        assert (cy.number_of_nodes(), cy.number_of_edges()) == (
            ml.number_of_nodes(),
            ml.number_of_edges(),
        )
    # Without --user the command line writes the operator's full view: more in clear.
    full = runner.invoke(cli, ["network", networks[0], "--format", "cyjs", "--db", str(store.db)])
    assert full.exit_code == 0
    assert json.loads(full.stdout_bytes)["data"]["pseudonymised_members"] == "0"
