"""``clearsight federate export|import|resolve``: mount ``federate_app`` on the root CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from clearsight.commandline import DbOption, JsonOption, cli_actor, fail, open_store

federate_app = typer.Typer(
    help="Find shared offenders across forces without sharing identifiable data.",
    no_args_is_help=True,
)

KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="File holding the shared federation key (else $CLEARSIGHT_FEDERATION_KEY).",
        exists=True,
        dir_okay=False,
    ),
]


def _key(key_file: Path | None) -> bytes:
    from clearsight.federation.keys import FederationKeyError, load_key

    try:
        return load_key(key_file)
    except (FederationKeyError, OSError) as exc:
        fail(exc)


@federate_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Extract file to write.")],
    key_file: KeyFileOption = None,
    force: Annotated[
        str | None, typer.Option("--force", help="Force name (default: areas).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write this force's pseudonymised extract: tokens, roles, dates, areas only."""
    from clearsight import audit
    from clearsight.federation.extract import export

    key = _key(key_file)
    con = open_store(db)
    try:
        summary = export(con, key, out, force=force)
        audit.record(
            con,
            actor=cli_actor(),
            action="federate_export",
            category="disclosure",
            target=summary.force,
            details={"people": summary.people, "events": summary.events},
        )
    finally:
        con.close()
    typer.echo(
        json.dumps(summary.as_dict())
        if as_json
        else f"extract of {summary.force}: {summary.people} people, {summary.events} events "
        f"-> {out}"
    )


@federate_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Extracts, one per force.", exists=True)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Link people across forces on tokens and find cross-force networks."""
    from clearsight.federation.national import import_extracts

    con = open_store(db)
    try:
        summary = import_extracts(con, files)
    except ValueError as exc:
        fail(exc)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(summary.as_dict()))
        return
    typer.echo(
        f"{len(summary.forces)} forces, {summary.cross_force_people} people in more "
        f"than one force, {summary.cross_force_networks} cross-force networks"
    )
    if summary.model_defaults:
        typer.echo(
            f"note: too few candidate pairs to estimate {', '.join(summary.model_defaults)}; "
            "measured defaults used (fed_model.m_source)",
            err=True,
        )


@federate_app.command("resolve")
def resolve_command(
    token: Annotated[str, typer.Argument(help="A person pseudonym (P...) from an extract.")],
    reason: Annotated[str, typer.Option("--reason", help="Why re-identification is needed.")],
    key_file: KeyFileOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who asks (default: login).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Turn this force's pseudonym back into its records (audited as a disclosure)."""
    from clearsight.federation.resolve import resolve

    key = _key(key_file)
    con = open_store(db)
    try:
        records = resolve(con, key, token, actor=actor or cli_actor(), reason=reason)
    except ValueError as exc:
        fail(exc)
    finally:
        con.close()
    if not records:
        fail("not a pseudonym of this force's store and key")
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in records]))
    else:
        for r in records:
            typer.echo(
                f"{r.source_id}\t{r.person_id}\t{r.forenames} {r.surname}\t{r.date_of_birth}"
            )
