"""Incremental linking: new person records joined to the existing entities, no full re-run.

``clearsight ingest`` then ``clearsight link --new``: the records that have no
entity yet are scored, with the last run's trained model, against every record
(blocking proposes only pairs with a new record on one side; Splink scores
them, as ``find_matches_to_new_records`` would, through the same comparisons),
the guards and the analysts' decisions apply as in a full run, and clustering
runs over the old links and the new ones. Ids carry over (``identity.py``): an
existing person keeps their id unless the new evidence merges them with another,
and a merge is recorded in ``entity_changes`` with its reason and date. A new
record that joins a watched entity, or a member of a known network, raises an
arrival alert (``clearsight.alerts.arrivals``).

The model is not retrained: what a new source records is judged by what the
model learnt before. A full ``clearsight link`` retrains when the mix of
sources has changed.
"""

from __future__ import annotations

import json
import time

import duckdb

from clearsight.alerts.arrivals import record_arrivals
from clearsight.linkage import clusters, features, model, tables
from clearsight.linkage.backend import DuckDBBackend
from clearsight.linkage.errors import LinkageError
from clearsight.linkage.explain import level_labels
from clearsight.linkage.pipeline import LinkSummary, _now, pairs_select

NEW_TABLE = "_link_new_records"


def link_new(con: duckdb.DuckDBPyConnection, *, verbose: bool = False) -> LinkSummary:
    """Link current person records without an entity to the entities of the last run."""
    started = time.perf_counter()
    tables.ensure_tables(con)
    tables.drop_splink_leftovers(con)
    model.quiet_splink(verbose)
    latest = tables.latest_run(con)
    if latest is None or latest[4] in ("", "None"):
        raise LinkageError(
            "no trained linkage run to link new records with; run 'clearsight link' first"
        )
    base_run, threshold, low, high, model_json = latest
    trained = json.loads(model_json)
    model.check_design(trained)
    n_records = features.build_input(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NEW_TABLE} AS
        SELECT record_key FROM {features.INPUT_TABLE} i
        WHERE NOT EXISTS (SELECT 1 FROM person_entities pe WHERE pe.record_key = i.record_key)
        """
    )
    n_new = int(con.execute(f"SELECT count(*) FROM {NEW_TABLE}").fetchall()[0][0])
    run_id = int(con.execute("SELECT nextval('link_run_ids')").fetchall()[0][0])
    design = {"mode": "incremental", "base_run": base_run, "new_records": n_new}
    con.execute(
        "INSERT INTO link_runs (run_id, started_at, backend, trained, threshold, review_low, "
        "review_high, status, design_json, model_json, settings_hash) "
        "VALUES (?, ?, 'duckdb', false, ?, ?, ?, 'running', ?, ?, ?)",
        [
            run_id,
            _now(),
            threshold,
            low,
            high,
            json.dumps(design),
            model_json,
            model.settings_hash(model_json),
        ],
    )
    n_pairs = _score_new(con, run_id, low, trained, verbose) if n_new else 0
    clusters.mark_links(con, threshold)
    n_entities = clusters.cluster(con, run_id)
    n_links = int(
        con.execute(
            f"SELECT count(*) FROM link_pairs WHERE linked AND (record_key_l IN "
            f"(SELECT record_key FROM {NEW_TABLE}) OR record_key_r IN "
            f"(SELECT record_key FROM {NEW_TABLE}))"
        ).fetchall()[0][0]
    )
    con.execute(
        "UPDATE link_runs SET finished_at = ?, n_records = ?, n_pairs = ?, n_links = ?, "
        "n_entities = ?, status = 'finished' WHERE run_id = ?",
        [_now(), n_records, n_pairs, n_links, n_entities, run_id],
    )
    # While the run still knows which records are new: who watches or works on
    # the entities they joined hears of it (``clearsight.alerts``).
    n_alerts = 0
    if n_new:
        n_alerts = record_arrivals(
            con,
            run_id,
            NEW_TABLE,
            levels=level_labels(trained),
            prior=model.prior_weight(trained),
        )
    for scratch in (features.INPUT_TABLE, NEW_TABLE):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return LinkSummary(
        run_id=run_id,
        n_records=n_records,
        n_pairs=n_pairs,
        n_links=n_links,
        n_entities=n_entities,
        n_review=0,
        threshold=threshold,
        trained=False,
        seconds=round(time.perf_counter() - started, 2),
        notes=[
            f"{n_new:,} new records linked with the model of run {base_run}",
            f"{n_alerts:,} arrival alerts written (clearsight alerts list)",
        ],
    )


def _score_new(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    low: float,
    trained: dict[str, object],
    verbose: bool,
) -> int:
    """Score pairs with a new record on one side; append them to ``link_pairs``."""
    backend = DuckDBBackend(con)
    try:
        sdf = backend.register_input(features.INPUT_TABLE)
        linker = backend.linker(sdf, backend.scoring_model(trained), verbose=verbose)
        prior = model.prior_weight(trained)
        backend.propose_pairs(linker, features.INPUT_TABLE, new_records=NEW_TABLE)
        predictions = linker.inference.predict(threshold_match_weight=low + prior)
        backend.materialise(predictions, "_link_predictions")
        for column in ("dob_y_l", "dob_y_r"):
            con.execute(f"ALTER TABLE link_pairs ADD COLUMN IF NOT EXISTS {column} INTEGER")
        con.execute(
            f"""
            DELETE FROM link_pairs WHERE record_key_l IN (SELECT record_key FROM {NEW_TABLE})
               OR record_key_r IN (SELECT record_key FROM {NEW_TABLE})
            """
        )
        con.execute(f"INSERT INTO link_pairs BY NAME ({pairs_select(con, run_id, prior)})")
        n = int(con.execute("SELECT count(*) FROM _link_predictions").fetchall()[0][0])
        con.execute("DROP TABLE IF EXISTS _link_predictions")
        predictions.drop_table_from_database_and_remove_from_cache()
        return n
    finally:
        backend.release_pairs()
        backend.release()
