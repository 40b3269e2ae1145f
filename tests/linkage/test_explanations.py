"""``entity_explanations``: the per-entity explanations written once per run, read by index.

Every explanation read from the table must equal the one read from the run's own tables;
a table from an older run, or none, must fall back to those tables; review decisions made
after the table was written must still show.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from clearsight.linkage import LinkageError, decide, explain_entity
from clearsight.linkage import explain as explain_module
from clearsight.linkage.explain import (
    EXPLANATIONS,
    explanations_current,
    write_explanations,
)
from clearsight.store import connect
from tests.linkage.conftest import Linked


@pytest.fixture
def con(linked: Linked, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private, writable copy of the linked store."""
    path = tmp_path / "store.duckdb"
    shutil.copy(linked.path, path)
    con = connect(path)
    yield con
    con.close()


def _entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every entity of two or more records, and a few single ones."""
    rows = con.execute(
        "SELECT entity_id FROM person_entities GROUP BY 1 HAVING count(*) >= 2"
        " UNION ALL (SELECT entity_id FROM person_entities GROUP BY 1 HAVING count(*) = 1"
        " ORDER BY 1 LIMIT 5)"
    ).fetchall()
    return [str(r[0]) for r in rows]


def test_table_gives_the_same_explanations_as_the_run_tables(
    con: duckdb.DuckDBPyConnection,
) -> None:
    entities = _entities(con)
    expected = {e: explain_entity(con, e) for e in entities}  # no table yet
    assert any(x.links for x in expected.values())
    assert write_explanations(con) == con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    for entity_id in entities:
        assert explain_module._from_explanations(con, entity_id) is not None
        assert explain_entity(con, entity_id) == expected[entity_id]


def test_without_details_records_carry_keys_only(con: duckdb.DuckDBPyConnection) -> None:
    write_explanations(con)
    entity_id = _entities(con)[0]
    full = explain_entity(con, entity_id)
    brief = explain_entity(con, entity_id, details=False)
    assert brief.links == full.links
    assert [set(r) for r in brief.records] == [
        {"record_key", "source_id", "person_id", "agency_type"} for _ in full.records
    ]
    assert all(r["surname"] is not None or r["forenames"] is not None for r in full.records)


def test_a_decision_after_the_table_was_written_shows(con: duckdb.DuckDBPyConnection) -> None:
    write_explanations(con)
    entity_id = next(e for e in _entities(con) if explain_entity(con, e).links)
    link = explain_entity(con, entity_id).links[0]
    assert link.decision is None
    decide(con, link.record_key_l, link.record_key_r, accept=False, reason="tested", by="t")
    assert explain_entity(con, entity_id).links[0].decision == "reject"
    decide(con, link.record_key_l, link.record_key_r, accept=True, reason="second", by="t")
    assert explain_entity(con, entity_id).links[0].decision == "accept"  # the latest stands


def test_a_stale_or_missing_table_falls_back(con: duckdb.DuckDBPyConnection) -> None:
    entity_id = _entities(con)[0]
    assert explanations_current(con) is False
    expected = explain_entity(con, entity_id)  # no table yet
    write_explanations(con)
    con.execute(f"UPDATE {EXPLANATIONS} SET run_id = run_id - 1")
    assert explain_module._from_explanations(con, entity_id) is None
    assert explain_entity(con, entity_id) == expected
    with pytest.raises(LinkageError, match="no entity"):
        explain_entity(con, "ENOPE")
    assert explanations_current(con) is False  # the readers' cue to fall back
    write_explanations(con)  # as the linkage stage does after its next run
    assert explanations_current(con) is True
    assert explain_module._from_explanations(con, entity_id) is not None
    assert explain_entity(con, entity_id) == expected


def test_unknown_entity_in_a_current_table(con: duckdb.DuckDBPyConnection) -> None:
    write_explanations(con)
    with pytest.raises(LinkageError, match="no entity"):
        explain_entity(con, "ENOPE")


def test_a_missing_table_leaves_the_callers_transaction_usable(
    con: duckdb.DuckDBPyConnection,
) -> None:
    entity_id = _entities(con)[0]
    con.begin()
    explain_entity(con, entity_id)  # no table: must not try a query that fails
    con.execute("SELECT 1").fetchall()
    con.rollback()


def test_explanations_are_indexed_and_stored_uncompressed(con: duckdb.DuckDBPyConnection) -> None:
    # A ZSTD segment is decompressed whole to fetch one row: tens of milliseconds.
    write_explanations(con)
    con.execute("CHECKPOINT")
    kinds = con.execute(
        "SELECT DISTINCT compression FROM pragma_storage_info(?)"
        " WHERE column_name = 'explanation' AND segment_type = 'VARCHAR'",
        [EXPLANATIONS],
    ).fetchall()
    assert kinds == [("Uncompressed",)]
    indexed = con.execute(
        "SELECT expressions FROM duckdb_indexes() WHERE table_name = ?", [EXPLANATIONS]
    ).fetchall()
    assert indexed == [("[entity_id]",)]


def test_web_start_up_only_reads_the_explanations(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
) -> None:
    """The linkage stage is the one writer: the web app's start-up leaves a missing table
    missing and a stale one stale, says so, and pages still explain every entity."""
    from clearsight.web import serving

    entity_id = _entities(con)[0]
    expected = explain_entity(con, entity_id)
    with caplog.at_level("WARNING", logger="clearsight.web.serving"):
        serving.refresh(con)
    assert explanations_current(con) is False
    assert con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [EXPLANATIONS]
    ).fetchall() == [(0,)]
    assert "older than the latest linkage run" in caplog.text
    assert explain_entity(con, entity_id) == expected
    write_explanations(con)
    caplog.clear()
    with caplog.at_level("WARNING", logger="clearsight.web.serving"):
        serving.refresh(con)
    assert caplog.text == ""
    assert explain_entity(con, entity_id) == expected
