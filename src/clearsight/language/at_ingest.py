"""The language check during ``clearsight ingest``: in its own process, beside loading.

Each batch is checked once it has committed, while the next submission loads: this
process sends the batch's distinct narratives to the
:class:`~clearsight.language.worker.CheckWorker`, which answers which of them some
concept matches; this process then reads the events with those narratives and their
people (the batch's own: a newer batch of the same source may have loaded since) and
sends them; the worker checks them (the functions ``check_narratives`` uses, on the
same rows) and sends back the findings table, which this process writes in a
transaction of its own. Requests are answered in the order they were sent; whenever a
batch has loaded, the answers that have arrived are taken without waiting for the
worker, and :meth:`IngestCheck.finish` waits for the rest.

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
from datetime import UTC, datetime

import duckdb

from clearsight.language.store import (
    LanguageCheckError,
    candidate_rows,
    ensure_tables,
    located,
    replace_findings,
)
from clearsight.language.worker import CheckWorker, WorkerTextError

log = logging.getLogger("clearsight.language")


class IngestCheck:
    """Check each batch as ingest loads it: :meth:`loaded` after each batch commits,
    :meth:`finish` at the end; both raise :class:`LanguageCheckError` on a failure."""

    def __init__(self, con: duckdb.DuckDBPyConnection, worker: CheckWorker) -> None:
        self.con = con
        self.worker = worker
        # Requests sent and not yet answered, oldest first (the order of the answers):
        # ("analyse" or "batch", batch id).
        self._pending: deque[tuple[str, int]] = deque()
        # Batches loaded and not yet written.
        self._unchecked: list[int] = []
        self._failed = False
        # Seconds this process spent on the check (reading batches, writing findings,
        # waiting), and of those waiting for the worker: what the check adds to ingest.
        self.seconds = 0.0
        self.waited = 0.0
        self.findings = 0

    def loaded(self, batch_id: int) -> None:
        """Send the new batch's narratives, then take the answers that have arrived."""
        self._unchecked.append(batch_id)
        self._guarded(lambda: self._send(batch_id))
        self._guarded(lambda: self._take(wait=False))

    def finish(self) -> None:
        """Wait for every batch's findings and write them; the worker is then let go.
        After a failure (already raised, naming the batches) there is nothing to wait for."""
        if self._failed:
            return
        self._guarded(lambda: self._take(wait=True))
        self.worker.stop()
        log.info(
            "language: %d findings; %.2f s of ingest's time on the check, %.2f s of it "
            "waiting for the worker",
            self.findings,
            self.seconds,
            self.waited,
        )

    def _send(self, batch_id: int) -> None:
        texts = self.con.execute(
            "SELECT DISTINCT narrative FROM events WHERE batch_id = ? AND narrative IS NOT NULL",
            [batch_id],
        ).fetchall()
        self.worker.send_analyse([str(t) for (t,) in texts])
        self._pending.append(("analyse", batch_id))

    def _take(self, *, wait: bool) -> None:
        """Take the answers that have arrived (all of them, waiting, when ``wait``): an
        analysis sends the batch's candidate events with their people; findings are
        written."""
        while self._pending and (wait or self.worker.answered()):
            kind, batch_id = self._pending.popleft()
            where, params = "batch_id = ?", [batch_id]
            started = time.perf_counter()
            try:
                if kind == "analyse":
                    found: list[str] = self.worker.receive_analysis()
                else:
                    table = self.worker.receive_findings()
            except WorkerTextError as exc:
                if exc.text is None:
                    raise
                raise located(self.con, where, params, exc.text, str(exc)) from exc
            finally:
                self.waited += time.perf_counter() - started
            if kind == "analyse":
                # Only the events whose narrative some concept matches are read with
                # their people; the batch's own rows, since a newer batch of the same
                # source may have been loaded since.
                rows = candidate_rows(self.con, where, params, found, own_batch=True)
                self.worker.send_batch(rows, datetime.now(UTC).replace(tzinfo=None))
                self._pending.append(("batch", batch_id))
                continue
            ensure_tables(self.con)
            replace_findings(self.con, [batch_id], table)
            self._unchecked.remove(batch_id)
            self.findings += table.num_rows
            log.info("language: batch %d checked, %d findings", batch_id, table.num_rows)

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
