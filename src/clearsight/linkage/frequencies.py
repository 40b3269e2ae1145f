"""How common a name is: the term frequencies the model's exact-name levels read.

An exactly agreeing name counts for more when the name is rare and for less when
it is common: Splink replaces the level's u (the chance two records of different
people agree on the name) by the name's frequency among the records (its term
frequency adjustment). Splink measures that frequency on the records being
linked as they stand, and a store of few records cannot measure it: in a store
of six records a name held by one person's two records has a frequency of one in
three, and the adjustment takes away most of what an agreeing name is worth.
Small stores are real: a new area's first submissions, a partner's referrals, a
hand-written case.

So the frequency is measured as a frequency of few observations is, shrunk
toward what the model already knows: one pseudo-occurrence of the name spread
over the records in which the average name appears once (``1 / u`` of the exact
level: u is the chance two records of different people share the name, the
average name's frequency). A name seen ``n`` times among ``N`` named records has
frequency ``(n + 1) / (N + 1 / u)``. In a small store that is about u (no
adjustment: the model's average stands until the store can say otherwise); at
thousands of records and more it is the measured frequency. The tables are
registered with Splink for every scoring run, full or incremental, on either
backend, so both score a pair alike.
"""

from __future__ import annotations

from typing import Any

import duckdb

from clearsight.linkage.backend import LinkageBackend

# No leading underscore: Spark reads a table through a Parquet file, and Hadoop skips
# files whose names begin with one.
TABLE_PREFIX = "link_tf_"


def exact_level_u(model: dict[str, Any]) -> dict[str, float]:
    """Column -> u of the level whose agreement is adjusted by that column's frequency."""
    out: dict[str, float] = {}
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            column = level.get("tf_adjustment_column")
            u = level.get("u_probability")
            if column and isinstance(u, int | float) and 0 < u < 1:
                out[str(column)] = float(u)
    return out


def frequency_sql(table: str, column: str) -> str:
    """The shrunk frequency of each value of ``column`` (the one parameter: ``1 / u``)."""
    return f"""
        WITH counted AS (
            SELECT {column}, count(*) AS n FROM {table}
            WHERE {column} IS NOT NULL GROUP BY {column}
        )
        SELECT {column}, (n + 1.0) / (sum(n) OVER () + ?) AS tf_{column} FROM counted
    """


def register(
    con: duckdb.DuckDBPyConnection,
    backend: LinkageBackend,
    linker: Any,
    model: dict[str, Any],
    table: str,
) -> list[str]:
    """Build and register the frequency tables of ``model``'s adjusted levels; their names."""
    made = []
    for column, u in exact_level_u(model).items():
        name = f"{TABLE_PREFIX}{column}"
        sql = f"CREATE OR REPLACE TEMP TABLE {name} AS {frequency_sql(table, column)}"
        con.execute(sql, [1 / u])
        frame = backend.register_input(name)
        linker.table_management.register_term_frequency_lookup(frame, column)
        made.append(name)
    return made


def release(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {name}")
