"""``clearsight users``: add, disable, list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clearsight.access.model import AccessError
from clearsight.access.users import add_user, list_users, reset_password, set_disabled
from clearsight.commandline import DbOption, cli_actor
from clearsight.store import StoreError, connect, resolve_db_path

users_app = typer.Typer(help="Users and roles of the web app.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@users_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option("--role", help="analyst, partner, national, inspector or admin.")
    ],
    area: Annotated[
        str | None, typer.Option("--area", help="Area (analysts and partners).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="A partner's agency source_id.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user. The password is prompted for, or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        con = connect(resolve_db_path(db))
        user = add_user(con, name, role=role, password=password, area=area, source_id=source)
    except (AccessError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    con.close()
    where = f" in {user.area}" if user.area else ""
    typer.echo(f"added {user.name} ({user.role}{where})")


@users_app.command("disable")
def disable_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    db: DbOption = None,
) -> None:
    """Disable a user and end their sessions at once."""
    try:
        con = connect(resolve_db_path(db))
        set_disabled(con, name, disabled=True)
    except (AccessError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    con.close()
    typer.echo(f"disabled {name}; their sessions are revoked")


@users_app.command("reset-password")
def reset_password_command(
    name: Annotated[str, typer.Argument(help="Login name.")],
    db: DbOption = None,
) -> None:
    """Give a user a new random password, printed once; their sessions end. Audited."""
    try:
        con = connect(resolve_db_path(db))
        password = reset_password(con, name, actor=cli_actor())
    except (AccessError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    con.close()
    typer.echo(f"new password for {name} (shown once; their sessions are ended):")
    typer.echo(password)


@users_app.command("list")
def list_command(db: DbOption = None) -> None:
    """Users, roles, areas and whether enabled."""
    try:
        con = connect(resolve_db_path(db))
        users = list_users(con)
    except StoreError as exc:
        raise _fail(str(exc)) from exc
    con.close()
    for user in users:
        state = "disabled" if user.disabled else "enabled"
        scope = user.area or "all areas"
        if user.source_id:
            scope += f" / {user.source_id}"
        typer.echo(f"{user.name}\t{user.role}\t{scope}\t{state}")
