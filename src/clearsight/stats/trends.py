"""Quarterly series: children newly identified as victims or at risk, per area and nationally.

A child is counted in the calendar quarter of their first event with an exploitation
context (or an agency CSE flag) as victim, subject or missing person: the quarter agencies
first had the concern, so the series shows whether identification is rising or falling.
The series covers the last ``MAX_QUARTERS`` whole or part quarters of the data period.
"""

from __future__ import annotations

from datetime import date

import duckdb

from clearsight.stats.base import Context
from clearsight.stats.build import count_table
from clearsight.stats.table import StatTable

# Eight quarters: two years, so each quarter has its counterpart a year earlier.
MAX_QUARTERS = 8


def _quarter(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarters(start: date, end: date) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    y, q = _quarter(start)
    last = _quarter(end)
    while (y, q) <= last:
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out[-MAX_QUARTERS:]


def children_by_quarter(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    row = con.execute("SELECT min(period_start), max(period_end) FROM st_sources").fetchall()[0]
    start, end = row
    qs = quarters(start, end) if start and end else []
    parts = [f"count(*) FILTER (WHERE y = {y} AND q = {q})" for y, q in qs]
    table = count_table(
        con,
        name="trend_children",
        title="Children newly identified as victims or at risk, by quarter",
        sql=f"""
            WITH first AS (
                SELECT i.entity_id, min(i.event_date) AS d FROM st_involvements i
                WHERE i.role IN ('victim', 'subject', 'missing_person')
                  AND (i.relevant OR i.cse_flag = 'yes')
                GROUP BY i.entity_id
            )
            SELECT c.area, {", ".join(parts) or "0"}
            FROM st_children c JOIN (
                SELECT entity_id, year(d) AS y, quarter(d) AS q FROM first
            ) f USING (entity_id) GROUP BY c.area
        """,
        keys=ctx.areas,
        counts=[(f"q{y}_{q}", f"{y} Q{q}") for y, q in qs],
        notes=[
            "Each child in the quarter of their first event with an exploitation context (or "
            "an agency CSE flag) as victim, subject or missing person; children first seen "
            "before the series are not counted in it. The last quarter may be part of a "
            "quarter (data to the extract's period end)."
        ],
    )
    return table
