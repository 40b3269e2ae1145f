"""The Clearsight multi-agency submission standard, as data."""

from clearsight.standard.model import (
    SUPPORTED_VERSIONS,
    Column,
    ManifestField,
    Reference,
    SchemaError,
    Standard,
    Table,
    load_standard,
)
from clearsight.standard.types import ValueType, get_type

__all__ = [
    "SUPPORTED_VERSIONS",
    "Column",
    "ManifestField",
    "Reference",
    "SchemaError",
    "Standard",
    "Table",
    "ValueType",
    "get_type",
    "load_standard",
]
