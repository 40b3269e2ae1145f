"""Exports: the evaluation contract CSV, and one network or the whole store in analyst
formats (i2 ANX, GraphML, GEXF, cytoscape.js JSON) as one viewer may see it."""

from __future__ import annotations

from clearsight.exports.anx import write_anx
from clearsight.exports.contract import CONTRACT_COLUMNS, write_networks_csv
from clearsight.exports.model import Edge, Node, Subgraph
from clearsight.exports.store import load_store
from clearsight.exports.subgraph import load_subgraph
from clearsight.exports.tables import (
    INCIDENT_COLUMNS,
    NETWORK_EVIDENCE_COLUMNS,
    write_incidents_csv,
    write_network_evidence_csv,
)
from clearsight.exports.viewer import (
    ExportError,
    NotVisible,
    Viewer,
    operator_viewer,
    scoped_viewer,
)
from clearsight.exports.writers import FORMATS, MEDIA_TYPES, export_network, export_store

__all__ = [
    "CONTRACT_COLUMNS",
    "FORMATS",
    "INCIDENT_COLUMNS",
    "MEDIA_TYPES",
    "NETWORK_EVIDENCE_COLUMNS",
    "Edge",
    "ExportError",
    "Node",
    "NotVisible",
    "Subgraph",
    "Viewer",
    "export_network",
    "export_store",
    "load_store",
    "load_subgraph",
    "operator_viewer",
    "scoped_viewer",
    "write_anx",
    "write_incidents_csv",
    "write_network_evidence_csv",
    "write_networks_csv",
]
