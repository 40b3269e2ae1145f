"""``clearsight export beaconport``: the Operation Beaconport pack for a national review team.

One CSV row per case meeting the operation's criteria, in rank order, with the reasons for
its rank and how each criterion the standard cannot answer was approximated (columns:
``BEACONPORT_COLUMNS``; docs/review.md). Written through the return's one CSV writer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from clearsight.commandline import DbOption, fail, open_store
from clearsight.exports.safe_csv import write_csv
from clearsight.review.beaconport import Case, load_criteria, select_cases

BEACONPORT_COLUMNS = (
    "rank",
    "area",
    "source_id",
    "event_id",
    "offence",
    "rape",
    "occurred_date",
    "closed_date",
    "closure",
    "suspects",
    "victims",
    "linked_records_since_closure",
    "intelligence_since_closure",
    "latest_linked_record_date",
    "linked_records",
    "networks",
    "victim_believed_alive",
    "independently_reviewed",
    "victim_criminalised_flag",
    "victim_criminalised_records",
    "reasons",
)


def _row(case: Case) -> list[str | int | float | None]:
    return [
        case.rank,
        case.area,
        case.source_id,
        case.event_id,
        case.offence,
        "yes" if case.rape else "no",
        None if case.occurred_date is None else str(case.occurred_date),
        str(case.closed_date),
        case.closure,
        case.suspects,
        case.victims,
        case.linked_since_closure,
        case.intelligence_since_closure,
        None if case.latest_linked_date is None else str(case.latest_linked_date),
        json.dumps(case.linked_records),
        ";".join(case.networks),
        case.victim_believed_alive,
        case.independently_reviewed,
        "review" if case.criminalised_victims else "no",
        json.dumps(case.criminalised_victims),
        " | ".join(case.reasons),
    ]


def write_beaconport(
    con: duckdb.DuckDBPyConnection, out: Path, area: str | None = None
) -> list[Case]:
    cases = select_cases(con, load_criteria(), area)
    write_csv(
        out,
        BEACONPORT_COLUMNS,
        (["" if v is None else v for v in _row(c)] for c in cases),
    )
    return cases


def export_beaconport_command(
    out: Annotated[
        Path, typer.Option("--out", help="CSV file to write.", show_default=False)
    ] = Path("beaconport.csv"),
    area: Annotated[str | None, typer.Option("--area", help="Only this force area.")] = None,
    db: DbOption = None,
) -> None:
    """Closed group-based CSE cases meeting Operation Beaconport's criteria, ranked with
    reasons (rape offences first, then new linked intelligence since closure), with victims
    possibly criminalised in connection with their exploitation flagged for review."""
    con = open_store(db, read_only=True)
    try:
        cases = write_beaconport(con, out, area)
    except ValueError as exc:
        fail(exc)
    finally:
        con.close()
    flagged = sum(1 for c in cases if c.criminalised_victims)
    typer.echo(
        f"Beaconport: {len(cases):,} case(s) written to {out} "
        f"({sum(c.rape for c in cases)} rape, {flagged} with a victim flagged as possibly "
        "criminalised)"
    )
