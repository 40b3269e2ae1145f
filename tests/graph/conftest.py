from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from clearsight.definitions import evaluate_all
from clearsight.graph import run
from clearsight.store import connect
from tests.graph.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional scenario, linked perfectly, with graph, networks and definitions run."""
    tmp = tmp_path_factory.mktemp("scenario")
    con = connect(tmp / "store.duckdb")
    load_scenario(con, tmp)
    run(con)
    evaluate_all(con)
    con.close()
    return tmp / "store.duckdb"


@pytest.fixture
def scon(scenario_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(scenario_db, read_only=True)
    yield con
    con.close()
