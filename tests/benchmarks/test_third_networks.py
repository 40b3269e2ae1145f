"""The third networks generator writes the same submissions for a seed, and ingest keeps them whole.

``benchmarks/third_networks.py`` (session 23, written without reading the network code or
the other network generators) must be deterministic per seed (a seed is a benchmark's
data), write submissions in the standard (nothing quarantined) and truth files the
scorer reads: every record in ``truth.csv``, every event in ``case_records.csv``, every
group's recorded offenders among its members.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pytest

from clearsight.ingest import ingest
from clearsight.store import connect

ROOT = Path(__file__).resolve().parents[2]


def _generate(out: Path, seed: int, scale: float) -> list[Path]:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from third_networks import generate

    return generate(seed, out, scale)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_one_seed_writes_the_same_files_twice_and_another_seed_does_not(tmp_path: Path) -> None:
    _generate(tmp_path / "a", seed=7, scale=0.15)
    _generate(tmp_path / "b", seed=7, scale=0.15)
    _generate(tmp_path / "c", seed=8, scale=0.15)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_submissions_ingest_whole_and_the_truth_is_consistent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folders = _generate(data, seed=3, scale=0.15)
    con = connect(tmp_path / "store.duckdb")
    results = [ingest(con, folder) for folder in folders]
    assert [r.status for r in results] == ["loaded"] * len(folders)
    assert sum(r.rows_quarantined for r in results) == 0
    truth = _rows(data / "truth.csv")
    (n_current,) = con.execute("SELECT count(*) FROM current_persons").fetchall()[0]
    assert n_current == len(truth)
    con.close()
    keys = {(r["source_id"], r["person_id"]) for r in truth}
    for folder in folders:
        assert {(folder.name, r["person_id"]) for r in _rows(folder / "persons.csv")} <= keys
    events = {(r["source_id"], r["event_id"]) for r in _rows(data / "case_records.csv")}
    for folder in folders:
        assert {(folder.name, r["event_id"]) for r in _rows(folder / "events.csv")} <= events
    groups = _rows(data / "groups.csv")
    assert groups
    for g in groups:
        members = set(g["members"].split(";"))
        assert set(filter(None, g["recorded_offenders"].split(";"))) <= members
        assert g["partner_only"] in ("yes", "no")
    kinds = {r["kind"] for r in _rows(data / "cases.csv")}
    assert {"lone", "busy_place", "family", "peer_group", "co_offending"} <= kinds


def test_the_third_measure_has_its_own_held_out_seeds() -> None:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from independent_network_score import seed_set
    from third_networks import HELD_OUT

    assert seed_set(4, HELD_OUT) == "tuning"
    assert seed_set(6003, HELD_OUT) == "held-out"
    with pytest.raises(SystemExit, match="6000-6999"):
        seed_set(5003, HELD_OUT)
