"""An id no current entity bears says what became of it: merged into another, or withdrawn."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from clearsight.linkage import LinkageError, decide, run
from clearsight.linkage.explain import explain_entity
from clearsight.linkage.identity import fate_of
from clearsight.linkage.incremental import link_new
from clearsight.linkage.tables import ensure_tables
from clearsight.store import connect
from tests.linkage.conftest import Linked, copy_of, entity_of, partition


def _withdraw(con: duckdb.DuckDBPyConnection, keys: list[str], batch_id: int) -> None:
    """What ingest does when a source's newer extract leaves these people out."""
    source = keys[0].split(":", 1)[0]
    con.execute(
        "INSERT INTO batches VALUES (?, ?, 'Org', 'police', 'west-yorkshire', DATE '2026-11-30',"
        " DATE '2026-01-01', DATE '2026-11-30', '1.0', 'x', 'x', now(), 'current')",
        [batch_id, source],
    )
    for key in keys:
        src, person = key.split(":", 1)
        con.execute(
            "UPDATE persons SET is_current = false, superseded_by = ? "
            "WHERE source_id = ? AND person_id = ?",
            [batch_id, src, person],
        )


def _one_source_entity(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str]]:
    by_entity: dict[str, list[str]] = {}
    for key, entity in partition(con).items():
        by_entity.setdefault(entity, []).append(key)
    found = sorted(
        (e, sorted(keys))
        for e, keys in by_entity.items()
        if len(keys) >= 2 and len({k.split(":", 1)[0] for k in keys}) == 1
    )
    assert found, "the fixture has an entity of two or more records from one source"
    return found[0]


def test_an_entity_whose_records_are_all_withdrawn_is_recorded_and_returns_with_them(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path)
    entity, keys = _one_source_entity(con)
    source = keys[0].split(":", 1)[0]
    _withdraw(con, keys, 901)
    summary = link_new(con)
    assert entity not in set(partition(con).values())
    rows = con.execute(
        "SELECT entity_id, other_entity_id, reason, source_ids FROM entity_changes "
        "WHERE run_id = ? AND change = 'withdrawn'",
        [summary.run_id],
    ).fetchall()
    assert [r[0] for r in rows] == [entity]
    assert rows[0][2] == (
        f"no current record: the extract of {source} dated 2026-11-30 (batch 901) "
        "does not hold its records"
    )
    assert rows[0][3] == [source]
    fate = fate_of(con, entity)
    assert fate is not None and fate.change == "withdrawn" and fate.now is None
    with pytest.raises(LinkageError, match="does not hold its records"):
        explain_entity(con, entity)
    # A withdrawal is recorded once, not again by every later run.
    later = run(con, model_json=linked.model_json)
    assert not con.execute(
        "SELECT count(*) FROM entity_changes WHERE run_id = ? AND change = 'withdrawn'",
        [later.run_id],
    ).fetchall()[0][0]
    # The source sends them again: the same id comes back, and is current again.
    con.execute(
        "UPDATE persons SET is_current = true, superseded_by = NULL WHERE list_contains(?, "
        "source_id || ':' || person_id)",
        [keys],
    )
    link_new(con)
    assert {partition(con)[k] for k in keys} == {entity}
    assert fate_of(con, entity) is None
    con.close()


def test_a_merged_id_points_to_the_entity_holding_its_records(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path)
    a, b = linked.fixture.named["twins"][0], linked.fixture.named["twins"][1]
    ea, eb = entity_of(con, a), entity_of(con, b)
    decide(con, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", accept=True, reason="same child", by="t")
    summary = run(con, model_json=linked.model_json)
    kept = entity_of(con, a)
    retired = eb if kept == ea else ea
    fate = fate_of(con, retired)
    assert fate is not None and fate.change == "merge"
    assert (fate.now, fate.run_id, fate.split_since) == (kept, summary.run_id, None)
    with pytest.raises(LinkageError, match=f"merged into {kept}"):
        explain_entity(con, retired)
    assert fate_of(con, kept) is None
    # Undone later: the survivor's split is part of the answer.
    decide(con, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", accept=False, reason="twins", by="t")
    split = run(con, model_json=linked.model_json)
    fate = fate_of(con, retired)
    assert fate is not None and fate.split_since == split.run_id
    assert "may now be under another id" in fate.reason
    assert fate_of(con, "E-NEVER-EXISTED") is None
    con.close()


def test_a_store_from_before_withdrawals_keeps_its_changes(tmp_path: Path) -> None:
    con = connect(tmp_path / "old.duckdb")
    con.execute(
        """
        CREATE TABLE entity_changes (
            run_id INTEGER NOT NULL, changed_at TIMESTAMP NOT NULL,
            change VARCHAR NOT NULL CHECK (change IN ('merge', 'split')),
            entity_id VARCHAR NOT NULL, other_entity_id VARCHAR NOT NULL,
            reason VARCHAR NOT NULL)
        """
    )
    con.execute("INSERT INTO entity_changes VALUES (1, now(), 'merge', 'EA', 'EB', 'linked')")
    ensure_tables(con)
    assert con.execute(
        "SELECT change, entity_id, other_entity_id, reason, source_ids FROM entity_changes"
    ).fetchall() == [("merge", "EA", "EB", "linked", None)]
    con.execute("INSERT INTO entity_changes VALUES (2, now(), 'withdrawn', 'EC', '', 'gone', [])")
    con.close()
