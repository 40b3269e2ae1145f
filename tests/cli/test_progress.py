"""Long commands show progress on a terminal (issue 21, item 8): analyse its stages, report
a spinner while the profile is built; in a pipe or a log, nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.synth import generate
from tests.cli.terminal import CLI, on_a_terminal

# Rich's spinner frames and bar: what a terminal shows while a command works.
DRAWN = ("⠋", "⠙", "⠹", "━")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    generate(root / "data", ["greater-manchester"], scale=0.02, seed=5)
    db = root / "store.duckdb"
    folders = sorted(str(p) for p in (root / "data" / "submissions").iterdir() if p.is_dir())
    assert folders
    result = CliRunner().invoke(app, ["ingest", "--db", str(db), "--skip-language", *folders])
    assert result.exit_code == 0, result.output
    return db


def test_analyse_and_report_show_progress_on_a_terminal_only(
    ingested: Path, tmp_path: Path
) -> None:
    code, shown = _drawn("analyse", "--db", str(ingested))
    assert code == 0, shown
    assert "linkage" in shown and any(mark in shown for mark in DRAWN), shown
    code, shown = _drawn(
        "report", "--db", str(ingested), "--national", "--out", str(tmp_path / "r1")
    )
    assert code == 0, shown
    assert "building the problem profile" in shown, shown
    piped = subprocess.run(
        [CLI, "report", "--db", str(ingested), "--national", "--out", str(tmp_path / "r2")],
        capture_output=True,
        check=True,
    )
    assert b"building the problem profile" not in piped.stderr
    assert not any(mark.encode() in piped.stderr for mark in DRAWN)


def _drawn(*args: str) -> tuple[int, str]:
    drawn = on_a_terminal(*args)
    return drawn.code, drawn.shown
