"""One SparkSession per process, configured for Splink and for this machine or a cluster."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from typing import Any

_SESSION: Any = None
# Splink's break_lineage_method values that need no extra library (Delta Lake).
LINEAGE_METHODS = ("persist", "parquet", "checkpoint")


@dataclass(frozen=True)
class SparkOptions:
    """How to reach Spark. ``master`` ``local[*]`` runs in this process's JVM.

    ``CLEARSIGHT_SPARK_MASTER`` overrides the master, so a deployment points the same
    commands at a cluster without code changes.
    """

    master: str = field(
        default_factory=lambda: os.environ.get("CLEARSIGHT_SPARK_MASTER", "local[*]")
    )
    app_name: str = "clearsight"
    driver_memory: str = field(
        default_factory=lambda: os.environ.get("CLEARSIGHT_SPARK_DRIVER_MEMORY", "4g")
    )
    # Spark's default of 200 shuffle partitions is tuned for clusters; on a laptop each
    # tiny partition costs a task launch.
    shuffle_partitions: int = field(
        default_factory=lambda: int(os.environ.get("CLEARSIGHT_SPARK_PARTITIONS", "8"))
    )
    # How Splink cuts Spark's query lineage between steps: "persist" keeps the
    # intermediates in executor memory (fastest; at 1M records the local JVM
    # peaked at 10.4 GB), "parquet" or "checkpoint" writes them to disk, for data
    # larger than the executors' memory.
    lineage: str = field(
        default_factory=lambda: os.environ.get("CLEARSIGHT_SPARK_LINEAGE", "persist")
    )
    # Spark's scratch space for shuffles and spills (default: the system's temp folder).
    # Scoring 5M records' candidate pairs on one machine spilled over 13 GB there.
    local_dir: str | None = field(
        default_factory=lambda: os.environ.get("CLEARSIGHT_SPARK_LOCAL_DIR") or None
    )
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.lineage not in LINEAGE_METHODS:
            raise ValueError(
                f"CLEARSIGHT_SPARK_LINEAGE={self.lineage!r} is not one of "
                f"{', '.join(LINEAGE_METHODS)}"
            )


class SparkUnavailableError(RuntimeError):
    """The Spark backend was asked for where pyspark is not installed."""


def require_pyspark() -> None:
    """Stop before any work when ``--backend spark`` cannot run: without pyspark, or
    inside the service that holds the store.

    pyspark is an optional extra: a force linking its own data on one machine never
    needs its 300 MB, so the error names the extra rather than a missing module.
    """
    from clearsight.store.borrowed import CURRENT

    if CURRENT.get() is not None:
        # A command handed to 'clearsight serve' runs in the service's process, on its
        # DuckDB connection and beside the pages: no Spark session is started there.
        raise SparkUnavailableError(
            "clearsight serve holds the store and runs commands on DuckDB; drop "
            "--backend spark, or stop the service to run on Spark"
        )
    if importlib.util.find_spec("pyspark") is None:
        raise SparkUnavailableError(
            "the Spark backend needs the optional extra: pip install 'clearsight[spark]' "
            "(pyspark), and a Java 17 runtime; without it use --backend duckdb"
        )


def get_session(options: SparkOptions | None = None) -> Any:
    """The process's SparkSession, started on first use with Splink's similarity UDFs."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    require_pyspark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    o = options or SparkOptions()
    # Without this Spark binds to whatever the host name resolves to, which on
    # containers and VPN laptops is often unreachable from the process itself.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python UDFs (linkage's Jaro-Winkler) run in worker processes started with
    # ``python3`` from the path unless told otherwise, which lacks this environment's
    # packages; on a cluster PYSPARK_PYTHON names the executors' interpreter.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(o.master)
        .appName(o.app_name)
        .config("spark.driver.memory", o.driver_memory)
        .config("spark.sql.shuffle.partitions", str(o.shuffle_partitions))
        .config("spark.default.parallelism", str(o.shuffle_partitions))
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        # Splink issues many small queries; adaptive execution coalesces their shuffles.
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    if o.local_dir:
        builder = builder.config("spark.local.dir", o.local_dir)
    for key, value in o.extra:
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    # Splink breaks long query lineages by checkpointing; Spark has no default folder.
    from clearsight.spark.storage import work_dir

    session.sparkContext.setCheckpointDir((work_dir() / "checkpoints").as_posix())
    _SESSION = session
    return session


def stop_session() -> None:
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None
