"""The closed-case review queue as the web shows it: the viewer's cases, sorted and paged,
and one case with the people of its record.

Reasons are shown with the number of evidence items behind each, not the items: an item
may name another area's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.access import Principal, record_filter
from clearsight.web.queries import Row, entity_join, exists, rows, sealed_expr

PAGE_SIZE = 25
PAGE_SIZES = (10, 25, 50, 100)
# Sort keys the page offers, each with the order it starts in: the screening score best
# first (the queue's own order), dates newest first, the rest A to Z.
SORTS: dict[str, tuple[str, bool]] = {
    "score": ("Score", True),
    "closed": ("Closed", True),
    "outcome": ("Outcome", False),
    "type": ("Type", False),
    "case": ("Case", False),
}
# What each screening reason (clearsight.review.screen) means, for the page.
REASONS = {
    "meets_universal_definition": "meets the universal definition of group-based CSE",
    "person_in_network": "a person in it is in a detected network",
    "new_linked_records": "new records linked to its people since it closed",
}


def case_visible(con: duckdb.DuckDBPyConnection, principal: Principal, case_id: str) -> bool:
    """The case exists and its record is one the principal may identify."""
    if not exists(con, "review_queue"):
        return False
    scope, params = record_filter(principal)
    return bool(
        con.execute(
            "SELECT 1 FROM review_queue q JOIN sources s USING (source_id)"
            f" WHERE q.case_id = ? AND {scope}",
            [case_id, *params],
        ).fetchall()
    )


def _row(entry: Any) -> Row:
    evidence = {
        reason: len(items) if isinstance(items, list) else 1
        for reason, items in entry.evidence.items()
    }
    return {
        "case_id": entry.case_id,
        "source_id": entry.source_id,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "closed_date": entry.closed_date,
        "outcome_code": entry.outcome_code,
        "reasons": [
            (r, REASONS.get(r, r.replace("_", " ")), evidence.get(r, 0)) for r in entry.reasons
        ],
        "score": entry.score,
        "state": entry.state,
        "last_decision": entry.last_decision,
    }


def queue_rows(
    con: duckdb.DuckDBPyConnection, principal: Principal, *, include_decided: bool = False
) -> list[Row]:
    """Cases (awaiting a decision, unless ``include_decided``) on records the principal may
    identify, in the queue's order (score, best first)."""
    from clearsight.review import list_queue

    scope, params = record_filter(principal)
    allowed_sources = {
        str(r[0])
        for r in con.execute(f"SELECT s.source_id FROM sources s WHERE {scope}", params).fetchall()
    }
    entries = list_queue(con, principal.area, include_decided=include_decided, limit=None)
    return [_row(e) for e in entries if e.source_id in allowed_sources]


def _sort_key(key: str) -> Any:
    def closed(r: Row) -> Any:
        return (r["closed_date"] is None, str(r["closed_date"] or ""), r["case_id"])

    keys = {
        "score": lambda r: (r["score"], r["case_id"]),
        "closed": closed,
        "outcome": lambda r: (r["outcome_code"] is None, r["outcome_code"] or 0, r["case_id"]),
        "type": lambda r: (str(r["event_type"] or ""), r["case_id"]),
        "case": lambda r: r["case_id"],
    }
    return keys[key]


@dataclass(frozen=True)
class QueuePage:
    rows: list[Row]
    total: int
    page: int
    pages: int
    sort: str
    descending: bool
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.size, self.total)


def page_of(
    all_rows: list[Row],
    *,
    sort: str,
    descending: bool | None,
    page: int,
    size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of ``all_rows`` sorted by ``sort`` (unknown: by score); a page past the
    end shows the last; a size not offered is the default."""
    if size not in PAGE_SIZES:
        size = PAGE_SIZE
    if sort not in SORTS:
        sort = "score"
    down = SORTS[sort][1] if descending is None else descending
    ordered = sorted(all_rows, key=_sort_key(sort), reverse=down)
    if sort == "closed" and down:
        # Undated cases last whichever way the dates run.
        ordered = [r for r in ordered if r["closed_date"]] + [
            r for r in ordered if not r["closed_date"]
        ]
    pages = max(1, -(-len(ordered) // size))
    page = min(max(1, page), pages)
    start = (page - 1) * size
    return QueuePage(ordered[start : start + size], len(ordered), page, pages, sort, down, size)


def case_detail(
    con: duckdb.DuckDBPyConnection, principal: Principal, case_id: str
) -> tuple[Row, list[Row]] | None:
    """The case (with decided ones) and the people of its record, or None when the
    principal may not see it. The people share the case's source, so a viewer who may see
    the case may identify them; a sealed one is shown as sealed, unnamed."""
    if not case_visible(con, principal, case_id):
        return None
    found = [r for r in queue_rows(con, principal, include_decided=True) if r["case_id"] == case_id]
    if not found:
        return None
    case = found[0]
    event = rows(
        con,
        "SELECT e.offence, e.occurred_date, e.reported_date, e.status, e.cse_flag, e.narrative"
        " FROM current_events e WHERE e.source_id = ? AND e.event_id = ?",
        [case["source_id"], case["event_id"]],
    )
    case["event"] = event[0] if event else {}
    people: list[Row] = []
    if exists(con, "current_involvements"):
        join, entity = entity_join(con)
        people = rows(
            con,
            f"SELECT {entity} AS entity_id, i.role, p.forenames, p.surname, p.date_of_birth,"
            f" {sealed_expr(con)} AS sealed"
            " FROM current_involvements i JOIN current_persons p"
            " ON p.source_id = i.source_id AND p.person_id = i.person_id"
            f" {join} WHERE i.source_id = ? AND i.event_id = ?"
            " ORDER BY i.role, p.surname NULLS LAST, p.forenames NULLS LAST, 1",
            [case["source_id"], case["event_id"]],
        )
        for p in people:
            if p["sealed"]:
                p["forenames"] = p["surname"] = p["date_of_birth"] = None
    return case, people
