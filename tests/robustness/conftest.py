"""Stores built from the unusual submissions with the real CLI, once per module."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.robustness import product
from tests.robustness.cases import SHAPES
from tests.robustness.product import Ran
from tests.robustness.small_stores import SMALL_STORES
from tests.robustness.submissions import Written

Builders = dict[str, Callable[[Path], list[Written]]]


@dataclass
class Store:
    db: Path
    out: Path
    written: dict[str, list[Written]] = field(default_factory=dict)
    ingest: Ran | None = None
    summaries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    analysed: Ran | None = None


def build(root: Path, builders: Builders, *, language: bool = True) -> Store:
    """Write each case's submissions, ingest them all in one CLI call (in order: a later
    extract after the earlier one), then analyse."""
    store = Store(root / "store.duckdb", product.prepare(root / "out"))
    for name, builder in builders.items():
        folder = root / "submissions" / name
        folder.mkdir(parents=True)
        store.written[name] = builder(folder)
    paths = [str(w.path) for written in store.written.values() for w in written]
    flags = ["--json"] if language else ["--json", "--skip-language"]
    store.ingest = product.run(store.db, "ingest", *flags, *paths)
    if store.ingest.ok:
        by_path = {s["submission"]: s for s in json.loads(store.ingest.out)}
        for name, written in store.written.items():
            store.summaries[name] = [by_path[str(w.path)] for w in written]
    store.analysed = product.run(store.db, "analyse", "--json")
    return store


@pytest.fixture(scope="session")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Every unusual shape of submission, one source each, in one store."""
    return build(tmp_path_factory.mktemp("shapes"), SHAPES)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Store]:
    """The small stores (one person, everyone the same name, ...), built when first asked."""
    built: dict[str, Store] = {}

    def get(name: str) -> Store:
        if name not in built:
            root = tmp_path_factory.mktemp(name)
            built[name] = build(root, {name: SMALL_STORES[name]}, language=False)
        return built[name]

    return get
