"""Exports: the evaluation contract CSV and one network in analyst formats."""

from __future__ import annotations

from clearsight.exports.contract import CONTRACT_COLUMNS, write_networks_csv
from clearsight.exports.subgraph import ExportError, Subgraph, load_subgraph
from clearsight.exports.tables import (
    INCIDENT_COLUMNS,
    NETWORK_EVIDENCE_COLUMNS,
    write_incidents_csv,
    write_network_evidence_csv,
)
from clearsight.exports.writers import FORMATS, export_network

__all__ = [
    "CONTRACT_COLUMNS",
    "FORMATS",
    "INCIDENT_COLUMNS",
    "NETWORK_EVIDENCE_COLUMNS",
    "ExportError",
    "Subgraph",
    "export_network",
    "load_subgraph",
    "write_incidents_csv",
    "write_network_evidence_csv",
    "write_networks_csv",
]
