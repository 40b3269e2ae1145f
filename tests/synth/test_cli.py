from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from clearsight.synth.cli import synth


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth)

    @app.command()
    def other() -> None:  # a second command, so typer keeps the subcommand name
        """Unused."""

    return app


def test_cli_writes_and_summarises(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(),
        [
            "synth",
            "--out",
            str(tmp_path),
            "--area",
            "south-yorkshire",
            "--scale",
            "0.05",
            "--db",
            str(tmp_path / "unused.duckdb"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "person records" in result.output
    assert (tmp_path / "submissions" / "south-yorkshire-police" / "persons.csv").exists()
    assert not (tmp_path / "unused.duckdb").exists()


def test_cli_quiet_and_areas(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["synth", "--out", str(tmp_path), "--areas", "1", "--scale", "0.05", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    # Police and social care submit in every area; other partners as the seed draws.
    assert (tmp_path / "submissions" / "west-yorkshire-csc" / "manifest.json").exists()


def test_cli_unknown_area(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["synth", "--out", str(tmp_path), "--area", "atlantis"])
    assert result.exit_code != 0
    assert "atlantis" in result.output


def test_import_is_light() -> None:
    code = (
        "import sys, clearsight.synth.cli, clearsight.synth; "
        "heavy = [m for m in ('numpy', 'duckdb', 'pyarrow', 'clearsight.synth.world') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
