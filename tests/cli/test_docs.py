"""Every command and option is documented, and the generated docs are current."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup, TyperOption

from clearsight.cli import app
from clearsight.standard import load_standard
from clearsight.standard.docs import render

ROOT = Path(__file__).resolve().parents[2]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands(group: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(group, TyperGroup):
        if group.invoke_without_command:
            yield path, group
        for name, command in group.commands.items():
            yield from _commands(command, f"{path} {name}")
    else:
        yield path, group


COMMANDS = list(_commands(typer.main.get_command(app), "clearsight"))
LEAVES = [(p, c) for p, c in COMMANDS if p != "clearsight"]


def _section(path: str) -> str:
    marker = f"## `{path}`"
    assert marker in CLI_DOC, f"docs/cli.md has no section '{marker}'"
    return CLI_DOC.split(marker, 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[p for p, _ in LEAVES])
def test_command_and_its_options_are_documented(path: str, command: Any) -> None:
    section = _section(path)
    for param in command.params:
        if isinstance(param, TyperOption):
            names = [n for n in param.opts if n.startswith("--")]
            assert any(n in section for n in names), f"{path}: {names} undocumented"
    assert command.help, f"{path} has no help text"


def test_every_command_takes_db() -> None:
    for path, command in LEAVES:
        opts = {o for p in command.params if isinstance(p, TyperOption) for o in p.opts}
        assert "--db" in opts, f"{path} does not take --db"


def test_standard_doc_is_generated_from_the_schema() -> None:
    doc = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    assert doc == render(load_standard()), "run: clearsight standard > docs/standard.md"


def _environment_variables() -> set[str]:
    import re

    found: set[str] = set()
    for path in (ROOT / "src" / "clearsight").rglob("*.py"):
        found.update(re.findall(r"\"(CLEARSIGHT_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    return found


def test_every_environment_variable_is_in_the_readme_configuration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    variables = _environment_variables()
    assert "CLEARSIGHT_DB" in variables  # the scan finds what the code reads
    missing = sorted(v for v in variables if f"`{v}`" not in table)
    assert not missing, f"README's Configuration table does not name {missing}"
