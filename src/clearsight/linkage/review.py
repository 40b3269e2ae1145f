"""Pairs near the threshold for an analyst, and the analyst's decisions.

A decision is a must-link (accept) or cannot-link (reject) that every later run
enforces. ``link_decisions`` is append-only: it is the log, and the latest
decision for a pair is the one in force.

Beside the pairs an analyst must see (held back by a rule, or nearest the
threshold), ``measurement_sample`` draws pairs at random from the review band,
per pair of sources, so that the decisions on them are labels that estimate the
model's precision and recall (``accuracy.py``) rather than the model's hardest cases.
"""

from __future__ import annotations

import getpass
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from clearsight.linkage import tables
from clearsight.linkage.errors import LinkageError
from clearsight.store.sql import table_exists


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
    # Why the pair is in the queue: the rule that held it back, "near the
    # threshold", or ``MEASUREMENT_REASON``; for a sampled pair, its stratum.
    reason: str = "near the threshold"
    stratum: str | None = None

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
    queued = [_pair(r, reason=str(r[6]) if r[6] else "near the threshold") for r in rows]
    return queued + _context_review(con, limit - len(queued))


def _context_review(con: duckdb.DuckDBPyConnection, limit: int) -> list[ReviewPair]:
    """Records named by a first name only that fit more than one adult recorded with their
    child (``context.py``): each paired with the first of those adults, no score (the
    model never weighed them), the reason naming what to decide."""
    if limit <= 0 or not table_exists(con, "link_context"):
        return []
    rows = con.execute(
        f"""
        SELECT c.record_key, coalesce(c.anchor_key, c.candidate_keys[1], ''),
               'NaN'::DOUBLE, 'NaN'::DOUBLE, 'NaN'::DOUBLE, false, c.reason,
               c.record_key || ' ' || {_DESCRIBE.format(p="a")},
               coalesce(c.anchor_key, c.candidate_keys[1], '') || ' '
                   || coalesce({_DESCRIBE.format(p="b")}, '')
                   || ' (of ' || array_to_string(c.candidate_keys, ', ') || ')'
        FROM link_context c
        LEFT JOIN current_persons a ON a.source_id || ':' || a.person_id = c.record_key
        LEFT JOIN current_persons b
               ON b.source_id || ':' || b.person_id = coalesce(c.anchor_key, c.candidate_keys[1])
        WHERE c.outcome = 'review'
        ORDER BY c.record_key LIMIT ?
        """,
        [limit],
    ).fetchall()
    return [_pair(r, reason=str(r[6])) for r in rows]


MEASUREMENT_REASON = "sampled for measurement"
SAMPLES_TABLE = "link_review_samples"
SAMPLES_DDL = f"""
CREATE TABLE IF NOT EXISTS {SAMPLES_TABLE} (
    run_id INTEGER NOT NULL,
    record_key_l VARCHAR NOT NULL,
    record_key_r VARCHAR NOT NULL,
    stratum VARCHAR NOT NULL,
    seed INTEGER NOT NULL,
    sampled_at TIMESTAMP NOT NULL
)
"""


@dataclass(frozen=True)
class MeasurementSample:
    """A seeded sample of the review band: the pairs still to decide, and how far it got."""

    run_id: int
    seed: int
    per_source_pair: int
    sampled: int
    decided: int
    pairs: list[ReviewPair]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "pairs": [p.as_dict() for p in self.pairs]}


# The review band is cut at the threshold, and each side in two: precision is
# estimated from labels on pairs the model links (above the threshold) and
# recall from pairs it does not (below), and each side's half nearer the
# threshold holds different pairs (one disagreement more or less) from its half
# nearer the band's edge. Each part gets labels in proportion to its pairs
# (Sainte-Lague's divisors over the parts), so that the sample weighs the band as
# the band is: unweighted figures from it estimate the band's own precision and
# recall, and no part of the band goes unsampled for want of a seat.
_BIN_SQL = """CASE
    WHEN p.evidence < $threshold THEN
        CASE WHEN p.evidence < ($low + $threshold) / 2 THEN 0 ELSE 1 END
    ELSE CASE WHEN p.evidence < ($threshold + $high) / 2 THEN 2 ELSE 3 END
END"""


def measurement_sample(
    con: duckdb.DuckDBPyConnection,
    per_source_pair: int = 20,
    seed: int = 1,
    *,
    sources: Collection[str] | None = None,
) -> MeasurementSample:
    """Up to ``per_source_pair`` pairs of the review band per pair of sources, at random.

    Drawn from the four parts of the band (``_BIN_SQL``) in proportion to their
    pairs, in an order the seed fixes: the same seed on the same run draws the
    same pairs, whatever has been decided since. Every drawn pair is kept in
    ``link_review_samples`` (so that its label is known to come from the sample);
    the undecided ones are returned, with ``MEASUREMENT_REASON`` and their
    stratum. The pairs a rule held back stay in ``review_list``: a sample is
    drawn beside them, not instead. With ``sources``, only pairs both of whose
    records come from those sources are drawn (the web app's analyst draws for
    the sources of their own area); each pair of sources is drawn alone, so the
    pairs drawn for it are the same with or without the restriction.
    """
    if per_source_pair < 1:
        raise LinkageError("a measurement sample needs at least one pair per pair of sources")
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    run_id, threshold, low, high, _model = latest
    con.execute(SAMPLES_DDL)
    params: dict[str, object] = {
        "low": low,
        "high": high,
        "threshold": threshold,
        "seed": seed,
        "n": per_source_pair,
    }
    among = ""
    if sources is not None:
        among = (
            " AND list_contains($sources, p.source_id_l) AND list_contains($sources, p.source_id_r)"
        )
        params["sources"] = sorted(sources)
    rows = con.execute(
        f"""
        WITH band AS (
            SELECT p.record_key_l, p.record_key_r, p.match_weight, p.evidence,
                   p.match_probability, p.linked, p.refused_because,
                   least(p.source_id_l, p.source_id_r) AS src_a,
                   greatest(p.source_id_l, p.source_id_r) AS src_b,
                   {_BIN_SQL} AS bin
            FROM link_pairs p WHERE p.evidence BETWEEN $low AND $high{among}
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY src_a, src_b, bin
                ORDER BY md5($seed::VARCHAR || '|' || record_key_l || '|' || record_key_r)
            ) AS k,
            count(*) OVER (PARTITION BY src_a, src_b, bin) AS in_bin
            FROM band
        ),
        chosen AS (
            SELECT * FROM ranked
            QUALIFY row_number() OVER (
                PARTITION BY src_a, src_b ORDER BY (k - 0.5) / in_bin, bin
            ) <= $n
        )
        SELECT c.record_key_l, c.record_key_r, c.match_weight, c.evidence,
               c.match_probability, c.linked, c.refused_because,
               c.record_key_l || ' ' || {_DESCRIBE.format(p="a")},
               c.record_key_r || ' ' || {_DESCRIBE.format(p="b")},
               {_STRATUM_SQL},
               d.decision IS NOT NULL
        FROM chosen c
        LEFT JOIN current_link_decisions d USING (record_key_l, record_key_r)
        LEFT JOIN current_persons a ON a.source_id || ':' || a.person_id = c.record_key_l
        LEFT JOIN current_persons b ON b.source_id || ':' || b.person_id = c.record_key_r
        ORDER BY c.src_a, c.src_b, c.k, c.bin
        """,
        params,
    ).fetchall()
    _keep_drawn(con, run_id, seed, [(str(r[0]), str(r[1]), str(r[9])) for r in rows])
    pairs = [_pair(r, reason=MEASUREMENT_REASON, stratum=str(r[9])) for r in rows if not r[10]]
    return MeasurementSample(
        run_id=run_id,
        seed=seed,
        per_source_pair=per_source_pair,
        sampled=len(rows),
        decided=len(rows) - len(pairs),
        pairs=pairs,
    )


# The part of the band a sampled pair was drawn from, in words (its pair of sources and
# its evidence range): the band is cut at the threshold and each side halved.
_STRATUM_SQL = """c.src_a || ' / ' || c.src_b || ', evidence '
                   || CASE c.bin WHEN 0 THEN printf('%.1f', $low)
                                 WHEN 1 THEN printf('%.1f', ($low + $threshold) / 2)
                                 WHEN 2 THEN printf('%.1f', $threshold)
                                 ELSE printf('%.1f', ($threshold + $high) / 2) END
                   || ' to ' || CASE c.bin WHEN 0 THEN printf('%.1f', ($low + $threshold) / 2)
                                 WHEN 1 THEN printf('%.1f', $threshold)
                                 WHEN 2 THEN printf('%.1f', ($threshold + $high) / 2)
                                 ELSE printf('%.1f', $high) END"""


def _keep_drawn(
    con: duckdb.DuckDBPyConnection, run_id: int, seed: int, drawn: list[tuple[str, str, str]]
) -> None:
    """Every drawn pair (left key, right key, stratum) in ``link_review_samples``, once per
    run, so that its label is known to come from the sample."""
    con.execute(
        f"""
        INSERT INTO {SAMPLES_TABLE}
        SELECT ?, s.l, s.r, s.stratum, ?, ? FROM (SELECT unnest(?) AS l, unnest(?) AS r,
                                                         unnest(?) AS stratum) s
        WHERE NOT EXISTS (SELECT 1 FROM {SAMPLES_TABLE} t WHERE t.run_id = ?
                          AND t.record_key_l = s.l AND t.record_key_r = s.r)
        """,
        [
            run_id,
            seed,
            datetime.now(),
            [d[0] for d in drawn],
            [d[1] for d in drawn],
            [d[2] for d in drawn],
            run_id,
        ],
    )


def _pair(row: Any, *, reason: str, stratum: str | None = None) -> ReviewPair:
    """A queued pair from a row of the review queries (keys, weight, evidence,
    probability, linked, the rule that held it back, the two records described)."""
    return ReviewPair(
        str(row[0]),
        str(row[1]),
        float(row[2]),
        float(row[3]),
        float(row[4]),
        bool(row[5]),
        row[6],
        str(row[7]),
        str(row[8]),
        reason=reason,
        stratum=stratum,
    )


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
