"""The Clearsight store: a DuckDB file by default."""

from clearsight.store.db import DEFAULT_DB, StoreError, StoreInUseError, connect, resolve_db_path
from clearsight.store.schema import ensure_schema, lineage_columns

__all__ = [
    "DEFAULT_DB",
    "StoreError",
    "StoreInUseError",
    "connect",
    "ensure_schema",
    "lineage_columns",
    "resolve_db_path",
]
