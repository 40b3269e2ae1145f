"""Real stores built by the package's own synth, ingest, linkage and network stages, once per
test process (shared by the stats, review and report suites)."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

AREAS = ["west-yorkshire", "greater-manchester"]


_SCRATCH: list[Path] = []


def _scratch(prefix: str) -> Path:
    """A folder that outlives every test of this process; ``remove_scratch`` takes it away."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    _SCRATCH.append(root)
    return root


def remove_scratch() -> None:
    """Remove the stores this process built (called when its test session finishes)."""
    while _SCRATCH:
        shutil.rmtree(_SCRATCH.pop(), ignore_errors=True)


@cache
def full_store() -> Path:
    """Synthetic data for two areas, ingested, linked, networks and definitions run."""
    from clearsight import graph, linkage
    from clearsight.definitions import evaluate_all
    from clearsight.ingest import ingest
    from clearsight.language.store import check_narratives
    from clearsight.store import connect
    from clearsight.synth import generate

    root = _scratch("cs-stats-")
    generate(root, AREAS, scale=0.25, seed=11)
    db = root / "store.duckdb"
    con = connect(db)
    for folder in sorted((root / "submissions").iterdir()):
        ingest(con, folder, after_load=lambda c, b: check_narratives(c, b))
    linkage.run(con)
    graph.run(con)
    evaluate_all(con)
    con.close()
    return db


@cache
def ingest_only_store() -> Path:
    """The same submissions, ingested only: no linkage, networks, definitions or language."""
    from clearsight.ingest import ingest
    from clearsight.store import connect

    full = full_store()
    root = _scratch("cs-stats-raw-")
    db = root / "store.duckdb"
    con = connect(db)
    for folder in sorted((full.parent / "submissions").iterdir()):
        ingest(con, folder)
    con.close()
    return db


def copy_of(db: Path, tmp: Path) -> Path:
    target = tmp / "store.duckdb"
    shutil.copy(db, target)
    return target
