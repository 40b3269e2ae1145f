"""Every command that takes ``--db`` is found on its command line, so every one of them is
handed to 'clearsight serve' when the service holds its store (issue 21, item 7); the
end-to-end run is ``tests/web/test_served_commands.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from clearsight.cli import app
from clearsight.store.service import _leaf_params, served_store


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_command_with_a_store_names_it(tmp_path: Path) -> None:
    root = typer.main.get_command(app)
    with_db = [(path, c) for path, c in _commands(root) if any(p.name == "db" for p in c.params)]
    names = {" ".join(path) for path, _c in with_db}
    # The operator's commands of the issue, among every other.
    assert {
        "backup", "users reset-password", "users add", "audit verify", "network list",
        "report", "networks", "link", "ingest", "analyse", "export entities", "serve",
    } <= names, names  # fmt: skip
    db = tmp_path / "store.duckdb"
    for path, _command in with_db:
        for argv in ([*path, "--db", str(db)], [*path, f"--db={db}"], ["--debug", *path]):
            params = _leaf_params(root, argv)
            assert params is not None and "db" in params, argv
            expected = None if argv[0] == "--debug" else db
            assert (Path(params["db"]) if params["db"] else None) == expected, argv
    # No service answers for this store: every command runs here.
    assert served_store(root, ["backup", "--db", str(db), "--out", "x"]) is None
    assert served_store(root, ["no-such-command"]) is None
