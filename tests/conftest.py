"""Shared fixtures: real DuckDB stores in temporary folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from clearsight.store import connect


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(db_path)
    yield connection
    connection.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Shared stores live outside pytest's tmp folders; remove them (xdist runs this per worker)."""
    from tests.stats.store import remove_scratch

    remove_scratch()
