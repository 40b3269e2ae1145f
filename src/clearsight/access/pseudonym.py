"""Keyed pseudonyms for the national role: stable, not reversible without the key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV_KEY = "CLEARSIGHT_PSEUDONYM_KEY"


class Pseudonymiser:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("pseudonym key must be at least 16 bytes")
        self._key = key

    def __call__(self, kind: str, identifier: str) -> str:
        mac = hmac.new(self._key, f"{kind}\x00{identifier}".encode(), hashlib.sha256)
        prefix = {
            "entity": "PX",
            "record": "RX",
            "object": "OX",
            "location": "LX",
            "event": "EX",
        }.get(kind, "XX")
        return f"{prefix}-{mac.hexdigest()[:12]}"


def load_key(db_path: Path | None) -> bytes:
    """``$CLEARSIGHT_PSEUDONYM_KEY`` (hex), else a key file beside the store, made once
    with owner-only permissions. A store in memory gets a key for this process only."""
    env = os.environ.get(ENV_KEY)
    if env:
        return bytes.fromhex(env)
    if db_path is None:
        return secrets.token_bytes(32)
    path = db_path.with_name(db_path.name + ".pseudonym-key")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
