"""Handing a job to the service that holds a store (``clearsight serve``): the client end.

The service's end is ``web/jobs.py``; both meet at ``<store>.sock`` beside the store.
Here, in the store package, so every command can hand its work over without importing
the web app.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

SUFFIX = ".sock"


def socket_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


class NoServiceError(RuntimeError):
    """No running service to hand the job to."""


def submit(db: Path, request: dict[str, Any], *, timeout: float = 3600.0) -> dict[str, Any]:
    """Hand a job to the service holding ``db``; its answer once the job has run."""
    path = socket_path(db)
    if not path.exists():
        raise NoServiceError(f"{db}: held by another process, and no service socket {path}")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        try:
            conn.connect(str(path))
        except OSError as exc:
            raise NoServiceError(f"{path}: the service does not answer ({exc})") from exc
        conn.sendall(json.dumps(request).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    answer = json.loads(data or b"{}")
    if not isinstance(answer, dict):
        raise NoServiceError(f"{path}: unexpected answer")
    return answer
