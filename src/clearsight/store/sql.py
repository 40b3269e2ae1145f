"""Small SQL helpers every stage shares: does a table exist, how to quote a name or a list.

Values are always passed as parameters where DuckDB allows it; these are for the places
it does not (identifiers, and constant lists spliced into set-based SQL).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view of that name is there (temporary ones included).

    Probed through the relational API: a SQL query naming a missing table would abort
    the caller's open transaction, and asking the catalog (``duckdb_tables()``) costs
    over a millisecond, which the web app's pages pay per check.
    """
    try:
        con.table(name)
    except duckdb.CatalogException:
        return False
    return True


def quote_identifier(name: str) -> str:
    """``name`` as a DuckDB identifier: double-quoted, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """``value`` as a SQL string literal: single-quoted, inner quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    """A DuckDB list literal of strings, ``['a', 'b']``, for ``list_contains`` and ``IN``
    over ``unnest``; an empty list is ``[]``."""
    return "[" + ", ".join(quote_literal(v) for v in values) + "]"


def sql_in(values: Iterable[str]) -> str:
    """The inside of ``IN (...)``: ``'a', 'b'``; never empty (``''`` matches no code)."""
    return ", ".join(quote_literal(v) for v in values) or "''"
