"""Inspection readiness: every recommendation and finding rated per force, figures that
agree with the statistics, ratings that move with the evidence, and the report's section."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from clearsight.inspection import readiness
from clearsight.inspection.readiness import RAG, load_items
from clearsight.report import build_report
from clearsight.review import screen
from clearsight.stats import compute
from clearsight.store import connect
from tests.stats.store import AREAS, copy_of, full_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = copy_of(full_store(), tmp_path_factory.mktemp("ready"))
    con = connect(db)
    screen(con)
    con.close()
    return db


def test_every_item_for_every_force(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    items = readiness(con)
    stats = compute(con)
    con.close()
    refs = [str(i["ref"]) for i in load_items()]
    assert len(items) == len(refs) * len(AREAS)
    assert {(i.area, i.ref) for i in items} == {(a, r) for a in AREAS for r in refs}
    for i in items:
        assert i.rag in RAG and i.figure and i.how and i.reason, i
    # The suspects' ethnicity figure is the statistics' own (unrounded) figure.
    table = stats.tables["ethnicity_suspects"]
    for area in AREAS:
        row = table.row(area).values
        assert isinstance(row["recorded"], int) and isinstance(row["total"], int)
        item = next(i for i in items if i.area == area and i.ref == "A1")
        assert item.figure.startswith(f"{100 * row['recorded'] / row['total']:.1f}%")
    assert next(i for i in items if i.ref == "A4").rag == "green"


def test_ratings_move_with_the_evidence(store: Path, tmp_path: Path) -> None:
    db = copy_of(store, tmp_path)
    con = duckdb.connect(str(db))
    con.execute("UPDATE review_queue SET screened_at = TIMESTAMP '2000-01-01'")
    con.execute(
        "UPDATE events SET cse_flag = 'unknown' WHERE source_id = ? AND event_type = 'crime'",
        [f"{AREAS[0]}-police"],
    )
    items = readiness(con, area=AREAS[0])
    con.close()
    by_ref = {i.ref: i for i in items}
    assert by_ref["A4"].rag == "amber"
    assert by_ref["R4"].rag in ("red", "not_assessed")
    assert by_ref["R4"].figure.startswith(("0.0%", "fewer than"))


def test_report_section_and_csv(store: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    area = build_report(con, tmp_path / "a", AREAS[0])
    national = build_report(con, tmp_path / "n")
    con.close()
    html = area.html.read_text(encoding="utf-8")
    section = html.split('<section id="readiness">', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr data-rag=") == len(load_items())
    with (tmp_path / "a" / "readiness.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {r["area"] for r in rows} == {AREAS[0]}
    nat = national.html.read_text(encoding="utf-8").split('<section id="readiness">', 1)[1]
    assert "Forces rated red" in nat
