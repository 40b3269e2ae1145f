"""Clearsight run as an analyst runs it: the installed ``clearsight`` command in a child
process, so a benchmark measures the product path (argument parsing, store opening,
exit codes), not the library beneath it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The linkage guards a benchmark may switch (``--guards``): every guard, every guard but
# the twin and sibling guard, none.
GUARD_MODES = ("on", "no-twin", "none")


def cli(store: Path, *args: str) -> str:
    """Run ``clearsight ARGS --db STORE``; its standard output, or an error with its stderr."""
    exe = Path(sys.executable).with_name("clearsight")
    done = subprocess.run(
        [str(exe), *args, "--db", str(store)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"clearsight {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout
