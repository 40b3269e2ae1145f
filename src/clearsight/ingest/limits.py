"""Limits the standard sets on values: field lengths, and dates that are unlikely to be true.

Both run set-based over the staged table. An over-long value in an optional column
is blanked before any other step sees it (the row loads; the warning keeps its
first characters and its length, so the value can be found in the submitted file
without the store holding it twice); in a required column the row is quarantined
with its record, as any other unusable required value. A date after the extract,
or a date of birth implying an age over the standard's limit, is kept and warned:
such a date may be a typing slip, a placeholder, or true, and only the agency knows.
A date of birth that is a case system's default (1 January 1900) is no date at all:
the field is left empty, the value kept in the warning and the raw column.
"""

from __future__ import annotations

from datetime import date

import duckdb

from clearsight.ingest.clean import literal, quote
from clearsight.standard import Column, Table

VALUE_TOO_LONG = "value_too_long"
DATE_AFTER_EXTRACT = "date_after_extract"
IMPLAUSIBLE_AGE = "implausible_age"
PLACEHOLDER_DATE = "placeholder_date"
# Case systems fill a date of birth they must hold and do not know with their default:
# 1 January 1900, or the spreadsheet and database epochs of 30 and 31 December 1899.
# Such a date says "not known", as "UNKNOWN" does in a name field, and is no evidence
# of who the person is: the field is left empty and the value kept, with a warning.
PLACEHOLDER_DATES = ("1900-01-01", "1899-12-31", "1899-12-30")
# How much of an over-long value the warning keeps: enough to recognise it.
_SHOWN = 100


def limit_lengths(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Record over-long values in ``__s_<t>``; blank them where the column warns."""
    t = table.name
    for column in table.columns.values():
        c = quote(column.name)
        limit = column.max_length
        shown = f"left(s.{c}, {_SHOWN}) || '… (' || length(s.{c}) || ' characters)'"
        reason = (
            f"length(s.{c}) || {literal(f' characters, over the limit of {limit:,} for ')}"
            f" || {literal(column.name)} || "
            + literal(": value not loaded" if column.on_invalid == "warn" else "")
        )
        con.execute(
            f"INSERT INTO __issues SELECT {literal(t)}, s.row_number, {literal(column.name)}, "
            f"{literal(VALUE_TOO_LONG)}, {reason}, {shown}, {literal(column.on_invalid)} "
            f"FROM __s_{t} s WHERE length(s.{c}) > {limit}"
        )
        if column.on_invalid == "warn":
            con.execute(f"UPDATE __s_{t} SET {c} = NULL WHERE length({c}) > {limit}")


def check_plausible(con: duckdb.DuckDBPyConnection, table: Table, extract_date: date) -> None:
    """Warn on dates after the extract date, and on ages over the limit, in ``__c_<t>``."""
    for column in table.columns.values():
        rule = column.plausible
        if rule is None:
            continue
        if rule.not_after_extract:
            _warn(
                con,
                table,
                column,
                DATE_AFTER_EXTRACT,
                f"{_bound(column, earliest=True)} > DATE {literal(extract_date.isoformat())}",
                f"is after the extract date {extract_date.isoformat()}",
            )
        if rule.max_age_years is not None:
            _empty_placeholders(con, table, column)
            years = rule.max_age_years
            oldest = _years_before(extract_date, years)
            _warn(
                con,
                table,
                column,
                IMPLAUSIBLE_AGE,
                f"{_bound(column, earliest=False)} < DATE {literal(oldest.isoformat())}",
                f"implies an age over {years} at the extract date {extract_date.isoformat()}",
            )


def _empty_placeholders(con: duckdb.DuckDBPyConnection, table: Table, column: Column) -> None:
    """A system's default date in a date of birth: warned, kept raw, the field emptied."""
    t, c = table.name, quote(column.name)
    listed = ", ".join(literal(d) for d in PLACEHOLDER_DATES)
    condition = f"CAST(c.{c} AS VARCHAR) IN ({listed})"
    says = "is a case system's default date, not a date of birth: left empty, the value kept"
    _warn(con, table, column, PLACEHOLDER_DATE, condition, says)
    con.execute(f"UPDATE __c_{t} c SET {c} = NULL WHERE {condition}")


def _bound(column: Column, *, earliest: bool) -> str:
    """The earliest or latest day a (possibly partial) date can mean, as a DATE."""
    v = f"CAST(c.{quote(column.name)} AS VARCHAR)"
    if earliest:
        return (
            f"CAST(CASE length({v}) WHEN 4 THEN {v} || '-01-01' WHEN 7 THEN {v} || '-01' "
            f"ELSE {v} END AS DATE)"
        )
    return (
        f"CASE length({v}) WHEN 4 THEN CAST({v} || '-12-31' AS DATE) "
        f"WHEN 7 THEN last_day(CAST({v} || '-01' AS DATE)) ELSE CAST({v} AS DATE) END"
    )


def _warn(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    column: Column,
    code: str,
    condition: str,
    says: str,
) -> None:
    t, c = table.name, quote(column.name)
    reason = f"{literal(column.name + ' ')} || CAST(c.{c} AS VARCHAR) || {literal(' ' + says)}"
    con.execute(
        f"INSERT INTO __issues SELECT {literal(t)}, c.row_number, {literal(column.name)}, "
        f"{literal(code)}, {reason}, CAST(c.{c} AS VARCHAR), 'warn' "
        f"FROM __c_{t} c WHERE c.{c} IS NOT NULL AND {condition}"
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
