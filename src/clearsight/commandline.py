"""What every ``clearsight`` command shares: the ``--db`` and ``--json`` options,
opening the store, and failing with one clear line."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, NoReturn

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from clearsight.store import connect, resolve_db_path

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default ./clearsight.duckdb, or $CLEARSIGHT_DB).",
        show_default=False,
    ),
]
_out = Console()
_err = Console(stderr=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
LimitOption = Annotated[int, typer.Option(help="At most this many (0: all).")]


class CommandError(RuntimeError):
    """A user-facing failure of a command: the root CLI prints it as one line, exit 2."""


def fail(message: object) -> NoReturn:
    """Stop the command with ``message`` as its one-line error and exit code 2.

    Printing here, not in the root's error handler, keeps sub-apps run on their
    own (``python -m clearsight.language.cli``, test runners) just as clear.
    """
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def open_store(db: Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The store named by ``--db``, ``$CLEARSIGHT_DB`` or the default."""
    return connect(resolve_db_path(db), read_only=read_only)


def cli_actor() -> str:
    """Who ran a command, for the audit log: the operating-system login (of whoever
    handed the command to the service, when the service runs it)."""
    from clearsight.store.borrowed import CURRENT

    borrowed = CURRENT.get()
    if borrowed is not None:
        return f"cli:{borrowed.login}"
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def progress_bar(*, disable: bool) -> Progress:
    """A Rich progress bar on standard error, shown only on a terminal (never in logs,
    pipes or tests) and gone when done."""
    return Progress(
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=_err,
        transient=True,
        disable=disable or not _err.is_terminal,
    )
