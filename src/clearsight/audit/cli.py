"""``clearsight audit``: verify the chain, export the log for the regulator."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from clearsight.audit.keys import AuditKeyError, Head, parse_head
from clearsight.audit.log import entries, record
from clearsight.audit.verification import verify
from clearsight.commandline import DbOption, JsonOption
from clearsight.exports.safe_csv import SafeWriter
from clearsight.store import StoreError, connect, resolve_db_path

audit_app = typer.Typer(
    help="The tamper-evident audit log: verify it, export it.", no_args_is_help=True
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _parse_when(text: str | None, *, end: bool) -> datetime | None:
    """``YYYY-MM-DD`` (whole day, inclusive) or an ISO timestamp, read as UTC."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            moment = datetime.combine(day, time.min)
            # --to is inclusive of the whole day; entries() takes a half-open range.
            return moment + timedelta(days=1) if end else moment
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(f"{text!r} is not a date (YYYY-MM-DD) or ISO timestamp") from exc
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


@audit_app.command("verify")
def verify_command(
    db: DbOption = None,
    as_json: JsonOption = False,
    published: Annotated[
        Path | None,
        typer.Option("--head", help="A head published earlier ('audit head'): must still hold."),
    ] = None,
) -> None:
    """Recompute the keyed hash chain and check the signed head; exit 1 naming every entry
    that was edited, deleted or reordered."""
    try:
        head: Head | None = None
        if published is not None:
            head = parse_head(published.read_text(encoding="utf-8"), str(published))
        con = connect(resolve_db_path(db), read_only=True)
        result = verify(con, published=head)
    except (StoreError, AuditKeyError, OSError) as exc:
        raise _fail(str(exc)) from exc
    con.close()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "entries": result.entries,
                    "head_seq": result.head_seq,
                    "head_hash": result.head_hash,
                    "keyed_from": result.keyed_from,
                    "problems": result.problems,
                }
            )
        )
    elif result.ok:
        keyed = (
            "unkeyed"
            if result.keyed_from is None
            else f"keyed from entry {result.keyed_from}, signed head"
        )
        typer.echo(
            f"audit log intact: {result.entries} entries ({keyed}), head {result.head_hash[:16]}"
        )
    else:
        for problem in result.problems:
            typer.echo(f"TAMPERED: {problem}", err=True)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("head")
def head_command(
    db: DbOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default standard output).")
    ] = None,
    actor: Annotated[str, typer.Option("--actor", help="Who is publishing (audited).")] = "cli",
) -> None:
    """Append an entry and print the signed head to publish (to the DPO, a ticket):
    'audit verify --head FILE' later proves nothing before it changed. Keys an unkeyed log."""
    try:
        con = connect(resolve_db_path(db))
        record(con, actor=actor, action="audit_head", category="administration")
        result = verify(con)
    except (StoreError, AuditKeyError) as exc:
        raise _fail(str(exc)) from exc
    con.close()
    if not result.ok or result.head is None:
        for problem in result.problems:
            typer.echo(f"TAMPERED: {problem}", err=True)
        raise typer.Exit(1)
    text = json.dumps(result.head.as_json()) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the signed head (entry {result.head.seq}) to {out}", err=True)


@audit_app.command("export")
def export_command(
    db: DbOption = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First day (UTC, YYYY-MM-DD), inclusive.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (UTC, YYYY-MM-DD), inclusive.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default standard output).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    actor: Annotated[str, typer.Option("--actor", help="Who is exporting (audited).")] = ("cli"),
) -> None:
    """Write the log between two dates, with hashes, for the regulator.

    The export itself is recorded in the log (a disclosure).
    """
    if fmt not in ("jsonl", "csv"):
        raise _fail(f"--format must be jsonl or csv, not {fmt!r}")
    lo, hi = _parse_when(start, end=False), _parse_when(end, end=True)
    try:
        con = connect(resolve_db_path(db))
    except StoreError as exc:
        raise _fail(str(exc)) from exc
    rows = entries(con, start=lo, end=hi)
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        if fmt == "jsonl":
            for entry in rows:
                handle.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")
        else:
            writer = SafeWriter(handle)
            fields = list(rows[0].as_json()) if rows else ["seq"]
            writer.writerow(fields)
            for entry in rows:
                data = entry.as_json()
                data["details"] = json.dumps(data["details"], sort_keys=True)
                writer.writerow([data[name] for name in fields])
    finally:
        if out:
            handle.close()
    record(
        con,
        actor=actor,
        action="audit_export",
        details={"from": start, "to": end, "entries": len(rows), "format": fmt},
    )
    con.close()
    if out:
        typer.echo(f"wrote {len(rows)} audit entries to {out}", err=True)
