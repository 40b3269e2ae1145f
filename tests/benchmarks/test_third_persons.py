"""The third benchmark generator writes legal submissions and a consistent truth.

``benchmarks/third_persons.py`` (session 22, written without reading the linkage code
or the other generators) must write submissions in the standard that ingest keeps whole
(nothing quarantined, every person record current), a ``truth.csv`` naming every record,
and a ``planted.csv`` whose departures name records of the truth and whose look-alike
pairs name two different true persons of it.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from clearsight.ingest import ingest
from clearsight.store import connect

ROOT = Path(__file__).resolve().parents[2]
LOOKALIKES = {"twins", "siblings", "father_son", "parent_child", "common_name", "two_areas"}


def _generate(out: Path, seed: int, scale: float) -> list[Path]:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from third_persons import generate

    return generate(seed, out, scale)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_third_generator_writes_submissions_ingest_keeps_whole(tmp_path: Path) -> None:
    folders = _generate(tmp_path / "data", seed=5, scale=0.15)
    truth = _rows(tmp_path / "data" / "truth.csv")
    assert 6 <= len(folders) <= 8
    assert len(truth) >= 1000
    con = connect(tmp_path / "store.duckdb")
    results = [ingest(con, folder) for folder in folders]
    assert [r.status for r in results] == ["loaded"] * len(folders)
    assert sum(r.rows_quarantined for r in results) == 0
    (n_current,) = con.execute("SELECT count(*) FROM current_persons").fetchall()[0]
    assert n_current == len(truth)
    con.close()


def test_truth_and_planted_agree(tmp_path: Path) -> None:
    _generate(tmp_path / "data", seed=5, scale=0.15)
    truth = _rows(tmp_path / "data" / "truth.csv")
    planted = _rows(tmp_path / "data" / "planted.csv")
    keys = [f"{r['source_id']}:{r['person_id']}" for r in truth]
    assert len(keys) == len(set(keys))
    persons = {r["true_person"] for r in truth}
    departures = [r for r in planted if not r["right"]]
    pairs = [r for r in planted if r["right"]]
    assert departures
    assert pairs
    assert {r["left"] for r in departures} <= set(keys)
    for r in pairs:
        assert r["left"] in persons
        assert r["right"] in persons
        assert r["left"] != r["right"]
        assert r["kind"] in LOOKALIKES
    assert {"siblings", "parent_child", "common_name", "two_areas"} <= {r["kind"] for r in pairs}
    # Several sources hold many of the people, or there is nothing to link.
    assert len(persons) < 0.8 * len(keys)


def test_one_seed_writes_the_same_records(tmp_path: Path) -> None:
    _generate(tmp_path / "a", seed=11, scale=0.05)
    _generate(tmp_path / "b", seed=11, scale=0.05)
    for name in ("truth.csv", "planted.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    persons_a = sorted((tmp_path / "a").glob("*/persons.csv"))
    assert persons_a
    for path in persons_a:
        twin = tmp_path / "b" / path.parent.name / "persons.csv"
        assert path.read_bytes() == twin.read_bytes()
