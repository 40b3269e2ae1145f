"""The audit chain's key and its signed head.

Without a key, anyone who can write the store and the head file can delete an entry,
recompute every hash and pass ``verify``. With a key kept outside the store (an
environment variable, or a file beside it readable by the service account only, as the
pseudonym key is) each entry's hash is an HMAC-SHA-256: rewriting the chain needs the key.
The head file is signed with the same key, so it cannot be rewritten to match a shorter
chain either, and the head can be published (to the DPO, a ticket, a notice board)
as a commitment: an entry once covered by a published head can never change unseen,
even by someone who holds the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

ENV_KEY = "CLEARSIGHT_AUDIT_KEY"
HEAD_CONTEXT = b"clearsight-audit-head\n"
_cache: dict[str, bytes] = {}
_cache_lock = threading.Lock()


class AuditKeyError(RuntimeError):
    """The audit key is unreadable or too short."""


def key_file(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".audit-key")


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise AuditKeyError(f"{where}: the audit key must be hex") from exc
    if len(key) < 16:
        raise AuditKeyError(f"{where}: the audit key must be at least 16 bytes")
    return key


def load_key(db_file: Path | None, *, create: bool) -> bytes | None:
    """``$CLEARSIGHT_AUDIT_KEY`` (hex), else ``<store>.audit-key``, made once with mode 0600
    when ``create`` (an append); ``None`` when there is none (an in-memory store, or a
    store whose log was never keyed, read without creating one)."""
    env = os.environ.get(ENV_KEY)
    if env:
        return _parse(env, ENV_KEY)
    if db_file is None:
        return None
    path = key_file(db_file)
    with _cache_lock:
        # A stat per append: a key file removed (or restored) is noticed at once.
        if not path.exists():
            _cache.pop(str(path), None)
            if not create:
                return None
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
        key = _cache.get(str(path))
        if key is None:
            key = _cache[str(path)] = _parse(path.read_text(encoding="ascii"), str(path))
        return key


def key_id(key: bytes) -> str:
    """A short public name for the key: which key an entry was chained with."""
    return hmac.new(key, b"clearsight-audit-key-id", hashlib.sha256).hexdigest()[:16]


def keyed_hash(key: bytes, prev_hash: str, content: bytes) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + b"\n" + content, hashlib.sha256).hexdigest()


def sign_head(key: bytes, seq: int, digest: str) -> str:
    message = HEAD_CONTEXT + f"{seq}\n{digest}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Head:
    """The latest (seq, hash), and when keyed the key's id and the signature."""

    seq: int
    hash: str
    key_id: str | None = None
    signature: str | None = None

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"seq": self.seq, "hash": self.hash}
        if self.key_id is not None:
            found["key_id"] = self.key_id
            found["signature"] = self.signature
        return found

    def signed_by(self, key: bytes) -> bool:
        if self.signature is None or self.key_id != key_id(key):
            return False
        return hmac.compare_digest(self.signature, sign_head(key, self.seq, self.hash))


def make_head(key: bytes | None, seq: int, digest: str) -> Head:
    if key is None:
        return Head(seq, digest)
    return Head(seq, digest, key_id(key), sign_head(key, seq, digest))


def parse_head(text: str, where: str) -> Head:
    try:
        data = json.loads(text)
        return Head(
            int(data["seq"]),
            str(data["hash"]),
            None if data.get("key_id") is None else str(data["key_id"]),
            None if data.get("signature") is None else str(data["signature"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AuditKeyError(f"{where}: not an audit head (JSON with seq and hash)") from exc
