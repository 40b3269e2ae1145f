"""``clearsight return``: the annual data return on group-based CSE."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearsight.commandline import DbOption, fail, open_store


def return_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the return into.")],
    area: Annotated[str | None, typer.Option("--area", help="A force area code.")] = None,
    national: Annotated[
        bool, typer.Option("--national", help="Every area and England and Wales (default).")
    ] = False,
    published: Annotated[
        bool,
        typer.Option("--published", help="Apply disclosure control (fit to publish)."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Write the annual data return: return.csv, return.xlsx and dictionary.csv.

    The return is validated against its dictionary (every code known, every total the sum
    of its parts) and nothing is written when it fails. Without --published it holds true
    counts: for people with access to records only.
    """
    from clearsight.returns import build_return
    from clearsight.returns.validate import ReturnInvalidError

    if area and national:
        fail("give --area or --national, not both")
    con = open_store(db, read_only=True)
    try:
        result = build_return(con, out, area, published=published)
    except ReturnInvalidError as exc:
        fail(exc)
    except ValueError as exc:
        fail(exc)
    finally:
        con.close()
    status = "published (disclosure control applied)" if published else "true counts, restricted"
    typer.echo(f"Annual data return ({status}): {', '.join(str(p) for p in result.files)}")
