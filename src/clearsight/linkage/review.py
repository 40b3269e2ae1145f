"""Pairs near the threshold for an analyst, and the analyst's decisions.

A decision is a must-link (accept) or cannot-link (reject) that every later run
enforces. ``link_decisions`` is append-only: it is the log, and the latest
decision for a pair is the one in force.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from clearsight.linkage import tables
from clearsight.linkage.errors import LinkageError


@dataclass(frozen=True)
class ReviewPair:
    record_key_l: str
    record_key_r: str
    match_weight: float
    evidence: float
    match_probability: float
    linked: bool
    refused_because: str | None
    left: str
    right: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    record_key_l: str
    record_key_r: str
    decision: str
    decided_by: str
    decided_at: datetime
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_DESCRIBE = (
    "concat_ws(', ', nullif(trim(concat_ws(' ', {p}.forenames, {p}.surname)), ''), "
    "{p}.date_of_birth, {p}.postcode)"
)


# A pair is for review when its evidence is near the threshold, or when it
# reached the threshold and a rule held it back (``refused_because``, other
# than an analyst's own rejection): a rule that holds back a high-scoring pair
# routes it to an analyst rather than dropping it. Parameters: low, high, threshold.
IN_REVIEW = (
    "(evidence BETWEEN ? AND ? OR (evidence >= ? AND refused_because IS NOT NULL "
    "AND refused_because <> 'rejected by analyst'))"
)


def review_list(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[ReviewPair]:
    """Undecided pairs of the latest run for review, nearest the threshold first.

    Within the review band, or above the threshold and held back by a rule
    (``ReviewPair.refused_because`` says which).
    """
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    _run_id, threshold, low, high, _model = latest
    rows = con.execute(
        f"""
        SELECT p.record_key_l, p.record_key_r, p.match_weight, p.evidence, p.match_probability,
               p.linked, p.refused_because,
               p.record_key_l || ' ' || {_DESCRIBE.format(p="a")},
               p.record_key_r || ' ' || {_DESCRIBE.format(p="b")}
        FROM link_pairs p
        LEFT JOIN current_link_decisions d USING (record_key_l, record_key_r)
        LEFT JOIN current_persons a ON a.source_id || ':' || a.person_id = p.record_key_l
        LEFT JOIN current_persons b ON b.source_id || ':' || b.person_id = p.record_key_r
        WHERE d.decision IS NULL AND {IN_REVIEW.replace("evidence", "p.evidence")}
        ORDER BY abs(p.evidence - ?), p.record_key_l, p.record_key_r
        LIMIT ?
        """,
        [low, high, threshold, threshold, limit],
    ).fetchall()
    return [
        ReviewPair(
            str(r[0]),
            str(r[1]),
            float(r[2]),
            float(r[3]),
            float(r[4]),
            bool(r[5]),
            r[6],
            str(r[7]),
            str(r[8]),
        )
        for r in rows
    ]


def _check_key(con: duckdb.DuckDBPyConnection, key: str) -> None:
    source_id, sep, person_id = key.partition(":")
    if not sep:
        raise LinkageError(f"{key!r} is not a record key; expected SOURCE_ID:PERSON_ID")
    found = con.execute(
        "SELECT count(*) FROM current_persons WHERE source_id = ? AND person_id = ?",
        [source_id, person_id],
    ).fetchall()[0][0]
    if not found:
        raise LinkageError(f"no current person record {key!r}")


def decide(
    con: duckdb.DuckDBPyConnection,
    left: str,
    right: str,
    *,
    accept: bool,
    reason: str,
    by: str | None = None,
) -> Decision:
    """Record that two records are (accept) or are not (reject) the same person.

    Enforced from the next run on: an accepted pair is always in one entity, a
    rejected pair never, even through other records.
    """
    tables.ensure_tables(con)
    if left == right:
        raise LinkageError("a record cannot be linked to itself")
    if not reason.strip():
        raise LinkageError("a decision needs a reason")
    for key in (left, right):
        _check_key(con, key)
    lo, hi = sorted((left, right))
    decision = Decision(
        record_key_l=lo,
        record_key_r=hi,
        decision="accept" if accept else "reject",
        decided_by=by or getpass.getuser(),
        decided_at=datetime.now(),
        reason=reason.strip(),
    )
    con.execute(
        "INSERT INTO link_decisions VALUES (?, ?, ?, ?, ?, ?)",
        [lo, hi, decision.decision, decision.decided_by, decision.decided_at, decision.reason],
    )
    return decision
