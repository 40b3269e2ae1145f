"""``clearsight review``: re-screen closed cases, list the queue, record decisions."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearsight.commandline import DbOption, JsonOption, LimitOption
from clearsight.store import connect, resolve_db_path

review_app = typer.Typer(
    help="Closed cases to review again: re-screening, the queue and decisions.",
    no_args_is_help=True,
)
out = Console()
AreaOption = Annotated[str | None, typer.Option(help="Only this force area.")]


@review_app.command("screen")
def screen_command(
    db: DbOption = None,
    settings: Annotated[
        Path | None, typer.Option(help="Settings YAML (see docs/review.md).")
    ] = None,
) -> None:
    """Re-screen every closed case against the current linked data."""
    from clearsight.review import screen
    from clearsight.stats.settings import load_settings

    con = connect(resolve_db_path(db))
    n = screen(con, load_settings(settings))
    con.close()
    out.print(f"{n:,} closed case(s) in the review queue.", highlight=False)


@review_app.command("list")
def list_command(
    db: DbOption = None,
    area: AreaOption = None,
    all_cases: Annotated[bool, typer.Option("--all", help="Include decided cases.")] = False,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """Cases awaiting a decision, strongest evidence first, with reasons and evidence."""
    from clearsight.review import list_queue

    con = connect(resolve_db_path(db))
    entries = list_queue(con, area=area, include_decided=all_cases, limit=limit or None)
    from clearsight.audit import log

    log.record(
        con,
        actor=_actor(),
        action="view_review_queue",
        details={"area": area, "shown": len(entries)},
    )
    con.close()
    if as_json:
        print(json.dumps([e.as_dict() for e in entries], indent=2))
        return
    table = Table(title="Review queue")
    for heading in (
        "case",
        "score",
        "state",
        "area",
        "source",
        "event",
        "closed",
        "outcome",
        "reasons",
    ):
        table.add_column(heading)
    for e in entries:
        table.add_row(
            e.case_id,
            f"{e.score:g}",
            e.state,
            e.area or "",
            e.source_id,
            e.event_id,
            str(e.closed_date or ""),
            str(e.outcome_code or ""),
            ", ".join(e.reasons),
        )
    out.print(table)
    out.print(
        f"{len(entries)} case(s) shown. 'clearsight review list --json' gives the evidence.",
        highlight=False,
    )


@review_app.command("flags")
def flags_command(
    db: DbOption = None,
    area: AreaOption = None,
    kind: Annotated[
        str | None,
        typer.Option(help="universal_only (missed by the local flag) or local_only."),
    ] = None,
    limit: LimitOption = 50,
    as_json: JsonOption = False,
) -> None:
    """The CSE-flag auditor's queue: records meeting the universal definition with no local
    CSE flag, and flagged records that do not meet it, each with the reason."""
    from clearsight.audit import log
    from clearsight.review.flags import flag_queue

    con = connect(resolve_db_path(db))
    items = flag_queue(con, area=area, kind=kind, limit=limit or None)
    log.record(
        con,
        actor=_actor(),
        action="view_flag_audit",
        category="consultation",
        details={"area": area, "kind": kind, "shown": len(items)},
    )
    con.close()
    if as_json:
        print(json.dumps([i.as_dict() for i in items], indent=2))
        return
    table = Table(title="CSE-flag audit")
    for heading in ("area", "kind", "source", "event", "flag", "reason"):
        table.add_column(heading)
    for i in items:
        table.add_row(i.area, i.kind, i.source_id, i.event_id, i.local_flag, i.reason)
    out.print(table)
    out.print(f"{len(items)} record(s) shown.", highlight=False)


@review_app.command("flag-agreement")
def flag_agreement_command(
    db: DbOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
) -> None:
    """Agreement of local CSE flags with the universal definition, per force and quarter."""
    from clearsight.review.flags import agreement_over_time

    con = connect(resolve_db_path(db), read_only=True)
    rows = agreement_over_time(con, area)
    con.close()
    if as_json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    table = Table(title="CSE-flag agreement by quarter")
    for heading in ("area", "quarter", "cases", "agree", "local only", "universal only", "%"):
        table.add_column(heading)
    for r in rows:
        table.add_row(
            r.area,
            r.quarter,
            str(r.cases),
            str(r.agree),
            str(r.local_only),
            str(r.universal_only),
            f"{r.pct_agree:.1f}",
        )
    out.print(table)


def _actor() -> str:
    from clearsight.store.borrowed import CURRENT, client_environ

    borrowed = CURRENT.get()
    login = borrowed.login if borrowed is not None else getpass.getuser()
    return client_environ("CLEARSIGHT_USER") or login


@review_app.command("decide")
def decide_command(
    case_id: Annotated[str, typer.Argument(help="The case id (RQ-...).")],
    refer: Annotated[
        bool, typer.Option("--refer", help="Refer the case for investigation.")
    ] = False,
    no_action: Annotated[bool, typer.Option("--no-action", help="No further action.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the decision).")] = "",
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who decides (default: $CLEARSIGHT_USER or the login name)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a decision on a case: --refer or --no-action, with --reason."""
    from clearsight.review import decide

    if refer == no_action:
        raise ValueError("give exactly one of --refer or --no-action")
    con = connect(resolve_db_path(db))
    decide(con, case_id, "refer" if refer else "no_action", reason, by or _actor())
    con.close()
    out.print(f"{case_id}: {'referred' if refer else 'no further action'}.", highlight=False)
