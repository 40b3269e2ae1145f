"""Clearsight on Apache Spark: a session, Parquet storage and Spark-native graph steps.

For data that does not fit one machine. Nothing here imports pyspark at import time:
the package is optional, and starting a JVM costs seconds that other commands must
not pay.
"""

from clearsight.spark.session import SparkOptions, get_session, stop_session

__all__ = ["SparkOptions", "get_session", "stop_session"]
