"""Compute, validate, (publish,) validate again and write the return."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from clearsight.returns.compute import ReturnRow, compute_return, select
from clearsight.returns.dictionary import load_dictionary
from clearsight.returns.publish import publish_return
from clearsight.returns.validate import validate
from clearsight.returns.write import write_return
from clearsight.stats.settings import Settings, load_settings
from clearsight.stats.table import NATIONAL_KEY


@dataclass
class ReturnResult:
    out: Path
    files: list[Path]
    rows: list[ReturnRow] = field(default_factory=list)
    published: bool = False

    def value(self, area: str, measure: str, dimension: str, category: str = "total") -> object:
        for r in self.rows:
            if (r.area, r.measure, r.dimension, r.category, r.breakdown) == (
                area,
                measure,
                dimension,
                category,
                "all",
            ):
                return r.value
        raise KeyError((area, measure, dimension, category))


def build_return(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    area: str | None = None,
    *,
    published: bool = False,
    settings: Settings | None = None,
) -> ReturnResult:
    """Write the return for ``area`` (None: every area and England and Wales).

    Raises ``ReturnInvalidError`` (nothing written) when the return fails its dictionary."""
    d = load_dictionary()
    s = settings or load_settings()
    data = compute_return(con, d)
    validate(data.rows, d)
    rows = data.rows
    if published:
        rows = publish_return(rows, d, s.disclosure)
        validate(rows, d, published=True)
    rows = select(rows, area, data.areas)
    files = write_return(Path(out), rows, d, data.context.provenance, published=published)
    return ReturnResult(Path(out), files, rows, published)


__all__ = ["NATIONAL_KEY", "ReturnResult", "build_return"]
