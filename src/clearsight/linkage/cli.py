"""Commands of the linkage stage, registered by ``clearsight.cli``.

``link_app``: ``clearsight link`` (run), ``link review``, ``link decide``.
``entity_app``: ``clearsight entity show ID``. ``export_entities_command`` is a
plain function the root CLI registers as ``clearsight export entities``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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


def _open(db: Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return open_store(db, read_only=read_only)
    except StoreError as exc:
        fail(exc)


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
    con = _open(db)
    try:
        if not _has_persons(con):
            raise LinkageError("the store has no persons; run 'clearsight ingest' first")
        if new:
            from clearsight.linkage.incremental import link_new

            if model is not None or threshold is not None or backend != "duckdb":
                raise LinkageError(
                    "--new links with the last run's model, threshold and DuckDB; "
                    "drop --model, --threshold and --backend"
                )
            summary = link_new(con, verbose=verbose)
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
            help="List entities held together by chains (fewer than half their pairs link).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List undecided pairs near the threshold, nearest first."""
    from clearsight.linkage.review import review_list

    if entities:
        _loose_entities(db, limit, as_json)
        return
    con = _open(db)
    try:
        pairs = review_list(con, limit)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        print(json.dumps([p.as_dict() for p in pairs], indent=2))
        return
    table = Table(title="Pairs for review")
    for heading in ("evidence", "weight", "linked", "left", "right", "note"):
        table.add_column(heading)
    for p in pairs:
        table.add_row(
            f"{p.evidence:.2f}",
            f"{p.match_weight:.2f}",
            "yes" if p.linked else "no",
            p.left,
            p.right,
            p.refused_because or "",
        )
    console.print(table)
    console.print(
        "Decide with: clearsight link decide LEFT RIGHT --accept|--reject --reason TEXT",
        highlight=False,
    )


def _loose_entities(db: Path | None, limit: int, as_json: bool) -> None:
    from clearsight.linkage.accuracy import loose_entities

    con = _open(db)
    try:
        found = loose_entities(con, limit)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        print(json.dumps([e.as_dict() for e in found], indent=2))
        return
    table = Table(title="Entities held together by chains, largest first")
    for heading in ("entity", "records", "sources", "direct links", "density"):
        table.add_column(heading)
    for e in found:
        table.add_row(
            e.entity_id, str(e.n_records), str(e.n_sources), str(e.direct_links), f"{e.density:.2f}"
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
    con = _open(db)
    try:
        decision = decide(con, left, right, accept=accept, reason=reason, by=by)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    console.print(
        f"{decision.decision}: {decision.record_key_l} / {decision.record_key_r} "
        f"by {decision.decided_by}; applies from the next 'clearsight link'",
        highlight=False,
    )


@link_app.command("accuracy")
def accuracy_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Estimate the model's precision and recall per pair of sources from analysts' decisions."""
    from clearsight.linkage.accuracy import accuracy

    con = _open(db)
    try:
        rows = accuracy(con)
    except (LinkageError, duckdb.Error) as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    if not rows:
        console.print(
            "No decisions yet: review pairs with 'clearsight link review' and decide them.",
            highlight=False,
        )
        return
    table = Table(title="Model against analysts' decisions (labelled pairs only)")
    for heading in ("sources", "labelled", "accepted", "precision", "recall"):
        table.add_column(heading)
    for r in rows:
        table.add_row(
            f"{r.source_l} / {r.source_r}",
            str(r.labelled),
            str(r.accepted),
            "-" if r.precision is None else f"{r.precision:.3f}",
            "-" if r.recall is None else f"{r.recall:.3f}",
        )
    console.print(table)


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
