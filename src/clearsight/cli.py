"""The ``clearsight`` command: a thin front door over the stages.

Every command takes ``--db PATH`` (default ``./clearsight.duckdb`` or
``$CLEARSIGHT_DB``). Errors are one line on standard error and a non-zero exit;
``clearsight --debug ...`` shows the traceback instead.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from clearsight.access.cli import users_app
from clearsight.audit.cli import audit_app
from clearsight.commandline import CommandError, DbOption, JsonOption, cli_actor, open_store
from clearsight.federation.cli import federate_app
from clearsight.graph.cli import (
    export_incidents_command,
    export_network_command,
    export_network_evidence_command,
    export_networks_command,
    network_app,
    networks_command,
)
from clearsight.ingest import IngestResult, SubmissionError, ingest
from clearsight.ingest.load import PostLoadHook
from clearsight.language.cli import app as language_app
from clearsight.linkage.cli import entity_app, export_entities_command, link_app
from clearsight.report.cli import report_command
from clearsight.review.cli import review_app
from clearsight.standard import SchemaError
from clearsight.stats.cli import stats_app
from clearsight.store import StoreError, resolve_db_path
from clearsight.synth.cli import synth

app = typer.Typer(
    name="clearsight",
    help="Find, understand and tackle group-based child sexual exploitation across agencies.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
quarantine_app = typer.Typer(
    help="Rows that were not loaded, with where and why.", no_args_is_help=True
)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(language_app, name="language")
export_app = typer.Typer(
    help="Write data for other tools (contract formats).", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.command("synth")(synth)
app.add_typer(link_app, name="link")
app.add_typer(entity_app, name="entity")
export_app.command("entities")(export_entities_command)
app.command("networks")(networks_command)
app.add_typer(network_app, name="network")
export_app.command("networks")(export_networks_command)
export_app.command("network")(export_network_command)
export_app.command("incidents")(export_incidents_command)
export_app.command("network-evidence")(export_network_evidence_command)
app.add_typer(stats_app, name="stats")
app.add_typer(review_app, name="review")
app.command("report")(report_command)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(federate_app, name="federate")

out = Console()
err = Console(stderr=True)
_debug = {"on": False}

# Errors a user can cause and fix: one line, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    CommandError,
    SubmissionError,
    StoreError,
    SchemaError,
    duckdb.Error,
    OSError,
    ValueError,
)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _debug["on"] = debug


@app.command("ingest")
def ingest_command(
    submissions: Annotated[
        list[Path], typer.Argument(help="Submission folders, .zip files or .xlsx workbooks.")
    ],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
    as_json: JsonOption = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any row was quarantined.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")] = False,
    language: Annotated[
        bool,
        typer.Option(
            "--language/--skip-language",
            help="Check narratives for victim-blaming language while loading (default), "
            "or leave it to 'clearsight language scan'.",
        ),
    ] = True,
) -> None:
    """Check submissions against the standard and load them into the store.

    Each submission loads in one transaction: all of it or none of it. Rows that
    break a rule are quarantined with file, row, column and reason; a structural
    fault (encoding, delimiter, missing columns, duplicate ids) refuses the file.
    """
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    con = open_store(db)
    results: list[IngestResult] = []
    hook = _narrative_hook(language)
    show = not (quiet or as_json)
    with Progress(
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not show,
    ) as progress:
        task = progress.add_task("ingesting", total=len(submissions))
        for path in submissions:
            results.append(
                ingest(
                    con,
                    path,
                    actor=_actor(),
                    after_load=hook,
                    progress=lambda message: progress.update(task, description=message),
                )
            )
            progress.advance(task)
    con.close()
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    elif not quiet:
        _print_results(results)
    if strict and any(r.rows_quarantined for r in results):
        raise typer.Exit(1)


def _narrative_hook(enabled: bool) -> PostLoadHook | None:
    """Check every narrative of a new batch inside its transaction."""
    if not enabled:
        return None
    from clearsight.language.store import check_narratives

    def hook(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        check_narratives(con, batch_id)

    return hook


def _print_results(results: list[IngestResult]) -> None:
    table = Table(title="Ingested (per-file counts: --json)")
    for heading in ("source", "area", "status", "batch", "files", "read", "loaded", "quarantined"):
        numeric = heading in ("files", "read", "loaded", "quarantined")
        table.add_column(heading, justify="right" if numeric else "left", no_wrap=True)
    for r in results:
        table.add_row(
            r.source_id,
            r.area,
            r.status,
            str(r.batch_id),
            str(len(r.files)),
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
        )
    out.print(table)
    quarantined = sum(r.rows_quarantined for r in results)
    if quarantined:
        out.print(f"{quarantined:,} rows quarantined: see 'clearsight quarantine list'.")


@quarantine_app.command("list")
def quarantine_list(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source_id.")] = None,
    current: Annotated[
        bool, typer.Option("--current/--all", help="Only the current batch of each source.")
    ] = True,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List quarantined rows: source, file, row, column, reason code and reason."""
    con = open_store(db, read_only=True)
    sql = (
        "SELECT q.source_id, q.batch_id, q.file, q.row_number, q.column_name, q.reason_code, "
        "q.reason, q.value FROM quarantine q"
    )
    where: list[str] = []
    params: list[str] = []
    if current:
        sql += " JOIN sources s ON s.current_batch_id = q.batch_id"
    if source:
        where.append("q.source_id = ?")
        params.append(source)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY q.source_id, q.file, q.row_number, q.column_name"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = con.execute(sql, params).fetchall()
    columns = ["source_id", "batch_id", "file", "row", "column", "reason_code", "reason", "value"]
    if as_json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2))
        return
    for source_id, batch_id, file, row, column, code, reason, _value in rows:
        place = f"{file}:{row}" + (f" [{column}]" if column else "")
        out.print(
            f"{source_id} (batch {batch_id})  {place}  {code}: {reason}",
            highlight=False,
            markup=False,
        )
    out.print(f"{len(rows)} quarantined value(s) shown.", highlight=False)


@app.command("batches")
def batches_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List every load with its lineage: source, extract date, status, rows."""
    con = open_store(db, read_only=True)
    rows = con.execute(
        "SELECT b.batch_id, b.source_id, b.area, b.extract_date, b.status, b.loaded_at, "
        "sum(f.rows_read), sum(f.rows_loaded), sum(f.rows_quarantined), b.submission_sha256 "
        "FROM batches b JOIN batch_files f USING (batch_id) GROUP BY ALL ORDER BY b.batch_id"
    ).fetchall()
    columns = [
        "batch_id",
        "source_id",
        "area",
        "extract_date",
        "status",
        "loaded_at",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "submission_sha256",
    ]
    if as_json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2, default=str))
        return
    table = Table(title="Batches")
    for heading in columns[:-1]:
        table.add_column(heading)
    for row in rows:
        table.add_row(*(str(v) for v in row[:-1]))
    out.print(table)


@app.command("analyse")
def analyse_command(
    db: DbOption = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage", help="Run only this stage (repeatable): linkage, networks, review."
        ),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            help="Engine: duckdb (one machine, default) or spark (pyspark and Java).",
        ),
    ] = "duckdb",
    as_json: JsonOption = False,
) -> None:
    """Run every analysis stage in order: linkage, networks and definitions, review."""
    from clearsight.pipeline import BACKENDS, STAGES, Backend, analyse

    if backend not in BACKENDS:
        raise CommandError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")

    known = {s.name for s in STAGES}
    unknown = set(stage or ()) - known
    if unknown:
        raise CommandError(f"unknown stage(s) {sorted(unknown)}; stages: {', '.join(known)}")
    con = open_store(db)
    results = []
    chosen: Backend = "spark" if backend == "spark" else "duckdb"
    for result in analyse(con, set(stage) if stage else None, actor=_actor(), backend=chosen):
        results.append(result)
        if not as_json:
            counts = ", ".join(
                f"{k}={v}" for k, v in result.summary.items() if isinstance(v, int | float)
            )
            out.print(f"{result.stage}: {counts} ({result.seconds:.1f} s)", highlight=False)
    con.close()
    if as_json:
        print(
            json.dumps(
                [{"stage": r.stage, "seconds": r.seconds, **r.summary} for r in results],
                indent=2,
                default=str,
            )
        )


@users_app.command("demo")
def demo_users(db: DbOption = None) -> None:
    """Create one demo user per role (analyst and partner per area) with random passwords.

    For demonstrations on synthetic data only; existing demo users are left alone.
    """
    from clearsight.access import create_demo_users

    con = open_store(db)
    created = create_demo_users(con)
    con.close()
    for name, role, area, password in created:
        where = f" ({area})" if area else ""
        print(f"  {name:<28} {password:<18} {role}{where}")
    if not created:
        out.print("Demo users exist already (their passwords were shown when made).")


@app.command("serve")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the analyst web app (FastAPI on Uvicorn) over the store.

    Log in with a user made by 'clearsight users add'. Every view of a person or
    network is recorded in the audit log.
    """
    from clearsight.web.cli import serve_command

    serve_command(db=db, host=host, port=port)


@app.command("standard")
def standard_command(
    db: DbOption = None,
) -> None:
    """Print the submission standard (Markdown) from the schema the code enforces.

    ``--db`` is accepted for uniformity and not used.
    """
    from clearsight.standard import load_standard
    from clearsight.standard.docs import render

    print(render(load_standard()), end="")


@app.command("status")
def status_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Summarise the store: areas, sources, current rows per table, quarantine."""
    con = open_store(db, read_only=True)
    sources = [
        (str(agency), int(n))
        for agency, n in con.execute(
            "SELECT agency_type, count(*) FROM sources GROUP BY ALL ORDER BY 1"
        ).fetchall()
    ]
    areas = [
        str(a) for (a,) in con.execute("SELECT DISTINCT area FROM sources ORDER BY 1").fetchall()
    ]
    counts = {
        name: int(con.execute(f"SELECT count(*) FROM current_{name}").fetchall()[0][0])
        for name in ("persons", "events", "involvements", "objects", "locations", "associations")
    }
    quarantined = int(
        con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT q.batch_id, q.file, q.row_number "
            "FROM quarantine q JOIN sources s ON s.current_batch_id = q.batch_id)"
        ).fetchall()[0][0]
    )
    from clearsight.graph.summary import network_status

    networks = network_status(con)
    if as_json:
        summary = {
            "store": str(resolve_db_path(db)),
            "areas": areas,
            "sources": dict(sources),
            "current_rows": counts,
            "quarantined_rows": quarantined,
            "networks": networks,
        }
        print(json.dumps(summary, indent=2))
        return
    out.print(f"Store: {resolve_db_path(db)}", highlight=False)
    out.print(f"Areas: {', '.join(areas) or 'none'}", highlight=False)
    for agency, n in sources:
        out.print(f"  {n} {agency} source(s)", highlight=False)
    for name, n in counts.items():
        out.print(f"  {name}: {n:,} current rows", highlight=False)
    out.print(f"Quarantined rows in current batches: {quarantined:,}", highlight=False)
    if networks is not None:
        by_area = ", ".join(f"{a} {n:,}" for a, n in networks["partner_only_by_area"].items())
        out.print(
            f"Networks: {networks['networks']:,}; visible only through partner records: "
            f"{networks['partner_only']:,}{' (' + by_area + ')' if by_area else ''}; "
            f"hotspots: {networks['hotspots']:,}; incidents linked across agencies: "
            f"{networks['incidents']:,}",
            highlight=False,
        )


def _actor() -> str:
    return cli_actor()


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit code 2."""
    try:
        app()
    except USER_ERRORS as exc:
        if _debug["on"]:
            raise
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
