"""The national picture: statistics, data quality, timeliness and disclosure control.

``compute(con)`` returns every table as true counts; ``disclosure.publish`` makes a table fit
for people without access to records. Importing this package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from clearsight.stats.figures import Picture
    from clearsight.stats.settings import Settings


def compute(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | None = None,
    exclude_sources: tuple[str, ...] = (),
) -> Picture:
    """Every table of the national picture (see docs/statistics.md)."""
    from clearsight.stats.figures import compute as _compute

    return _compute(con, settings, exclude_sources)


__all__ = ["compute"]
