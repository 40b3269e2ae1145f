"""Cleaning and checking one table of a submission, set-based in DuckDB.

A table's rows go through three temporary tables: ``__s_<t>`` the cells as
submitted (blank → NULL), ``__c_<t>`` the stored shape (clean values, raw values,
extras), and the shared ``__issues`` with one row per problem found, each marked
``quarantine`` (the row is not loaded) or ``warn`` (loaded: the value unusable,
or valid but read in another form than the standard's, such as a day-first date).
Value types run in Python over the *distinct* values of a column only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import duckdb
import pyarrow as pa

from clearsight.ingest.csvfile import ROW_NUMBER
from clearsight.ingest.errors import SubmissionError
from clearsight.standard import Column, Table
from clearsight.standard.types import ObjectValue, ValueType

ISSUES_DDL = """
CREATE TEMP TABLE IF NOT EXISTS __issues (
    tbl VARCHAR, row_number BIGINT, column_name VARCHAR, reason_code VARCHAR,
    reason VARCHAR, value VARCHAR, action VARCHAR
)
"""

_SQL_ONLY = frozenset({"identifier", "text"})


def quote(name: str) -> str:
    """A SQL identifier, whatever characters a submitted header holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stage(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    header: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    extra_limit: int | None = None,
) -> int:
    """Load submitted cells into ``__s_<t>``; absent optional columns become NULL.

    A cell of an extra column longer than ``extra_limit`` is left out of ``extra``
    and reported (``value_too_long``), as an over-long value of a standard column
    is. Returns the number of records read.
    """
    con.execute(ISSUES_DDL)
    present = set(header)
    columns = [
        f"NULLIF({quote(c)}, '') AS {quote(c)}" if c in present else f"NULL::VARCHAR AS {quote(c)}"
        for c in table.columns
    ]
    extras = [e for e in header if e not in table.columns and e != ROW_NUMBER]
    kept = (
        "{c}"
        if extra_limit is None
        else f"CASE WHEN length({{c}}) > {extra_limit} THEN NULL ELSE {{c}} END"
    )
    extra = (
        "to_json(struct_pack("
        + ", ".join(f"{quote(e)} := {kept.format(c=quote(e))}" for e in extras)
        + "))"
        if extras
        else "NULL::JSON"
    )
    select = ", ".join([f"{ROW_NUMBER} AS row_number", *columns, f"{extra} AS __extra"])
    name, view = f"__s_{table.name}", f"__arrow_{table.name}"
    empty = pa.table({c: pa.array([], pa.string()) for c in header}).append_column(
        ROW_NUMBER, pa.array([], pa.int64())
    )
    con.register(view, empty)
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT {select} FROM {view}")
    con.unregister(view)
    rows = 0
    for batch in batches:
        con.register(view, batch)
        try:
            con.execute(f"INSERT INTO {name} SELECT {select} FROM {view}")
            if extra_limit is not None:
                for e in extras:
                    _long_extra(con, table, view, e, extra_limit)
        finally:
            con.unregister(view)
        rows += batch.num_rows
    return rows


def _long_extra(
    con: duckdb.DuckDBPyConnection, table: Table, view: str, column: str, limit: int
) -> None:
    c = quote(column)
    con.execute(
        f"INSERT INTO __issues SELECT {literal(table.name)}, {ROW_NUMBER}, {literal(column)}, "
        f"'value_too_long', length({c}) || {literal(f' characters, over the limit of {limit:,}')}"
        f" || ' for an extra column: not kept in extra', "
        f"left({c}, 100) || '… (' || length({c}) || ' characters)', 'warn' "
        f"FROM {view} WHERE length({c}) > {limit}"
    )


def clean(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Build ``__c_<t>``: every row in stored form, and record value problems."""
    t = table.name
    selects = ["s.row_number"]
    joins: list[str] = []
    for column in table.columns.values():
        c = quote(column.name)
        if column.type.name in _SQL_ONLY and not column.is_list:
            expr = f"trim(s.{c})" if column.type.name == "identifier" else f"s.{c}"
            selects.append(f"NULLIF({expr}, '') AS {c}")
        elif column.is_list:
            alias = _list_map(con, table, column)
            joins.append(f"LEFT JOIN {alias} USING (row_number)")
            selects.append(f"{alias}.clean AS {c}")
        else:
            alias, on = _scalar_map(con, table, column)
            joins.append(f"LEFT JOIN {alias} ON {on}")
            selects.append(f"CAST({alias}.clean AS {column.sql_type}) AS {c}")
        if column.keeps_raw:
            selects.append(f"s.{c} AS {quote(column.name + '_raw')}")
        if column.required:
            _issue(
                con,
                t,
                column.name,
                "'missing_required'",
                "'required value is empty'",
                "NULL",
                f"__s_{t} s WHERE s.{c} IS NULL",
                "quarantine",
            )
    selects.append("s.__extra AS extra")
    con.execute(
        f"CREATE TEMP TABLE __c_{t} AS SELECT {', '.join(selects)} FROM __s_{t} s "
        + " ".join(joins)
    )


def _scalar_map(con: duckdb.DuckDBPyConnection, table: Table, column: Column) -> tuple[str, str]:
    """Map distinct raw values to clean ones; return the join alias and condition."""
    t, c = table.name, quote(column.name)
    alias = f"__m_{t}_{column.name}"
    if isinstance(column.type, ObjectValue) and column.depends_on is not None:
        kind = quote(column.depends_on)
        pairs = con.execute(
            f"SELECT DISTINCT lower(trim({kind})), {c} FROM __s_{t} WHERE {c} IS NOT NULL"
        ).fetchall()
        objtype = column.type
        cleaned = [(k, v, objtype.for_kind(k)) for k, v in pairs]
        values = [vt.clean(v) for _, v, vt in cleaned]
        notes = [
            vt.note(v) if c is not None else None
            for (_, v, vt), c in zip(cleaned, values, strict=True)
        ]
        _register(
            con,
            alias,
            {
                "kind": [k for k, _, _ in cleaned],
                "raw": [v for _, v, _ in cleaned],
                "clean": values,
                "reason": [vt.validate(v) for _, v, vt in cleaned],
                "code": [vt.reason_code for _, _, vt in cleaned],
                **_note_columns(notes),
            },
        )
        on = f"{alias}.raw = s.{c} AND {alias}.kind IS NOT DISTINCT FROM lower(trim(s.{kind}))"
    else:
        raws = [
            r
            for (r,) in con.execute(
                f"SELECT DISTINCT {c} FROM __s_{t} WHERE {c} IS NOT NULL"
            ).fetchall()
        ]
        _register_map(con, alias, raws, column.type)
        on = f"{alias}.raw = s.{c}"
    _issue(
        con,
        t,
        column.name,
        f"{alias}.code",
        f"{alias}.reason",
        f"s.{c}",
        f"__s_{t} s JOIN {alias} ON {on} WHERE {alias}.clean IS NULL",
        column.on_invalid,
    )
    _issue(
        con,
        t,
        column.name,
        f"{alias}.note_code",
        f"{alias}.note",
        f"s.{c}",
        f"__s_{t} s JOIN {alias} ON {on} WHERE {alias}.note_code IS NOT NULL",
        "warn",
    )
    return alias, on


def _list_map(con: duckdb.DuckDBPyConnection, table: Table, column: Column) -> str:
    """Clean each element of a ``;``-list; return a per-row table of clean lists."""
    t, c = table.name, quote(column.name)
    elements = f"__e_{t}_{column.name}"
    con.execute(
        f"CREATE TEMP TABLE {elements} AS SELECT row_number, trim(e) AS raw, pos FROM ("
        f"SELECT row_number, unnest(string_split({c}, ';')) AS e, "
        f"generate_subscripts(string_split({c}, ';'), 1) AS pos "
        f"FROM __s_{t} WHERE {c} IS NOT NULL) WHERE trim(e) <> ''"
    )
    raws = [r for (r,) in con.execute(f"SELECT DISTINCT raw FROM {elements}").fetchall()]
    mapping = f"__m_{t}_{column.name}"
    _register_map(con, mapping, raws, column.type)
    _issue(
        con,
        t,
        column.name,
        "m.code",
        "m.reason",
        "e.raw",
        f"{elements} e JOIN {mapping} m USING (raw) WHERE m.clean IS NULL",
        column.on_invalid,
        row="e.row_number",
    )
    _issue(
        con,
        t,
        column.name,
        "m.note_code",
        "m.note",
        "e.raw",
        f"{elements} e JOIN {mapping} m USING (raw) WHERE m.note_code IS NOT NULL",
        "warn",
        row="e.row_number",
    )
    alias = f"__l_{t}_{column.name}"
    con.execute(
        f"CREATE TEMP TABLE {alias} AS SELECT e.row_number, "
        f"list(m.clean ORDER BY e.pos) FILTER (WHERE m.clean IS NOT NULL) AS clean "
        f"FROM {elements} e JOIN {mapping} m USING (raw) GROUP BY e.row_number"
    )
    return alias


def _register_map(
    con: duckdb.DuckDBPyConnection, name: str, raws: list[str], vtype: ValueType
) -> None:
    cleaned = [vtype.clean(r) for r in raws]
    _register(
        con,
        name,
        {
            "raw": raws,
            "clean": cleaned,
            "reason": [
                None if v is not None else vtype.explain(r)
                for r, v in zip(raws, cleaned, strict=True)
            ],
            "code": [vtype.reason_code] * len(raws),
            **_note_columns(
                [
                    vtype.note(r) if v is not None else None
                    for r, v in zip(raws, cleaned, strict=True)
                ]
            ),
        },
    )


def _note_columns(notes: Sequence[tuple[str, str] | None]) -> dict[str, list[str | None]]:
    """A valid value's reported reading, as the map's ``note_code`` and ``note``."""
    return {
        "note_code": [n[0] if n is not None else None for n in notes],
        "note": [n[1] if n is not None else None for n in notes],
    }


def _register(
    con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, Sequence[str | None]]
) -> None:
    arrow = pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
    con.register(f"{name}_arrow", arrow)
    try:
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _issue(
    con: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    code: str,
    reason: str,
    value: str,
    source: str,
    action: str,
    row: str = "s.row_number",
) -> None:
    """Record a problem for every row ``source`` (a FROM clause) yields.

    ``code``, ``reason`` and ``value`` are SQL expressions over that source.
    """
    con.execute(
        f"INSERT INTO __issues SELECT {literal(table)}, {row}, {literal(column)}, {code}, "
        f"{reason}, {value}, {literal(action)} FROM {source}"
    )


def check_keys(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Duplicate ids refuse the submission; duplicate link rows are quarantined."""
    t = table.name
    keys = [quote(k) for k in table.key]
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    if table.id_column is not None:
        key = keys[0]
        dup = con.execute(
            f"SELECT {key}, list(row_number ORDER BY row_number) AS rows FROM __c_{t} "
            f"WHERE {not_null} GROUP BY {key} HAVING count(*) > 1 ORDER BY rows[2] LIMIT 1"
        ).fetchall()
        if dup:
            value, rows = dup[0]
            raise SubmissionError(
                table.file,
                f"duplicate {table.id_column} {value!r} (first at row {rows[0]}); "
                "ids must be unique in a submission",
                row=rows[1],
                column=table.id_column,
                code="duplicate_id",
            )
        return
    _issue(
        con,
        t,
        ", ".join(table.key),
        "'duplicate_row'",
        "'repeats an earlier row with the same ' || " + literal(", ".join(table.key)),
        "NULL",
        f"(SELECT row_number, row_number() OVER (PARTITION BY {', '.join(keys)} "
        f"ORDER BY row_number) AS n FROM __c_{t} WHERE {not_null}) s WHERE s.n > 1",
        "quarantine",
    )


def loaded_ids(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """``__ids_<t>``: ids of rows that will load, for other tables' references."""
    if table.id_column is None:
        return
    t, key = table.name, quote(table.id_column)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __ids_{t} AS SELECT DISTINCT {key} AS id FROM __c_{t} "
        f"WHERE {key} IS NOT NULL AND row_number NOT IN "
        f"(SELECT row_number FROM __issues WHERE tbl = {literal(t)} AND action = 'quarantine')"
    )


def check_references(con: duckdb.DuckDBPyConnection, table: Table, files: dict[str, str]) -> None:
    """Rows naming a row that is absent (or not loaded) are dangling."""
    t = table.name
    for column in table.columns.values():
        ref = column.references
        if ref is None:
            continue
        c = quote(column.name)
        targets: Iterable[tuple[str | None, str]] = (
            [(None, ref.table)] if ref.table is not None else ref.tables.items()
        )
        for selector, target in targets:
            where = f"s.{c} IS NOT NULL AND s.{c} NOT IN (SELECT id FROM __ids_{target})"
            if selector is not None and ref.by is not None:
                where += f" AND s.{quote(ref.by)} = {literal(selector)}"
            reason = (
                f"{literal(column.name + ' ')} || chr(39) || s.{c} || chr(39) || "
                f"{literal(' is not a loaded row of ' + files[target])}"
            )
            _issue(
                con,
                t,
                column.name,
                "'dangling_reference'",
                reason,
                f"s.{c}",
                f"__c_{t} s WHERE {where}",
                column.on_dangling,
            )
