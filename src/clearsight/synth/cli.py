"""The ``clearsight synth`` command. Only typer and the standard library load at import:
the generator itself is imported when the command runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write submissions/ and truth/ into.")
    ],
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="Area code of the standard (repeatable)."),
    ] = None,
    areas: Annotated[
        int | None,
        typer.Option("--areas", help="Use the first N areas (the three defaults first)."),
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", help="1 = about 10,000 person records in total.")
    ] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 0,
    defect_rate: Annotated[
        float,
        typer.Option("--defect-rate", help="Share of rows to spoil for the quarantine demo."),
    ] = 0.0,
    db: Annotated[
        Path | None, typer.Option("--db", help="Not used by synth (accepted for uniformity).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing on success.")] = False,
) -> None:
    """Generate synthetic multi-agency submissions (police, children's social care, health,
    education, voluntary sector per area) and the ground truth behind them.

    All data is synthetic. Defaults: west-yorkshire, greater-manchester, south-yorkshire.
    """
    from clearsight.synth import DEFAULT_AREAS, areas_for, generate

    del db  # accepted so every command takes --db; synth writes files only
    if area and areas is not None:
        raise typer.BadParameter("use --area or --areas, not both")
    try:
        chosen = list(area) if area else (areas_for(areas) if areas is not None else None)
        summary = generate(
            out, chosen or list(DEFAULT_AREAS), scale=scale, seed=seed, defect_rate=defect_rate
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    if quiet:
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Synthetic data in {out}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("submissions", f"{len(summary.submissions):,}")
    table.add_row("person records", f"{summary.person_records:,}")
    table.add_row("event records", f"{summary.event_records:,}")
    table.add_row("involvement records", f"{summary.involvement_records:,}")
    table.add_row("true people", f"{summary.true_people:,}")
    table.add_row("offender groups", f"{summary.groups:,}")
    table.add_row("injected defects", f"{summary.defects:,}")
    table.add_row("seconds", f"{summary.seconds:.1f}")
    Console().print(table)
    Console().print(f"truth: {summary.truth_dir}")
