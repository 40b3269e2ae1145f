"""``clearsight stats``: the national picture, data quality and timeliness at the terminal.

These commands are for people with access to records and show true counts; add
``--published`` to see what a published table would show after disclosure control.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearsight.commandline import DbOption, JsonOption
from clearsight.store import connect, resolve_db_path

stats_app = typer.Typer(
    help="Statistics: the national picture, data quality, timeliness.", no_args_is_help=True
)
out = Console()

AreaOption = Annotated[
    str | None, typer.Option(help="Only this force area (and the national row).")
]
PublishedOption = Annotated[bool, typer.Option("--published", help="Apply disclosure control.")]
SettingsOption = Annotated[
    Path | None, typer.Option(help="Settings YAML (see docs/statistics.md).")
]

QUALITY = (
    "ethnicity_victims",
    "ethnicity_suspects",
    "record_completeness",
    "cse_flag_agreement",
    "quarantine",
)


def _show(
    names: tuple[str, ...] | None,
    db: Path | None,
    area: str | None,
    as_json: bool,
    published: bool,
    settings: Path | None,
) -> None:
    from clearsight.stats.disclosure import publish
    from clearsight.stats.figures import compute
    from clearsight.stats.settings import load_settings
    from clearsight.stats.table import NATIONAL_KEY

    con = connect(resolve_db_path(db), read_only=True)
    picture = compute(con, load_settings(settings))
    con.close()
    if area and area not in picture.context.areas:
        raise ValueError(f"no data for area {area!r}: areas are {', '.join(picture.context.areas)}")
    chosen = [t for n, t in picture.tables.items() if names is None or n in names]
    if published:
        chosen = [publish(t, picture.settings.disclosure) for t in chosen]
    doc = []
    for t in chosen:
        rows = t.rows
        if area:
            # Per-source tables keep the area's sources; area tables its row.
            rows = [r for r in rows if r.national or r.key == area or r.key.startswith(area + "-")]
        doc.append((t, rows))
    if as_json:
        print(
            json.dumps(
                {
                    "provenance": picture.context.provenance.as_dict(),
                    "tables": [
                        {
                            "name": t.name,
                            "title": t.title,
                            "unavailable": t.unavailable,
                            "notes": t.notes,
                            "columns": [
                                {"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns
                            ],
                            "rows": [{"key": r.key, "label": r.label, **r.values} for r in rows],
                        }
                        for t, rows in doc
                    ],
                },
                indent=2,
                default=str,
            )
        )
        return
    for t, rows in doc:
        if t.unavailable:
            out.print(f"[bold]{t.title}[/]: {t.unavailable}")
            continue
        table = Table(title=t.title)
        table.add_column(t.row_header)
        for c in t.columns:
            table.add_column(c.label, justify="right")
        for r in rows:
            table.add_row(
                r.label,
                *("" if r.values.get(c.key) is None else f"{r.values[c.key]}" for c in t.columns),
                style="bold" if r.key == NATIONAL_KEY else None,
            )
        out.print(table)
    p = picture.context.provenance
    out.print(
        f"Definitions: {'; '.join(p.definitions) or 'none evaluated'}. "
        f"Extracts: {p.extract_dates}. "
        f"Sources: {len(p.sources_included)} included, {len(p.sources_excluded)} excluded.",
        highlight=False,
    )


@stats_app.command("show")
def show_command(
    db: DbOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
    published: PublishedOption = False,
    settings: SettingsOption = None,
) -> None:
    """Every table of the national picture."""
    _show(None, db, area, as_json, published, settings)


@stats_app.command("quality")
def quality_command(
    db: DbOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
    published: PublishedOption = False,
    settings: SettingsOption = None,
) -> None:
    """The data-quality scorecard: ethnicity, nationality, dates of birth, CSE flags, quarantine."""
    _show(QUALITY, db, area, as_json, published, settings)


@stats_app.command("timeliness")
def timeliness_command(
    db: DbOption = None,
    area: AreaOption = None,
    as_json: JsonOption = False,
    published: PublishedOption = False,
    settings: SettingsOption = None,
    open_cases: Annotated[
        bool, typer.Option("--open", help="List open investigations older than the threshold.")
    ] = False,
    older_than: Annotated[
        int | None, typer.Option(help="Days (default from settings: 180).")
    ] = None,
) -> None:
    """Days from recording to arrest, charge, court outcome and closure; old open cases."""
    from clearsight.stats.timeliness import STEPS

    if not open_cases:
        names = (*(f"timeliness_{k}" for k, _ in STEPS), "open_investigations")
        _show(names, db, area, as_json, published, settings)
        return
    from clearsight.stats.base import prepare
    from clearsight.stats.settings import load_settings
    from clearsight.stats.timeliness import open_investigations

    s = load_settings(settings)
    days = s.timeliness.open_older_than_days if older_than is None else older_than
    con = connect(resolve_db_path(db), read_only=True)
    prepare(con)
    cases = open_investigations(con, days, area)
    con.close()
    if as_json:
        print(json.dumps([c.__dict__ for c in cases], indent=2, default=str))
        return
    table = Table(title=f"Open investigations older than {days} days")
    for h in (
        "area",
        "source",
        "event",
        "recorded",
        "days open",
        "offence",
        "specialist",
        "arrest",
        "charge",
    ):
        table.add_column(h)
    for c in cases:
        table.add_row(
            c.area,
            c.source_id,
            c.event_id,
            str(c.reported_date),
            str(c.age_days),
            c.offence or "",
            c.specialist_unit or "",
            "yes" if c.arrested else "no",
            "yes" if c.charged else "no",
        )
    out.print(table)
    out.print(f"{len(cases)} open investigation(s).", highlight=False)
