"""The language check in a process of its own, for ingest.

Importing spaCy and building the pipeline and the concepts costs more than a second
per process, and checking the narratives of a large extract costs more: run in the
ingest process, both came on top of loading. :class:`CheckWorker` starts a child
process (``python -m clearsight.language.worker``) when ingest starts; it loads spaCy
and the concepts while the parent reads and loads files, and checks texts when asked.
The parent keeps the store: it sends texts (and the people of their records) and
writes the findings that come back, inside the batch's transaction as before.

Requests and answers are pickled frames on the child's standard input and output
(the child's ``print`` goes to standard error, so nothing else can write on the
channel). A failure in the child comes back as an error naming the text it was
checking; a child that dies, or answers out of turn, is an error too: never a
batch checked in part.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from clearsight.language.check import Finding
from clearsight.language.referents import RecordPerson

_HEADER = struct.Struct("!Q")
# How long a worker asked to stop may take to exit before it is killed: stopping
# is reading one frame and returning.
_STOP_SECONDS = 10.0

Item = tuple[str, tuple[RecordPerson, ...]]


class LanguageCheckError(RuntimeError):
    """The language check could not check a text: its worker failed or ended."""


@dataclass(frozen=True)
class Analysis:
    """What the check says of a text before any record is known: whether some concept
    matches it, and whether its findings may depend on every involved person's age."""

    may_find: bool
    needs_all_people: bool


def _write(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> object | None:
    """The next frame, or None at the end of the stream (the other side has gone)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    message: object = pickle.loads(data)
    return message


class CheckWorker:
    """The parent's end: start the child, ask it, stop it.

    Use as a context manager: the child is started on entry and stopped on exit,
    however the block ends (asked to stop, then killed if it does not).
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.version = ""

    def __enter__(self) -> CheckWorker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the child; it begins loading spaCy and the concepts at once."""
        # The child inherits the environment, so a force's own rules
        # ($CLEARSIGHT_LANGUAGE_RULES) are the ones it loads; its standard error is
        # the parent's, so anything it prints on the way down is seen.
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "clearsight.language.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def warm(self, texts: Sequence[str]) -> None:
        """Let the child look at ``texts`` ahead of time (no answer): a later
        :meth:`analyse` of them is then mostly done. It changes no finding."""
        self._send(("warm", list(texts)))

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        """:class:`Analysis` of each text, in order."""
        self.send_analyse(texts)
        return self.receive_analysis()

    def check(self, items: Sequence[Item]) -> list[tuple[Finding, ...]]:
        """Findings of each (text, record people), in order."""
        self.send_check(items)
        return self.receive_findings()

    def send_analyse(self, texts: Sequence[str]) -> None:
        """Ask for :meth:`analyse` of ``texts``; :meth:`receive_analysis` gives the
        answer. Requests are answered in the order they were sent."""
        self._send(("analyse", list(texts)))

    def send_check(self, items: Sequence[Item]) -> None:
        """Ask for :meth:`check` of ``items``; :meth:`receive_findings` gives the answer."""
        self._send(("check", list(items)))

    def receive_analysis(self) -> list[Analysis]:
        """The answer to the oldest request, which must be an ``analyse``."""
        return [Analysis(bool(a), bool(b)) for a, b in self._receive("analysed")]

    def receive_findings(self) -> list[tuple[Finding, ...]]:
        """The answer to the oldest request, which must be a ``check``."""
        return [tuple(found) for found in self._receive("checked")]

    def _receive(self, expected: str) -> list[Any]:
        proc = self._running()
        assert proc.stdout is not None
        answer = _read(proc.stdout)
        if answer is None:
            raise self._ended("before it answered")
        if not isinstance(answer, tuple) or len(answer) < 3:
            raise LanguageCheckError(f"the language check's worker answered {answer!r}")
        if answer[0] == "error":
            raise WorkerTextError(str(answer[1]), answer[2])
        if answer[0] != expected:
            raise LanguageCheckError(
                f"the language check's worker answered {answer[0]!r}, not {expected!r}"
            )
        self.version = str(answer[2])
        return list(answer[1])

    def close(self) -> None:
        """Ask the child to stop and wait for it; kill it if it does not stop."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            assert proc.stdin is not None
            _write(proc.stdin, ("stop",))
            proc.stdin.close()
        try:
            proc.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def _send(self, request: tuple[object, ...]) -> None:
        proc = self._running()
        assert proc.stdin is not None
        try:
            _write(proc.stdin, request)
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise self._ended(f"while being sent a request ({exc})") from exc

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise LanguageCheckError("the language check's worker is not running")
        return self._proc

    def _ended(self, when: str) -> LanguageCheckError:
        proc = self._running()
        try:
            code: int | None = proc.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        self.close()
        how = f"exit code {code}" if code is not None else "no exit code"
        return LanguageCheckError(
            f"the language check's worker process ended ({how}) {when}; "
            "its error, if it printed one, is above"
        )


class WorkerTextError(LanguageCheckError):
    """The child raised while checking; ``index`` is the position of the text (in the
    request) it was checking, when it was checking one."""

    def __init__(self, message: str, index: int | None) -> None:
        super().__init__(message)
        self.index = index


# ---- the child -----------------------------------------------------------------


def _requests(stream: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """Frames read by a thread while the pipeline loads, so a parent that sends texts
    early is never blocked on a full pipe. The thread only reads bytes (never spaCy)
    and ends at ``stop`` or at the end of the stream; it is joined before returning."""
    frames: queue.Queue[tuple[Any, ...]] = queue.Queue()

    def read() -> None:
        while True:
            frame = _read(stream)
            if not isinstance(frame, tuple) or not frame:
                frames.put(("stop",))
                return
            frames.put(frame)
            if frame[0] == "stop":
                return

    reader = threading.Thread(target=read, name="language-requests")
    reader.start()
    try:
        while True:
            frame = frames.get()
            if frame[0] == "stop":
                return
            yield frame
    finally:
        reader.join()


def _serve(requests: Iterator[tuple[Any, ...]], out: IO[bytes]) -> None:
    """Answer requests in order. Answers are written by a thread, so the check goes on
    while the parent is busy loading and has not read the last answer yet."""
    answers: queue.Queue[tuple[Any, ...] | None] = queue.Queue()

    def write() -> None:
        while (answer := answers.get()) is not None:
            try:
                _write(out, answer)
            except OSError:  # the parent has gone: nothing left to answer
                return

    writer = threading.Thread(target=write, name="language-answers")
    writer.start()
    try:
        for request in requests:
            answer = _answer(request)
            if answer is not None:
                answers.put(answer)
    finally:
        answers.put(None)
        writer.join()


def _answer(request: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The answer to one request (None for ``warm``, which has none)."""
    from clearsight.language.check import check, may_find, needs_all_people
    from clearsight.language.rules import load_rules

    kind = request[0]
    position: int | None = None
    try:
        # Loaded per request: cached, and loaded again when a force's file changed.
        pack = load_rules()
        result: list[Any] = []
        if kind == "warm":
            for text in request[1]:
                may_find(text, pack)
            return None
        if kind == "analyse":
            for i, text in enumerate(request[1]):
                position = i
                found = may_find(text, pack)
                result.append((found, found and needs_all_people(text, pack)))
            return ("analysed", result, pack.version)
        if kind == "check":
            for i, (text, people) in enumerate(request[1]):
                position = i
                result.append(tuple(check(text, pack, people=people)))
            return ("checked", result, pack.version)
        raise ValueError(f"unknown request {kind!r}")
    except Exception as exc:  # every failure goes back to the parent, with its text
        traceback.print_exc(file=sys.stderr)
        return None if kind == "warm" else ("error", f"{type(exc).__name__}: {exc}", position)


def main() -> None:
    """The child: serve requests from standard input until ``stop``."""
    # The channel is the original standard output; print() goes to standard error.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = _requests(sys.stdin.buffer)
    with out:
        # Load while the parent loads files, before its first request arrives.
        from clearsight.language.check import check
        from clearsight.language.rules import load_rules

        with contextlib.suppress(Exception):  # a bad pack is reported on the first request
            check("She chose to go.", load_rules())
        _serve(requests, out)


if __name__ == "__main__":
    main()
