"""Timeliness of investigations: days per step of crime → arrest → charge → court outcome.

Chains follow ``related_event_id`` (an arrest or charge points to its crime, a court outcome
to its charge) inside one source. The crimes are police crimes with an exploitation context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from clearsight.stats.base import Context
from clearsight.stats.build import area_label
from clearsight.stats.settings import Settings
from clearsight.stats.table import NATIONAL_KEY, NATIONAL_LABEL, Column, Row, StatTable, Value

STEPS = (
    ("recorded_to_arrest", "Recording to first arrest"),
    ("arrest_to_charge", "First arrest to charge"),
    ("recorded_to_charge", "Recording to charge"),
    ("charge_to_court_outcome", "Charge to court outcome"),
    ("recorded_to_closed", "Recording to closure"),
)

CHAINS_SQL = """
CREATE OR REPLACE TEMP TABLE st_chains AS
WITH crime AS (
    SELECT source_id, event_id, area, reported_date, closed_date
    FROM st_events WHERE event_type = 'crime' AND relevant AND agency_type = 'police'
), arrest AS (
    SELECT source_id, related_event_id AS crime_id, min(reported_date) AS d
    FROM st_events WHERE event_type = 'arrest' GROUP BY ALL
), charge AS (
    SELECT source_id, related_event_id AS crime_id, event_id AS charge_id, reported_date AS d
    FROM st_events WHERE event_type = 'charge'
    QUALIFY row_number() OVER (
        PARTITION BY source_id, related_event_id ORDER BY reported_date, event_id) = 1
), court AS (
    SELECT source_id, related_event_id AS charge_id, min(reported_date) AS d
    FROM st_events WHERE event_type = 'court_outcome' GROUP BY ALL
)
SELECT c.source_id, c.event_id, c.area,
       datediff('day', c.reported_date, a.d) AS recorded_to_arrest,
       datediff('day', a.d, ch.d) AS arrest_to_charge,
       datediff('day', c.reported_date, ch.d) AS recorded_to_charge,
       datediff('day', ch.d, co.d) AS charge_to_court_outcome,
       datediff('day', c.reported_date, c.closed_date) AS recorded_to_closed
FROM crime c
LEFT JOIN arrest a ON a.source_id = c.source_id AND a.crime_id = c.event_id
LEFT JOIN charge ch ON ch.source_id = c.source_id AND ch.crime_id = c.event_id
LEFT JOIN court co ON co.source_id = ch.source_id AND co.charge_id = ch.charge_id
"""


def step_table(
    con: duckdb.DuckDBPyConnection, ctx: Context, step: str, label: str, s: Settings
) -> StatTable:
    # Negative spans are recording errors (a charge dated before its crime): left out.
    sql = f"""
        SELECT area, count({step}), quantile_cont({step}, 0.5), quantile_cont({step}, 0.75),
               quantile_cont({step}, 0.9)
        FROM st_chains WHERE {step} >= 0 GROUP BY GROUPING SETS ((area), ())
    """
    got: dict[str | None, tuple[int, float | None, float | None, float | None]] = {
        r[0]: (int(r[1]), r[2], r[3], r[4]) for r in con.execute(sql).fetchall()
    }
    columns = [
        Column("n", "Crimes"),
        Column("median", "Median days", "days", n_column="n"),
        Column("p75", "75th percentile", "days", n_column="n"),
        Column("p90", "90th percentile", "days", n_column="n"),
    ]
    rows: list[Row] = []
    for key in [*ctx.areas, None]:
        n, med, p75, p90 = got.get(key, (0, None, None, None))
        values: dict[str, Value] = {"n": n, "median": med, "p75": p75, "p90": p90}
        if key is None:
            rows.append(Row(NATIONAL_KEY, NATIONAL_LABEL, values, national=True))
        else:
            rows.append(Row(key, area_label(key), values))
    notes = [
        f"Police crimes with an exploitation context; days from the first to the second date "
        "of the step. Percentiles are published over at least "
        f"{s.disclosure.min_cases_for_statistic} crimes."
    ]
    cmp = s.timeliness.comparison
    if step == cmp.step:
        notes.append(f"Comparison point: {cmp.label}.")
    return StatTable(f"timeliness_{step}", f"Timeliness: {label.lower()}", columns, rows, [], notes)


def open_table(con: duckdb.DuckDBPyConnection, ctx: Context, s: Settings) -> StatTable:
    from clearsight.stats.build import count_table

    days = s.timeliness.open_older_than_days
    return count_table(
        con,
        name="open_investigations",
        title=f"Open investigations older than {days} days",
        sql=f"""
            SELECT area, count(*),
                   count(*) FILTER (
                        WHERE datediff('day', reported_date, extract_date) > {int(days)})
            FROM st_events
            WHERE event_type = 'crime' AND relevant AND agency_type = 'police'
              AND closed_date IS NULL AND coalesce(status, 'open') <> 'closed'
            GROUP BY area
        """,
        keys=ctx.areas,
        counts=[("open", "Open investigations"), ("older", f"Open more than {days} days")],
        percents=[("pct_older", f"% older than {days} days", "older", "open")],
        notes=[
            "Age at the source's extract date. "
            "The list of cases: 'clearsight stats timeliness --open'."
        ],
    )


def tables(con: duckdb.DuckDBPyConnection, ctx: Context, s: Settings) -> list[StatTable]:
    con.execute(CHAINS_SQL)
    return [*(step_table(con, ctx, k, label, s) for k, label in STEPS), open_table(con, ctx, s)]


@dataclass(frozen=True)
class OpenCase:
    source_id: str
    event_id: str
    area: str
    reported_date: date
    age_days: int
    offence: str | None
    specialist_unit: str | None
    arrested: bool
    charged: bool


def open_investigations(
    con: duckdb.DuckDBPyConnection, older_than_days: int, area: str | None = None
) -> list[OpenCase]:
    """Open crimes with an exploitation context older than the threshold, oldest first.

    For people with access to records only: never part of a published table."""
    sql = """
        SELECT e.source_id, e.event_id, e.area, e.reported_date,
               datediff('day', e.reported_date, e.extract_date) AS age,
               e.offence, e.specialist_unit,
               EXISTS (SELECT 1 FROM st_events a WHERE a.event_type = 'arrest'
                       AND a.source_id = e.source_id AND a.related_event_id = e.event_id),
               EXISTS (SELECT 1 FROM st_events a WHERE a.event_type = 'charge'
                       AND a.source_id = e.source_id AND a.related_event_id = e.event_id)
        FROM st_events e
        WHERE e.event_type = 'crime' AND e.relevant AND e.agency_type = 'police'
          AND e.closed_date IS NULL AND coalesce(e.status, 'open') <> 'closed'
          AND datediff('day', e.reported_date, e.extract_date) > ?
          AND (? IS NULL OR e.area = ?)
        ORDER BY age DESC, e.source_id, e.event_id
    """
    return [
        OpenCase(
            str(r[0]), str(r[1]), str(r[2]), r[3], int(r[4]), r[5], r[6], bool(r[7]), bool(r[8])
        )
        for r in con.execute(sql, [older_than_days, area, area]).fetchall()
    ]
