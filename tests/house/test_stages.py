"""The stage table in docs/architecture.md is the pipeline's registry, and true.

A stage reads and writes tables only: the tables it lists. Checked three ways: the
document against the registry, the tables each stage creates on a real small store,
and the tables each stage's SQL names (FROM/JOIN) against what it lists.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from clearsight.pipeline import STAGES, Stage
from tests.house.layout import SRC

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
# Where each stage's code lives: a package (its display modules are not part of it)
# or, where a package also holds commands that are not the stage (review flags, the
# Beaconport pack), the stage's own module.
# Modules that show a stage's output with later stages' verdicts (``network show``).
DISPLAY_MODULES = {"cli.py", "show.py"}
STAGE_CODE = {
    "linkage": "linkage",
    "networks": "graph",
    "definitions": "definitions",
    "review": "review/screen.py",
}


def _doc_rows() -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    text = DOC.read_text("utf-8")
    section = text.split("## Stages", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        names = [tuple(re.findall(r"`([^`]+)`", c)) for c in cells]
        rows[names[0][0]] = (names[1][0], names[2], names[3])
    return rows


def test_the_document_lists_every_stage_as_the_registry_does() -> None:
    rows = _doc_rows()
    assert list(rows) == [s.name for s in STAGES]
    for stage in STAGES:
        assert rows[stage.name] == (stage.command, stage.reads, stage.writes), stage.name


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal"
    ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The tables each stage adds to a freshly ingested small synthetic store."""
    from clearsight.ingest import ingest
    from clearsight.pipeline import analyse
    from clearsight.store import connect
    from clearsight.synth import areas_for, generate

    root = tmp_path_factory.mktemp("stages")
    generate(root / "data", areas_for(1), scale=0.1, seed=3)
    con = connect(root / "store.duckdb")
    for folder in sorted((root / "data" / "submissions").iterdir()):
        ingest(con, folder)
    out: dict[str, set[str]] = {}
    before = _tables(con)
    for result in analyse(con):
        after = _tables(con)
        out[result.stage] = after - before
        before = after
    con.close()
    return out


@pytest.mark.parametrize("stage", STAGES, ids=[s.name for s in STAGES])
def test_a_stage_creates_exactly_the_tables_it_lists(
    stage: Stage, created: dict[str, set[str]]
) -> None:
    made = created[stage.name]
    assert made, f"{stage.name} created nothing on the small store"
    assert made <= set(stage.writes), sorted(made - set(stage.writes))
    # Listed but not created is fine only if an earlier run had it already; on a fresh
    # store every listed table is new.
    assert set(stage.writes) <= made, sorted(set(stage.writes) - made)


def _named_in_sql(code: str, known: set[str]) -> set[str]:
    found = set()
    paths = [SRC / code] if code.endswith(".py") else sorted((SRC / code).rglob("*.py"))
    for path in paths:
        if path.name in DISPLAY_MODULES:
            continue
        for match in re.finditer(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", path.read_text("utf-8")):
            if match.group(1) in known:
                found.add(match.group(1))
    return found


def test_a_stage_reads_only_what_it_lists_or_writes(created: dict[str, set[str]]) -> None:
    # What ingest leaves (the current rows of each table, and the sources) and what the
    # stages create: names outside these are not tables (SQL keywords, CTE names).
    ingested = {
        f"current_{t}"
        for t in ("persons", "events", "involvements", "objects", "locations", "associations")
    }
    known = set().union(*created.values()) | ingested | {"sources"}
    for stage in STAGES:
        named = _named_in_sql(STAGE_CODE[stage.name], known)
        assert named, stage.name
        extra = named - set(stage.reads) - set(stage.writes)
        assert not extra, f"{stage.name} reads {sorted(extra)} without listing them"
