"""The keyed chain: a key outside the store, a signed head, a published head, migration."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.audit import entries, record, verify
from clearsight.audit.cli import audit_app
from clearsight.audit.keys import ENV_KEY, key_file, keyed_hash, make_head, parse_head
from clearsight.audit.log import GENESIS, chain_hash, head_file
from clearsight.store import connect


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "store.duckdb"
    con = connect(db)
    for i in range(6):
        record(con, actor=f"user{i}", action="view_person", target=f"entity:{i}")
    con.close()
    return db


def _key(db: Path) -> bytes:
    return bytes.fromhex(key_file(db).read_text().strip())


def _rewrite(db: Path, key: bytes | None, *, drop_seq: int | None = None) -> None:
    """Delete an entry and recompute the chain after it, as an attacker would: with the
    key (an insider), or without it (SHA-256 and no key id)."""
    con = duckdb.connect(str(db))
    if drop_seq is not None:
        con.execute("DELETE FROM audit_log WHERE seq = ?", [drop_seq])
        con.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq > ?", [drop_seq])
    prev = GENESIS
    for entry in entries(con):
        renumbered = type(entry)(**{**entry.__dict__, "prev_hash": prev})
        content = renumbered.canonical()
        digest = chain_hash(prev, content) if key is None else keyed_hash(key, prev, content)
        con.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ?, key_id = ? WHERE seq = ?",
            [prev, digest, None if key is None else entry.key_id, entry.seq],
        )
        prev = digest
        last = entry.seq
    con.close()
    head_file(db).write_text(json.dumps(make_head(key, last, prev).as_json()))


def test_key_file_is_private_and_entries_keyed(store: Path) -> None:
    mode = stat.S_IMODE(key_file(store).stat().st_mode)
    assert mode == 0o600
    con = connect(store, read_only=True)
    log = entries(con)
    assert log and all(e.key_id for e in log)
    result = verify(con)
    assert result.ok and result.keyed_from == 1
    assert result.head is not None and result.head.signature


def test_deleting_a_view_and_rechaining_without_the_key_is_caught(store: Path) -> None:
    _rewrite(store, None, drop_seq=3)
    con = connect(store, read_only=True)
    result = verify(con)
    assert not result.ok
    assert "entries are unkeyed but an audit key exists" in " ".join(result.problems)


def test_a_forged_head_file_is_caught(store: Path) -> None:
    con = duckdb.connect(str(store))
    con.execute("DELETE FROM audit_log WHERE seq = 6")
    con.close()
    forged = make_head(b"k" * 32, 5, "0" * 64).as_json()
    forged["key_id"] = parse_head(head_file(store).read_text(), "head").key_id
    head_file(store).write_text(json.dumps(forged))
    con = connect(store, read_only=True)
    problems = verify(con).problems
    assert "recorded head: signature does not verify (head rewritten)" in problems


def test_an_insider_with_the_key_is_caught_by_a_published_head(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    published = tmp_path / "head.json"
    out = runner.invoke(audit_app, ["head", "--db", str(store), "--out", str(published)])
    assert out.exit_code == 0, out.output
    assert parse_head(published.read_text(), "head").seq == 7
    _rewrite(store, _key(store), drop_seq=3)
    assert runner.invoke(audit_app, ["verify", "--db", str(store)]).exit_code == 0
    bad = runner.invoke(audit_app, ["verify", "--db", str(store), "--head", str(published)])
    assert bad.exit_code == 1
    assert "log ends at entry 6 but the published head is entry 7" in bad.output


def test_verify_names_the_entry_that_breaks(store: Path) -> None:
    con = duckdb.connect(str(store))
    con.execute("UPDATE audit_log SET target = 'entity:99' WHERE seq = 4")
    con.close()
    result = CliRunner().invoke(audit_app, ["verify", "--db", str(store)])
    assert result.exit_code == 1
    assert "TAMPERED: entry 4: content does not match its keyed hash (edited)" in result.output


def test_missing_key_is_reported_not_passed(store: Path) -> None:
    key_file(store).unlink()
    con = connect(store, read_only=True)
    result = verify(con)
    assert not result.ok
    assert "no audit key is available" in result.problems[0]


def test_key_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEY, "ab" * 32)
    db = tmp_path / "env.duckdb"
    con = connect(db)
    record(con, actor="a", action="login")
    assert not key_file(db).exists()
    assert verify(con).ok
    con.close()
    monkeypatch.setenv(ENV_KEY, "cd" * 32)
    con = connect(db, read_only=True)
    assert "chained with another key" in verify(con).problems[0]


def test_an_unkeyed_chain_is_migrated_by_the_next_append(store: Path) -> None:
    """A store written before keying: SHA-256 entries, no key id, an unsigned head."""
    _rewrite(store, None)
    key_file(store).unlink()
    con = connect(store, read_only=True)
    legacy = verify(con)
    assert legacy.ok and legacy.keyed_from is None
    con.close()
    con = connect(store)
    record(con, actor="admin", action="login")
    result = verify(con)
    assert result.ok, result.problems
    assert result.keyed_from == 7 and result.entries == 7
    con.close()
    # After migration an unkeyed entry cannot be slipped in at the end.
    con = duckdb.connect(str(store))
    con.execute("UPDATE audit_log SET key_id = NULL WHERE seq = 7")
    con.close()
    con = connect(store, read_only=True)
    assert not verify(con).ok


@pytest.mark.parametrize("field", ["actor", "target"])
def test_control_characters_are_refused(tmp_path: Path, field: str) -> None:
    from clearsight.audit import printable

    con = connect(tmp_path / "c.duckdb")
    values = {"actor": "alice", "target": "entity:1"}
    values[field] = "bad\x00value"
    with pytest.raises(ValueError, match="control characters"):
        record(con, action="view_person", **values)
    assert printable("bad\x00value\u202e") == "bad\\x00value\\u202e"
    record(con, action="view_person", actor="alice", target=printable("bad\x00value"))
    assert verify(con).ok
