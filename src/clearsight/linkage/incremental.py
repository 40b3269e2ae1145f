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

On Spark (``backend="spark"``) Splink blocks with the model's own rules, each
narrowed to pairs with a new record on one side (``NEW_FLAG``); clustering and
everything after scoring run in the store, as for a full Spark run.
"""

from __future__ import annotations

import json
import time
from typing import Any

import duckdb

from clearsight.alerts.arrivals import record_arrivals
from clearsight.linkage import clusters, features, frequencies, model, tables
from clearsight.linkage.backend import DuckDBBackend, backend_for
from clearsight.linkage.errors import LinkageError
from clearsight.linkage.explain import level_labels
from clearsight.linkage.guards import GUARD_COLUMNS, mark_links
from clearsight.linkage.pipeline import LinkSummary, _now, pairs_select

NEW_TABLE = "_link_new_records"
# The records clustered again: the new ones and every record of an entity that a
# new link, an analyst's decision or a record no longer current touches.
SCOPE_TABLE = "_link_scope"
# A store linked by an earlier version holds a model whose comparisons this version
# reads differently: one full run trains a model of this version.
EARLIER_VERSION = (
    "the store was last linked by an earlier version of Clearsight; run a full "
    "'clearsight link' once, and 'clearsight link --new' works again after it"
)


def _trained_run(con: duckdb.DuckDBPyConnection) -> tuple[int, float, float, float, str]:
    """The last finished run, which must hold a model to score new records with."""
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError(
            "no trained linkage run to link new records with; run 'clearsight link' first"
        )
    if latest[4] in ("", "None"):
        # A full run trains nothing on fewer than two records or on records nothing can
        # tell apart; saying "run 'clearsight link' first" after it has run misleads.
        raise LinkageError(
            f"the last linkage run (run {latest[0]}) trained no model: it held fewer than "
            "two person records, or none that could be told apart; run 'clearsight link' "
            "(a full run, which links new records too)"
        )
    return latest


def link_new(
    con: duckdb.DuckDBPyConnection, *, backend: str = "duckdb", verbose: bool = False
) -> LinkSummary:
    """Link current person records without an entity to the entities of the last run."""
    started = time.perf_counter()
    tables.ensure_tables(con)
    tables.drop_splink_leftovers(con)
    model.quiet_splink(verbose)
    base_run, threshold, low, high, model_json = _trained_run(con)
    trained = json.loads(model_json)
    model.check_design(trained, EARLIER_VERSION)
    # Wall and CPU seconds (all threads) per stage: on a shared machine the
    # wall time follows the load, the CPU time much less.
    stages: dict[str, float] = {}
    mark = (time.perf_counter(), time.process_time())

    def lap(stage: str) -> None:
        nonlocal mark
        now = (time.perf_counter(), time.process_time())
        stages[stage] = round(now[0] - mark[0], 2)
        stages[f"{stage} (cpu)"] = round(now[1] - mark[1], 2)
        mark = now

    n_records = features.build_input(con)
    lap("features")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NEW_TABLE} AS
        SELECT record_key FROM {features.INPUT_TABLE} i
        WHERE NOT EXISTS (SELECT 1 FROM person_entities pe WHERE pe.record_key = i.record_key)
        """
    )
    n_new = int(con.execute(f"SELECT count(*) FROM {NEW_TABLE}").fetchall()[0][0])
    run_id = int(con.execute("SELECT nextval('link_run_ids')").fetchall()[0][0])
    design: dict[str, object] = {
        "mode": "incremental",
        "base_run": base_run,
        "new_records": n_new,
    }
    con.execute(
        "INSERT INTO link_runs (run_id, started_at, backend, trained, threshold, review_low, "
        "review_high, status, design_json, model_json, settings_hash) "
        "VALUES (?, ?, ?, false, ?, ?, ?, 'running', ?, ?, ?)",
        [
            run_id,
            _now(),
            backend,
            threshold,
            low,
            high,
            json.dumps(design),
            model_json,
            model.settings_hash(model_json),
        ],
    )
    n_pairs = _score_new(con, run_id, low, trained, backend, verbose) if n_new else 0
    lap("blocking and scoring")
    touches_new = (
        f"p.record_key_l IN (SELECT record_key FROM {NEW_TABLE}) "
        f"OR p.record_key_r IN (SELECT record_key FROM {NEW_TABLE})"
    )
    mark_links(con, threshold, only=touches_new)
    _scope(con)
    mark_links(
        con,
        threshold,
        only=f"p.record_key_l IN (SELECT record_key FROM {SCOPE_TABLE}) "
        f"AND p.record_key_r IN (SELECT record_key FROM {SCOPE_TABLE})",
    )
    lap("guards and decisions")
    n_entities = clusters.cluster(con, run_id, scope=SCOPE_TABLE)
    lap("clustering and ids")
    n_links = int(
        con.execute(
            f"SELECT count(*) FROM link_pairs WHERE linked AND (record_key_l IN "
            f"(SELECT record_key FROM {NEW_TABLE}) OR record_key_r IN "
            f"(SELECT record_key FROM {NEW_TABLE}))"
        ).fetchall()[0][0]
    )
    # Where the time went, kept with the run (``link_runs.design_json``).
    design["stages"] = stages
    con.execute(
        "UPDATE link_runs SET finished_at = ?, n_records = ?, n_pairs = ?, n_links = ?, "
        "n_entities = ?, status = 'finished', design_json = ? WHERE run_id = ?",
        [_now(), n_records, n_pairs, n_links, n_entities, json.dumps(design), run_id],
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
    for scratch in (features.INPUT_TABLE, NEW_TABLE, SCOPE_TABLE):
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
        stages=stages,
    )


def _scope(con: duckdb.DuckDBPyConnection) -> None:
    """``SCOPE_TABLE``: what an incremental run clusters again, whole entities only.

    An entity no new link, decision or departed record touches cannot change:
    its links and the guards' verdicts on them are those of the run that made it.
    Clustering only the touched entities makes the run's work follow the new
    records rather than the store.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {SCOPE_TABLE} AS
        WITH touched AS (
            SELECT record_key_l AS record_key FROM link_pairs
            WHERE linked AND (record_key_l IN (SELECT record_key FROM {NEW_TABLE})
                              OR record_key_r IN (SELECT record_key FROM {NEW_TABLE}))
            UNION SELECT record_key_r FROM link_pairs
            WHERE linked AND (record_key_l IN (SELECT record_key FROM {NEW_TABLE})
                              OR record_key_r IN (SELECT record_key FROM {NEW_TABLE}))
            UNION SELECT record_key_l FROM current_link_decisions
            UNION SELECT record_key_r FROM current_link_decisions
            UNION SELECT record_key FROM person_entities
            WHERE record_key NOT IN (SELECT record_key FROM {features.INPUT_TABLE})
        )
        SELECT record_key FROM {NEW_TABLE}
        UNION
        SELECT pe.record_key FROM person_entities pe
        WHERE pe.entity_id IN (
            SELECT entity_id FROM person_entities WHERE record_key IN (SELECT * FROM touched)
        ) AND pe.record_key IN (SELECT record_key FROM {features.INPUT_TABLE})
        """
    )


NEW_FLAG = "is_new_record"


def only_new_pairs(scoring: dict[str, Any]) -> dict[str, Any]:
    """The model's blocking rules, each narrowed to pairs with a new record on one side.

    A pair two rules propose is still proposed once: Splink drops from a later
    rule the pairs an earlier one made, and with the narrowing true on both the
    earlier rule's test is unchanged.
    """
    rules = []
    for rule in scoring.get("blocking_rules_to_generate_predictions") or []:
        rule = {"blocking_rule": rule} if isinstance(rule, str) else dict(rule)
        rule["blocking_rule"] = f"({rule['blocking_rule']}) AND (l.{NEW_FLAG} OR r.{NEW_FLAG})"
        rules.append(rule)
    return {**scoring, "blocking_rules_to_generate_predictions": rules}


def _score_new(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    low: float,
    trained: dict[str, object],
    backend_name: str,
    verbose: bool,
) -> int:
    """Score pairs with a new record on one side; append them to ``link_pairs``."""
    backend = backend_for(con, backend_name)
    try:
        if isinstance(backend, DuckDBBackend):
            sdf = backend.register_input(features.INPUT_TABLE)
            linker = backend.linker(sdf, backend.scoring_model(trained), verbose=verbose)
            backend.propose_pairs(linker, features.INPUT_TABLE, new_records=NEW_TABLE)
        else:
            con.execute(
                f"ALTER TABLE {features.INPUT_TABLE} ADD COLUMN IF NOT EXISTS {NEW_FLAG} BOOLEAN"
            )
            con.execute(
                f"UPDATE {features.INPUT_TABLE} SET {NEW_FLAG} = "
                f"record_key IN (SELECT record_key FROM {NEW_TABLE})"
            )
            sdf = backend.register_input(features.INPUT_TABLE)
            scoring = only_new_pairs(backend.scoring_model(trained))
            linker = backend.linker(sdf, scoring, verbose=verbose)
        prior = model.prior_weight(trained)
        made = frequencies.register(con, backend, linker, trained, features.INPUT_TABLE)
        predictions = linker.inference.predict(threshold_match_weight=low + prior)
        backend.materialise(predictions, "_link_predictions")
        frequencies.release(con, made)
        for column, kind in GUARD_COLUMNS.items():
            con.execute(f"ALTER TABLE link_pairs ADD COLUMN IF NOT EXISTS {column} {kind}")
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
