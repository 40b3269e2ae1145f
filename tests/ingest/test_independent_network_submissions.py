"""The independent network generator writes legal submissions and a consistent truth.

``benchmarks/independent_networks.py`` (the second networks measure, written without the
project's own generator or graph code) must write submissions in the standard that
ingest keeps whole (nothing quarantined, every person record current), and a truth that
agrees with them: every record has a true person, every group's members and recorded
offenders are people of the truth, a recorded offender has an offending-side record in
one of the group's own events, and a partner-only group has none of those in a police
source.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from clearsight.ingest import ingest
from clearsight.store import connect

ROOT = Path(__file__).resolve().parents[2]
OFFENDING = {"suspect", "offender", "facilitator", "associate"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_independent_network_generator_writes_whole_submissions_and_true_groups(
    tmp_path: Path,
) -> None:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from independent_networks import generate

    data = tmp_path / "data"
    folders = generate(11, data, scale=0.25)
    truth = _rows(data / "truth.csv")
    groups = _rows(data / "groups.csv")
    assert len(folders) >= 6
    assert len(truth) >= 1000
    assert len(groups) >= 5

    con = connect(tmp_path / "store.duckdb")
    results = [ingest(con, folder) for folder in folders]
    assert [r.status for r in results] == ["loaded"] * len(folders)
    assert sum(r.rows_quarantined for r in results) == 0
    assert con.execute("SELECT count(*) FROM current_persons").fetchone() == (len(truth),)
    con.close()

    true_of = {(r["source_id"], r["person_id"]): r["true_person"] for r in truth}
    case_of = {(r["source_id"], r["event_id"]): r["case"] for r in _rows(data / "case_records.csv")}
    offending: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    for folder in folders:
        police = '"police"' in (folder / "manifest.json").read_text("utf-8")
        for r in _rows(folder / "involvements.csv"):
            key = (folder.name, r["person_id"])
            assert key in true_of, key
            if r["role"] in OFFENDING:
                case = case_of[(folder.name, r["event_id"])]
                offending[case].add((true_of[key], police))
    people = set(true_of.values())
    counted = [g for g in groups if len(g["recorded_offenders"].split(";")) >= 2]
    assert counted
    assert any(g["partner_only"] == "yes" for g in counted)
    for g in counted:
        members = set(g["members"].split(";"))
        recorded = set(g["recorded_offenders"].split(";"))
        assert recorded <= members
        assert recorded <= people
        held = {pid for pid, _police in offending[g["group_id"]]}
        assert recorded == held & members
        by_police = {pid for pid, police in offending[g["group_id"]] if police}
        assert (g["partner_only"] == "yes") == (not by_police & members)


def test_the_independent_networks_measure_refuses_to_diagnose_held_out_seeds(
    tmp_path: Path,
) -> None:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from independent_network_score import measure_seeds, seed_set

    assert seed_set(3) == "tuning"
    assert seed_set(5003) == "held-out"
    with pytest.raises(SystemExit, match="refused for held-out"):
        measure_seeds([2, 5000], 0.1, tmp_path, diagnose=True)
    with pytest.raises(SystemExit, match="tuning seeds are 1-999"):
        seed_set(2000)
    assert not list(tmp_path.iterdir())
