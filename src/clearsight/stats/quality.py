"""Data quality: what agencies record about the people in the picture, and how their own
CSE flag agrees with the universal definition."""

from __future__ import annotations

import duckdb

from clearsight.stats.base import Context
from clearsight.stats.build import count_table
from clearsight.stats.table import NATIONAL_LABEL, StatTable
from clearsight.store.sql import table_exists

ETHNICITY = (
    ("recorded", "Self-defined ethnicity recorded"),
    ("not_stated", "Not stated (NS)"),
    ("not_recorded", "Not recorded"),
)


def _sources(con: duckdb.DuckDBPyConnection) -> tuple[list[str], dict[str, str]]:
    rows = con.execute("SELECT source_id, area FROM st_sources ORDER BY area, source_id").fetchall()
    return [str(s) for s, _ in rows], {str(s): str(s) for s, _ in rows}


def ethnicity(con: duckdb.DuckDBPyConnection, ctx: Context, who: str) -> StatTable:
    table = "st_children" if who == "victims" else "st_suspects"
    parts = [f"count(*) FILTER (WHERE ethnicity_status = '{k}')" for k, _ in ETHNICITY]
    return count_table(
        con,
        name=f"ethnicity_{who}",
        title=(
            "Self-defined ethnicity of "
            + ("children (victims and at risk)" if who == "victims" else "suspects and offenders")
        ),
        sql=f"SELECT area, {', '.join(parts)} FROM {table} GROUP BY area",
        keys=ctx.areas,
        counts=list(ETHNICITY),
        total=("total", "Total"),
        percents=[
            ("pct_recorded", "% recorded", "recorded", "total"),
            ("pct_not_recorded", "% not recorded", "not_recorded", "total"),
        ],
        notes=[
            "Recorded when any linked record holds a self-defined code (18+1 list); not "
            "stated when the person was asked and did not state one (NS) and no record holds "
            "a code; not recorded otherwise. Not stated and not recorded are different facts."
        ],
    )


def records(con: duckdb.DuckDBPyConnection) -> StatTable:
    keys, labels = _sources(con)
    table = count_table(
        con,
        name="record_completeness",
        title="Completeness of person records by source",
        sql="""
            SELECT source_id,
                   count(*) FILTER (WHERE ethnicity IS NOT NULL AND ethnicity <> 'NS'),
                   count(*) FILTER (WHERE ethnicity = 'NS'),
                   count(*) FILTER (WHERE ethnicity IS NULL),
                   count(*) FILTER (WHERE len(coalesce(nationality, [])) > 0),
                   count(*) FILTER (WHERE len(coalesce(nationality, [])) = 0),
                   count(*) FILTER (WHERE length(date_of_birth) = 10),
                   count(*) FILTER (WHERE length(date_of_birth) IN (4, 7)),
                   count(*) FILTER (WHERE date_of_birth IS NULL)
            FROM st_map GROUP BY source_id
        """,
        keys=keys,
        labels=labels,
        row_header="Source",
        counts=[
            ("eth_recorded", "Ethnicity recorded"),
            ("eth_not_stated", "Ethnicity not stated (NS)"),
            ("eth_not_recorded", "Ethnicity not recorded"),
            ("nat_recorded", "Nationality recorded"),
            ("nat_not_recorded", "Nationality not recorded"),
            ("dob_full", "Full date of birth"),
            ("dob_partial", "Partial date of birth"),
            ("dob_missing", "No date of birth"),
        ],
        notes=["Person records as submitted (before linkage), current extract of each source."],
    )
    from clearsight.stats.table import Column, Group

    table.rows[-1].label = "All sources"
    groups = {
        "eth": ("eth_recorded", "eth_not_stated", "eth_not_recorded"),
        "nat": ("nat_recorded", "nat_not_recorded"),
        "dob": ("dob_full", "dob_partial", "dob_missing"),
    }
    table.groups = []
    for prefix, members in groups.items():
        total = f"{prefix}_records"
        table.columns.append(Column(total, f"Records ({prefix})"))
        table.groups.append(Group(members, total))
        for r in table.rows:
            r.values[total] = sum(int(r.values[m] or 0) for m in members)
    for key, label, num, den in (
        ("pct_eth_recorded", "% ethnicity recorded", "eth_recorded", "eth_records"),
        ("pct_nat_recorded", "% nationality recorded", "nat_recorded", "nat_records"),
        ("pct_dob_full", "% full date of birth", "dob_full", "dob_records"),
    ):
        table.columns.append(Column(key, label, "percent", numerator=num, denominator=den))
        for r in table.rows:
            n, d = r.values[num], r.values[den]
            assert isinstance(n, int) and isinstance(d, int)
            r.values[key] = round(100 * n / d, 1) if d else None
    return table


def flag_agreement(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    title = "Agreement of each agency's CSE flag with the universal definition"
    if not ctx.definitions or not table_exists(con, "cse_flag_cases"):
        from clearsight.stats.figures import unavailable

        return unavailable("cse_flag_agreement", title, "The definitions have not been applied.")
    keys, labels = _sources(con)
    table = count_table(
        con,
        name="cse_flag_agreement",
        title=title,
        sql="""
            SELECT source_id, count(*) FILTER (WHERE agreement = 'agree'),
                   count(*) FILTER (WHERE agreement = 'local_only'),
                   count(*) FILTER (WHERE agreement = 'universal_only')
            FROM cse_flag_cases WHERE source_id IN (SELECT source_id FROM st_sources)
            GROUP BY source_id
        """,
        keys=keys,
        labels=labels,
        row_header="Source",
        counts=[
            ("agree", "Agree"),
            ("local_only", "Flagged by the agency only"),
            ("universal_only", "Meets the universal definition only"),
        ],
        total=("cases", "Cases"),
        percents=[("pct_agree", "% agreement", "agree", "cases")],
        notes=[
            "A case is an event with a child victim or subject. The universal answer is yes "
            "when the child's case meets DfE 2017 or an offender in it belongs to a network "
            "meeting the IICSA definition."
        ],
    )
    table.rows[-1].label = "All sources"
    return table


def quarantine(con: duckdb.DuckDBPyConnection) -> StatTable:
    keys, labels = _sources(con)
    table = count_table(
        con,
        name="quarantine",
        title="Rows quarantined by source (current extract)",
        sql="""
            SELECT s.source_id, sum(f.rows_read), sum(f.rows_quarantined)
            FROM st_sources s JOIN batch_files f USING (batch_id) GROUP BY s.source_id
        """,
        keys=keys,
        labels=labels,
        row_header="Source",
        counts=[("rows_read", "Rows read"), ("rows_quarantined", "Rows quarantined")],
        percents=[("pct_quarantined", "% quarantined", "rows_quarantined", "rows_read")],
        notes=["Counts of rows, not people: published without rounding."],
    )
    table.rows[-1].label = "All sources"
    table.controlled = False
    return table


def tables(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[StatTable]:
    assert NATIONAL_LABEL
    return [
        ethnicity(con, ctx, "victims"),
        ethnicity(con, ctx, "suspects"),
        records(con),
        flag_agreement(con, ctx),
        quarantine(con),
    ]
