"""Helpers that turn grouped SQL into tables with an area row each and the national row."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from clearsight.stats.table import (
    NATIONAL_KEY,
    NATIONAL_LABEL,
    Column,
    Group,
    Row,
    StatTable,
    Value,
)


def area_label(area: str) -> str:
    return area.replace("-", " ").title().replace(" And ", " and ").replace(" Of ", " of ")


def by_key(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    keys: Sequence[str],
    columns: Sequence[Column],
    *,
    params: Sequence[object] = (),
    labels: dict[str, str] | None = None,
) -> list[Row]:
    """One row per key (zeros where the query has none); the query's first column is the key
    and the others are the count columns in order."""
    counts = [c for c in columns if c.kind == "count"]
    got = {str(r[0]): r[1:] for r in con.execute(sql, list(params)).fetchall()}
    rows = []
    for key in keys:
        line = got.get(key)
        values: dict[str, Value] = {}
        for i, c in enumerate(counts):
            values[c.key] = int(line[i] or 0) if line is not None else 0
        rows.append(Row(key, (labels or {}).get(key, area_label(key)), values))
    return rows


def with_national(rows: list[Row], columns: Sequence[Column]) -> list[Row]:
    national: dict[str, Value] = {}
    for c in columns:
        if c.kind == "count":
            national[c.key] = sum(int(r.values.get(c.key) or 0) for r in rows)
    return [*rows, Row(NATIONAL_KEY, NATIONAL_LABEL, national, national=True)]


def count_table(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    title: str,
    sql: str,
    keys: Sequence[str],
    counts: Sequence[tuple[str, str]],
    total: tuple[str, str] | None = None,
    percents: Sequence[tuple[str, str, str, str]] = (),
    notes: Sequence[str] = (),
    row_header: str = "Area",
    labels: dict[str, str] | None = None,
    params: Sequence[object] = (),
) -> StatTable:
    """A table of counts by key, optionally with a total (the sum of the counts) and
    percentages (key, label, numerator, denominator)."""
    columns = [Column(k, label) for k, label in counts]
    rows = by_key(con, sql, keys, columns, params=params, labels=labels)
    if total:
        columns.append(Column(total[0], total[1]))
    if total:
        for r in rows:
            r.values[total[0]] = sum(int(r.values[k] or 0) for k, _ in counts)
    rows = with_national(rows, columns)
    for key, label, num, den in percents:
        columns.append(Column(key, label, "percent", numerator=num, denominator=den))
        for r in rows:
            n, d = r.values[num], r.values[den]
            assert isinstance(n, int) and isinstance(d, int)
            r.values[key] = round(100 * n / d, 1) if d else None
    groups = [Group(tuple(k for k, _ in counts), total[0] if total else None)]
    return StatTable(name, title, columns, rows, groups, list(notes), row_header)
