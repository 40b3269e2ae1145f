"""The independent measure's diagnosis names what the networks stage decided about a
missed group's offenders: set apart (a peer group of children, a lone offender) or on no
offending side at all (session 26: the peer pattern's misses were read this way).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def _store_view() -> type:
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from independent_network_diagnosis import StoreView

    return StoreView


def _store(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE graph_involved (entity_id VARCHAR, role VARCHAR)")
    con.execute("INSERT INTO graph_involved VALUES ('E1', 'offender'), ('E2', 'associate')")
    con.execute("CREATE TABLE network_peer_groups (peer_group INTEGER, entity_id VARCHAR)")
    con.execute("INSERT INTO network_peer_groups VALUES (0, 'E2')")
    con.execute("CREATE TABLE network_lone_offenders (entity_id VARCHAR, member VARCHAR)")
    con.execute("INSERT INTO network_lone_offenders VALUES ('E3', 'E1')")
    con.close()
    return path


def test_a_missed_groups_offenders_are_read_against_the_store(tmp_path: Path) -> None:
    view = _store_view()(_store(tmp_path / "store.duckdb"))
    # P1 is E1 (an offender), P2 is E2 (a peer group), P3 is E3 (a lone offender, on no
    # offending side), P4 is E4 and E5 (linkage split him; neither on any side).
    entities = {"P1": {"E1"}, "P2": {"E2"}, "P3": {"E3"}, "P4": {"E4", "E5"}}
    suffix = view.suffix({"P1", "P2", "P3", "P4"}, entities)
    assert "(set apart as a lone offender)" in suffix
    assert "(set apart as a peer group)" in suffix
    assert "(2 of 4 offenders on no offending side)" in suffix
    assert view.suffix({"P1"}, entities) == ""
    assert view.describe(["E2"]) == " offending side associate set apart peer group"
    assert view.describe(["E4", "E5"]) == " offending side none set apart -"


def test_without_a_store_the_diagnosis_adds_nothing(tmp_path: Path) -> None:
    view = _store_view()(None)
    assert view.suffix({"P1"}, {"P1": {"E1"}}) == ""
    assert _store_view()(tmp_path / "absent.duckdb").side == {}
