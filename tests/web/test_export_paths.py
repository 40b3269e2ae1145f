"""One code path for every network export: for the same network and the same user, the
web app's export and ``clearsight export network ID --user NAME`` are the same bytes, in
every format, including networks where the user sees some members only as pseudonyms."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from clearsight.graph.cli import export_network_command
from clearsight.web import WebSettings, create_app
from clearsight.web.exports import OFFERED
from tests.web.client import Client
from tests.web.conftest import csrf_of, do_login
from tests.web.store import Built

pytestmark = pytest.mark.linked

ANALYST = "analyst-west-yorkshire"


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
    # Without --user the command line writes the operator's full view: more in clear.
    full = runner.invoke(cli, ["network", networks[0], "--format", "cyjs", "--db", str(store.db)])
    assert full.exit_code == 0
    assert json.loads(full.stdout_bytes)["data"]["pseudonymised_members"] == "0"
