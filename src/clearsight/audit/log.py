"""The append-only, hash-chained audit log (Data Protection Act 2018 s62).

Each entry's ``hash`` is an HMAC-SHA-256, under a key kept outside the store
(``keys``), over the previous entry's hash and the entry's own canonical content,
so editing, deleting or reordering any entry breaks the chain from that point on,
and recomputing the chain needs the key. Deleting entries from the *end* leaves a
valid but shorter chain; to catch that the head (seq, hash), signed with the key,
is also written to a sidecar file beside the store on every append, and ``verify``
compares against it.

Entries written before the log was keyed (``key_id`` NULL) carry a plain SHA-256
chain; the first append with a key continues the same chain keyed, and ``verify``
checks both parts (an unkeyed entry after a keyed one is a rewrite).
"""

from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from clearsight.audit.keys import Head, key_id, keyed_hash, load_key, make_head, parse_head
from clearsight.store.sql import table_exists

GENESIS = "0" * 64

CATEGORIES = (
    "collection",
    "consultation",
    "disclosure",
    "combination",
    "alteration",
    "erasure",
    "login",
    "access",
    "administration",
)

# Well-known actions and the s62 category each falls under. Callers may pass any
# other action with an explicit ``category``.
ACTION_CATEGORIES: dict[str, str] = {
    "login": "login",
    "login_failed": "login",
    "login_throttled": "login",
    "logout": "login",
    "session_expired": "login",
    "access_denied": "access",
    "search": "consultation",
    "view_dashboard": "consultation",
    "view_person": "consultation",
    "view_record": "consultation",
    "view_network": "consultation",
    "view_sealed": "consultation",
    "view_review_queue": "consultation",
    "view_review_case": "consultation",
    "view_readiness": "consultation",
    "view_data_quality": "consultation",
    "view_audit": "consultation",
    "view_network_list": "consultation",
    "view_users": "consultation",
    # The link chart: viewing, expanding and reopening consult records; saving keeps the
    # analyst's own chart (item ids, layout, notes), altering nothing in the records.
    "view_chart": "consultation",
    "view_chart_list": "consultation",
    "chart_expand": "consultation",
    "chart_open": "consultation",
    "chart_save": "alteration",
    "view_network_timeline": "consultation",
    "view_person_timeline": "consultation",
    "view_places": "consultation",
    "view_place": "consultation",
    "backup": "administration",
    # A command run by 'clearsight serve' for a CLI user while it holds the store.
    "service_command": "administration",
    "audit_head": "administration",
    "language_check": "consultation",
    "export": "disclosure",
    "audit_export": "disclosure",
    "ingest": "collection",
    "linkage_run": "combination",
    "network_run": "combination",
    "review_decision": "alteration",
    # The measured linkage review on the web: viewing its pairs and entities consults
    # records; drawing a sample selects pairs and alters none; a same / not-same
    # decision binds every later run to join or keep apart two people's records.
    "view_linkage_review": "consultation",
    "draw_link_sample": "consultation",
    "link_decision": "combination",
    "alteration": "alteration",
    "erasure": "erasure",
    "user_add": "administration",
    "user_disable": "administration",
    "user_enable": "administration",
    "user_password": "administration",
    "user_role": "administration",
}
for _category in CATEGORIES:
    ACTION_CATEGORIES.setdefault(_category, _category)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    at_utc TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    target VARCHAR,
    reason VARCHAR,
    details JSON,
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
)
"""
_COLUMNS = "seq, at_utc, actor, action, category, target, reason, details, prev_hash, hash"
# Added when the chain became keyed: NULL on entries written before (plain SHA-256).
_KEY_COLUMN = "ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS key_id VARCHAR"

# One writer at a time per process: the chain needs "read head, append" to be
# atomic, and DuckDB's optimistic transactions would otherwise make concurrent
# appenders conflict on the primary key.
_LOCK = threading.RLock()


@contextmanager
def appends_held() -> Iterator[None]:
    """No entry is appended by this process meanwhile (but by its own thread): a backup
    taken by the service copies the log and its head file as one."""
    with _LOCK:
        yield


class AuditError(RuntimeError):
    """The audit log cannot be written or read."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at_utc: datetime
    actor: str
    action: str
    category: str
    target: str | None
    reason: str | None
    details: dict[str, object]
    prev_hash: str
    hash: str
    key_id: str | None = None

    def as_row(self) -> list[object]:
        """The entry as stored, in ``audit_log`` column order."""
        details = json.dumps(self.details, sort_keys=True, ensure_ascii=False)
        return [
            self.seq,
            self.at_utc,
            self.actor,
            self.action,
            self.category,
            self.target,
            self.reason,
            details,
            self.prev_hash,
            self.hash,
            self.key_id,
        ]

    def canonical(self) -> bytes:
        return canonical_content(
            seq=self.seq,
            at_utc=self.at_utc,
            actor=self.actor,
            action=self.action,
            category=self.category,
            target=self.target,
            reason=self.reason,
            details=self.details,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at_utc": format_time(self.at_utc),
            "actor": self.actor,
            "action": self.action,
            "category": self.category,
            "target": self.target,
            "reason": self.reason,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "key_id": self.key_id,
        }


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str] = field(default_factory=list)
    # The first entry chained with the key (None: no keyed entry); entries before it are
    # the unkeyed chain written before the log was keyed.
    keyed_from: int | None = None
    head: Head | None = None

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None


def format_time(at: datetime) -> str:
    """UTC, microseconds, always the same width: part of the hashed content."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(
    *,
    seq: int,
    at_utc: datetime,
    actor: str,
    action: str,
    category: str,
    target: str | None,
    reason: str | None,
    details: Mapping[str, object],
) -> bytes:
    body = {
        "seq": seq,
        "at_utc": format_time(at_utc),
        "actor": actor,
        "action": action,
        "category": category,
        "target": target,
        "reason": reason,
        "details": details,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def ensure_audit_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_SCHEMA)
    if not _has_key_column(con):
        con.execute(_KEY_COLUMN)


def _has_key_column(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'audit_log'"
        " AND column_name = 'key_id' AND database_name = current_database()"
    ).fetchall()
    return bool(found[0][0])


def _normalise_details(details: Mapping[str, object] | None) -> dict[str, object]:
    if not details:
        return {}
    # Round-trip so what is hashed is exactly what comes back out of the JSON column.
    text = json.dumps(dict(details), sort_keys=True, default=str, ensure_ascii=False)
    loaded = json.loads(text)
    assert isinstance(loaded, dict)
    return loaded


def _database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    try:
        rows = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()
    except duckdb.Error:
        return None
    if not rows or not rows[0][0]:
        return None
    return Path(str(rows[0][0]))


def head_file(db_file: Path) -> Path:
    """Sidecar holding the latest (seq, hash): catches truncation of the log's tail."""
    return db_file.with_name(db_file.name + ".audit-head")


def read_head(db_file: Path) -> tuple[int, str] | None:
    found = read_signed_head(db_file)
    return None if found is None else (found.seq, found.hash)


def read_signed_head(db_file: Path) -> Head | None:
    """The head file as written, with its key id and signature when keyed."""
    path = head_file(db_file)
    if not path.exists():
        return None
    return parse_head(path.read_text(encoding="utf-8"), str(path))


@dataclass
class _Pending:
    """One entry waiting to be appended: its fields now, its seq and hash once written."""

    actor: str
    action: str
    category: str
    target: str | None
    reason: str | None
    details: dict[str, object]
    entry: AuditEntry | None = None
    error: BaseException | None = None


def _printable(text: str, *, newlines: bool = False) -> bool:
    allowed = "\n" if newlines else ""
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in allowed for c in text)


def printable(text: str) -> str:
    """``text`` with control and format characters (NUL, escapes, bidi overrides) written
    as ``\\xNN`` / ``\\uNNNN``: what a user sent (a URL, a login name) can go into the
    log as evidence without forging lines or hiding text from whoever reads it."""
    return "".join(
        c
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs")
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def _pending(
    *,
    actor: str,
    action: str,
    target: str | None,
    reason: str | None,
    details: Mapping[str, object] | None,
    category: str | None,
) -> _Pending:
    if category is None:
        category = ACTION_CATEGORIES.get(action)
        if category is None:
            raise ValueError(f"unknown audit action {action!r}: pass category= one of {CATEGORIES}")
    if category not in CATEGORIES:
        raise ValueError(f"unknown audit category {category!r}: expected one of {CATEGORIES}")
    if not actor:
        raise ValueError("audit actor must not be empty")
    for what, text in (("actor", actor), ("action", action), ("target", target)):
        if text is not None and not _printable(text):
            raise ValueError(
                f"audit {what} {text!r} holds control characters: pass it through printable()"
            )
    if reason is not None and not _printable(reason, newlines=True):
        raise ValueError(f"audit reason {reason!r} holds control characters")
    return _Pending(actor, action, category, target, reason, _normalise_details(details))


def _append(cur: duckdb.DuckDBPyConnection, batch: list[_Pending], db_file: Path | None) -> None:
    """Append ``batch`` in order in one transaction on ``cur``, then write the head once.

    Call with ``_LOCK`` held. Sets each item's ``entry``; on failure nothing is written
    and the exception propagates (the caller hands it to every waiting item).
    """
    key = load_key(db_file, create=True)
    kid = None if key is None else key_id(key)
    cur.begin()
    try:
        head = cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
        seq, prev = (int(head[0][0]), str(head[0][1])) if head else (0, GENESIS)
        rows: list[list[object]] = []
        written: list[AuditEntry] = []
        for item in batch:
            seq += 1
            at = datetime.now(UTC).replace(tzinfo=None)
            content = canonical_content(
                seq=seq,
                at_utc=at,
                actor=item.actor,
                action=item.action,
                category=item.category,
                target=item.target,
                reason=item.reason,
                details=item.details,
            )
            digest = chain_hash(prev, content) if key is None else keyed_hash(key, prev, content)
            entry = AuditEntry(
                seq,
                at,
                item.actor,
                item.action,
                item.category,
                item.target,
                item.reason,
                item.details,
                prev,
                digest,
                kid,
            )
            written.append(entry)
            rows.append(entry.as_row())
            prev = digest
        # One statement for the batch: executemany prepares once per row.
        marks = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
        cur.execute(
            f"INSERT INTO audit_log ({_COLUMNS}, key_id) VALUES {marks}",
            [v for row in rows for v in row],
        )
        cur.commit()
    except BaseException:
        cur.rollback()
        raise
    if db_file is not None:
        _write_head_file(db_file, make_head(key, written[-1].seq, written[-1].hash))
    for item, entry in zip(batch, written, strict=True):
        item.entry = entry


def _write_head_file(db_file: Path, head: Head) -> None:
    path = head_file(db_file)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(head.as_json()) + "\n", encoding="utf-8")
    tmp.replace(path)


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    reason: str | None = None,
    details: Mapping[str, object] | None = None,
    category: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    ``actor`` is a user name or a process (``"system:ingest"``); ``action`` one of
    ``ACTION_CATEGORIES`` or any name with an explicit ``category``. Never put
    personal data in ``details``: record identifiers, not names.
    The entry commits in its own transaction on a cursor of ``con``: record an
    ingest or linkage run after it commits (or record the attempt, which stands
    even if the work rolls back).
    """
    item = _pending(
        actor=actor, action=action, target=target, reason=reason, details=details, category=category
    )
    with _LOCK:
        # A cursor is its own connection with its own transaction: the entry commits
        # even when the caller's work later rolls back (an attempt is worth recording),
        # and a caller's open transaction is never disturbed.
        cur = con.cursor()
        try:
            ensure_audit_schema(cur)
            _append(cur, [item], _database_file(cur))
        finally:
            cur.close()
    assert item.entry is not None
    return item.entry


class AuditWriter:
    """Group commit for a busy process (the web app): ``record`` as above, but entries that
    arrive while another append is being written are appended together, in arrival order,
    in one transaction with one head-file write.

    The guarantee is unchanged: ``record`` returns only once its entry has committed, so
    a page is never sent before its view is logged, and a failed append raises to the
    caller. The writer's own cursor is used only under the process-wide lock, which
    plain ``record`` calls take too, so both kinds of append share one chain.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._cur = con.cursor()
        ensure_audit_schema(self._cur)
        self._db_file = _database_file(self._cur)
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self.batches = 0
        self.appended = 0

    def record(
        self,
        *,
        actor: str,
        action: str,
        target: str | None = None,
        reason: str | None = None,
        details: Mapping[str, object] | None = None,
        category: str | None = None,
    ) -> AuditEntry:
        item = _pending(
            actor=actor,
            action=action,
            target=target,
            reason=reason,
            details=details,
            category=category,
        )
        with self._queue_lock:
            self._queue.append(item)
        with _LOCK:
            # Whoever holds the lock writes everything queued so far, its own entry and
            # any that arrived while the previous batch was being written.
            if item.entry is None and item.error is None:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    _append(self._cur, batch, self._db_file)
                    self.batches += 1
                    self.appended += len(batch)
                except BaseException as exc:
                    for waiting in batch:
                        waiting.error = exc
        if item.error is not None:
            raise AuditError(f"audit entry not written: {item.error}") from item.error
        assert item.entry is not None
        return item.entry

    def close(self) -> None:
        with _LOCK:
            self._cur.close()


def _row_to_entry(row: tuple[object, ...]) -> AuditEntry:
    seq, at, actor, action, category, target, reason, details, prev, digest = row[:10]
    kid = row[10] if len(row) > 10 else None
    assert isinstance(at, datetime)
    parsed = json.loads(str(details)) if details is not None else {}
    return AuditEntry(
        seq=int(str(seq)),
        at_utc=at,
        actor=str(actor),
        action=str(action),
        category=str(category),
        target=None if target is None else str(target),
        reason=None if reason is None else str(reason),
        details=parsed if isinstance(parsed, dict) else {"value": parsed},
        prev_hash=str(prev),
        hash=str(digest),
        key_id=None if kid is None else str(kid),
    )


def _select(con: duckdb.DuckDBPyConnection) -> str:
    """The columns to read: ``key_id`` too once the log has it (a store opened read-only
    before its first keyed append does not)."""
    return f"{_COLUMNS}, key_id" if _has_key_column(con) else _COLUMNS


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    actor: str | None = None,
    category: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[AuditEntry]:
    """Entries in ``[start, end)`` (UTC), optionally filtered."""
    if not table_exists(con, "audit_log"):
        return []
    where: list[str] = []
    params: list[object] = []
    if start is not None:
        where.append("at_utc >= ?")
        params.append(start.astimezone(UTC).replace(tzinfo=None) if start.tzinfo else start)
    if end is not None:
        where.append("at_utc < ?")
        params.append(end.astimezone(UTC).replace(tzinfo=None) if end.tzinfo else end)
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    if category is not None:
        where.append("category = ?")
        params.append(category)
    sql = f"SELECT {_select(con)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq" + (" DESC" if newest_first else "")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row_to_entry(row) for row in con.execute(sql, params).fetchall()]
