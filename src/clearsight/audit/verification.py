"""Checking the audit chain: every entry, the signed head, and a published head."""

from __future__ import annotations

import hmac
from pathlib import Path

import duckdb

from clearsight.audit.keys import Head, key_id, keyed_hash, load_key
from clearsight.audit.log import (
    GENESIS,
    AuditEntry,
    VerifyResult,
    _database_file,
    _row_to_entry,
    _select,
    appends_held,
    chain_hash,
    read_signed_head,
)
from clearsight.store.sql import table_exists


class _Check:
    """The chain walked in order: what each entry should be, and what is wrong."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self.kid = None if key is None else key_id(key)
        self.problems: list[str] = []
        self.prev = GENESIS
        self.expected_seq = 1
        self.count = 0
        self.keyed_from: int | None = None
        self.warned_no_key = False
        self.hashes: dict[int, str] = {}

    def entry(self, entry: AuditEntry) -> None:
        self.count += 1
        if entry.seq != self.expected_seq:
            self.problems.append(
                f"entry {entry.seq}: expected seq {self.expected_seq}"
                " (entries deleted or reordered)"
            )
        if entry.prev_hash != self.prev:
            self.problems.append(f"entry {entry.seq}: prev_hash does not match the previous entry")
        self._content(entry)
        self.prev = entry.hash
        self.hashes[entry.seq] = entry.hash
        self.expected_seq = entry.seq + 1

    def _content(self, entry: AuditEntry) -> None:
        if entry.key_id is None:
            if self.keyed_from is not None:
                self.problems.append(
                    f"entry {entry.seq}: unkeyed after keyed entry {self.keyed_from}"
                    " (the chain was rewritten without the key)"
                )
            elif chain_hash(entry.prev_hash, entry.canonical()) != entry.hash:
                self.problems.append(f"entry {entry.seq}: content does not match its hash (edited)")
            return
        if self.keyed_from is None:
            self.keyed_from = entry.seq
        if self.key is None:
            if not self.warned_no_key:
                self.warned_no_key = True
                self.problems.append(
                    f"entry {entry.seq}: keyed, but no audit key is available to check it"
                    " (set CLEARSIGHT_AUDIT_KEY or restore <store>.audit-key)"
                )
            return
        if entry.key_id != self.kid:
            self.problems.append(f"entry {entry.seq}: chained with another key ({entry.key_id})")
        elif not hmac.compare_digest(
            keyed_hash(self.key, entry.prev_hash, entry.canonical()), entry.hash
        ):
            self.problems.append(
                f"entry {entry.seq}: content does not match its keyed hash (edited)"
            )

    def head(self, head: Head, what: str) -> None:
        """The chain must reach ``head`` and hold its hash at its seq."""
        head_seq = self.expected_seq - 1
        if head.key_id is not None and self.key is not None and not head.signed_by(self.key):
            self.problems.append(f"{what}: signature does not verify (head rewritten)")
        if head_seq < head.seq:
            self.problems.append(
                f"log ends at entry {head_seq} but the {what} is entry {head.seq}"
                " (entries deleted from the end)"
            )
        elif self.hashes.get(head.seq) != head.hash:
            self.problems.append(f"entry {head.seq}: hash differs from the {what}")


def verify(
    con: duckdb.DuckDBPyConnection,
    *,
    expected_head: tuple[int, str] | None = None,
    key: bytes | None = None,
    published: Head | None = None,
) -> VerifyResult:
    """Recompute the whole chain; report every entry that does not fit, by number.

    ``key`` defaults to ``$CLEARSIGHT_AUDIT_KEY`` or the key file beside the store;
    ``expected_head`` to the signed head file beside the store (which must exist, and
    be signed, once the log is keyed); ``published`` is a head published earlier,
    which the chain must still hold.
    """
    db_file: Path | None = _database_file(con)
    if key is None:
        key = load_key(db_file, create=False)
    check = _Check(key)
    rows: list[tuple[object, ...]] = []
    file_head: Head | None = None
    # The log and its head file read as one: in the service ('clearsight serve' running
    # 'audit verify' for its user) pages append meanwhile, and a head read after an append
    # the log read missed would look like entries deleted from the end.
    with appends_held():
        if table_exists(con, "audit_log"):
            rows = con.execute(f"SELECT {_select(con)} FROM audit_log ORDER BY seq").fetchall()
        if expected_head is None and db_file is not None:
            file_head = read_signed_head(db_file)
    for row in rows:
        check.entry(_row_to_entry(row))
    if key is not None and check.count and check.keyed_from is None:
        check.problems.append(
            "entries are unkeyed but an audit key exists: the chain was rewritten without"
            " the key, or nothing was appended since the key was set ('clearsight audit head')"
        )
    head: Head | None = None
    if expected_head is not None:
        head = Head(*expected_head)
    elif db_file is not None:
        head = file_head
        if head is None and check.keyed_from is not None:
            check.problems.append("the head file is missing (entries may be deleted from the end)")
        elif head is not None and check.keyed_from is not None and head.key_id is None:
            check.problems.append("the head file is not signed (head rewritten)")
    if head is not None:
        check.head(head, "recorded head")
    if published is not None:
        check.head(published, "published head")
    return VerifyResult(
        not check.problems,
        check.count,
        check.expected_seq - 1,
        check.prev,
        check.problems,
        keyed_from=check.keyed_from,
        head=head,
    )
