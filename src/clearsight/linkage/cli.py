"""Commands of the linkage stage, registered by ``clearsight.cli``.

``link_app``: ``clearsight link`` (run), ``link review``, ``link decide``.
``entity_app``: ``clearsight entity show ID``. ``export_entities_command`` is a
plain function the root CLI registers as ``clearsight export entities``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from clearsight.commandline import DbOption, JsonOption, fail, open_store
from clearsight.linkage.errors import LinkageError
from clearsight.store import StoreError
from clearsight.store.sql import table_exists

console = Console()
err = Console(stderr=True)

link_app = typer.Typer(
    help="Resolve person records of every source into entities.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
entity_app = typer.Typer(
    help="Resolved persons (entities).", no_args_is_help=True, pretty_exceptions_enable=False
)


T = TypeVar("T")


def _open(db: Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return open_store(db, read_only=read_only)
    except StoreError as exc:
        fail(exc)


def _on_store(db: Path | None, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``work`` on the store, closed afterwards; a linkage or store error is the command's
    one-line error."""
    con = _open(db)
    try:
        return work(con)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()


def _has_persons(con: duckdb.DuckDBPyConnection) -> bool:
    return table_exists(con, "current_persons")


@link_app.callback()
def link_command(
    ctx: typer.Context,
    db: DbOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Evidence (match weight minus the prior) at which a pair links "
            "(default: 19 at 100k records, 2 more per tenfold)."
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="Reuse a saved Splink model (JSON) instead of training."),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(help="Engine: duckdb (one machine, default) or spark (pyspark and Java)."),
    ] = "duckdb",
    new: Annotated[
        bool,
        typer.Option(
            "--new",
            help="Link only the records without an entity (a new submission) to the "
            "existing entities with the last run's model; no retraining.",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Splink's log.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Link every current person record into entities (train, score, cluster)."""
    if ctx.invoked_subcommand is not None:
        return
    from clearsight import audit
    from clearsight.commandline import cli_actor
    from clearsight.linkage.backend import BACKENDS
    from clearsight.linkage.explain import write_explanations
    from clearsight.linkage.pipeline import run

    if backend not in BACKENDS:
        fail(ValueError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}"))
    if backend == "spark":
        from clearsight.spark.session import SparkUnavailableError, require_pyspark

        try:
            require_pyspark()
        except SparkUnavailableError as exc:
            fail(exc)
    if new and (model is not None or threshold is not None):
        fail(
            LinkageError(
                "--new links with the last run's model and threshold; drop --model and --threshold"
            )
        )
    con = _open(db)
    try:
        if not _has_persons(con):
            raise LinkageError("the store has no persons; run 'clearsight ingest' first")
        if new:
            from clearsight.linkage.incremental import link_new

            summary = link_new(con, backend=backend, verbose=verbose)
        else:
            model_json = model.read_text("utf-8") if model else None
            summary = run(
                con,
                threshold=threshold,
                model_json=model_json,
                backend=backend,
                verbose=verbose,
            )
        write_explanations(con)
        # Combining records about people is an s62 "combination", as in ``analyse``.
        audit.record(
            con,
            actor=cli_actor(),
            action="linkage_run",
            details={**summary.as_dict(), "backend": backend, "incremental": new},
        )
    except (LinkageError, duckdb.Error, OSError) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        print(json.dumps(summary.as_dict(), indent=2))
        return
    console.print(
        f"Run {summary.run_id}: {summary.n_records:,} records -> {summary.n_entities:,} "
        f"entities ({summary.n_links:,} links of {summary.n_pairs:,} scored pairs; "
        f"{summary.n_review:,} near the threshold) in {summary.seconds:.1f} s",
        highlight=False,
    )
    for note in summary.notes:
        console.print(f"  {note}", highlight=False)


@link_app.command("review")
def review_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 50,
    entities: Annotated[
        bool,
        typer.Option(
            "--entities",
            help="List entities flagged for review by size and density, each with why.",
        ),
    ] = False,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            help="Also draw up to N pairs per pair of sources at random from the review "
            "band, for measuring the model ('sampled for measurement').",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of --sample: the same seed draws the same pairs.")
    ] = 1,
    as_json: JsonOption = False,
) -> None:
    """List undecided pairs near the threshold, nearest first (and a measurement sample)."""
    from clearsight.linkage.review import MeasurementSample, measurement_sample, review_list

    if entities:
        _flagged_entities(db, limit, as_json)
        return
    con = _open(db)
    drawn: MeasurementSample | None = None
    try:
        pairs = review_list(con, limit)
        if sample is not None:
            drawn = measurement_sample(con, sample, seed)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        if drawn is None:
            print(json.dumps([p.as_dict() for p in pairs], indent=2))
        else:
            # The pairs that need an analyst, then the sample beside them.
            print(
                json.dumps(
                    {"review": [p.as_dict() for p in pairs], "sample": drawn.as_dict()}, indent=2
                )
            )
        return
    _pairs_table("Pairs for review", pairs)
    if drawn is not None:
        _pairs_table(
            f"Sampled for measurement (run {drawn.run_id}, seed {drawn.seed}): "
            f"{drawn.decided} of {drawn.sampled} decided",
            drawn.pairs,
        )
    console.print(
        "Decide with: clearsight link decide LEFT RIGHT --accept|--reject --reason TEXT",
        highlight=False,
    )


def _pairs_table(title: str, pairs: list[Any]) -> None:
    table = Table(title=title)
    for heading in ("evidence", "weight", "linked", "left", "right", "why"):
        table.add_column(heading)
    for p in pairs:
        table.add_row(
            f"{p.evidence:.2f}",
            f"{p.match_weight:.2f}",
            "yes" if p.linked else "no",
            p.left,
            p.right,
            p.reason + (f" ({p.stratum})" if p.stratum else ""),
        )
    console.print(table)


def _flagged_entities(db: Path | None, limit: int, as_json: bool) -> None:
    from clearsight.linkage.entity_review import flagged_entities

    found = _on_store(db, lambda con: flagged_entities(con, limit))
    if as_json:
        print(json.dumps([e.as_dict() for e in found], indent=2))
        return
    table = Table(title="Entities flagged for review, largest first")
    for heading in ("entity", "records", "sources", "direct links", "density", "why"):
        table.add_column(heading)
    for e in found:
        table.add_row(
            e.entity_id,
            str(e.n_records),
            str(e.n_sources),
            str(e.direct_links),
            f"{e.density:.2f}",
            "; ".join(e.reasons),
        )
    console.print(table)
    console.print("Inspect with: clearsight entity show ENTITY", highlight=False)


@link_app.command("decide")
def decide_command(
    left: Annotated[str, typer.Argument(help="Record key SOURCE_ID:PERSON_ID.")],
    right: Annotated[str, typer.Argument(help="Record key SOURCE_ID:PERSON_ID.")],
    accept: Annotated[
        bool | None,
        typer.Option("--accept/--reject", help="Same person (must-link) or not (cannot-link)."),
    ] = None,
    reason: Annotated[str, typer.Option(help="Why: kept in the decision log.")] = "",
    by: Annotated[str | None, typer.Option(help="Who decides (default: login name).")] = None,
    db: DbOption = None,
) -> None:
    """Record an analyst's decision on a pair; every later run enforces it."""
    from clearsight.linkage.review import decide

    if accept is None:
        fail(LinkageError("say --accept or --reject"))
    decision = _on_store(
        db, lambda con: decide(con, left, right, accept=accept, reason=reason, by=by)
    )
    console.print(
        f"{decision.decision}: {decision.record_key_l} / {decision.record_key_r} "
        f"by {decision.decided_by}; applies from the next 'clearsight link'",
        highlight=False,
    )


@link_app.command("accuracy")
def accuracy_command(
    db: DbOption = None,
    errors: Annotated[
        bool,
        typer.Option(
            "--errors",
            help="List the labelled pairs the model's score gets wrong at the threshold.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Estimate the model's precision and recall per pair of sources from analysts' decisions."""
    from clearsight.linkage.accuracy import MIN_LABELS, accuracy

    if errors:
        _label_errors(db, as_json)
        return
    rows = _on_store(db, accuracy)
    if as_json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    if not rows:
        console.print(
            "No decisions yet: review pairs with 'clearsight link review' and decide them.",
            highlight=False,
        )
        return
    table = Table(title="The model against analysts' decisions (labelled pairs only)")
    for heading in ("sources", "labels", "precision", "recall", "as linked: P", "R"):
        table.add_column(heading)
    too_few = []
    for r in rows:
        table.add_row(
            f"{r.source_l} / {r.source_r}",
            f"{r.labelled} ({r.sampled} sampled, {r.accepted} same)",
            *(
                _estimate_cell(e)
                for e in (r.precision, r.recall, r.linked_precision, r.linked_recall)
            ),
        )
        too_few += [
            f"{r.source_l} / {r.source_r}: {e.note}"
            for e in (r.precision, r.recall)
            if e.value is None
        ]
    console.print(table)
    console.print(
        "precision, recall: Splink's accuracy analysis of the model's score at the threshold "
        "[95% interval] (labels); as linked: blocking proposed the pair, it reached the "
        "threshold and no rule held it back.",
        highlight=False,
    )
    for line in too_few:
        console.print(line, highlight=False)
    if too_few:
        console.print(
            f"A figure needs {MIN_LABELS} labels: draw more with "
            "'clearsight link review --sample N' and decide them.",
            highlight=False,
        )


def _label_errors(db: Path | None, as_json: bool) -> None:
    from clearsight.linkage.accuracy import prediction_errors

    found = _on_store(db, prediction_errors)
    if as_json:
        print(json.dumps([e.as_dict() for e in found], indent=2))
        return
    table = Table(title="Labelled pairs the model's score gets wrong")
    for heading in ("error", "evidence", "left", "right"):
        table.add_column(heading)
    for e in found:
        table.add_row(e.error, f"{e.evidence:.2f}", e.record_key_l, e.record_key_r)
    console.print(table)


def _estimate_cell(e: Any) -> str:
    if e.value is None:
        return "-"
    return f"{e.value:.3f} [{e.low:.2f}-{e.high:.2f}] ({e.labels})"


@entity_app.command("show")
def show_command(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List an entity's source records and, for each link, every comparison's weight."""
    from clearsight.linkage.explain import explain_entity

    con = _open(db, read_only=True)
    try:
        explanation = explain_entity(con, entity_id)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        print(json.dumps(explanation.as_dict(), indent=2, default=str))
        return
    records = Table(title=f"Entity {explanation.entity_id} (run {explanation.run_id})")
    fields = (
        "record_key",
        "agency_type",
        "forenames",
        "surname",
        "date_of_birth",
        "sex",
        "postcode",
        "nhs_number",
    )
    for f in fields:
        records.add_column(f)
    for r in explanation.records:
        records.add_row(*("" if r.get(f) is None else str(r.get(f)) for f in fields))
    console.print(records)
    for link in explanation.links:
        state = (
            "linked" if link.linked else f"not linked ({link.refused_because or 'below threshold'})"
        )
        if link.decision:
            state += f", analyst: {link.decision}"
        table = Table(
            title=f"{link.record_key_l} ~ {link.record_key_r}: weight {link.match_weight:.2f}, "
            f"p={link.match_probability:.4f}, {state}"
        )
        for heading in ("comparison", "level", "weight", "tf adj"):
            table.add_column(heading)
        for step in link.steps:
            table.add_row(
                step.comparison,
                step.level,
                f"{step.match_weight:+.2f}",
                f"{step.tf_adjustment:+.2f}" if step.tf_adjustment else "",
            )
        console.print(table)
    for joined in explanation.context:
        table = Table(
            title=f"{joined.record_key} ~ {joined.anchor_key}: joined through whom or "
            f"where they are recorded ({joined.reason})"
        )
        whom = "recorded at (place)" if joined.places else "recorded with (entities)"
        for heading in ("name", whom, "events"):
            table.add_column(heading)
        table.add_row(
            joined.name,
            "; ".join(joined.places) or ", ".join(joined.child_entity_ids),
            ", ".join(joined.events),
        )
        console.print(table)


def export_entities_command(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")] = Path("entities.csv"),
) -> None:
    """Write source_id,person_id,entity_id for every current person record."""
    from clearsight.linkage.export import export_entities

    con = _open(db, read_only=True)
    try:
        n = export_entities(con, out)
    except (LinkageError, duckdb.Error, OSError) as exc:
        fail(exc)
    finally:
        con.close()
    err.print(f"{n:,} records written to {out}", highlight=False)
