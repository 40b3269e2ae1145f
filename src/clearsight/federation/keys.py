"""The federation key and the keyed tokens made with it.

Tokens are HMAC-SHA256 of a normalised identifier under a key the forces share and the
national instance never holds: without the key nobody can test a guessed name or number
against an extract. The key is read, never written: not to an extract, not to a store.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

KEY_ENV = "CLEARSIGHT_FEDERATION_KEY"
# Below this an exhaustive search over keys becomes thinkable.
MIN_KEY_BYTES = 32
# 128 bits: collisions between distinct identifiers stay negligible nationally.
TOKEN_HEX = 32


class FederationKeyError(ValueError):
    """The federation key is missing or too short."""


def load_key(key_file: Path | None = None) -> bytes:
    """The key from ``key_file``, else from ``$CLEARSIGHT_FEDERATION_KEY``."""
    if key_file is not None:
        raw = key_file.read_bytes().strip()
    else:
        value = os.environ.get(KEY_ENV, "")
        if not value:
            raise FederationKeyError(f"no federation key: pass --key-file or set {KEY_ENV}")
        raw = value.strip().encode("utf-8")
    if len(raw) < MIN_KEY_BYTES:
        raise FederationKeyError(f"federation key shorter than {MIN_KEY_BYTES} bytes")
    return raw


def token(key: bytes, kind: str, value: str) -> str:
    """Keyed token of ``value``; ``kind`` separates domains so an NHS number and a phone
    with the same digits never give the same token."""
    message = f"{kind}\x1f{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:TOKEN_HEX]


def key_fingerprint(key: bytes) -> str:
    """Lets the national instance see that extracts used one key, without the key."""
    return token(key, "key-fingerprint", "clearsight")[:16]
