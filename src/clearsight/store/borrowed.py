"""A command run inside the service that holds the store: its store is the service's.

When ``clearsight serve`` holds a store, any other ``clearsight`` command on it is handed
to the service (``web/commands.py``) and runs there, on a thread of its own. For that
thread only, ``resolve_db_path`` and ``connect`` answer with the service's store: a
cursor of the connection it already holds (DuckDB lets one process open the file), and
the audit actor is the login of whoever submitted the command, not the service's.

A context variable, not a global: pages served meanwhile on other threads see nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass
class Borrowed:
    """The store a handed-over command runs on, and who submitted it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    login: str
    # The few variables of the submitter's environment a command reads about the user
    # (CLEARSIGHT_USER); everything else (keys, memory) is the service's own.
    environ: dict[str, str]
    wrote: bool = False

    def holds(self, path: Path) -> bool:
        return _same_file(self.path, path)


CURRENT: ContextVar[Borrowed | None] = ContextVar("clearsight_borrowed_store", default=None)

# What a command reads of its user's environment; passed along when it is handed over.
CLIENT_ENVIRON = ("CLEARSIGHT_USER",)


def client_environ(name: str) -> str | None:
    """``os.environ[name]`` of whoever runs the command, here or handed to the service."""
    import os

    borrowed = CURRENT.get()
    if borrowed is not None:
        return borrowed.environ.get(name)
    return os.environ.get(name)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
