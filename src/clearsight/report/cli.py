"""``clearsight report``: the problem profile for a force area or England and Wales."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearsight.commandline import progress_bar
from clearsight.store import connect, resolve_db_path


def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    area: Annotated[str | None, typer.Option("--area", help="A force area code.")] = None,
    national: Annotated[
        bool, typer.Option("--national", help="England and Wales (default).")
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write a PDF (needs weasyprint).")
    ] = False,
    exclude_source: Annotated[
        list[str] | None,
        typer.Option("--exclude-source", help="Leave out this source_id (repeatable)."),
    ] = None,
    settings: Annotated[
        Path | None, typer.Option(help="Settings YAML (see docs/statistics.md).")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Store file (default ./clearsight.duckdb, or $CLEARSIGHT_DB).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the problem profile: HTML with charts, tables as CSV and XLSX, optional PDF.

    Every table is disclosure-controlled: it is fit for people without access to records.
    """
    from clearsight.report import build_report
    from clearsight.stats.settings import load_settings

    if area and national:
        raise ValueError("give --area or --national, not both")
    con = connect(resolve_db_path(db), read_only=True)
    try:
        # A spinner on a terminal: the statistics, disclosure control and the PDF take
        # a while on a national store.
        with progress_bar(disable=False) as progress:
            progress.add_task("building the problem profile" + (" and PDF" if pdf else ""))
            result = build_report(
                con,
                out,
                area,
                pdf=pdf,
                settings=load_settings(settings),
                exclude_sources=tuple(exclude_source or ()),
            )
    finally:
        con.close()
    typer.echo(f"Problem profile: {result.html}")
    typer.echo(
        f"Tables: {result.xlsx} and {len(result.csvs)} CSV file(s) in {result.out / 'tables'}"
    )
    if result.pdf:
        typer.echo(f"PDF: {result.pdf}")
