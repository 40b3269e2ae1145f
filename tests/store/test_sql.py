"""The shared SQL helpers, against a real DuckDB connection."""

from __future__ import annotations

import duckdb
import pytest

from clearsight.store.sql import quote_identifier, sql_in, sql_list, table_exists


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(":memory:")
    c.execute("CREATE TABLE persons (x INTEGER)")
    c.execute("CREATE VIEW current_persons AS SELECT * FROM persons")
    return c


def test_table_exists_sees_tables_and_views(con: duckdb.DuckDBPyConnection) -> None:
    assert table_exists(con, "persons")
    assert table_exists(con, "current_persons")
    assert not table_exists(con, "networks")


def test_a_missing_table_does_not_abort_an_open_transaction(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("BEGIN")
    con.execute("INSERT INTO persons VALUES (1)")
    assert not table_exists(con, "networks")
    con.execute("INSERT INTO persons VALUES (2)")
    con.execute("COMMIT")
    assert con.execute("SELECT count(*) FROM persons").fetchall() == [(2,)]


def test_quoted_values_round_trip_through_duckdb(con: duckdb.DuckDBPyConnection) -> None:
    values = ("victim", "o'brien", 'say "hi"', "")
    assert con.execute(f"SELECT {sql_list(values)}").fetchall() == [(list(values),)]
    assert con.execute(f"SELECT 'o''brien' IN ({sql_in(values)})").fetchall() == [(True,)]
    assert con.execute(f"SELECT 'x' IN ({sql_in(())})").fetchall() == [(False,)]
    assert sql_list(()) == "[]"
    odd = 'odd "name'
    con.execute(f"CREATE TABLE {quote_identifier(odd)} (y INTEGER)")
    assert table_exists(con, odd)
