"""``clearsight alerts list|digest|acknowledge`` and ``clearsight watch add|remove|list``.

The CLI is for operators and analysts at the store: it shows identifiers (entity,
network, record keys) and why a record linked, never names. Reading alerts is
audited as the web app's pages are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from clearsight import audit
from clearsight.commandline import DbOption, JsonOption, cli_actor, fail, open_store
from clearsight.store import StoreError
from clearsight.store.sql import table_exists

console = Console()

alerts_app = typer.Typer(
    help="Arrival alerts: new records linked to watched people or known networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
watch_app = typer.Typer(
    help="Watchlists: persons, children and networks an analyst watches for new records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

AreaOption = Annotated[str | None, typer.Option("--area", help="Only this area's alerts.")]
DayOption = Annotated[
    str | None, typer.Option("--day", help="Only alerts of this day, YYYY-MM-DD.")
]


@contextmanager
def _store(db: Path | None, *errors: type[Exception]) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store, closed after the block; a store or DuckDB error (or one of ``errors``)
    fails the command with its message."""
    try:
        con = open_store(db)
    except StoreError as exc:
        fail(exc)
    caught: tuple[type[Exception], ...] = (duckdb.Error, *errors)
    try:
        yield con
    except caught as exc:
        fail(exc)
    finally:
        con.close()


def _day(text: str | None, *, default_today: bool = False) -> date | None:
    if text is None:
        return date.today() if default_today else None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--day {text!r} is not a date written YYYY-MM-DD")


@alerts_app.command("list")
def alerts_list_command(
    db: DbOption = None,
    area: AreaOption = None,
    day: DayOption = None,
    unacknowledged: Annotated[
        bool, typer.Option("--unacknowledged", help="Only alerts nobody has acknowledged.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List arrival alerts, newest first, with why each record linked."""
    from clearsight.alerts.reading import as_json as row_json
    from clearsight.alerts.reading import list_alerts

    with _store(db) as con:
        found = list_alerts(
            con, area=area, day=_day(day), unacknowledged=unacknowledged, limit=limit
        )
        audit.record(
            con,
            actor=cli_actor(),
            action="view_alerts",
            category="consultation",
            details={"area": area, "day": day, "alerts": len(found)},
        )
    if as_json:
        print(json.dumps([row_json(a) for a in found], indent=2, default=str))
        return
    table = Table(title=f"Arrival alerts ({len(found)})")
    for heading in (
        "id",
        "created",
        "area",
        "what",
        "entity",
        "network",
        "record",
        "why",
        "acknowledged",
    ):
        table.add_column(heading)
    for a in found:
        table.add_row(
            str(a["alert_id"]),
            str(a["created_at"]),
            str(a["area"]),
            str(a["kind_words"]),
            str(a["entity_id"]),
            str(a["network_id"] or ""),
            str(a["record_key"]),
            str(a["why"].get("summary", "")),
            f"{a['acknowledged_by']} {a['acknowledged_at']}" if a["acknowledged_at"] else "",
        )
    console.print(table)


@alerts_app.command("digest")
def alerts_digest_command(
    db: DbOption = None,
    day: DayOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    """One day's alerts (default today): counts by kind and network, and the alerts."""
    from clearsight.alerts.reading import as_json as row_json
    from clearsight.alerts.reading import digest

    chosen = _day(day, default_today=True)
    assert chosen is not None
    with _store(db) as con:
        found = digest(con, day=chosen, area=area)
        audit.record(
            con,
            actor=cli_actor(),
            action="view_alert_digest",
            category="consultation",
            details={"area": area, "day": chosen.isoformat(), "alerts": found["total"]},
        )
    if as_json:
        print(
            json.dumps(
                {**found, "alerts": [row_json(a) for a in found["alerts"]]}, indent=2, default=str
            )
        )
        return
    console.print(
        f"Alerts of {found['day']}{' in ' + area if area else ''}: {found['total']} "
        f"({found['unacknowledged']} not acknowledged) about {found['records']} new records",
        highlight=False,
    )
    for kind, n in found["by_kind"].items():
        console.print(f"  {kind}: {n}", highlight=False)
    for network, n in found["by_network"].items():
        console.print(f"  network {network}: {n}", highlight=False)


@alerts_app.command("acknowledge")
def alerts_acknowledge_command(
    alert_id: Annotated[int, typer.Argument(help="The alert's id (alerts list).")],
    by: Annotated[str | None, typer.Option(help="Who acknowledges (default: login).")] = None,
    db: DbOption = None,
) -> None:
    """Mark an alert read (audited)."""
    from clearsight.alerts.reading import acknowledge

    with _store(db) as con:
        found = acknowledge(con, alert_id, by=by or cli_actor())
    if found is None:
        fail(f"no alert {alert_id}")
    console.print(
        f"Alert {alert_id} acknowledged by {found['acknowledged_by']} "
        f"at {found['acknowledged_at']}",
        highlight=False,
    )


@watch_app.command("add")
def watch_add_command(
    kind: Annotated[str, typer.Argument(help="person, child or network.")],
    target: Annotated[str, typer.Argument(help="The entity id or network id to watch.")],
    owner: Annotated[
        str | None, typer.Option(help="The analyst watching (default: login name).")
    ] = None,
    area: Annotated[
        str | None, typer.Option(help="The area alerts go to (default: the owner's area).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (kept with the watch).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Watch a person, child or network: new records linked to it raise alerts."""
    from clearsight.alerts.watches import WatchError, add_watch

    with _store(db, WatchError) as con:
        who = owner or cli_actor()
        chosen = area or _area_of(con, who)
        if chosen is None:
            raise WatchError(f"{who!r} is not a user with an area; give --area")
        watch = add_watch(
            con,
            owner=who,
            kind=kind,
            target_id=target,
            area=chosen,
            note=note,
            actor=cli_actor(),
        )
    if as_json:
        print(json.dumps(watch.as_dict(), indent=2))
        return
    console.print(
        f"Watch {watch.watch_id}: {watch.owner} ({watch.area}) watches {watch.kind} "
        f"{watch.target_id}",
        highlight=False,
    )


def _area_of(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    if not table_exists(con, "users"):
        return None
    found = con.execute("SELECT area FROM users WHERE name = ?", [name]).fetchall()
    return str(found[0][0]) if found and found[0][0] else None


@watch_app.command("remove")
def watch_remove_command(
    watch_id: Annotated[int, typer.Argument(help="The watch's id (watch list).")],
    by: Annotated[str | None, typer.Option(help="Who removes it (default: login).")] = None,
    db: DbOption = None,
) -> None:
    """Stop a watch (kept, stamped removed; audited)."""
    from clearsight.alerts.watches import WatchError, remove_watch

    with _store(db, WatchError) as con:
        watch = remove_watch(con, watch_id, by=by or cli_actor())
    console.print(f"Watch {watch.watch_id} removed by {watch.removed_by}", highlight=False)


@watch_app.command("list")
def watch_list_command(
    db: DbOption = None,
    owner: Annotated[str | None, typer.Option(help="Only this analyst's watches.")] = None,
    area: Annotated[str | None, typer.Option(help="Only this area's watches.")] = None,
    include_removed: Annotated[bool, typer.Option("--all", help="Removed watches too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List watches."""
    from clearsight.alerts.watches import list_watches

    with _store(db) as con:
        found = list_watches(con, owner=owner, area=area, include_removed=include_removed)
    if as_json:
        print(json.dumps([w.as_dict() for w in found], indent=2))
        return
    table = Table(title=f"Watches ({len(found)})")
    for heading in ("id", "owner", "area", "kind", "target", "since", "removed"):
        table.add_column(heading)
    for w in found:
        table.add_row(
            str(w.watch_id),
            w.owner,
            w.area,
            w.kind,
            w.target_id,
            str(w.created_at),
            f"{w.removed_by} {w.removed_at}" if w.removed_at else "",
        )
    console.print(table)
