"""Format name to writer."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from clearsight.exports.anx import to_anx
from clearsight.exports.cyjs import to_cyjs
from clearsight.exports.gexf import to_gexf
from clearsight.exports.graphml import to_graphml
from clearsight.exports.subgraph import ExportError, Subgraph, load_subgraph

FORMATS: dict[str, Callable[[Subgraph], bytes]] = {
    "anx": to_anx,
    "graphml": to_graphml,
    "gexf": to_gexf,
    "cyjs": to_cyjs,
}


def export_network(con: duckdb.DuckDBPyConnection, network_id: str, fmt: str) -> bytes:
    writer = FORMATS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writer(load_subgraph(con, network_id))
