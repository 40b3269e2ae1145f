"""Command functions for ``clearsight ingest``, ``clearsight quarantine ...`` and
``clearsight batches``; the main app registers them."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from clearsight.commandline import (
    DbOption,
    JsonOption,
    cli_actor,
    open_store,
    progress_bar,
)
from clearsight.ingest import IngestResult, ingest
from clearsight.language.at_ingest import IngestCheck
from clearsight.language.store import LanguageCheckError

out = Console()
err = Console(stderr=True)

quarantine_app = typer.Typer(
    help="Rows that were not loaded, with where and why.", no_args_is_help=True
)


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
    rules_only: Annotated[
        bool,
        typer.Option(
            "--rules-only",
            help="The language check with its rules only, without the trained model "
            "(by default both; each model finding says so, with its score and words).",
        ),
    ] = False,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Read a submitted column as a standard one, SOURCE=TARGET "
            "(repeatable), e.g. --map dob=date_of_birth.",
        ),
    ] = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="One table row per submission, however wide.")
    ] = False,
) -> None:
    """Check submissions against the standard and load them into the store.

    Each submission loads in one transaction: all of it or none of it. Rows that
    break a rule are quarantined with file, row, column and reason; a structural
    fault (encoding, delimiter, missing columns, duplicate ids) refuses the file.
    """
    from clearsight.ingest.columns import parse_map

    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    mapping = parse_map(column_map or (), "--map")
    con = open_store(db)
    results: list[IngestResult] = []
    show = not (quiet or as_json)
    with contextlib.ExitStack() as stack:
        checking = _language_check(stack, con, model=not rules_only) if language else None
        progress = stack.enter_context(progress_bar(disable=not show))
        task = progress.add_task("ingesting", total=len(submissions))
        try:
            for path in submissions:
                result = ingest(
                    con,
                    path,
                    actor=cli_actor(),
                    progress=lambda message: progress.update(task, description=message),
                    column_map=mapping,
                    narratives=checking.staged if checking is not None else None,
                )
                results.append(result)
                if checking is not None and result.status == "loaded":
                    checking.loaded(result.batch_id)
                elif checking is not None:
                    checking.abandoned()
                progress.advance(task)
        except Exception:
            _finish_after_error(checking)
            raise
        if checking is not None:
            progress.update(task, description="checking language")
            checking.finish()
    con.close()
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    elif not quiet:
        _print_results(results, wide=wide)
    if strict and any(r.rows_quarantined for r in results):
        raise typer.Exit(1)


def _language_check(
    stack: contextlib.ExitStack, con: duckdb.DuckDBPyConnection, *, model: bool = True
) -> IngestCheck:
    """The language check of the batches this command loads."""
    from clearsight.language.at_ingest import IngestCheck
    from clearsight.language.worker import CheckWorker

    # The check runs in a process of its own, started now: it loads spaCy and the
    # concepts on the other core while files are read and loaded, then checks each
    # batch while the next one loads. The stack stops it however the command ends.
    return IngestCheck(con, stack.enter_context(CheckWorker(model=model)))


def _finish_after_error(checking: IngestCheck | None) -> None:
    """A submission failed: still check the batches loaded before it (they stay
    loaded), and say so if that fails too; the submission's error is the one raised."""
    if checking is None:
        return
    try:
        checking.finish()
    except LanguageCheckError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)


# The table's natural width with a long source id; narrower terminals get two lines per
# submission instead, so no source id is ever cut (ids are what users copy).
TABLE_WIDTH = 110


def _print_results(results: list[IngestResult], *, wide: bool = False) -> None:
    if not wide and out.width < TABLE_WIDTH:
        for r in results:
            out.print(
                f"{r.source_id} ({r.area}): {r.status}, batch {r.batch_id}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
            out.print(
                f"  {len(r.files)} files, {r.rows_read:,} read, {r.rows_loaded:,} loaded,"
                f" {r.rows_quarantined:,} quarantined",
                highlight=False,
            )
        _print_quarantined(results)
        return
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
    # Wider than the terminal only when asked (--wide): no column is cut.
    (Console(width=1000) if wide else out).print(table)
    _print_quarantined(results)


def _print_quarantined(results: list[IngestResult]) -> None:
    quarantined = sum(r.rows_quarantined for r in results)
    if quarantined:
        out.print(f"{quarantined:,} rows quarantined: see 'clearsight quarantine list'.")
    _print_warnings(results)


def _print_warnings(results: list[IngestResult]) -> None:
    """Header notes in full, and value warnings counted by reason code."""
    for r in results:
        for entry in r.unused_column_map:
            out.print(
                f"warning: {r.source_id}: column map {entry} matched no column of any file",
                highlight=False,
                markup=False,
            )
        for f in r.files:
            for note in f.column_notes:
                out.print(f"warning: {r.source_id} {f.file}: {note}", highlight=False, markup=False)
            if f.warnings:
                codes = ", ".join(f"{code} {n:,}" for code, n in f.warnings_by_code.items())
                out.print(
                    f"{r.source_id} {f.file}: {f.warnings:,} warning(s) on loaded rows ({codes}): "
                    "see 'clearsight quarantine warnings'.",
                    highlight=False,
                    markup=False,
                )


# The quarantine and the warnings on loaded rows are listed alike (``_row_notes``).
CurrentOption = Annotated[
    bool, typer.Option("--current/--all", help="Only the current batch of each source.")
]
RowLimitOption = Annotated[int, typer.Option(help="At most this many rows (0: all).")]
NOTE_COLUMNS = ["source_id", "batch_id", "file", "row", "column", "reason_code", "reason", "value"]


def _row_notes(
    db: Path | None,
    table: str,
    equal: dict[str, str | None],
    *,
    current: bool,
    limit: int,
) -> list[tuple[Any, ...]]:
    """Rows of ``table`` (``quarantine`` or ``value_warnings``) in ``NOTE_COLUMNS`` order,
    where each named column of ``equal`` given a value holds it; ``current``: only the
    current batch of each source; ``limit`` 0: all."""
    con = open_store(db, read_only=True)
    sql = (
        "SELECT n.source_id, n.batch_id, n.file, n.row_number, n.column_name, n.reason_code, "
        f"n.reason, n.value FROM {table} n"
    )
    if current:
        sql += " JOIN sources s ON s.current_batch_id = n.batch_id"
    given = {column: value for column, value in equal.items() if value}
    if given:
        sql += " WHERE " + " AND ".join(f"n.{column} = ?" for column in given)
    sql += " ORDER BY n.source_id, n.file, n.row_number, n.column_name"
    if limit:
        sql += f" LIMIT {int(limit)}"
    try:
        return con.execute(sql, list(given.values())).fetchall()
    finally:
        con.close()


@quarantine_app.command("list")
def quarantine_list(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source_id.")] = None,
    current: CurrentOption = True,
    limit: RowLimitOption = 50,
    as_json: JsonOption = False,
    csv_out: Annotated[
        Path | None,
        typer.Option("--csv", help="Write the rows, with their values, to this CSV file."),
    ] = None,
) -> None:
    """List quarantined rows: source, file, row, column, reason code and reason."""
    rows = _row_notes(db, "quarantine", {"source_id": source}, current=current, limit=limit)
    columns = NOTE_COLUMNS
    if csv_out is not None:
        from clearsight.exports.safe_csv import write_csv

        # Values are what agencies submitted: the safe writer neutralises formulas.
        written = write_csv(csv_out, columns, rows)
        out.print(f"wrote {written} quarantined value(s) to {csv_out}", highlight=False)
        return
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


@quarantine_app.command("warnings")
def quarantine_warnings(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source_id.")] = None,
    code: Annotated[str | None, typer.Option(help="Only this reason code.")] = None,
    current: CurrentOption = True,
    limit: RowLimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """List warnings on rows that loaded: the value kept raw, the reading reported, or why.

    Row 1 is the header: a column that looks like a standard one, or was mapped.
    """
    rows = _row_notes(
        db,
        "value_warnings",
        {"source_id": source, "reason_code": code},
        current=current,
        limit=limit,
    )
    columns = NOTE_COLUMNS
    if as_json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2))
        return
    for source_id, batch_id, file, row, column, reason_code, reason, _value in rows:
        out.print(
            f"{source_id} (batch {batch_id})  {file}:{row} [{column}]  {reason_code}: {reason}",
            highlight=False,
            markup=False,
        )
    out.print(f"{len(rows)} warning(s) shown.", highlight=False)


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
