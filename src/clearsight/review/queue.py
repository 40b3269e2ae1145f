"""The review queue: cases to look at again, best evidence first, and the decisions taken."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import duckdb

from clearsight.review.screen import ensure_tables
from clearsight.store.sql import table_exists

Decision = Literal["refer", "no_action"]
DECISIONS: tuple[Decision, ...] = ("refer", "no_action")


@dataclass(frozen=True)
class QueueEntry:
    case_id: str
    source_id: str
    event_id: str
    area: str | None
    event_type: str | None
    closed_date: date | None
    outcome_code: int | None
    reasons: list[str]
    evidence: dict[str, Any]
    score: float
    state: str  # new, or reopened (decided before, new evidence since), or decided
    last_decision: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "source_id": self.source_id,
            "event_id": self.event_id,
            "area": self.area,
            "event_type": self.event_type,
            "closed_date": None if self.closed_date is None else self.closed_date.isoformat(),
            "outcome_code": self.outcome_code,
            "reasons": self.reasons,
            "evidence": self.evidence,
            "score": self.score,
            "state": self.state,
            "last_decision": self.last_decision,
        }


LIST_SQL = """
WITH last AS (
    SELECT case_id, decision, reasons_hash FROM review_decisions
    QUALIFY row_number() OVER (PARTITION BY case_id ORDER BY decided_at DESC) = 1
)
SELECT q.case_id, q.source_id, q.event_id, q.area, q.event_type, q.closed_date,
       q.outcome_code, q.reasons, q.evidence, q.score,
       CASE WHEN l.case_id IS NULL THEN 'new'
            WHEN l.reasons_hash IS DISTINCT FROM q.reasons_hash THEN 'reopened'
            ELSE 'decided' END AS state,
       l.decision
FROM review_queue q LEFT JOIN last l USING (case_id)
WHERE (? IS NULL OR q.area = ?)
ORDER BY q.score DESC, q.case_id
"""


def list_queue(
    con: duckdb.DuckDBPyConnection,
    area: str | None = None,
    include_decided: bool = False,
    limit: int | None = None,
) -> list[QueueEntry]:
    """Cases awaiting a decision (new, or reopened by new evidence), highest score first."""
    if not table_exists(con, "review_queue"):
        raise ValueError("closed cases have not been screened: run 'clearsight review screen'")
    if not table_exists(con, "review_decisions"):
        con.execute(
            "CREATE TEMP TABLE IF NOT EXISTS review_decisions (case_id VARCHAR, "
            "decision VARCHAR, reasons_hash VARCHAR, decided_at TIMESTAMP)"
        )
    entries = []
    for row in con.execute(LIST_SQL, [area, area]).fetchall():
        entry = QueueEntry(
            case_id=str(row[0]),
            source_id=str(row[1]),
            event_id=str(row[2]),
            area=row[3],
            event_type=row[4],
            closed_date=row[5],
            outcome_code=row[6],
            reasons=list(json.loads(row[7])),
            evidence=dict(json.loads(row[8])),
            score=float(row[9]),
            state=str(row[10]),
            last_decision=row[11],
        )
        if include_decided or entry.state != "decided":
            entries.append(entry)
    return entries[:limit] if limit else entries


def decide(
    con: duckdb.DuckDBPyConnection, case_id: str, decision: str, reason: str, decided_by: str
) -> None:
    """Record a decision (append-only); the case leaves the queue until its evidence changes."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if not reason.strip():
        raise ValueError("a decision needs a reason")
    ensure_tables(con)
    rows = con.execute(
        "SELECT reasons_hash FROM review_queue WHERE case_id = ?", [case_id]
    ).fetchall()
    if not rows:
        raise ValueError(f"no case {case_id} in the review queue")
    row = rows[0]
    con.execute(
        "INSERT INTO review_decisions VALUES (?, ?, ?, ?, ?, ?)",
        [case_id, decision, reason.strip(), decided_by, datetime.now(), row[0]],
    )
    from clearsight.audit import log

    log.record(
        con,
        actor=decided_by,
        action="review_decision",
        target=case_id,
        reason=reason.strip(),
        details={"decision": decision},
    )
