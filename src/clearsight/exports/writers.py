"""Format name to writer, and the two exports every caller uses: one network, or the
whole store, each as one viewer may see it (``viewer.py``)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from clearsight.exports.anx import to_anx
from clearsight.exports.cyjs import to_cyjs
from clearsight.exports.gexf import to_gexf
from clearsight.exports.graphml import to_graphml
from clearsight.exports.model import Subgraph
from clearsight.exports.store import load_store
from clearsight.exports.subgraph import load_subgraph
from clearsight.exports.viewer import ExportError, Viewer

FORMATS: dict[str, Callable[[Subgraph], bytes]] = {
    "anx": to_anx,
    "graphml": to_graphml,
    "gexf": to_gexf,
    "cyjs": to_cyjs,
}
MEDIA_TYPES = {
    "anx": "application/xml",
    "graphml": "application/xml",
    "gexf": "application/xml",
    "cyjs": "application/json",
}


def _writer(fmt: str) -> Callable[[Subgraph], bytes]:
    writer = FORMATS.get(fmt)
    if writer is None:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writer


def export_network(
    con: duckdb.DuckDBPyConnection, network_id: str, fmt: str, viewer: Viewer | None = None
) -> bytes:
    """One network in ``fmt``; ``viewer`` None is the operator's full view."""
    return _writer(fmt)(load_subgraph(con, network_id, viewer))


def export_store(con: duckdb.DuckDBPyConnection, fmt: str, viewer: Viewer | None = None) -> bytes:
    """Every network the viewer may see, with its evidence, as one graph in ``fmt``."""
    return _writer(fmt)(load_store(con, viewer))
