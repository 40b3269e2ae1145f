"""The one CSV writer for every CSV the product writes for people to open.

Spreadsheets (Excel, LibreOffice, Google Sheets) evaluate a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula, and some treat a leading tab or carriage return the
same way once trimmed: a submitted name, a person_id or a user name typed at the login
page could then run ``=HYPERLINK(...)`` or worse on the machine of whoever opens an
export. OWASP's rule (CSV Injection) is applied to every cell: such a cell is prefixed
with a single quote, which spreadsheets show as text and do not evaluate.

One exception, on purpose: a cell that is a plain number (``-1.5``, ``+447700900123``,
``1e-3``) is left as it is. A spreadsheet reads it as a number, never as a formula, so
there is nothing to neutralise, and prefixing it would turn every negative figure in a
published table into text. OWASP's cheat sheet prefixes anything starting with ``-``;
that protects against cells like ``-2+3+cmd|...``, which do not parse as a number and
so are still prefixed here.

A program reading these files back gets the quote too: a value that started with one of
the trigger characters (and is not a number) comes back with a leading ``'``.

Files the product writes for itself (the XLSX-to-CSV step of ingest, synthetic
submissions) are not for people to open and must round-trip exactly: they use the plain
``csv`` module and are listed in ``tests/exports/test_safe_csv.py``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import duckdb

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> str:
    """The text of one cell, safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` with every cell passed through ``neutralise``."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Iterable[Any]], **options: Any
) -> int:
    """Write ``header`` then ``rows`` to ``path``; the number of data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle, **options)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    path: Path,
    params: Sequence[object] | None = None,
    *,
    batch: int = 50_000,
    **options: Any,
) -> int:
    """Stream a query's result to ``path`` through the safe writer, header first: the
    replacement for DuckDB's ``COPY ... TO 'file.csv'``, which writes cells as they are."""
    cur = con.execute(sql, list(params or []))
    header = [d[0] for d in cur.description]

    def rows() -> Iterable[Sequence[Any]]:
        while True:
            chunk = cur.fetchmany(batch)
            if not chunk:
                return
            yield from chunk

    return write_csv(path, header, rows(), **options)
