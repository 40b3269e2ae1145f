"""Clearsight on Apache Spark, the infrastructure: a session, Parquet storage and
connected components in Spark. Each stage keeps its Spark backend beside its DuckDB
one (``linkage/spark_backend.py``, ``graph/spark_backend.py``).

For data that does not fit one machine. Nothing here imports pyspark at import time:
the package is optional, and starting a JVM costs seconds that other commands must
not pay.
"""

from clearsight.spark.session import SparkOptions, get_session, stop_session

__all__ = ["SparkOptions", "get_session", "stop_session"]
