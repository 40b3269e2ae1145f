"""One local SparkSession for the Spark tests; they skip where pyspark or Java is missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: needs pyspark and Java (local mode)")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed")
    from clearsight.spark.session import SparkOptions, get_session, stop_session

    # Two partitions: the test data is tiny, and each partition is a task to launch.
    session = get_session(SparkOptions(master="local[2]", shuffle_partitions=2))
    yield session
    stop_session()
