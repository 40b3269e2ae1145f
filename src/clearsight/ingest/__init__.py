"""Ingestion: a submission checked against the standard and loaded with its lineage."""

from clearsight.ingest.errors import SubmissionError
from clearsight.ingest.load import FileResult, IngestResult, ingest
from clearsight.ingest.manifest import Manifest

__all__ = ["FileResult", "IngestResult", "Manifest", "SubmissionError", "ingest"]
