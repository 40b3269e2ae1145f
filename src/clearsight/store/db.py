"""Opening the store."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from clearsight.store.borrowed import CURRENT

DEFAULT_DB = Path("clearsight.duckdb")
ENV_DB = "CLEARSIGHT_DB"
ENV_MEMORY = "CLEARSIGHT_MEMORY_LIMIT"
# DuckDB would take 80% of the machine; a store shares it with Python and Arrow,
# and spills to disk beyond this.
DEFAULT_MEMORY_LIMIT = "2GB"


class StoreError(RuntimeError):
    """The store cannot be opened or is not a Clearsight store."""


class StoreInUseError(StoreError):
    """Another process (usually ``clearsight serve``) holds the store."""


def resolve_db_path(db: Path | None) -> Path:
    """``--db`` wins, then ``CLEARSIGHT_DB``, then ``./clearsight.duckdb``; in a command
    handed to the service, the service's store (the submitter resolved it)."""
    if db is not None:
        return db
    borrowed = CURRENT.get()
    if borrowed is not None:
        return borrowed.path
    env = os.environ.get(ENV_DB)
    return Path(env) if env else DEFAULT_DB


def connect(db: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating when needed) the DuckDB store at ``db``."""
    path = Path(db)
    borrowed = CURRENT.get()
    if borrowed is not None and borrowed.holds(path):
        # A command handed to the service: a cursor of the service's own connection (read
        # only or not, it is the same store), closed by the command as its own would be.
        borrowed.wrote = borrowed.wrote or not read_only
        return borrowed.con.cursor()
    if read_only and not path.exists():
        raise StoreError(f"{path}: no such store; run 'clearsight ingest' first")
    created = False
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            # DuckDB allows one process to write a store: usually 'clearsight serve'.
            raise StoreInUseError(
                f"{path}: in use by another process, and no 'clearsight serve' answers on"
                f" {path.name}.sock to run this command for you (a service starting up"
                " answers once its pages are ready); run it again then, or once that"
                " process ends (docs/web.md, One store, two programs)"
            ) from exc
        raise StoreError(f"{path}: cannot open store: {exc}") from exc
    if created and path.exists():
        # Personal data: owner only, whatever the umask (the CLI also sets 077, so the
        # write-ahead log and exports are owner-only too).
        path.chmod(0o600)
    # Our temp tables can be large; let DuckDB spill them beside the store.
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET memory_limit = ?", [os.environ.get(ENV_MEMORY, DEFAULT_MEMORY_LIMIT)])
    return con
