"""The ``clearsight`` command: a thin front door over the stages.

Every command takes ``--db PATH`` (default ``./clearsight.duckdb`` or
``$CLEARSIGHT_DB``). Errors are one line on standard error and a non-zero exit;
``clearsight --debug ...`` shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape

from clearsight.access.cli import users_app
from clearsight.alerts.cli import alerts_app, watch_app
from clearsight.audit.cli import audit_app
from clearsight.commandline import (
    CommandError,
    DbOption,
    JsonOption,
    cli_actor,
    fail,
    open_store,
    progress_bar,
)
from clearsight.federation.cli import federate_app
from clearsight.graph.cli import (
    export_incidents_command,
    export_network_command,
    export_network_evidence_command,
    export_networks_command,
    export_store_command,
    network_app,
    networks_command,
)
from clearsight.ingest import SubmissionError
from clearsight.ingest.cli import batches_command, ingest_command, quarantine_app
from clearsight.language.cli import app as language_app
from clearsight.language.store import LanguageCheckError
from clearsight.linkage.cli import entity_app, export_entities_command, link_app
from clearsight.report.cli import report_command
from clearsight.returns.cli import return_command
from clearsight.review.cli import review_app
from clearsight.review.export import export_beaconport_command
from clearsight.spark.session import SparkUnavailableError, require_pyspark
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
app.command("ingest")(ingest_command)
app.add_typer(quarantine_app, name="quarantine")
app.command("batches")(batches_command)
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
export_app.command("beaconport")(export_beaconport_command)
export_app.command("incidents")(export_incidents_command)
export_app.command("network-evidence")(export_network_evidence_command)
export_app.command("store")(export_store_command)
app.add_typer(stats_app, name="stats")
app.add_typer(review_app, name="review")
app.command("report")(report_command)
app.command("return")(return_command)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(federate_app, name="federate")
app.add_typer(alerts_app, name="alerts")
app.add_typer(watch_app, name="watch")

out = Console()
err = Console(stderr=True)
_debug = {"on": False}

# Errors a user can cause and fix: one line, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    CommandError,
    SubmissionError,
    LanguageCheckError,
    StoreError,
    SchemaError,
    SparkUnavailableError,
    duckdb.Error,
    OSError,
    ValueError,
)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _debug["on"] = debug
    # Every file a command creates (the store, its write-ahead log, keys, exports, backups)
    # holds personal data or protects it: owner-only, whatever the login's umask.
    os.umask(0o077)


@app.command("analyse")
def analyse_command(
    db: DbOption = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            help="Run only this stage (repeatable): linkage, networks, definitions, review.",
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
    if backend == "spark":
        require_pyspark()
    con = open_store(db)
    # Closed however the run ends: a stage that stops (nothing linkable) must not leave
    # the store open in a process that goes on.
    try:
        results = []
        chosen: Backend = "spark" if backend == "spark" else "duckdb"
        planned = [s for s in STAGES if not stage or s.name in stage]
        with progress_bar(disable=as_json) as progress:
            task = progress.add_task(
                f"{planned[0].name}: {planned[0].description}" if planned else "",
                total=len(planned),
            )
            for result in analyse(
                con, set(stage) if stage else None, actor=_actor(), backend=chosen
            ):
                results.append(result)
                done = len(results)
                progress.update(
                    task,
                    completed=done,
                    description=(
                        f"{planned[done].name}: {planned[done].description}"
                        if done < len(planned)
                        else "done"
                    ),
                )
                if not as_json:
                    counts = ", ".join(
                        f"{k}={v}" for k, v in result.summary.items() if isinstance(v, int | float)
                    )
                    out.print(f"{result.stage}: {counts} ({result.seconds:.1f} s)", highlight=False)
                    # What the stage chose or could not do on these records (a field
                    # skipped, a parameter left at its default): the run log says so.
                    for note in result.summary.get("notes") or []:
                        out.print(f"  {note}", highlight=False)
    finally:
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
def demo_users(
    db: DbOption = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Give existing demo users new passwords, shown once.")
    ] = False,
) -> None:
    """Create one demo user per role (analyst and partner per area) with random passwords.

    For demonstrations on synthetic data only; existing demo users are left alone unless
    --reset gives them new passwords (lost demo passwords are recovered this way).
    """
    from clearsight.access import create_demo_users

    con = open_store(db)
    created = create_demo_users(con, reset=reset)
    con.close()
    for name, role, area, password in created:
        where = f" ({area})" if area else ""
        print(f"  {name:<28} {password:<18} {role}{where}")
    if not created:
        out.print(
            "Demo users exist already (their passwords were shown when made;"
            " 'clearsight users demo --reset' gives them new ones)."
        )


@app.command("serve")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers",
            help="Behind a TLS proxy: take client address and scheme from X-Forwarded-*.",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated proxy addresses whose X-Forwarded-* headers are trusted.",
        ),
    ] = "127.0.0.1",
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies", help="Always mark cookies Secure and send HSTS (served over TLS)."
        ),
    ] = False,
) -> None:
    """Serve the analyst web app (FastAPI on Uvicorn) over the store.

    Log in with a user made by 'clearsight users add'. Every view of a person or
    network is recorded in the audit log.
    """
    from clearsight.web.cli import serve_command

    serve_command(
        db=db,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        secure_cookies=secure_cookies,
    )


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="The copy to write (a new file).")],
    db: DbOption = None,
) -> None:
    """A consistent copy of the store (write-ahead log folded in, audit chain verified),
    with its audit head beside it. Keys are not copied: back them up apart."""
    from clearsight.backup import backup

    try:
        entries = backup(resolve_db_path(db), out, actor=cli_actor())
    except StoreError as exc:
        fail(exc)
    print(f"backed up to {out}: {entries:,} audit entries, chain verified")


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
        from clearsight.graph.cli import partner_areas_text

        counts = networks["partner_only_by_area"]
        per_area = (
            f" ({partner_areas_text(counts, networks['partner_only'])[2:]})" if counts else ""
        )
        out.print(
            f"Networks: {networks['networks']:,}; visible only through partner records: "
            f"{networks['partner_only']:,}{per_area}; "
            f"hotspots: {networks['hotspots']:,}; people tied to premises networks used, "
            f"not members (lines of enquiry): {networks['place_people']:,}; "
            f"incidents linked across agencies: "
            f"{networks['incidents']:,}; peer groups of children set apart: "
            f"{networks['peer_groups']:,}; records naming a person by a first name only joined "
            f"through a child, a companion or a private place: {networks['first_name_joined']:,} "
            f"({networks['first_name_review']:,} to review)",
            highlight=False,
        )


def _actor() -> str:
    return cli_actor()


def reset_debug() -> None:
    _debug["on"] = False


def debugging() -> bool:
    return _debug["on"]


def print_error(exc: BaseException) -> None:
    """A user error as the one line every command ends with."""
    # Escaped: an error quoting "[spark]" or a file's "[1]" is text, not Rich markup.
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit code 2.

    While 'clearsight serve' holds the store a command names, the command is handed to
    it and run there (``web/commands.py``): same output, same exit code."""
    from clearsight.store.service import served_store

    argv = sys.argv[1:]
    served = served_store(typer.main.get_command(app), argv)
    if served is not None:
        from clearsight.store.service import NoServiceError, hand_over

        try:
            code = hand_over(served, argv, actor=cli_actor())
        except NoServiceError as exc:
            # The service went away (stopped, or restarted) while the command ran in it.
            print_error(exc)
            code = 2
        sys.exit(code)
    try:
        app()
    except USER_ERRORS as exc:
        if _debug["on"]:
            raise
        print_error(exc)
        sys.exit(2)


if __name__ == "__main__":
    main()
