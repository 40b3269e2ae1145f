"""One store, two programs, for every command: a command run in the service for its user.

While ``clearsight serve`` holds a store, a ``clearsight`` command on that store cannot
open it (DuckDB allows one process). So the command line hands itself over
(``store/service.hand_over``): the command line as typed, the directory it was typed in
and the store it names. The service runs that command here, in its own process, on a
thread of its own with a cursor of its own connection (``store/borrowed.py``), one
command at a time (the job lock), while pages go on being served. What the command
writes to standard output and error goes back to the user's terminal as it is written,
input it asks for (``--password-stdin``, a prompt) is asked of the user's terminal, and
its exit code becomes the user's: the same output and exit as when no service runs.

Files the command reads and writes (``--out``, the submissions of ``ingest``) are the
user's: relative paths are taken from the user's directory. The service writes them as
its own account, which is the submitter's (the socket is mode 0600, so only that account
can connect; the peer's credentials are checked too).

``serve`` is refused (the store is served already), and nothing but a ``clearsight``
command can be run: the command line is parsed by the ``clearsight`` command itself.
Each command is in the audit log with the submitter and its exit code, beside whatever
the command records of itself; after a command that wrote to the store the serving
copies are rebuilt, as after an ingest job.
"""

from __future__ import annotations

import base64
import functools
import importlib
import io
import json
import os
import sys
import threading
import traceback
import typing
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from clearsight.store.borrowed import CURRENT, Borrowed

# Commands that make no sense inside the service that runs them.
REFUSED = {"serve": "the store is served already: this is that service"}


class Channel:
    """The socket to the submitting terminal: output out, input in, as JSON lines."""

    def __init__(self, rfile: Any, wfile: Any) -> None:
        self._rfile = rfile
        self._wfile = wfile
        self.gone = False

    def send(self, message: dict[str, object]) -> None:
        """Send ``message``; once the user has gone (Ctrl-C, a closed pipe) the command
        runs on to its end unheard, as a command whose terminal closed would."""
        if self.gone:
            return
        try:
            self._wfile.write(json.dumps(message).encode() + b"\n")
            self._wfile.flush()
        except OSError:
            self.gone = True

    def ask(self, kind: str) -> str:
        """Input from the user's terminal: ``line``, ``hidden`` or ``all`` ('' at its end
        or when the user has gone)."""
        self.send({"input": kind})
        if self.gone:
            return ""
        try:
            answer = json.loads(self._rfile.readline() or b"{}")
        except (OSError, ValueError):
            self.gone = True
            return ""
        return str(answer.get("input") or "")


class _Output:
    """Standard output or error of a handed-over command: each write sent at once."""

    encoding = "utf-8"
    errors = "strict"
    closed = False

    def __init__(self, channel: Channel, key: str) -> None:
        self._channel = channel
        self._key = key
        self.buffer = _BinaryOutput(channel)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        return None

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._channel.send({self._key: text})
        return len(text)


class _BinaryOutput(io.RawIOBase):
    """``sys.stdout.buffer`` of a handed-over command (an export written to ``-``)."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raw = bytes(data)
        if raw:
            self._channel.send({"outb": base64.b64encode(raw).decode()})
        return len(raw)


class _Input:
    """Standard input of a handed-over command: asked of the user's terminal when read."""

    encoding = "utf-8"
    errors = "strict"
    closed = False

    def __init__(self, channel: Channel) -> None:
        self._channel = channel

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def readline(self, size: int | None = -1) -> str:
        return self._channel.ask("line")

    def read(self, size: int | None = -1) -> str:
        return self._channel.ask("all")


class _Routed:
    """``sys.stdout``, ``sys.stderr`` or ``sys.stdin`` of the service: a command's thread
    gets its own stream, every other thread (the pages, the server's log) the original."""

    def __init__(self, original: Any) -> None:
        self._original = original
        self._local = threading.local()

    def route(self, stream: Any) -> None:
        self._local.stream = stream

    def _target(self) -> Any:
        return getattr(self._local, "stream", None) or self._original

    def write(self, text: str) -> int:
        return int(self._target().write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


def _hidden_prompt(prompt: str) -> str:
    """``click``'s password prompt: in a command's thread, asked of the user's terminal
    (never of the service's own terminal)."""
    stdin = sys.stdin
    if isinstance(stdin, _Routed) and isinstance(stdin._target(), _Input):
        sys.stderr.write(prompt)
        channel: Channel = stdin._target()._channel
        answer = channel.ask("hidden")
        if not answer:
            # The user's input ended, or the user went: click aborts the command (a
            # prompt answered with '' would be asked again, for ever).
            raise EOFError
        return answer.rstrip("\r\n")
    import getpass

    return getpass.getpass(prompt)


# Where the commands' password prompts come from: Typer's own copy of click, and click.
_TERMUI = ("typer._click.termui", "click.termui")


def install_streams() -> Callable[[], None]:
    """Route the service's standard streams by thread; the function that undoes it."""
    streams = (sys.stdin, sys.stdout, sys.stderr)
    termuis = []
    for name in _TERMUI:
        try:
            termuis.append(importlib.import_module(name))
        except ImportError:
            continue
    prompts = [getattr(m, "hidden_prompt_func") for m in termuis]  # noqa: B009
    sys.stdin, sys.stdout, sys.stderr = (_Routed(s) for s in streams)
    for module in termuis:
        setattr(module, "hidden_prompt_func", _hidden_prompt)  # noqa: B010 (module patched)

    def undo() -> None:
        sys.stdin, sys.stdout, sys.stderr = streams
        for module, prompt in zip(termuis, prompts, strict=True):
            setattr(module, "hidden_prompt_func", prompt)  # noqa: B010

    return undo


def run_command(store: Any, request: dict[str, Any], channel: Channel, login: str) -> int:
    """Run the command line of ``request`` for ``login`` on ``store`` (``web.pool.Store``);
    its exit code. Output and input go through ``channel``."""
    from clearsight import audit

    argv = [str(a) for a in request.get("argv") or []]
    cwd = Path(str(request.get("cwd") or "/"))
    environ = {str(k): str(v) for k, v in (request.get("environ") or {}).items()}
    borrowed = Borrowed(store.path, store.con, login, environ)
    named = Path(str(request.get("db") or store.path))
    if borrowed.holds(named):
        borrowed.path = named  # as the user named it (``status`` prints it)
    streams = (_Output(channel, "out"), _Output(channel, "err"), _Input(channel))
    routed = [s for s in (sys.stdout, sys.stderr, sys.stdin) if isinstance(s, _Routed)]
    for stream, target in zip(routed, streams, strict=True):
        stream.route(target)
    token = CURRENT.set(borrowed)
    try:
        code = _run(argv, cwd)
    finally:
        CURRENT.reset(token)
        for stream in routed:
            stream.route(None)
    cur = store.con.cursor()
    try:
        audit.record(
            cur,
            actor=f"cli:{login}",
            action="service_command",
            category="administration",
            target=audit.printable(_command_name(argv)),
            details={"argv": argv, "exit_code": code, "cwd": str(cwd)},
        )
    finally:
        cur.close()
    if borrowed.wrote:
        store.reload()
    return code


def _run(argv: list[str], cwd: Path) -> int:
    """``clearsight ARGV`` as ``clearsight.cli.main`` runs it; the exit code."""
    import typer

    from clearsight import cli

    name = _command_name(argv)
    if name in REFUSED:
        sys.stderr.write(f"error: '{name}' cannot be run by the service: {REFUSED[name]}\n")
        return 2
    command = typer.main.get_command(cli.app)
    _paths_from(command, cwd)
    cli.reset_debug()
    try:
        command.main(args=argv, prog_name="clearsight", standalone_mode=True)
    except SystemExit as exc:
        return _exit_code(exc.code)
    except cli.USER_ERRORS as exc:
        if cli.debugging():
            traceback.print_exc()
            return 1
        cli.print_error(exc)
        return 2
    except Exception:  # as an uncaught error ends the command on its own: traceback, 1
        traceback.print_exc()
        return 1
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def requested_command(request: dict[str, Any]) -> str:
    """The command a request names, fit to print in the service's log."""
    from clearsight import audit

    return audit.printable(_command_name([str(a) for a in request.get("argv") or []]))


def _command_name(argv: list[str]) -> str:
    """The command named in ``argv`` (its first word not an option), or ''."""
    return next((a for a in argv if not a.startswith("-")), "")


def _paths_from(command: Any, cwd: Path) -> None:
    """Make every path parameter of ``command`` (the click command Typer builds) and of its
    subcommands relative to ``cwd``; the tree is this run's own (``get_command`` builds a
    new one each time)."""
    for param in command.params:
        if _is_path(getattr(param, "type_descriptor", None)):
            param.process_value = functools.partial(_user_path, param.process_value, cwd)
    for sub in getattr(command, "commands", {}).values():
        _paths_from(sub, cwd)


def _user_path(process: Callable[[Any, Any], Any], cwd: Path, ctx: Any, value: Any) -> Any:
    return process(ctx, _joined(cwd, value))


def _joined(cwd: Path, value: Any) -> Any:
    if isinstance(value, list | tuple):
        return type(value)(_joined(cwd, v) for v in value)
    if isinstance(value, str | os.PathLike) and os.fspath(value) not in ("", "-"):
        return str(cwd / os.fspath(value))  # an absolute value stays as it is
    return value


def _is_path(descriptor: Any) -> bool:
    """Whether a parameter's annotation is a path, or a list or optional of paths."""
    return descriptor is not None and _mentions_path(descriptor.annotation)


def _mentions_path(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return True
    return any(_mentions_path(a) for a in typing.get_args(annotation))
