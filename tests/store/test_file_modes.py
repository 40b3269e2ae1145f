"""Every file the command line writes is owner-only, whatever the login's umask (issue 21,
item 6): the store and its write-ahead log, the audit key and head, a backup and its head,
an export. Run as separate processes under the common umask 022, which would otherwise
leave them readable by every local user."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from clearsight.synth import generate

CLI = str(Path(sys.executable).with_name("clearsight"))


def _cli(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [CLI, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr


def test_files_written_by_the_cli_are_owner_only(tmp_path: Path) -> None:
    generate(tmp_path / "data", ["west-yorkshire"], scale=0.02, seed=8)
    folder = sorted((tmp_path / "data" / "submissions").iterdir())[0]
    work = tmp_path / "work"
    work.mkdir()
    _cli("ingest", "--db", "store.duckdb", "--skip-language", str(folder), cwd=work)
    _cli("backup", "--db", "store.duckdb", "--out", "copies/store.duckdb", cwd=work)
    _cli("audit", "export", "--db", "store.duckdb", "--format", "csv", "--out", "a.csv", cwd=work)
    written = sorted(p for p in work.rglob("*") if p.is_file())
    names = {str(p.relative_to(work)) for p in written}
    assert {
        "store.duckdb",
        "store.duckdb.audit-key",
        "store.duckdb.audit-head",
        "copies/store.duckdb",
        "copies/store.duckdb.audit-head",
        "a.csv",
    } <= names, names
    modes = {str(p.relative_to(work)): oct(stat.S_IMODE(p.stat().st_mode)) for p in written}
    assert set(modes.values()) == {"0o600"}, modes
    assert oct(stat.S_IMODE((work / "copies").stat().st_mode)) == "0o700"
