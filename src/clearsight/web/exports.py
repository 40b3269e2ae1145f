"""Network exports for the signed-in user, written by ``clearsight.exports``.

The web app and the command line write every export through one function
(``clearsight.exports.export_network``) with the viewer's scope: the same network and user
give the same file from ``POST /network/{id}/export`` and from
``clearsight export network ID --user NAME`` (which builds its viewer the same way, in
``graph.cli.export_viewer``). The scope rules are the network page's
(``clearsight.exports.viewer``): an export never carries more than the page may show.
"""

from __future__ import annotations

import duckdb

from clearsight.access import Principal, Pseudonymiser, visibility
from clearsight.exports import FORMATS, MEDIA_TYPES, export_network, scoped_viewer

# The formats offered on the network page: every writer the exports package has.
OFFERED = tuple(FORMATS)

__all__ = ["MEDIA_TYPES", "OFFERED", "export"]


def export(
    con: duckdb.DuckDBPyConnection,
    network_id: str,
    fmt: str,
    principal: Principal,
    pseudonym: Pseudonymiser,
    sealed: frozenset[tuple[str, str]],
) -> bytes:
    if fmt not in OFFERED:
        raise ValueError(f"unknown export format {fmt!r}")
    viewer = scoped_viewer(
        con,
        lambda s, a: visibility(principal, source_id=s, area=a) == "identified",
        every_network=principal.role == "national",
        pseudonym=pseudonym,
        sealed=sealed,
    )
    return export_network(con, network_id, fmt, viewer)
