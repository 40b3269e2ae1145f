"""``clearsight export network ID`` and ``clearsight export store``: one network, or every
network with its evidence, for i2 Analyst's Notebook, GraphML tools, Gephi or
cytoscape.js. Both write through the web app's code path (``writers.export_network``);
``--user NAME`` writes what that user would get from the web app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from clearsight.commandline import DbOption
from clearsight.store import connect, resolve_db_path

FormatOption = Annotated[
    str, typer.Option("--format", help="anx, graphml, gexf or cyjs (cytoscape.js JSON).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="File to write (default: standard output).")
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Write what this web user may see (their area or agency, pseudonyms for the "
        "rest), byte for byte what the web app exports for them. Default: every record.",
    ),
]


def _write(data: bytes, out_path: Path | None) -> None:
    if out_path is None:
        sys.stdout.buffer.write(data)
    else:
        out_path.write_bytes(data)


def export_network_command(
    network_id: Annotated[str, typer.Argument(help="A network id from 'network list'.")],
    fmt: FormatOption = "graphml",
    out_path: OutOption = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """One network as an Analyst's Notebook chart, GraphML, GEXF or cytoscape.js JSON."""
    from clearsight.exports.viewer import command_line_viewer
    from clearsight.exports.writers import export_network
    from clearsight.store.sql import table_exists

    path = resolve_db_path(db)
    con = connect(path, read_only=True)
    try:
        if not table_exists(con, "networks"):
            raise ValueError("no networks in this store; run 'clearsight networks' first")
        data = export_network(con, network_id, fmt, command_line_viewer(con, path, user))
    finally:
        con.close()
    _write(data, out_path)


def export_store_command(
    fmt: FormatOption = "graphml",
    out_path: OutOption = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Every network and its evidence as one graph: a person in two networks is one node."""
    from clearsight.exports.viewer import command_line_viewer
    from clearsight.exports.writers import export_store

    path = resolve_db_path(db)
    con = connect(path, read_only=True)
    try:
        data = export_store(con, fmt, command_line_viewer(con, path, user))
    finally:
        con.close()
    _write(data, out_path)
