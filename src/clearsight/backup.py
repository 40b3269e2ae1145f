"""A consistent copy of the store: ``clearsight backup``.

A file copy of a DuckDB store taken while a process has it open misses whatever is still
in its write-ahead log (``<store>.wal``): a copy of the ``.duckdb`` alone can hold a
fraction of the audit log. So the backup opens the store itself (no other process can
write meanwhile: DuckDB allows one writer), records the backup in the audit log, folds
the log into the file (``CHECKPOINT``), copies it, and checks the copy opens and its
audit chain verifies before putting it in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from clearsight.store.db import StoreError, connect

# Written beside the copy: the audit head is needed to verify the copy's chain. The keys
# (pseudonym, audit) are not copied: kept apart from the data they protect, they are
# backed up separately (docs/web.md).
SIDECARS = (".audit-head",)


def backup(db: Path, out: Path, *, actor: str) -> int:
    """Copy ``db`` to ``out``; the number of audit entries the copy holds."""
    from clearsight.audit import record, verify
    from clearsight.audit.keys import load_key
    from clearsight.audit.log import appends_held

    if out.exists():
        raise StoreError(f"{out}: exists already; choose a new file")
    if out.resolve() == db.resolve():
        raise StoreError(f"{out}: is the store itself")
    con = connect(db)
    tmp = out.with_name(out.name + ".partial")
    try:
        # Run by 'clearsight serve' for its user, pages append to the log meanwhile: held
        # still from the backup's own entry to the copied head, the copy and its head agree.
        with appends_held():
            record(con, actor=actor, action="backup", category="administration", target=str(out))
            con.execute("CHECKPOINT")
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db, tmp)
            tmp.chmod(0o600)
            for suffix in SIDECARS:
                side = db.with_name(db.name + suffix)
                if side.exists():
                    shutil.copyfile(side, out.with_name(out.name + suffix))
    finally:
        con.close()
    copy = connect(tmp, read_only=True)
    try:
        # The store's own key checks the copy: it is not copied beside it.
        key = load_key(db, create=False)
        result = verify(copy, expected_head=_head_of(out), key=key)
    finally:
        copy.close()
    if not result.ok:
        tmp.unlink()
        raise StoreError(f"{out}: the copy's audit chain does not verify: {result.problems[0]}")
    tmp.replace(out)
    return result.entries


def _head_of(out: Path) -> tuple[int, str] | None:
    from clearsight.audit.log import read_head

    return read_head(out)
