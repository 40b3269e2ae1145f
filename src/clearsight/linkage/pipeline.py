"""One linkage run: features, model, scored pairs, entities, all recorded."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from clearsight.alerts.arrivals import record_arrivals
from clearsight.alerts.tables import ensure_alert_tables
from clearsight.linkage import (
    clusters,
    conditioned_u,
    design,
    explain,
    features,
    frequencies,
    model,
    ordering,
    partial_dates,
    partial_places,
    review,
    tables,
)
from clearsight.linkage.backend import LinkageBackend, backend_for
from clearsight.linkage.comparisons import COMPARISON_NAMES
from clearsight.linkage.guards import ALL_GUARDS, Guards, mark_links

log = logging.getLogger(__name__)

# Evidence (the sum of the comparisons' log2 Bayes factors: the match weight
# without the prior) at or above which a pair links, at ``REFERENCE_RECORDS``.
# The prior falls by log2(10) ~ 3.3 for every tenfold growth in records; the
# evidence a true pair carries does not, but the number of same-named strangers
# a record meets grows with the records. A threshold on the match weight (3.3 per
# tenfold) collapsed recall at 1M; a fixed evidence threshold let strangers
# through. ``threshold_for`` takes the middle: 2 more per tenfold. How F1 moves
# with the threshold at each size is measured in benchmarks/README.md.
DEFAULT_THRESHOLD = 19.0
REFERENCE_RECORDS = 100_000
THRESHOLD_PER_TENFOLD = 2.0
# Pairs within this much evidence of the threshold go to analyst review.
DEFAULT_REVIEW_BAND = 4.0


@dataclass(frozen=True)
class LinkSummary:
    run_id: int
    n_records: int
    n_pairs: int
    n_links: int
    n_entities: int
    n_review: int
    threshold: float
    trained: bool
    seconds: float
    # What the model compares and how it was trained, and why (``design.Design``).
    notes: list[str] = field(default_factory=list)
    # Seconds per stage of the run (``STAGES`` for a full run).
    stages: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def threshold_for(n_records: int) -> float:
    """The default evidence threshold for a run over ``n_records`` records.

    Below 10k records it stays at the 10k value: smaller stores were not tuned.
    """
    scale = math.log10(max(n_records, 10_000) / REFERENCE_RECORDS)
    return round(DEFAULT_THRESHOLD + THRESHOLD_PER_TENFOLD * scale, 2)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# A full run's stages, in order: the run log and the benchmarks say where the time went.
STAGES = ("features", "design", "training", "scoring", "guards", "entities")


@contextmanager
def _timed(stages: dict[str, float], name: str) -> Iterator[None]:
    """Wall and CPU seconds (all threads) of a stage, as ``link --new`` reports them: on
    a shared machine the wall time follows the load, the CPU time much less."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        stages[name] = round(time.perf_counter() - wall, 2)
        stages[f"{name} (cpu)"] = round(time.process_time() - cpu, 2)


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float | None = None,
    review_band: float = DEFAULT_REVIEW_BAND,
    model_json: str | None = None,
    training: model.TrainingOptions | None = None,
    backend: str = "duckdb",
    verbose: bool = False,
    persons: str = "current_persons",
    guards: Guards = ALL_GUARDS,
) -> LinkSummary:
    """Resolve every current person record into entities and record the run.

    With ``model_json`` (a Splink model saved by an earlier run) the model is
    not retrained, so that run's result is reproduced on the same records.
    Without ``threshold``, it follows the number of records (``threshold_for``).
    """
    started = time.perf_counter()
    tables.ensure_tables(con)
    ensure_alert_tables(con)
    tables.drop_splink_leftovers(con)
    model.quiet_splink(verbose)
    run_id = int(con.execute("SELECT nextval('link_run_ids')").fetchall()[0][0])
    stages: dict[str, float] = {}
    with _timed(stages, "features"):
        n_records = features.build_input(con, persons)
    chosen = _design(con, stages) if model_json is None and n_records >= 2 else None
    trains = model_json is None
    if threshold is None:
        threshold = threshold_for(n_records)
    low, high = threshold - review_band, threshold + review_band
    con.execute(
        "INSERT INTO link_runs (run_id, started_at, backend, trained, threshold, review_low, "
        "review_high, status, design_json) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
        [
            run_id,
            _now(),
            backend,
            trains,
            threshold,
            low,
            high,
            chosen.as_json() if chosen else None,
        ],
    )
    trained_json: str | None = None
    if n_records >= 2:
        trained_json = _score(
            con, run_id, low, model_json, training, backend, verbose, chosen, stages
        )
    else:
        _empty_pairs(con, run_id)
    with _timed(stages, "guards"):
        mark_links(con, threshold, guards=guards)
    arrived = _arrived(con)
    with _timed(stages, "entities"):
        n_entities = clusters.cluster(con, run_id)
    n_pairs, n_links, n_review = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE linked), "
        f"count(*) FILTER (WHERE {review.IN_REVIEW}) FROM link_pairs",
        [low, high, threshold],
    ).fetchall()[0]
    con.execute(
        "UPDATE link_runs SET finished_at = ?, model_json = ?, settings_hash = ?, n_records = ?, "
        "n_pairs = ?, n_links = ?, n_entities = ?, status = 'finished', "
        # Training adds to the design's notes (a session that failed and what replaced it).
        "design_json = coalesce(?, design_json) WHERE run_id = ?",
        [
            _now(),
            trained_json,
            model.settings_hash(trained_json) if trained_json else None,
            n_records,
            n_pairs,
            n_links,
            n_entities,
            _with_stages(chosen, stages),
            run_id,
        ],
    )
    notes = list(chosen.notes) if chosen else []
    if arrived and trained_json:
        # A full run after a new submission links its records too: they raise the same
        # arrival alerts as ``link --new`` would, on the ids identity.py kept stable.
        trained = json.loads(trained_json)
        n_alerts = record_arrivals(
            con,
            run_id,
            ARRIVED_TABLE,
            levels=explain.level_labels(trained),
            prior=model.prior_weight(trained),
        )
        notes.append(f"{n_alerts:,} arrival alerts written (clearsight alerts list)")
    for scratch in (features.INPUT_TABLE, ARRIVED_TABLE):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return LinkSummary(
        run_id=run_id,
        n_records=n_records,
        n_pairs=int(n_pairs),
        n_links=int(n_links),
        n_entities=n_entities,
        n_review=int(n_review),
        threshold=threshold,
        trained=trains,
        seconds=round(time.perf_counter() - started, 2),
        notes=notes,
        stages=stages,
    )


def _design(con: duckdb.DuckDBPyConnection, stages: dict[str, float]) -> design.Design:
    """The model chosen from the fields present (``design.choose``), its notes logged."""
    try:
        with _timed(stages, "design"):
            chosen = design.choose(con, COMPARISON_NAMES)
    except Exception:
        # Nothing partial: the run is not recorded when its data cannot link. Records
        # nothing can tell apart (first names only, ids only) stop the run with the
        # clear error naming each source and what it holds (``NothingLinkableError``,
        # issue 18): an analyst must know the linkage did not happen, not read every
        # record as its own person.
        con.execute(f"DROP TABLE IF EXISTS {features.INPUT_TABLE}")
        raise
    for note in chosen.notes:
        log.info("linkage design: %s", note)
    return chosen


def _with_stages(chosen: design.Design | None, stages: dict[str, float]) -> str | None:
    """The design as the run keeps it, with where the time went; a run on a saved
    model has no design and keeps the one it started with."""
    if chosen is None:
        return None
    kept = json.loads(chosen.as_json())
    kept["stages"] = stages
    return json.dumps(kept, sort_keys=True)


ARRIVED_TABLE = "_link_arrived"


def _arrived(con: duckdb.DuckDBPyConnection) -> bool:
    """Keep the records no earlier run gave an entity (a first run has none to compare)."""
    if not con.execute("SELECT 1 FROM person_entities LIMIT 1").fetchall():
        return False
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {ARRIVED_TABLE} AS
        SELECT record_key FROM {features.INPUT_TABLE} i
        WHERE NOT EXISTS (SELECT 1 FROM person_entities pe WHERE pe.record_key = i.record_key)
        """
    )
    return bool(con.execute(f"SELECT 1 FROM {ARRIVED_TABLE} LIMIT 1").fetchall())


def _score(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    low: float,
    model_json: str | None,
    training: model.TrainingOptions | None,
    backend_name: str,
    verbose: bool,
    chosen: design.Design | None,
    stages: dict[str, float],
) -> str:
    backend = backend_for(con, backend_name)
    try:
        return _train_and_score(
            con, backend, run_id, low, model_json, training, verbose, chosen, stages
        )
    finally:
        backend.release_pairs()
        backend.release()


def _train_and_score(
    con: duckdb.DuckDBPyConnection,
    backend: LinkageBackend,
    run_id: int,
    low: float,
    model_json: str | None,
    training: model.TrainingOptions | None,
    verbose: bool,
    chosen: design.Design | None,
    stages: dict[str, float],
) -> str:
    sdf = backend.register_input(features.INPUT_TABLE)
    with _timed(stages, "training"):
        trained = _trained(con, backend, sdf, model_json, training, verbose, chosen)
    with _timed(stages, "scoring"):
        _pairs(con, backend, sdf, run_id, low, trained, verbose)
    return json.dumps(trained, sort_keys=True)


def _trained(
    con: duckdb.DuckDBPyConnection,
    backend: LinkageBackend,
    sdf: Any,
    model_json: str | None,
    training: model.TrainingOptions | None,
    verbose: bool,
    chosen: design.Design | None,
) -> dict[str, Any]:
    """The model: trained on these records, or ``model_json`` checked and kept."""
    if model_json is None:
        assert chosen is not None
        options = training or model.TrainingOptions()
        linker = backend.linker(sdf, model.settings(names=chosen.compared), verbose=verbose)

        def estimate_u(live: Any) -> None:
            assert chosen is not None
            chosen.notes.extend(
                conditioned_u.estimate(
                    con,
                    live,
                    features.INPUT_TABLE,
                    model.settings(names=chosen.compared),
                    chosen.compared,
                    options.u_max_pairs,
                    options.seed,
                )
            )

        model.train(linker, options, chosen, estimate_u)
        unseen = model.unseen_levels(linker)
        if unseen:
            chosen.notes.append(
                f"m not estimated for {len(unseen)} level{'s' * (len(unseen) > 1)} no "
                "training pair reached "
                f"({'; '.join(unseen)}): the floor {model.M_FLOOR:g}, never weighing more than "
                "their comparison's exact agreement"
            )
        # Rounded parameters: training sums in parallel, so its last bits vary
        # between runs; scores from rounded parameters do not.
        estimated = partial_places.weighed(
            partial_dates.weighed(linker.misc.save_model_to_json(), chosen.year_only_share),
            chosen.town_only_share,
        )
        kept_in_order, changes = ordering.ordered(
            model.regularised(estimated, options.u_max_pairs), options.u_max_pairs
        )
        chosen.notes.extend(changes)
        trained = model.rounded(kept_in_order)
    else:
        trained = json.loads(model_json)
        model.check_design(trained)
    return trained


def _pairs(
    con: duckdb.DuckDBPyConnection,
    backend: LinkageBackend,
    sdf: Any,
    run_id: int,
    low: float,
    trained: dict[str, Any],
    verbose: bool,
) -> None:
    """Candidate pairs proposed and scored with ``trained``: ``link_pairs``."""
    linker = backend.linker(sdf, backend.scoring_model(trained), verbose=verbose)
    prior = model.prior_weight(trained)
    backend.propose_pairs(linker, features.INPUT_TABLE)
    made = frequencies.register(con, backend, linker, trained, features.INPUT_TABLE)
    predictions = linker.inference.predict(threshold_match_weight=low + prior)
    backend.materialise(predictions, "_link_predictions")
    frequencies.release(con, made)
    con.execute(f"CREATE OR REPLACE TABLE link_pairs AS {pairs_select(con, run_id, prior)}")
    con.execute("DROP TABLE IF EXISTS _link_predictions")
    predictions.drop_table_from_database_and_remove_from_cache()


def pairs_select(con: duckdb.DuckDBPyConnection, run_id: int, prior: float) -> str:
    """SELECT of ``link_pairs`` rows from Splink's predictions in ``_link_predictions``."""
    columns = [
        r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE _link_predictions)").fetchall()
    ]
    # Keep what explains a score (gamma, Bayes factors, term-frequency
    # adjustments); the compared values are re-read from the records.
    kept = [c for c in columns if c.startswith(("gamma_", "mw_", "bf_", "tf_"))]
    # Birth years, for the generation test of the birth-date guard.
    kept += [c if c in columns else f"NULL::INTEGER AS {c}" for c in ("dob_y_l", "dob_y_r")]
    # Whether each birth date is full, for the sibling guard (a partial date is an estimate).
    kept += [
        f"dob_{side} IS NOT NULL AS dob_full_{side}"
        if f"dob_{side}" in columns
        else f"NULL::BOOLEAN AS dob_full_{side}"
        for side in ("l", "r")
    ]
    # Each forename's initial, for the household guard on a year of birth only.
    kept += [
        f"fn1_{side}[1] AS fn_init_{side}"
        if f"fn1_{side}" in columns
        else f"NULL::VARCHAR AS fn_init_{side}"
        for side in ("l", "r")
    ]
    # A field the model does not compare (not recorded) is at its null level in
    # every pair: neutral, never evidence for or against, as the guards read it.
    kept += [
        f"-1::INTEGER AS gamma_{name}"
        for name in COMPARISON_NAMES
        if f"gamma_{name}" not in columns
    ]
    return f"""
        SELECT {run_id}::INTEGER AS run_id,
               record_key_l, record_key_r, source_id_l, source_id_r,
               is_unknown_l, is_unknown_r,
               match_weight, match_probability,
               match_weight - {prior!r} AS evidence,
               {", ".join(kept)},
               NULL::VARCHAR AS refused_because,
               false AS linked
        FROM _link_predictions
        """


def _empty_pairs(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE link_pairs AS
        SELECT {run_id}::INTEGER AS run_id,
               ''::VARCHAR AS record_key_l, ''::VARCHAR AS record_key_r,
               ''::VARCHAR AS source_id_l, ''::VARCHAR AS source_id_r,
               false AS is_unknown_l, false AS is_unknown_r,
               0.0::DOUBLE AS match_weight, 0.0::DOUBLE AS match_probability,
               0.0::DOUBLE AS evidence,
               {", ".join(f"-1 AS gamma_{name}" for name in COMPARISON_NAMES)},
               NULL::INTEGER AS dob_y_l, NULL::INTEGER AS dob_y_r,
               NULL::BOOLEAN AS dob_full_l, NULL::BOOLEAN AS dob_full_r,
               NULL::VARCHAR AS fn_init_l, NULL::VARCHAR AS fn_init_r,
               NULL::VARCHAR AS refused_because, false AS linked
        WHERE false
        """
    )
