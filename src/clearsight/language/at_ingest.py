"""The language check during ``clearsight ingest``: in its own process, beside loading.

Each batch is checked once it has committed, while the next submission loads: the
:class:`~clearsight.language.worker.CheckWorker` analyses the batch's distinct
narratives, then checks the candidate texts with their records' people, and this
process writes the findings in a transaction of their own. Requests are answered in
order, so the schedule is fixed: when batch ``k`` has loaded, the analysis of batch
``k - 1`` is read and its check sent, and the findings of batch ``k - 2`` are read and
written; :meth:`IngestCheck.finish` does the rest.

A batch's findings are the ones ``check_narratives`` would write for it (the same
functions on the same rows). What differs from checking inside the load's
transaction: between a batch's commit and its findings, the store holds the batch
without them. A failure of the check (an error on a text, or the worker ending) is an
error naming every batch left without findings and the command that checks it; it is
never a batch checked in part.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.language.store import (
    ensure_tables,
    findings_table,
    located,
    narratives_sql,
    record_items,
    replace_findings,
)
from clearsight.language.worker import CheckWorker, Item, LanguageCheckError

log = logging.getLogger("clearsight.language")


@dataclass
class _Batch:
    """A loaded batch on its way through the check."""

    batch_id: int
    rows: pa.Table  # source_id, batch_id, event_id, narrative, people: every narrative
    texts: list[str]
    items: list[Item] = field(default_factory=list)
    row_items: list[int] = field(default_factory=list)


class IngestCheck:
    """Check each batch as ingest loads it. ``loaded`` after each batch commits,
    ``finish`` at the end; both raise :class:`LanguageCheckError` on a failure."""

    def __init__(self, con: duckdb.DuckDBPyConnection, worker: CheckWorker) -> None:
        self.con = con
        self.worker = worker
        # (what was asked, of which batch), oldest first: the order of the answers.
        self._pending: deque[tuple[str, _Batch]] = deque()
        self._unchecked: list[int] = []

    def loaded(self, batch_id: int) -> None:
        """Send the new batch's narratives, then go on with the earlier batches."""
        self._unchecked.append(batch_id)
        self._guarded(lambda: self._start(batch_id))
        self._guarded(lambda: self._advance(until=batch_id))

    def finish(self) -> None:
        """Wait for every batch's findings and write them."""
        self._guarded(lambda: self._advance(until=None))

    def _start(self, batch_id: int) -> None:
        where = "batch_id = ?"
        rows = self.con.sql(
            narratives_sql(self.con, where, candidates=False), params=[batch_id]
        ).to_arrow_table()
        texts = pc.unique(rows.column(3)).to_pylist()
        batch = _Batch(batch_id, rows, [str(t) for t in texts])
        self.worker.send_analyse(batch.texts)
        self._pending.append(("analyse", batch))

    def _advance(self, until: int | None) -> None:
        """Handle answers for batches before ``until`` (all of them when None)."""
        while self._pending and (until is None or self._pending[0][1].batch_id != until):
            kind, batch = self._pending.popleft()
            if kind == "analyse":
                self._analysed(batch)
            else:
                self._checked(batch)

    def _analysed(self, batch: _Batch) -> None:
        where, params = "batch_id = ?", [batch.batch_id]
        answer = located(self.con, where, params, batch.texts, self.worker.receive_analysis)
        analyses = answer
        found = [t for t, a in zip(batch.texts, analyses, strict=True) if a.may_find]
        needs_all = {t for t, a in zip(batch.texts, analyses, strict=True) if a.needs_all_people}
        candidates = batch.rows.filter(pc.is_in(batch.rows.column(3), pa.array(found, pa.string())))
        batch.rows = candidates
        batch.items, batch.row_items = record_items(candidates, needs_all)
        self.worker.send_check(batch.items)
        self._pending.append(("check", batch))

    def _checked(self, batch: _Batch) -> None:
        where, params = "batch_id = ?", [batch.batch_id]
        texts = [text for text, _ in batch.items]
        answer = located(self.con, where, params, texts, self.worker.receive_findings)
        found = answer
        table = findings_table(
            batch.rows,
            batch.row_items,
            found,
            self.worker.version,
            datetime.now(UTC).replace(tzinfo=None),
        )
        ensure_tables(self.con)
        replace_findings(self.con, [batch.batch_id], table)
        self._unchecked.remove(batch.batch_id)
        log.info("language: batch %d checked, %d findings", batch.batch_id, table.num_rows)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except LanguageCheckError as exc:
            batches = ", ".join(str(b) for b in self._unchecked)
            commands = "; ".join(f"clearsight language scan --batch {b}" for b in self._unchecked)
            raise LanguageCheckError(
                f"{exc}. Loaded without their language findings: batch(es) {batches}; "
                f"check them with: {commands}"
            ) from exc
