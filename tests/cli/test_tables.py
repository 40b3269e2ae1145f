"""Command-line summaries fit 80 columns without cutting the ids users copy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.synth import generate
from tests.cli.terminal import CLI, on_a_terminal


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("tables")
    generate(root, ["greater-manchester"], scale=0.02, seed=3)
    found = sorted(p for p in (root / "submissions").iterdir() if p.is_dir())
    assert found
    return found


def _ingest(db: Path, submissions: list[Path], *extra: str) -> str:
    result = CliRunner().invoke(
        app,
        ["ingest", "--db", str(db), "--skip-language", *extra, *map(str, submissions)],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_summary_fits_80_columns_with_whole_ids(
    submissions: list[Path], tmp_path: Path
) -> None:
    output = _ingest(tmp_path / "a.duckdb", submissions)
    lines = output.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, output
    for folder in submissions:
        assert any(line.startswith(f"{folder.name} (greater-manchester)") for line in lines)


def test_ingest_wide_is_one_row_each(submissions: list[Path], tmp_path: Path) -> None:
    output = _ingest(tmp_path / "b.duckdb", submissions, "--wide")
    # Table rows only: the warning lines after the table name their sources too.
    rows = [
        line
        for line in output.splitlines()
        if "greater-manchester" in line and line.lstrip().startswith("│")
    ]
    assert len(rows) == len(submissions)
    for folder in submissions:
        assert sum(folder.name in row for row in rows) == 1


def test_progress_shows_on_a_terminal_only(submissions: list[Path], tmp_path: Path) -> None:
    args = ["ingest", "--db", str(tmp_path / "c.duckdb"), "--skip-language"]
    args += [str(p) for p in submissions[:2]]
    drawn = on_a_terminal(*args)
    assert drawn.code == 0
    assert "ingesting" in drawn.shown or "\u2501" in drawn.shown  # its description or its "━"
    piped = subprocess.run(
        [CLI, *args[:2], str(tmp_path / "d.duckdb"), *args[3:]], capture_output=True, check=True
    )
    assert piped.stderr == b""
    assert drawn.out
