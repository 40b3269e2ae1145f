"""Run the ``clearsight`` command with standard error on a pseudo-terminal, as a user at
a terminal would, to see what it draws there (progress bars draw only on a terminal)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CLI = str(Path(sys.executable).with_name("clearsight"))


@dataclass(frozen=True)
class Drawn:
    code: int
    out: bytes  # standard output (a pipe)
    shown: str  # what standard error drew on the terminal


def on_a_terminal(*args: str) -> Drawn:
    """``clearsight ARGS`` with standard error on a terminal."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    out, _ = proc.communicate(timeout=600)
    os.close(leader)
    return Drawn(proc.returncode, out, shown.decode("utf-8", "replace"))
