"""The language check during ``clearsight ingest``: in its own process, beside loading.

What a concept may match does not depend on the store: as soon as a submission's
events are read and checked, inside its load, this process sends their distinct
narratives to the :class:`~clearsight.language.worker.CheckWorker`, which works out
which of them some concept matches while the load goes on. Once the batch has
committed, this process reads the events with those narratives and their people (the
batch's own: a newer batch of the same source may have loaded since) and sends them;
the worker judges each match with its record's people (the functions
``check_narratives`` uses, on the same rows) and sends back the findings table, which
this process writes in a transaction of its own. Only committed events are read, so a
row quarantined later in the load, or a submission rolled back, gets no findings: the
answer about a submission that did not load is read and dropped. Requests are answered
in the order they were sent; whenever a batch has loaded, the answers that have arrived
are taken without waiting for the worker, and :meth:`IngestCheck.finish` waits for the
rest.

What differs from checking inside the load's transaction: between a batch's commit
and its findings, the store holds the batch without them. A failure of the check (an
error on a text, or the worker ending) is an error naming every batch left without
findings and the command that checks it; it is never a batch checked in part.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from clearsight.language.store import (
    LanguageCheckError,
    candidate_rows,
    ensure_tables,
    located,
    replace_findings,
)
from clearsight.language.worker import CheckWorker, WorkerTextError

log = logging.getLogger("clearsight.language")


@dataclass
class _Request:
    """A request sent and not yet answered: ``analyse`` (which texts some concept
    matches) or ``batch`` (findings). ``batch_id`` is None while the submission whose
    texts were sent is still loading; ``dropped`` when it did not load."""

    kind: str
    batch_id: int | None
    dropped: bool = False


class IngestCheck:
    """Check each batch as ingest loads it: :meth:`loaded` after each batch commits,
    :meth:`finish` at the end; both raise :class:`LanguageCheckError` on a failure."""

    def __init__(self, con: duckdb.DuckDBPyConnection, worker: CheckWorker) -> None:
        self.con = con
        self.worker = worker
        # Requests sent and not yet answered, oldest first (the order of the answers).
        self._pending: deque[_Request] = deque()
        # The analysis of the submission being loaded, sent before its commit, and a
        # failure to send it (raised once the batch has committed).
        self._loading: _Request | None = None
        self._deferred: LanguageCheckError | None = None
        # Batches loaded and not yet written.
        self._unchecked: list[int] = []
        self._failed = False
        # Seconds this process spent on the check (reading batches, writing findings,
        # waiting), and of those waiting for the worker: what the check adds to ingest.
        self.seconds = 0.0
        self.waited = 0.0
        self.findings = 0

    def staged(self, texts: list[str]) -> None:
        """The distinct narratives of the submission being loaded, before it commits:
        the worker finds which some concept matches while the load goes on. Called
        inside the load's transaction, so it never raises: a failure to send is raised
        by :meth:`loaded`, once the batch it leaves unchecked has committed."""
        self.abandoned()
        if self._failed or self._deferred is not None:
            return
        started = time.perf_counter()
        try:
            self._send_texts(texts)
        except LanguageCheckError as exc:
            self._deferred = exc
        finally:
            self.seconds += time.perf_counter() - started

    def loaded(self, batch_id: int) -> None:
        """The batch has committed: its texts' analysis (sent by :meth:`staged`, else now)
        is now the batch's; then take the answers that have arrived."""
        self._unchecked.append(batch_id)
        request, self._loading = self._loading, None
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            self._guarded(_raiser(deferred))
        if request is not None:
            request.batch_id = batch_id
        else:
            self._guarded(lambda: self._send(batch_id))
        self._guarded(lambda: self._take(wait=False))

    def abandoned(self) -> None:
        """The submission being loaded did not load (refused, rolled back or unchanged):
        the answer about its texts will be read and dropped."""
        if self._loading is not None:
            self._loading.dropped = True
            self._loading = None

    def finish(self) -> None:
        """Wait for every batch's findings and write them; the worker is then let go.
        After a failure (already raised, naming the batches) there is nothing to wait for."""
        self.abandoned()
        if self._failed:
            return
        deferred, self._deferred = self._deferred, None
        if deferred is not None and self._unchecked:
            self._guarded(_raiser(deferred))
        self._guarded(lambda: self._take(wait=True))
        self.worker.stop()
        log.info(
            "language: %d findings; %.2f s of ingest's time on the check, %.2f s of it "
            "waiting for the worker",
            self.findings,
            self.seconds,
            self.waited,
        )

    def _send_texts(self, texts: list[str]) -> None:
        self.worker.send_analyse(texts)
        self._loading = _Request("analyse", None)
        self._pending.append(self._loading)

    def _send(self, batch_id: int) -> None:
        texts = self.con.execute(
            "SELECT DISTINCT narrative FROM events WHERE batch_id = ? AND narrative IS NOT NULL",
            [batch_id],
        ).fetchall()
        self.worker.send_analyse([str(t) for (t,) in texts])
        self._pending.append(_Request("analyse", batch_id))

    def _take(self, *, wait: bool) -> None:
        """Take the answers that have arrived (all of them, waiting, when ``wait``): an
        analysis sends the batch's candidate events with their people; findings are
        written. An answer about a submission still loading is left for later (the
        answers behind it too: they come in order); one about a submission that did not
        load is dropped."""
        while self._pending:
            request = self._pending[0]
            if request.batch_id is None and not request.dropped:
                return
            if not (wait or self.worker.answered()):
                return
            self._pending.popleft()
            started = time.perf_counter()
            try:
                answer = self._receive(request)
            finally:
                self.waited += time.perf_counter() - started
            if request.batch_id is None:
                continue
            batch_id = request.batch_id
            if request.kind == "analyse":
                assert isinstance(answer, list)
                # Only the events whose narrative some concept matches are read with
                # their people; the batch's own rows, since a newer batch of the same
                # source may have been loaded since.
                rows = candidate_rows(self.con, "batch_id = ?", [batch_id], answer, own_batch=True)
                self.worker.send_batch(rows, datetime.now(UTC).replace(tzinfo=None))
                self._pending.append(_Request("batch", batch_id))
                continue
            assert isinstance(answer, pa.Table)
            ensure_tables(self.con)
            replace_findings(self.con, [batch_id], answer)
            self._unchecked.remove(batch_id)
            self.findings += answer.num_rows
            log.info("language: batch %d checked, %d findings", batch_id, answer.num_rows)

    def _receive(self, request: _Request) -> list[str] | pa.Table | None:
        """The worker's answer to ``request``; None for a submission that did not load
        (a text it failed on is no batch's error: nothing of it was stored)."""
        try:
            if request.kind == "analyse":
                return self.worker.receive_analysis()
            return self.worker.receive_findings()
        except WorkerTextError as exc:
            if request.batch_id is None:
                return None
            if exc.text is None:
                raise
            raise located(self.con, "batch_id = ?", [request.batch_id], exc.text, str(exc)) from exc

    def _guarded(self, step: Callable[[], None]) -> None:
        started = time.perf_counter()
        try:
            step()
        except LanguageCheckError as exc:
            self._failed = True
            batches = ", ".join(str(b) for b in self._unchecked)
            commands = "; ".join(f"clearsight language scan --batch {b}" for b in self._unchecked)
            raise LanguageCheckError(
                f"{exc}. Loaded without their language findings: batch(es) {batches}; "
                f"check them with: {commands}"
            ) from exc
        finally:
            self.seconds += time.perf_counter() - started


def _raiser(exc: LanguageCheckError) -> Callable[[], None]:
    def step() -> None:
        raise exc

    return step
