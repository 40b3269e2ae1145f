"""Federation: forces find shared offenders without handing identifiable data to each other.

A force exports a pseudonymised extract (``extract.export``): identifiers become keyed
tokens, people and events pseudonyms; a national instance imports extracts
(``national.import_extracts``), links people across forces on tokens and finds
cross-force networks; only the originating force turns a pseudonym back into records
(``resolve.resolve``), and that disclosure is audited. See docs/federation.md.
"""

from clearsight.federation.extract import ExportSummary, export
from clearsight.federation.keys import KEY_ENV, load_key
from clearsight.federation.national import ImportSummary, import_extracts
from clearsight.federation.resolve import ResolvedRecord, pseudonym_records, resolve

__all__ = [
    "KEY_ENV",
    "ExportSummary",
    "ImportSummary",
    "ResolvedRecord",
    "export",
    "import_extracts",
    "load_key",
    "pseudonym_records",
    "resolve",
]
