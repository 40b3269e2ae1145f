"""Splink's Spark backend behind the ``LinkageBackend`` seam.

The model is written once, in DuckDB's SQL (``model.py``). Rather than keep a second
copy in Spark's dialect that would drift, its SQL conditions are rewritten here
function by function; Splink's own transpiler (sqlglot) turns DuckDB list functions
into operators Spark cannot parse, so it is bypassed: conditions reach Splink already
in Spark SQL.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import duckdb

# At module level: pyspark reads the UDF's type hints (``pd.Series``) from here.
import pandas as pd  # type: ignore[import-untyped]

from clearsight.spark import storage
from clearsight.spark.session import SparkOptions, get_session

# Jaro-Winkler as Winkler defined it and DuckDB computes it (jellyfish computes the
# same figures), registered with Spark as a vectorised UDF. Splink's bundled JAR
# has a ``jaro_winkler`` of its own (Apache Commons Text's variant) that gives other
# similarities for some names ("katherine" and "khatherine" fall below the model's
# 0.92 level there and not in DuckDB): the same model would score the same pair
# differently on the two engines, and give other entities.
JARO_WINKLER_UDF = "clearsight_jaro_winkler"

# DuckDB function -> Spark function with the same meaning on the same arguments.
# ``damerau_levenshtein`` comes from Splink's bundled JAR (the same distances as DuckDB).
_FUNCTIONS = {
    "list_has_any": "arrays_overlap",
    "list_contains": "array_contains",
    "jaro_winkler_similarity": JARO_WINKLER_UDF,
    "len": "size",
    "list_distinct": "array_distinct",
    # Both return the elements found in both lists, each once.
    "list_intersect": "array_intersect",
}
_FUNCTION_RE = re.compile(r"\b(" + "|".join(_FUNCTIONS) + r")\s*\(", re.IGNORECASE)
_QUOTED_RE = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')
_INDEX_RE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]")


def duckdb_to_spark(sql: str, array_columns: frozenset[str] = frozenset()) -> str:
    """One SQL condition of the model in Spark SQL.

    DuckDB indexes strings and lists from 1; Spark has no string indexing and indexes
    arrays from 0, so ``x[1]`` becomes ``substring(x, 1, 1)`` or ``element_at(x, 1)``.
    ``array_columns`` names the input columns (without ``_l``/``_r``) that are arrays.
    """

    def index(m: re.Match[str]) -> str:
        column, n = m.group(1), m.group(2)
        base = re.sub(r"_[lr]$", "", column)
        if base in array_columns:
            return f"element_at({column}, {n})"
        return f"substring({column}, {n}, 1)"

    out = _QUOTED_RE.sub(r"`\1`", sql)
    out = _FUNCTION_RE.sub(lambda m: _FUNCTIONS[m.group(1).lower()] + "(", out)
    return _INDEX_RE.sub(index, out)


def spark_settings(settings: Any, array_columns: frozenset[str]) -> dict[str, Any]:
    """A Splink settings dict (or ``SettingsCreator``, or saved model) in Spark's dialect."""
    if isinstance(settings, dict):
        data: dict[str, Any] = json.loads(json.dumps(settings))
    else:
        data = settings.create_settings_dict("duckdb")
    for comparison in data.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            if isinstance(level.get("sql_condition"), str):
                level["sql_condition"] = duckdb_to_spark(level["sql_condition"], array_columns)
    rules = []
    for rule in data.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rule = {"blocking_rule": rule}
        rule = dict(rule)
        rule["blocking_rule"] = duckdb_to_spark(rule["blocking_rule"], array_columns)
        rule["sql_dialect"] = "spark"
        rules.append(rule)
    data["blocking_rules_to_generate_predictions"] = rules
    data["sql_dialect"] = "spark"
    return data


def register_jaro_winkler(spark: Any) -> None:
    """``JARO_WINKLER_UDF`` in ``spark``: null where either name is null, as in DuckDB."""
    from pyspark.sql.functions import pandas_udf  # type: ignore[attr-defined]

    @pandas_udf("double")  # type: ignore[untyped-decorator]
    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        import jellyfish

        return pd.Series(
            [
                None if a is None or b is None else jellyfish.jaro_winkler_similarity(a, b)
                for a, b in zip(left, right, strict=True)
            ],
            dtype="float64",
        )

    spark.udf.register(JARO_WINKLER_UDF, jaro_winkler)


class SparkBackend:
    """Splink on Spark: the input crosses as Parquet, the predictions come back as Parquet.

    Clustering and everything after prediction stay in the store: the scored pairs
    above the review floor are few compared with the records.
    """

    name = "spark"

    def __init__(self, con: duckdb.DuckDBPyConnection, spark: Any | None = None) -> None:
        from splink import SparkAPI

        self.con = con
        self.spark = spark or get_session()
        # Persisting in memory breaks Splink's query lineage far faster than its
        # default of checkpointing to disk, where the inputs fit the executors;
        # CLEARSIGHT_SPARK_LINEAGE chooses disk for larger data.
        self.api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=self.spark, break_lineage_method=SparkOptions().lineage
        )
        register_jaro_winkler(self.spark)
        self.folder: Path = storage.work_dir() / f"link-{uuid.uuid4().hex[:12]}"
        self.array_columns: frozenset[str] = frozenset()
        self.registered: list[str] = []

    def register_input(self, table: str) -> Any:
        df = storage.to_spark(self.spark, self.con, table, self.folder)
        self.array_columns = frozenset(
            f.name for f in df.schema.fields if f.dataType.typeName() == "array"
        )
        self.registered.append(table)
        return self.api.register(df, dataset_display_name=table)

    def materialise(self, splink_df: Any, table: str) -> None:
        storage.from_spark(splink_df.as_spark_dataframe(), self.con, table, self.folder)

    def linker(self, splink_df: Any, settings: Any, *, verbose: bool = False) -> Any:
        from splink import Linker

        return Linker(
            splink_df,
            spark_settings(settings, self.array_columns),
            log_level="INFO" if verbose else "ERROR",
            validate_settings=verbose,
        )

    def scoring_model(self, model: dict[str, Any]) -> dict[str, Any]:
        return model

    def propose_pairs(self, linker: Any, table: str) -> None:
        """Splink blocks on Spark itself, with the model's rules."""

    def release_pairs(self) -> None:
        """Nothing to release: Splink's blocked pairs live in its own cache."""

    def release(self) -> None:
        """Splink's cached tables, the inputs registered with Spark (a second run in
        this process registers them again) and the Parquet copies of the store's tables."""
        self.api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        for table in self.registered:
            self.spark.catalog.dropTempView(table)
        self.registered.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
