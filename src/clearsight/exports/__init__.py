"""Exports: the evaluation contract CSV and one network in analyst formats."""

from __future__ import annotations

from clearsight.exports.contract import CONTRACT_COLUMNS, write_networks_csv
from clearsight.exports.subgraph import ExportError, Subgraph, load_subgraph
from clearsight.exports.writers import FORMATS, export_network

__all__ = [
    "CONTRACT_COLUMNS",
    "FORMATS",
    "ExportError",
    "Subgraph",
    "export_network",
    "load_subgraph",
    "write_networks_csv",
]
