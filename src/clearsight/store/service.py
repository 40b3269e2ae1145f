"""Handing work to the service that holds a store (``clearsight serve``): the client end.

The service's end is ``web/jobs.py`` and ``web/commands.py``; both meet at
``<store>.sock`` beside the store. Here, in the store package, so every command can hand
its work over without importing the web app.

Two kinds of request: a job (``submit``: ingest, analyse, ``link --new`` as JSON
requests, kept for programs that use them) and a whole command (``hand_over``): the
command line as typed, run by the service in its own process on its own connection,
with its output, input and exit code relayed to and from this process.
"""

from __future__ import annotations

import base64
import getpass
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from clearsight.store.borrowed import CLIENT_ENVIRON

SUFFIX = ".sock"
# Standard input the command asks for, relayed whole (``--password-stdin``, narrative
# text): more than this is not a command's input but a file, which it should be given.
MAX_INPUT = 16 * 1024 * 1024


def socket_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


class NoServiceError(RuntimeError):
    """No running service to hand the job to."""


def running(db: Path) -> bool:
    """Whether a service holding ``db`` answers on its socket (a socket file left by a
    service that was killed does not answer)."""
    path = socket_path(db)
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5.0)
        try:
            conn.connect(str(path))
        except OSError:
            return False
    return True


def served_store(command: Any, argv: list[str]) -> Path | None:
    """The store ``clearsight ARGV`` names, when a service holding it answers: the
    command is then handed to that service. ``None`` to run it here (no service, no
    ``--db`` option, or a command line the command itself will reject)."""
    from clearsight.store.db import resolve_db_path

    try:
        params = _leaf_params(command, argv)
    except Exception:  # a bad command line is the command's own to report
        return None
    if params is None or "db" not in params:
        return None
    db = resolve_db_path(Path(params["db"]) if params["db"] else None)
    return db if running(db) else None


def _leaf_params(command: Any, argv: list[str]) -> dict[str, Any] | None:
    """The parameters of the command ``argv`` runs (``command``: the click command Typer
    builds), parsed as click parses them but without running anything (no prompts, no
    help, no callbacks' failures)."""
    ctx = command.make_context("clearsight", list(argv), resilient_parsing=True)
    while hasattr(command, "resolve_command"):  # a group of commands
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            return dict(ctx.params)  # a group run as a command itself ('link --new')
        name, sub, rest = command.resolve_command(ctx, rest)
        if sub is None or name is None:
            return None
        command = sub
        ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=True)
    return dict(ctx.params)


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


def hand_over(db: Path, argv: list[str], *, actor: str) -> int:
    """Run ``clearsight ARGV`` in the service holding ``db``: its output is written here
    as it comes, its requests for input are answered from here, its exit code returned.
    """
    path = socket_path(db)
    request = {
        "command": "run",
        "argv": argv,
        "cwd": str(Path.cwd()),
        "db": str(db.resolve()),
        "actor": actor,
        "environ": {k: os.environ[k] for k in CLIENT_ENVIRON if k in os.environ},
    }
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        try:
            conn.connect(str(path))
        except OSError as exc:
            raise NoServiceError(f"{path}: the service does not answer ({exc})") from exc
        conn.sendall(json.dumps(request).encode() + b"\n")
        with conn.makefile("rb") as answers:
            for line in answers:
                message = json.loads(line)
                if "exit" in message:
                    return int(message["exit"])
                try:
                    _relay(conn, message)
                except BrokenPipeError:
                    # Our reader went away (``| head``): stop, as a command would; the
                    # service finishes the command on its own.
                    sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 (nothing flushed at exit)
                    return 1
    raise NoServiceError(f"{path}: the service stopped before the command finished")


def _relay(conn: socket.socket, message: dict[str, Any]) -> None:
    """One message of a running command: output to write, or input it asks for."""
    if "out" in message or "err" in message:
        stream = sys.stdout if "out" in message else sys.stderr
        stream.write(str(message.get("out", message.get("err"))))
        stream.flush()
    elif "outb" in message:
        sys.stdout.flush()
        sys.stdout.buffer.write(base64.b64decode(message["outb"]))
        sys.stdout.buffer.flush()
    elif "input" in message:
        conn.sendall(json.dumps({"input": _read_input(str(message["input"]))}).encode() + b"\n")


def _read_input(kind: str) -> str:
    """What the command asked for: a line, a hidden line (a password, asked for here on
    the terminal when there is one), or everything."""
    if kind == "hidden" and sys.stdin.isatty():
        return getpass.getpass("") + "\n"
    if kind == "all":
        return sys.stdin.read(MAX_INPUT)
    return sys.stdin.readline(MAX_INPUT)
