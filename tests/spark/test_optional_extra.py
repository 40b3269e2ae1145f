"""pyspark is an optional extra: asking for Spark without it names the extra, before any work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Runs the real CLI in a child process where importing pyspark is impossible, as on a
# machine that installed clearsight without the [spark] extra.
_WITHOUT_PYSPARK = """
import sys
sys.modules["pyspark"] = None
from clearsight.cli import main
sys.argv = ["clearsight", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    "command",
    [["analyse", "--backend", "spark"], ["link", "--backend", "spark"]],
    ids=["analyse", "link"],
)
def test_spark_without_the_extra_is_one_clear_line(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "store.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PYSPARK, *command, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "clearsight[spark]" in done.stderr
    assert "Traceback" not in done.stderr
