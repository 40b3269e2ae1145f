"""A source that names nobody (the standard makes every person column but the id
optional): its people are known to it by its own ids, not "unidentified" as a blank name
in a source that records names is. Real ingest, real store (found by tests/robustness)."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _ids(*pids: str) -> list[dict[str, str]]:
    return [{"person_id": pid} for pid in pids]


IDS_ONLY = {
    "persons": _ids("C1", "A1", "A2", "A3", "A4"),
    "events": [_crime("X1", "2024-01-01"), _crime("X2", "2024-02-01")],
    # Two pairs of men, each offending together against the same child at another time.
    "involvements": [
        *_involve("X1", "A1", "A2", child="C1"),
        *_involve("X2", "A3", "A4", child="C1"),
    ],
}


def test_people_known_by_id_alone_are_not_unidentified(tmp_path: Path) -> None:
    con = _store(tmp_path, IDS_ONLY)
    run(con)
    flags = con.execute("SELECT label, unidentified FROM graph_entities ORDER BY 1").fetchall()
    assert flags == [(f"wyp-police:{p}", False) for p in ("A1", "A2", "A3", "A4", "C1")]
    networks = [set(m) for m in _networks(con)]
    # Two groups of known people sharing one child: kept apart, as named groups are.
    assert {"A1", "A2"} in networks and {"A3", "A4"} in networks
    con.close()


def test_two_men_known_by_id_sharing_a_child_are_a_network_not_a_duplicate(
    tmp_path: Path,
) -> None:
    """Read as unidentified, two ids offending against one child at different times were
    set aside as one man recorded twice; the source's own ids say they are two."""
    tables = {
        "persons": _ids("C1", "A1", "A2"),
        "events": IDS_ONLY["events"],
        "involvements": [
            *_involve("X1", "A1", child="C1"),
            *_involve("X2", "A2", child="C1"),
        ],
    }
    con = _store(tmp_path, tables)
    run(con)
    assert [set(m) for m in _networks(con)] == [{"A1", "A2"}]
    assert not con.execute("SELECT count(*) FROM network_possible_duplicates").fetchall()[0][0]
    con.close()


def test_a_blank_name_where_the_source_records_names_is_still_unidentified(
    tmp_path: Path,
) -> None:
    tables = {
        **IDS_ONLY,
        "persons": [
            {"person_id": "C1", "forenames": "Child", "surname": "Fictional"},
            *_ids("A1", "A2", "A3", "A4"),
        ],
    }
    con = _store(tmp_path, tables)
    run(con)
    unidentified = con.execute(
        "SELECT label FROM graph_entities WHERE unidentified ORDER BY 1"
    ).fetchall()
    assert [r[0] for r in unidentified] == ["unidentified"] * 4
    con.close()
