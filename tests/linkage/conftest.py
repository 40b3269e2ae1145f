"""A linked store shared by the linkage tests: built and linked once per session."""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from clearsight.linkage import LinkSummary, run
from clearsight.store import connect, ensure_schema
from tests.linkage import minisynth


@dataclass
class Linked:
    path: Path
    fixture: minisynth.Fixture
    summary: LinkSummary
    model_json: str


@pytest.fixture(scope="session")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    path = tmp_path_factory.mktemp("linked") / "store.duckdb"
    con = connect(path)
    fx = minisynth.build(con, n_people=600)
    summary = run(con)
    model_json = con.execute(
        "SELECT model_json FROM link_runs WHERE run_id = ?", [summary.run_id]
    ).fetchall()[0][0]
    con.close()
    return Linked(path, fx, summary, model_json)


@pytest.fixture
def linked_con(linked: Linked) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(linked.path, read_only=True)
    yield con
    con.close()


def copy_of(linked: Linked, tmp_path: Path, name: str = "copy.duckdb") -> duckdb.DuckDBPyConnection:
    """A private, writable copy of the shared linked store."""
    path = tmp_path / name
    shutil.copy(linked.path, path)
    return connect(path)


def entity_of(con: duckdb.DuckDBPyConnection, key: tuple[str, str]) -> str:
    return str(
        con.execute(
            "SELECT entity_id FROM person_entities WHERE source_id = ? AND person_id = ?",
            list(key),
        ).fetchall()[0][0]
    )


def partition(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT record_key, entity_id FROM person_entities").fetchall())


def same_entity_pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for members in groups.values():
        pairs.update(itertools.combinations(sorted(members), 2))
    return pairs


def persons_store(rows: list[dict[str, object]]) -> duckdb.DuckDBPyConnection:
    """An in-memory store whose ``persons`` are ``rows`` (one current source ``s``; the
    person ids are the rows' positions)."""
    con = duckdb.connect()
    ensure_schema(con)
    for i, row in enumerate(rows):
        cols = ["source_id", "batch_id", "file", "row_number", "is_current", "person_id", *row]
        values = ["s", 1, "persons.csv", i + 2, True, str(i), *row.values()]
        con.execute(
            f"INSERT INTO persons ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            values,
        )
    return con


BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def benchmark_module(stem: str) -> ModuleType:
    """``benchmarks/<stem>.py`` imported as its script runs, its siblings importable
    (``pair_scores``): the benchmarks are tested through their own code."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(stem, BENCHMARKS / f"{stem}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[stem] = module
    spec.loader.exec_module(module)
    return module
