"""The audit chain: appends, verifies, and catches tampering done to the file directly."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.audit import entries, record, verify
from clearsight.audit.cli import audit_app
from clearsight.audit.log import head_file
from clearsight.store import connect


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    con = connect(db)
    record(con, actor="alice", action="login")
    record(con, actor="alice", action="search", details={"query": "surname=hughes"})
    record(con, actor="alice", action="view_person", target="entity:42")
    record(
        con,
        actor="bob",
        action="view_sealed",
        target="entity:7",
        reason="Strategy meeting 12/3 — safeguarding plan review",
    )
    record(con, actor="system:ingest", action="ingest", target="batch:3")
    con.close()
    return db


def _tamper(db: Path, sql: str) -> None:
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()


def test_record_chains_entries(store: Path) -> None:
    con = connect(store, read_only=True)
    log = entries(con)
    assert [e.seq for e in log] == [1, 2, 3, 4, 5]
    assert log[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(log))
    assert log[1].category == "consultation"
    assert log[4].category == "collection"
    assert log[3].reason and "Strategy" in log[3].reason
    assert log[1].details == {"query": "surname=hughes"}
    result = verify(con)
    assert result.ok, result.problems
    assert result.entries == 5
    assert result.head_hash == log[-1].hash


def test_unknown_action_needs_category(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    with pytest.raises(ValueError, match="unknown audit action"):
        record(con, actor="a", action="frobnicate")
    entry = record(con, actor="a", action="frobnicate", category="alteration")
    assert entry.category == "alteration"
    with pytest.raises(ValueError, match="category"):
        record(con, actor="a", action="x", category="nonsense")


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", "entry 2: content"),
        ("UPDATE audit_log SET reason = 'routine' WHERE seq = 4", "entry 4: content"),
        (
            'UPDATE audit_log SET details = \'{"query": "x"}\' WHERE seq = 2',
            "entry 2: content",
        ),
        (
            "UPDATE audit_log SET at_utc = at_utc + INTERVAL 1 HOUR WHERE seq = 3",
            "entry 3: content",
        ),
        ("DELETE FROM audit_log WHERE seq = 3", "expected seq 3"),
        ("DELETE FROM audit_log WHERE seq = 1", "expected seq 1"),
        ("DELETE FROM audit_log WHERE seq = 5", "deleted from the end"),
        # Swap two entries' positions, keeping seq contiguous.
        (
            "UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 END"
            " WHERE seq IN (2, 3)",
            "entry 2",
        ),
    ],
)
def test_verify_detects_tampering(store: Path, sql: str, needle: str) -> None:
    _tamper(store, sql)
    con = connect(store, read_only=True)
    result = verify(con)
    assert not result.ok
    assert any(needle in p for p in result.problems), result.problems


def test_rewritten_chain_is_caught_without_the_key(store: Path) -> None:
    """Someone recomputes every hash after editing, without the key: each entry's keyed
    hash and the signed head no longer match."""
    from clearsight.audit.log import GENESIS, chain_hash

    con = duckdb.connect(str(store))
    con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    prev = GENESIS
    for entry in entries(con):
        digest = chain_hash(prev, entry.canonical())
        con.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, digest, entry.seq]
        )
        prev = digest
    con.close()
    con = connect(store, read_only=True)
    result = verify(con)
    assert not result.ok
    assert result.problems[0] == "entry 1: content does not match its keyed hash (edited)"
    assert any("recorded head" in p for p in result.problems)
    # Without the head file the chain alone still fails: the key is what protects it.
    assert not verify(con, expected_head=(0, "")).ok


def test_entry_commits_apart_from_callers_transaction(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    con.execute("CREATE TABLE work (x INTEGER)")
    record(con, actor="a", action="login")
    con.begin()
    con.execute("INSERT INTO work VALUES (1)")
    record(con, actor="system:ingest", action="ingest", target="batch:1")
    con.rollback()
    assert con.execute("SELECT count(*) FROM work").fetchall() == [(0,)]
    assert [e.action for e in entries(con)] == ["login", "ingest"]
    assert verify(con).ok


def test_concurrent_appends_keep_one_chain(tmp_path: Path) -> None:
    con = connect(tmp_path / "s.duckdb")
    record(con, actor="a", action="login")

    def work(n: int) -> None:
        cur = con.cursor()
        for i in range(20):
            record(cur, actor=f"user{n}", action="search", details={"i": i})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = verify(con)
    assert result.ok, result.problems
    assert result.entries == 81


def test_cli_verify_and_export(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(audit_app, ["verify", "--db", str(store)])
    assert ok.exit_code == 0, ok.output
    assert "intact: 5 entries" in ok.output
    out = tmp_path / "log.jsonl"
    exported = runner.invoke(
        audit_app,
        [
            "export",
            "--db",
            str(store),
            "--from",
            "2000-01-01",
            "--to",
            "2999-12-31",
            "--out",
            str(out),
        ],
    )
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5]
    assert lines[0]["at_utc"].endswith("Z")
    # The export is itself audited, and the chain still verifies.
    con = connect(store, read_only=True)
    assert entries(con)[-1].action == "audit_export"
    con.close()
    assert runner.invoke(audit_app, ["verify", "--db", str(store)]).exit_code == 0
    none = runner.invoke(
        audit_app, ["export", "--db", str(store), "--from", "1999-01-01", "--to", "1999-01-02"]
    )
    assert none.exit_code == 0 and none.stdout == ""
    _tamper(store, "UPDATE audit_log SET target = 'entity:43' WHERE seq = 3")
    bad = runner.invoke(audit_app, ["verify", "--db", str(store)])
    assert bad.exit_code == 1
    assert "TAMPERED: entry 3" in bad.output


def test_sidecar_written(store: Path) -> None:
    assert head_file(store).exists()


def test_group_commit_keeps_one_chain_with_plain_appends(tmp_path: Path) -> None:
    from clearsight.audit import AuditWriter

    con = connect(tmp_path / "s.duckdb")
    writer = AuditWriter(con)
    written: list[int] = []

    def work(n: int) -> None:
        for i in range(25):
            if n == 0:
                # Plain appends interleave with the writer's batches on one chain.
                written.append(record(con, actor="plain", action="login").seq)
            else:
                entry = writer.record(actor=f"user{n}", action="search", details={"i": i})
                written.append(entry.seq)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    result = verify(con)
    assert result.ok, result.problems
    assert result.entries == 150 and sorted(written) == list(range(1, 151))
    assert writer.appended == 125 and writer.batches <= 125
