"""Parquet as the interchange between the DuckDB store and Spark.

Spark and DuckDB never share memory: a table crosses as Parquet files in a work
folder. On a cluster that folder is shared storage (``CLEARSIGHT_SPARK_WORK``, e.g.
an HDFS or object-store path mounted locally); here it sits beside the store.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _table_name(name: str) -> str:
    # Table names reach SQL unquoted; only identifiers this code chose may pass.
    if not _SAFE.match(name):
        raise ValueError(f"not a plain table name: {name!r}")
    return name


def work_dir(con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Where Parquet interchange files go: the environment's choice, else a temp folder."""
    configured = os.environ.get("CLEARSIGHT_SPARK_WORK")
    base = Path(configured) if configured else Path(tempfile.gettempdir()) / "clearsight-spark"
    base.mkdir(parents=True, exist_ok=True)
    return base


def export_table(con: duckdb.DuckDBPyConnection, table: str, folder: Path) -> Path:
    """Write ``table`` (or a view) of the store as one Parquet file; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_table_name(table)}.parquet"
    con.execute(
        f"COPY (SELECT * FROM {table}) TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
    )
    return path


def to_spark(spark: Any, con: duckdb.DuckDBPyConnection, table: str, folder: Path) -> Any:
    """A store table as a Spark DataFrame, read from the Parquet it is written to."""
    return spark.read.parquet(export_table(con, table, folder).as_posix())


def from_spark(
    df: Any, con: duckdb.DuckDBPyConnection, table: str, folder: Path, *, temp: bool = True
) -> int:
    """Write a Spark DataFrame as Parquet and load it into the store as ``table``."""
    path = folder / f"{_table_name(table)}.spark.parquet"
    if path.exists():
        shutil.rmtree(path)
    df.write.mode("overwrite").parquet(path.as_posix())
    kind = "TEMP TABLE" if temp else "TABLE"
    con.execute(
        f"CREATE OR REPLACE {kind} {table} AS "
        f"SELECT * FROM read_parquet('{path.as_posix()}/*.parquet')"
    )
    shutil.rmtree(path, ignore_errors=True)
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
