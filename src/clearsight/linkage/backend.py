"""Where Splink runs: a small seam so a Spark backend can follow DuckDB.

The linkage stage needs three things of a backend: Splink's database API, a
way to hand it the prepared input table, and a way to bring a Splink result
table back into the store. Everything else is SQL on the store connection.
"""

from __future__ import annotations

from typing import Any, Protocol

import duckdb


class LinkageBackend(Protocol):
    name: str

    def register_input(self, table: str) -> Any:
        """The input table as a Splink dataframe."""

    def materialise(self, splink_df: Any, table: str) -> None:
        """Copy a Splink result into a store table ``table`` (replacing it)."""

    def linker(self, splink_df: Any, settings: Any, *, verbose: bool = False) -> Any:
        """A Splink ``Linker`` over ``splink_df``."""

    def scoring_model(self, model: dict[str, Any]) -> dict[str, Any]:
        """The trained model as this backend scores with it."""

    def propose_pairs(self, linker: Any, table: str) -> None:
        """Give ``linker`` its candidate pairs, or leave blocking to Splink."""

    def release_pairs(self) -> None:
        """Drop whatever ``propose_pairs`` made."""

    def release(self) -> None:
        """Drop every intermediate table Splink made (training samples, comparison vectors)."""


class DuckDBBackend:
    """Splink's DuckDB backend working inside the project's own DuckDB connection.

    Splink's intermediate tables then live in the store's connection (and spill
    beside the store under its memory limit); none is copied out of process.
    """

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        from splink import DuckDBAPI

        self.con = con
        self.api = DuckDBAPI(connection=con)

    def register_input(self, table: str) -> Any:
        return self.api.register(table, dataset_display_name=table)

    def materialise(self, splink_df: Any, table: str) -> None:
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {splink_df.physical_name}"
        )

    def linker(self, splink_df: Any, settings: Any, *, verbose: bool = False) -> Any:
        from splink import Linker

        # Splink's settings checks only log warnings, which ERROR hides: run them when
        # they are shown (``--verbose``), not for nothing on every run (their cost is
        # measured in benchmarks/README.md, session 33).
        return Linker(
            splink_df,
            settings,
            log_level="INFO" if verbose else "ERROR",
            validate_settings=verbose,
        )

    def scoring_model(self, model: dict[str, Any]) -> dict[str, Any]:
        """Without blocking rules: ``propose_pairs`` gives the pairs, and Splink
        would otherwise carry every blocking column through the scoring join."""
        return {**model, "blocking_rules_to_generate_predictions": []}

    def propose_pairs(self, linker: Any, table: str, new_records: str | None = None) -> None:
        from clearsight.linkage.blocking import PAIRS_TABLE, blocked_pairs

        blocked_pairs(self.con, table, new_records=new_records)
        pairs = self.api.register(PAIRS_TABLE, dataset_display_name=PAIRS_TABLE)
        registered = linker.table_management.register_blocked_pairs_for_predict(pairs)
        # Splink copies both sides of the input for registered pairs, keeping only
        # records in some pair (10 s of CPU at 1M records); nearly every record is
        # in one here, so its ordinary path, scoring against the input, is cheaper.
        registered.metadata["registered_for_predict"] = False

    def release_pairs(self) -> None:
        from clearsight.linkage.blocking import PAIRS_TABLE

        self.con.execute(f"DROP TABLE IF EXISTS {PAIRS_TABLE}")

    def release(self) -> None:
        # Splink writes its intermediates as ordinary tables of the connection:
        # left there, every run added its training samples and comparison
        # vectors (names and dates of birth) to the store, outside the tables
        # that access control and retention know about.
        self.api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]


BACKENDS = ("duckdb", "spark")


def backend_for(con: duckdb.DuckDBPyConnection, name: str = "duckdb") -> LinkageBackend:
    """The named backend; ``spark`` (pyspark, Java 17) imports nothing until chosen."""
    if name == "duckdb":
        return DuckDBBackend(con)
    if name == "spark":
        from clearsight.spark.session import require_pyspark

        require_pyspark()
        from clearsight.linkage.spark_backend import SparkBackend

        return SparkBackend(con)
    raise ValueError(f"unknown linkage backend {name!r}; available: {', '.join(BACKENDS)}")
