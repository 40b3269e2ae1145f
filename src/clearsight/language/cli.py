"""``clearsight language``: check text for victim-blaming language; list and review
stored findings."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import duckdb
import typer

from clearsight.commandline import DbOption, fail, open_store
from clearsight.language.check import Finding, check
from clearsight.language.rules import LOCAL_RULES_ENV, RuleError, RulePack, load_rules
from clearsight.language.store import ReviewError, check_narratives, list_findings, mark_reviewed
from clearsight.store import StoreError

app = typer.Typer(
    help="Find victim-blaming language in narratives, say why it matters and what to write.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _connect(db: Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return open_store(db, read_only=read_only)
    except (StoreError, duckdb.Error) as exc:
        fail(str(exc).splitlines()[0])


def _read(file: str) -> tuple[str, str]:
    if file == "-":
        return "<stdin>", sys.stdin.read()
    path = Path(file)
    try:
        return file, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except IsADirectoryError:
        fail(f"{file}: is a directory, not a text file")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror}")


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="A directory of the force's own concept files (*.yaml), added to the packaged "
        f"concepts and validated at load (default: ${LOCAL_RULES_ENV} when set).",
        file_okay=False,
    ),
]


RulesOnlyOption = Annotated[
    bool,
    typer.Option(
        "--rules-only",
        help="The concepts' rules only. By default the trained model "
        "(clearsight.language.model) also scores each sentence no concept matched and "
        "its flags are reported too, each saying it comes from the model, with its score "
        "and the words that weigh most.",
    ),
]


def _pack(rules: Path | None) -> RulePack:
    try:
        return load_rules(rules)
    except RuleError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{rules}: cannot read the rules: {exc.strerror}")


def _text_line(name: str, f: Finding) -> str:
    alternatives = " or ".join(f"'{a}'" for a in f.suggestions)
    context = f" Here: {f.context}." if f.context else ""
    return (
        f"{name}:{f.line}:{f.column}: {f.severity} [{f.rule_id}] '{f.matched}': "
        f"{f.title}. Why: {f.reason} Instead: {alternatives}.{context} ({f.source})"
    )


@app.command("check")
def check_command(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="Plain-text file to check, or - for standard input."),
    ],
    output_format: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="Output format: text or json."),
    ] = "text",
    rules: RulesOption = None,
    rules_only: RulesOnlyOption = False,
    db: DbOption = None,
) -> None:
    """Check a text for victim-blaming language.

    Each finding names the concept, why the wording blames the child, the alternatives
    and a severity. Exit 0 when there is no warning or error finding, 1 otherwise.
    Quoted or reported words and training text are shown as info. --db is accepted
    like every command; the check does not use the store.
    """
    del db
    pack = _pack(rules)
    name, text = _read(file)
    findings = check(text, pack, model=not rules_only)
    if output_format == "json":
        typer.echo(json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False))
    else:
        for f in findings:
            typer.echo(_text_line(name, f))
        blocking = sum(f.blocking for f in findings)
        typer.echo(f"{len(findings)} finding(s), {blocking} warning(s) or error(s).", err=True)
    if any(f.blocking for f in findings):
        raise typer.Exit(1)


@app.command("scan")
def scan_command(
    db: DbOption = None,
    batch: Annotated[
        int | None, typer.Option("--batch", help="Only this batch (default: all current events).")
    ] = None,
    rules: RulesOption = None,
    rules_only: RulesOnlyOption = False,
) -> None:
    """Check stored event narratives and store the findings (replacing earlier ones
    for the same batches; reviews are kept)."""
    pack = _pack(rules)
    con = _connect(db)
    try:
        count = check_narratives(con, batch, pack, model=not rules_only)
    except duckdb.CatalogException:
        fail("the store has no events table; run 'clearsight ingest' first")
    except (duckdb.Error, RuleError) as exc:
        fail(str(exc).splitlines()[0])
    finally:
        con.close()
    typer.echo(f"{count} finding(s) stored.")


@app.command("findings")
def findings_command(
    db: DbOption = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source_id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """List stored findings with their latest review."""
    con = _connect(db, read_only=True)
    try:
        rows = list_findings(con, source)
    except duckdb.Error as exc:
        fail(str(exc).splitlines()[0])
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps({"findings": [r.as_dict() for r in rows]}, ensure_ascii=False))
        return
    for r in rows:
        review = f" [{r.decision} by {r.reviewed_by}]" if r.decision else ""
        typer.echo(
            f"{r.finding_id}  {r.source_id}/{r.event_id}:{r.line}:{r.column}  {r.severity} "
            f"{'(model) ' if r.origin == 'model' else ''}"
            f"[{r.rule_id}] '{r.matched}' -> '{r.suggestions[0] if r.suggestions else ''}'"
            f"{review}"
        )
    typer.echo(f"{len(rows)} finding(s).", err=True)


@app.command("concepts")
def concepts_command(
    rules: RulesOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    db: DbOption = None,
) -> None:
    """List the concepts the check looks for: id, severity, title, source and file.
    --db is accepted like every command; the list does not use the store."""
    del db
    pack = _pack(rules)
    rows = [
        {
            "id": r.id,
            "title": r.title,
            "severity": r.severity,
            "about": r.about,
            "alternatives": list(r.alternatives),
            "reason": r.reason,
            "source": r.source,
            "file": r.file,
        }
        for r in pack.rules
    ]
    if as_json:
        typer.echo(json.dumps({"version": pack.version, "concepts": rows}, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(f"{row['id']}  {row['severity']}  {row['title']}  ({row['file']})")
    typer.echo(f"{len(rows)} concept(s), version {pack.version}.", err=True)


@app.command("review")
def review_command(
    finding_id: Annotated[str, typer.Argument(help="The finding's id (see 'findings').")],
    decision: Annotated[
        Literal["accepted", "dismissed"],
        typer.Option("--decision", help="accepted (the language must change) or dismissed."),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the review.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Reviewer's name (default: the login name).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Mark a stored finding as reviewed, with a decision and a reason."""
    reviewer = by if by is not None else _login()
    con = _connect(db)
    try:
        mark_reviewed(con, finding_id, reviewer, decision, reason)
    except ReviewError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        fail(str(exc).splitlines()[0])
    finally:
        con.close()
    typer.echo(f"{finding_id}: {decision} by {reviewer}.")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def main() -> None:
    """Run the ``language`` commands on their own."""
    app()


if __name__ == "__main__":
    main()
