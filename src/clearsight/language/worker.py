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
import fcntl
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import IO, Any

import pyarrow as pa

from clearsight.language.store import LanguageCheckError

_HEADER = struct.Struct("!Q")
# The child's one argument: check with the rules only, without the trained model.
_RULES_ONLY = "--rules-only"
_PIPE_BYTES = 1 << 20
# How long a worker asked to stop may take to exit before it is killed: stopping
# is reading one frame and returning.
_STOP_SECONDS = 10.0


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

    def __init__(self, *, model: bool = True) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.version = ""
        # Rules and the trained model (the check's default), or the rules only.
        self.model = model

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
            [
                sys.executable,
                "-m",
                "clearsight.language.worker",
                *(() if self.model else (_RULES_ONLY,)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        # A batch is up to a few megabytes: with the pipes' default 64 KiB this process
        # would wait on each write until the child's reader, which shares the child's
        # interpreter with the check, had emptied the pipe a slice at a time.
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
                with contextlib.suppress(OSError):  # above the system's maximum: keep it
                    fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)

    def send_analyse(self, texts: Sequence[str]) -> None:
        """Ask which of ``texts`` some concept matches; :meth:`receive_analysis` gives
        them. Requests are answered in the order they were sent."""
        self._send(("analyse", list(texts)))

    def send_batch(self, rows: pa.Table, checked_at: datetime) -> None:
        """Ask for the findings of ``rows`` (source_id, batch_id, event_id, narrative,
        people: the events whose narrative some concept matches, or more);
        :meth:`receive_findings` gives them."""
        self._send(("batch", rows, checked_at))

    def answered(self) -> bool:
        """Whether an answer has arrived (so a receive would not wait for the child)."""
        proc = self._running()
        assert proc.stdout is not None
        readable, _, _ = select.select([proc.stdout], [], [], 0)
        return bool(readable)

    def receive_analysis(self) -> list[str]:
        """The answer to the oldest request, an ``analyse``: the texts some concept
        matches."""
        answer = self._receive("analysed")
        return [str(t) for t in answer]

    def receive_findings(self) -> pa.Table:
        """The answer to the oldest request, a batch: its findings table
        (``language_findings`` columns)."""
        answer = self._receive("findings")
        if not isinstance(answer, pa.Table):
            raise LanguageCheckError("the language check's worker answered no table")
        return answer

    def _receive(self, expected: str) -> Any:
        proc = self._running()
        assert proc.stdout is not None
        answer = _read(proc.stdout)
        if answer is None:
            raise self._ended("before it answered")
        if not isinstance(answer, tuple) or len(answer) != 3:
            raise LanguageCheckError(f"the language check's worker answered {answer!r}")
        if answer[0] == "error":
            raise WorkerTextError(str(answer[1]), answer[2])
        if answer[0] != expected:
            raise LanguageCheckError(
                f"the language check's worker answered {answer[0]!r}, not {expected!r}"
            )
        return answer[1]

    def stop(self) -> None:
        """Ask the child to stop, without waiting: it exits while this process goes on
        (:meth:`close` then waits for it)."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdin.closed:
            return
        with contextlib.suppress(OSError, ValueError):
            _write(proc.stdin, ("stop",))
        with contextlib.suppress(OSError):
            proc.stdin.close()

    def close(self) -> None:
        """Ask the child to stop and wait for it; kill it if it does not stop."""
        self.stop()
        proc, self._proc = self._proc, None
        if proc is None:
            return
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
    """The child failed on a text: ``text`` is the narrative, when it was checking one."""

    def __init__(self, message: str, text: str | None) -> None:
        super().__init__(message)
        self.text = text


# ---- the child -----------------------------------------------------------------


@contextlib.contextmanager
def _requests(stream: IO[bytes]) -> Iterator[Iterator[tuple[Any, ...]]]:
    """Frames read by a thread from now on, while the pipeline loads, so a parent that
    sends texts early is never blocked on a full pipe. The thread only reads bytes
    (never spaCy) and ends at ``stop`` or at the end of the stream; it is joined on
    the way out."""
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

    def received() -> Iterator[tuple[Any, ...]]:
        while (frame := frames.get())[0] != "stop":
            yield frame

    reader = threading.Thread(target=read, name="language-requests")
    reader.start()
    try:
        yield received()
    finally:
        reader.join()


def _serve(requests: Iterator[tuple[Any, ...]], out: IO[bytes], *, model: bool = True) -> None:
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
            answers.put(_answer(request, model=model))
    finally:
        answers.put(None)
        writer.join()


def _answer(request: tuple[Any, ...], *, model: bool = True) -> tuple[Any, ...]:
    """The answer to one request: the findings of a batch, or the error."""
    import pyarrow.compute as pc

    from clearsight.language.rules import RuleError, load_rules
    from clearsight.language.store import TextError, candidates_of, rows_findings

    try:
        # Loaded per request: cached, and loaded again when a force's file changed.
        pack = load_rules()
        if request[0] == "analyse":
            return ("analysed", candidates_of(request[1], pack, model=model)[0], None)
        if request[0] != "batch":
            raise ValueError(f"unknown request {request[0]!r}")
        rows, checked_at = request[1], request[2]
        texts = [str(t) for t in pc.unique(rows.column(3)).to_pylist()]
        found, needs_all = candidates_of(texts, pack, model=model)
        rows = rows.filter(pc.is_in(rows.column(3), pa.array(found, pa.string())))
        table = rows_findings(rows, needs_all, pack, checked_at, model=model)
        return ("findings", table, None)
    except TextError as exc:
        traceback.print_exc(file=sys.stderr)
        return ("error", str(exc), exc.text)
    except RuleError as exc:  # a force's pack: the message names file and rule
        return ("error", f"the language check failed: RuleError: {exc}", None)
    except Exception as exc:  # every failure goes back to the parent
        traceback.print_exc(file=sys.stderr)
        return ("error", f"the language check failed: {type(exc).__name__}: {exc}", None)


def main() -> None:
    """The child: serve requests from standard input until ``stop`` (with the rules and
    the trained model, or the rules only when started with ``--rules-only``)."""
    model = _RULES_ONLY not in sys.argv[1:]
    # The channel is the original standard output; print() goes to standard error.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    # On the way out the channel closes first, so a parent waiting for an answer
    # sees the end (and stops this process) before the reader is joined.
    with _requests(sys.stdin.buffer) as requests, out:
        # Load while the parent loads files, before its first request arrives.
        from clearsight.language.check import check
        from clearsight.language.rules import load_rules

        with contextlib.suppress(Exception):  # a bad pack is reported on the first request
            check("She chose to go.", load_rules(), model=model)
        _serve(requests, out, model=model)
    # Every answer is written and every thread joined: leave without the interpreter's
    # teardown of spaCy's objects (a second of the parent's waiting), as
    # multiprocessing's children do.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
