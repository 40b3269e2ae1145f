"""The model estimated from analysts' decisions: precision and recall per pair of sources.

An analyst's decision on a pair (``link decide``) is a label: the two records
are the same person, or not. The labels (view ``link_labels``, in the form
Splink's labels table takes) are handed to Splink's own accuracy analysis
(``linker.evaluation.accuracy_analysis_from_labels_table``): it scores every
labelled pair with the last run's model, whether or not blocking proposed it,
and counts true and false positives and negatives at the run's threshold. That
is the model's score alone. Beside it, the same labels are compared with the
pair as Clearsight linked it (proposed by blocking, over the threshold and not
held back by a rule): what an analyst actually receives. Both per pair of
sources, since partners record differently and a model that serves police and
health records well may serve a charity's badly.

The model's verdict is read without the decisions: a decision binds every later
run, so the entities themselves would agree with the labels by construction.

Labels drawn at random from the review band (``review.measurement_sample``)
estimate how the model does across the band; decisions on the pairs nearest the
threshold or held back by a rule are the model's hardest cases and make it look
worse than it is there. Every row says how many labels stand behind each figure
and how many came from the sample; below ``MIN_LABELS`` a figure is not given.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from clearsight.linkage import features, frequencies, model, tables
from clearsight.linkage.errors import LinkageError
from clearsight.linkage.guards import guard_sql, pairs_for_guards

LABELS_VIEW = "link_labels"
# Splink's labels table: the unique id of each side and a clerical match score
# (1 the same person, 0 not), beside the sources and whether the pair was drawn
# for measurement.
LABELS_SQL = f"""
CREATE OR REPLACE VIEW {LABELS_VIEW} AS
SELECT d.record_key_l, d.record_key_r,
       CASE d.decision WHEN 'accept' THEN 1.0 ELSE 0.0 END AS clerical_match_score,
       least(split_part(d.record_key_l, ':', 1), split_part(d.record_key_r, ':', 1)) AS source_l,
       greatest(split_part(d.record_key_l, ':', 1), split_part(d.record_key_r, ':', 1))
           AS source_r,
       EXISTS (SELECT 1 FROM link_review_samples s WHERE s.record_key_l = d.record_key_l
               AND s.record_key_r = d.record_key_r) AS sampled,
       d.decided_by, d.decided_at
FROM current_link_decisions d
"""

# Fewer labels than this behind a precision or a recall and the figure is not
# given. Each label moves a share by one part in the number of labels: below
# twenty, a single decision shifts it by more than five percentage points, and
# its 95% interval is wider than the difference between a model that serves a
# pair of partners and one that does not.
MIN_LABELS = 20
# The 95% interval of a share (Wilson's score interval, which stays inside
# 0 to 1 for shares near either end, where linkage figures sit).
_Z95 = 1.959964


@dataclass(frozen=True)
class Estimate:
    """A precision or recall: the share, its 95% interval, the labels behind it."""

    value: float | None
    low: float | None
    high: float | None
    labels: int
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def estimate(hits: int, total: int, what: str) -> Estimate:
    """``hits`` of ``total`` as a share, or a statement that there are too few labels."""
    if total < MIN_LABELS:
        return Estimate(
            None,
            None,
            None,
            total,
            f"too few labels to estimate {what}: {total} of the {MIN_LABELS} needed",
        )
    p = hits / total
    centre = (p + _Z95**2 / (2 * total)) / (1 + _Z95**2 / total)
    half = (_Z95 / (1 + _Z95**2 / total)) * math.sqrt(
        p * (1 - p) / total + _Z95**2 / (4 * total**2)
    )
    return Estimate(
        round(p, 4),
        round(max(0.0, centre - half), 4),
        round(min(1.0, centre + half), 4),
        total,
        f"{hits} of {total} labels",
    )


@dataclass(frozen=True)
class SourcePairAccuracy:
    """Labels and estimates for the pairs between two sources (or within one)."""

    source_l: str
    source_r: str
    labelled: int
    accepted: int
    rejected: int
    # Labels drawn at random from the review band (``review.measurement_sample``).
    sampled: int
    # Splink's accuracy analysis of the model's score at the run's threshold.
    tp: int
    fp: int
    fn: int
    tn: int
    precision: Estimate
    recall: Estimate
    # The same labels against the pairs as linked (blocking proposed the pair, its
    # evidence reached the threshold and no rule held it back).
    linked_accepted: int
    linked_rejected: int
    unlinked_accepted: int
    unlinked_rejected: int
    linked_precision: Estimate
    linked_recall: Estimate

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ensure_labels(con: duckdb.DuckDBPyConnection) -> None:
    """The ``link_labels`` view (and the sample table it reads)."""
    from clearsight.linkage.review import SAMPLES_DDL

    tables.ensure_tables(con)
    con.execute(SAMPLES_DDL)
    con.execute(LABELS_SQL)


def accuracy(con: duckdb.DuckDBPyConnection) -> list[SourcePairAccuracy]:
    """Precision and recall of the last run's model per pair of sources, from the decisions."""
    ensure_labels(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    _run_id, threshold, *_rest, model_json = latest
    counts = _as_linked(con, threshold)
    if not counts:
        return []
    if model_json in ("", "None"):
        raise LinkageError("the last run kept no model to score the labels with")
    scored = _splink_counts(con, json.loads(model_json), threshold, list(counts))
    out = []
    for (left, right), (la, lr, ua, ur, sampled) in counts.items():
        tp, fp, fn, tn = scored[(left, right)]
        out.append(
            SourcePairAccuracy(
                source_l=left,
                source_r=right,
                labelled=la + lr + ua + ur,
                accepted=la + ua,
                rejected=lr + ur,
                sampled=sampled,
                tp=tp,
                fp=fp,
                fn=fn,
                tn=tn,
                precision=estimate(tp, tp + fp, "precision"),
                recall=estimate(tp, tp + fn, "recall"),
                linked_accepted=la,
                linked_rejected=lr,
                unlinked_accepted=ua,
                unlinked_rejected=ur,
                linked_precision=estimate(la, la + lr, "precision"),
                linked_recall=estimate(la, la + ua, "recall"),
            )
        )
    return out


def _as_linked(
    con: duckdb.DuckDBPyConnection, threshold: float
) -> dict[tuple[str, str], tuple[int, int, int, int, int]]:
    """Per pair of sources: labels by the linked verdict and the label, and how many sampled.

    A labelled pair the last run never scored (no blocking rule proposed it, or
    its evidence fell below the review band) is one Clearsight would not link.
    """
    # The guards without the decisions: an empty decision table in their place.
    rules = guard_sql().replace("d.decision", "NULL::VARCHAR")
    rows = con.execute(
        f"""
        WITH verdicts AS (
            SELECT p.record_key_l, p.record_key_r,
                   p.evidence >= ? AND ({rules}) IS NULL AS links
            FROM {pairs_for_guards(con)} p JOIN {LABELS_VIEW} USING (record_key_l, record_key_r)
        )
        SELECT l.source_l, l.source_r,
               count(*) FILTER (WHERE coalesce(v.links, false) AND l.clerical_match_score = 1),
               count(*) FILTER (WHERE coalesce(v.links, false) AND l.clerical_match_score = 0),
               count(*) FILTER (WHERE NOT coalesce(v.links, false)
                                AND l.clerical_match_score = 1),
               count(*) FILTER (WHERE NOT coalesce(v.links, false)
                                AND l.clerical_match_score = 0),
               count(*) FILTER (WHERE l.sampled)
        FROM {LABELS_VIEW} l LEFT JOIN verdicts v USING (record_key_l, record_key_r)
        GROUP BY ALL ORDER BY 1, 2
        """,
        [threshold],
    ).fetchall()
    return {
        (str(r[0]), str(r[1])): (int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]))
        for r in rows
    }


_LABELS_SCRATCH = "_link_labels_pair"


def _splink_counts(
    con: duckdb.DuckDBPyConnection,
    trained: dict[str, Any],
    threshold: float,
    source_pairs: list[tuple[str, str]],
) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(TP, FP, FN, TN) of the model's score at the threshold, per pair of sources.

    Splink's truth-space table has a row per distinct score of a label: the
    counts at the first score at or above the threshold are those of the
    threshold itself (no label scores in between). Labels on records no longer
    current cannot be scored and are not counted.
    """
    from clearsight.linkage.backend import DuckDBBackend

    model.check_design(trained)
    model.quiet_splink(False)
    features.build_input(con)
    backend = DuckDBBackend(con)
    cut = threshold + model.prior_weight(trained)
    out: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    made: list[str] = []
    try:
        linker = backend.linker(
            backend.register_input(features.INPUT_TABLE), backend.scoring_model(trained)
        )
        # The name frequencies the run scored with (shrunk in small stores), or Splink
        # would re-score the labels with its own and disagree with the stored scores.
        made = frequencies.register(con, backend, linker, trained, features.INPUT_TABLE)
        for left, right in source_pairs:
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE {_LABELS_SCRATCH} AS
                SELECT l.record_key_l, l.record_key_r, l.clerical_match_score
                FROM {LABELS_VIEW} l
                WHERE l.source_l = ? AND l.source_r = ?
                  AND l.record_key_l IN (SELECT record_key FROM {features.INPUT_TABLE})
                  AND l.record_key_r IN (SELECT record_key FROM {features.INPUT_TABLE})
                """,
                [left, right],
            )
            out[(left, right)] = _at_threshold(con, backend, linker, cut)
    finally:
        frequencies.release(con, made)
        backend.release()
        for scratch in (_LABELS_SCRATCH, features.INPUT_TABLE):
            con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return out


def _at_threshold(
    con: duckdb.DuckDBPyConnection, backend: Any, linker: Any, cut: float
) -> tuple[int, int, int, int]:
    positives, total = con.execute(
        f"SELECT count(*) FILTER (WHERE clerical_match_score = 1), count(*) FROM {_LABELS_SCRATCH}"
    ).fetchall()[0]
    if not total:
        return (0, 0, 0, 0)
    labels = linker.table_management.register_labels_table(backend.api.register(_LABELS_SCRATCH))
    truth = linker.evaluation.accuracy_analysis_from_labels_table(
        labels, output_type="table", match_weight_round_to_nearest=None
    )
    rows = con.execute(
        f"SELECT tp, fp, fn, tn FROM {truth.physical_name} WHERE truth_threshold >= ? "
        "ORDER BY truth_threshold LIMIT 1",
        [cut],
    ).fetchall()
    truth.drop_table_from_database_and_remove_from_cache()
    if rows:
        tp, fp, fn, tn = (int(v) for v in rows[0])
        return (tp, fp, fn, tn)
    # Every label scores below the threshold: the model links none of them.
    return (0, 0, int(positives), int(total) - int(positives))


@dataclass(frozen=True)
class LabelError:
    """A labelled pair the model's score gets wrong at the threshold (Splink's verdict)."""

    record_key_l: str
    record_key_r: str
    source_l: str
    source_r: str
    # "false positive": analysts said not the same, the score links; "false negative":
    # analysts said the same, the score does not.
    error: str
    match_weight: float
    evidence: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def prediction_errors(con: duckdb.DuckDBPyConnection) -> list[LabelError]:
    """Labels the last run's model scores on the other side of the threshold
    (Splink's ``prediction_errors_from_labels_table``): false positives, then false
    negatives, each the most confidently wrong first."""
    from clearsight.linkage.backend import DuckDBBackend

    ensure_labels(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    _run_id, threshold, *_rest, model_json = latest
    if not con.execute(f"SELECT 1 FROM {LABELS_VIEW} LIMIT 1").fetchall():
        return []
    if model_json in ("", "None"):
        raise LinkageError("the last run kept no model to score the labels with")
    trained = json.loads(model_json)
    model.check_design(trained)
    model.quiet_splink(False)
    prior = model.prior_weight(trained)
    # Splink compares both the label and the score with one probability: the
    # labels are 0 or 1, and the threshold's probability sits between them.
    cut = 1 / (1 + 2 ** -(threshold + prior))
    features.build_input(con)
    backend = DuckDBBackend(con)
    made: list[str] = []
    try:
        linker = backend.linker(
            backend.register_input(features.INPUT_TABLE), backend.scoring_model(trained)
        )
        made = frequencies.register(con, backend, linker, trained, features.INPUT_TABLE)
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_LABELS_SCRATCH} AS
            SELECT record_key_l, record_key_r, clerical_match_score FROM {LABELS_VIEW}
            WHERE record_key_l IN (SELECT record_key FROM {features.INPUT_TABLE})
              AND record_key_r IN (SELECT record_key FROM {features.INPUT_TABLE})
            """
        )
        labels = linker.table_management.register_labels_table(
            backend.api.register(_LABELS_SCRATCH)
        )
        found = linker.evaluation.prediction_errors_from_labels_table(
            labels, threshold_match_probability=cut
        )
        rows = con.execute(
            f"""
            SELECT e.record_key_l, e.record_key_r, l.source_l, l.source_r,
                   CASE e.truth_status WHEN 'FP' THEN 'false positive'
                        ELSE 'false negative' END,
                   e.match_weight
            FROM {found.physical_name} e
            JOIN {LABELS_VIEW} l USING (record_key_l, record_key_r)
            ORDER BY e.truth_status DESC, CASE e.truth_status WHEN 'FP' THEN -e.match_weight
                     ELSE e.match_weight END, 1, 2
            """
        ).fetchall()
        found.drop_table_from_database_and_remove_from_cache()
    finally:
        frequencies.release(con, made)
        backend.release()
        for scratch in (_LABELS_SCRATCH, features.INPUT_TABLE):
            con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return [
        LabelError(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            str(r[4]),
            round(float(r[5]), 4),
            round(float(r[5]) - prior, 4),
        )
        for r in rows
    ]
