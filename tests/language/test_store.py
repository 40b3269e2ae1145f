"""Findings in the store: checking narratives, idempotent re-checks, reviews, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.language.cli import app
from clearsight.language.store import (
    ReviewError,
    check_narratives,
    ensure_tables,
    list_findings,
    mark_reviewed,
    warmed_up,
)

runner = CliRunner()

EVENTS = [
    ("force-a", 1, "E1", "She is a regular misper.", False),
    ("force-a", 2, "E1", "She is a regular misper and is placing herself at risk.", True),
    ("force-a", 2, "E2", "Officers spoke to her at home.", True),
    ("force-a", 2, "E3", None, True),
    ("force-b", 3, "E9", "Her boyfriend (27) collected her.", True),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE events (source_id VARCHAR, batch_id INTEGER, event_id VARCHAR, "
        "event_type VARCHAR, narrative VARCHAR, is_current BOOLEAN)"
    )
    for source_id, batch_id, event_id, narrative, current in EVENTS:
        con.execute(
            "INSERT INTO events VALUES (?, ?, ?, 'incident', ?, ?)",
            [source_id, batch_id, event_id, narrative, current],
        )
    con.close()
    return path


@pytest.fixture
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(db))
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        'SELECT source_id, batch_id, event_id, rule_id, line, "column" FROM language_findings '
        'ORDER BY source_id, event_id, "column"'
    ).fetchall()


def test_checks_current_events(con: duckdb.DuckDBPyConnection) -> None:
    assert check_narratives(con) == 3
    assert rows(con) == [
        ("force-a", 2, "E1", "regular-misper", 1, 10),
        ("force-a", 2, "E1", "putting-self-at-risk", 1, 32),
        ("force-b", 3, "E9", "boyfriend-adult", 1, 5),
    ]
    [suggestions, version, checked] = con.execute(
        "SELECT suggestions, rules_version, checked_at FROM language_findings LIMIT 1"
    ).fetchone() or [None, None, None]
    assert isinstance(suggestions, list) and suggestions
    assert isinstance(version, str) and len(version) == 12
    assert checked is not None


def test_checks_one_batch(con: duckdb.DuckDBPyConnection) -> None:
    assert check_narratives(con, batch_id=1) == 1
    assert rows(con) == [("force-a", 1, "E1", "regular-misper", 1, 10)]


def test_recheck_is_idempotent_and_keeps_reviews(con: duckdb.DuckDBPyConnection) -> None:
    check_narratives(con)
    ids_before = sorted(
        r[0] for r in con.execute("SELECT finding_id FROM language_findings").fetchall()
    )
    mark_reviewed(con, ids_before[0], "analyst1", "accepted", "Rewrite in the record.")
    check_narratives(con)
    check_narratives(con, batch_id=2)
    ids_after = sorted(
        r[0] for r in con.execute("SELECT finding_id FROM language_findings").fetchall()
    )
    assert ids_after == ids_before
    assert len(set(ids_after)) == len(ids_after)
    [stored] = [f for f in list_findings(con) if f.finding_id == ids_before[0]]
    assert (stored.decision, stored.reviewed_by, stored.review_reason) == (
        "accepted",
        "analyst1",
        "Rewrite in the record.",
    )


def test_recheck_of_one_batch_leaves_others(con: duckdb.DuckDBPyConnection) -> None:
    check_narratives(con)
    check_narratives(con, batch_id=3)
    assert len(rows(con)) == 3


def test_latest_review_wins_and_history_is_kept(con: duckdb.DuckDBPyConnection) -> None:
    check_narratives(con)
    fid = list_findings(con, "force-b")[0].finding_id
    mark_reviewed(con, fid, "a1", "accepted", "first")
    mark_reviewed(con, fid, "a2", "dismissed", "peer of the same age on review")
    [f] = list_findings(con, "force-b")
    assert (f.decision, f.reviewed_by) == ("dismissed", "a2")
    count = con.execute("SELECT count(*) FROM language_reviews").fetchone()
    assert count == (2,)


@pytest.mark.parametrize(
    ("fid", "decision", "reason", "message"),
    [
        ("nope", "accepted", "why", "no finding 'nope'"),
        (None, "maybe", "why", "decision must be one of"),
        (None, "accepted", "  ", "needs a reason"),
    ],
)
def test_review_errors(
    con: duckdb.DuckDBPyConnection, fid: str | None, decision: str, reason: str, message: str
) -> None:
    check_narratives(con)
    real = list_findings(con)[0].finding_id
    with pytest.raises(ReviewError, match=message):
        mark_reviewed(con, fid or real, "analyst", decision, reason)


def test_runs_inside_the_callers_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """As an ingest hook it joins the ingest's transaction: all or nothing with it."""
    ensure_tables(con)
    con.execute("BEGIN TRANSACTION")
    assert check_narratives(con, batch_id=2) == 2
    con.execute("ROLLBACK")
    assert con.execute("SELECT count(*) FROM language_findings").fetchone() == (0,)
    con.execute("BEGIN TRANSACTION")
    check_narratives(con, batch_id=2)
    con.execute("COMMIT")
    assert con.execute("SELECT count(*) FROM language_findings").fetchone() == (2,)


def test_cli_scan_findings_and_review(db: Path) -> None:
    result = runner.invoke(app, ["scan", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 finding(s) stored." in result.stdout
    result = runner.invoke(app, ["findings", "--db", str(db), "--source", "force-b", "--json"])
    assert result.exit_code == 0, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule_id"] == "boyfriend-adult" and finding["decision"] is None
    fid = finding["finding_id"]
    result = runner.invoke(
        app,
        [
            "review",
            fid,
            "--decision",
            "dismissed",
            "--reason",
            "Quoting the child",
            "--by",
            "A. Analyst",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["findings", "--db", str(db)])
    assert result.exit_code == 0
    assert f"{fid}  force-b/E9:1:5  warning [boyfriend-adult]" in result.stdout
    assert "[dismissed by A. Analyst]" in result.stdout


def test_cli_errors(db: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["review", "nope", "--decision", "accepted", "--reason", "x", "--db", str(db)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no finding 'nope'"
    missing = tmp_path / "none.duckdb"
    result = runner.invoke(app, ["findings", "--db", str(missing)])
    assert result.exit_code == 2
    assert "no such store" in result.stderr
    result = runner.invoke(
        app, ["review", "x", "--decision", "maybe", "--reason", "x", "--db", str(db)]
    )
    assert result.exit_code == 2


def test_cli_db_from_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARSIGHT_DB", str(db))
    assert runner.invoke(app, ["scan"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["findings", "--json"]).stdout)["findings"]


def test_findings_on_a_store_never_scanned(db: Path) -> None:
    result = runner.invoke(app, ["findings", "--db", str(db), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"findings": []}


def test_warm_up_thread_is_joined_even_when_the_command_fails() -> None:
    # A loading thread left running at interpreter exit aborts the process (SIGABRT)
    # instead of the refused submission's exit 2: the context must always join it.
    with pytest.raises(RuntimeError), warmed_up() as thread:
        raise RuntimeError("submission refused")
    assert not thread.is_alive()


# A sentence no concept's pattern matches and the trained model flags (test_model.py).
PARAPHRASE = "He is making decent money from the older guys and seems happy with the arrangement."


def test_model_findings_are_stored_with_their_origin(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO events VALUES ('force-c', 4, 'E5', 'incident', ?, true)", [PARAPHRASE])
    assert check_narratives(con, batch_id=4) == 1
    assert con.execute("SELECT origin, severity FROM language_findings").fetchall() == [
        ("model", "warning")
    ]
    [stored] = list_findings(con, "force-c")
    assert stored.origin == "model" and "trained model" in stored.reason
    assert stored.as_dict()["origin"] == "model"
    # The rules alone ('clearsight language scan --rules-only') find nothing there.
    assert check_narratives(con, batch_id=4, model=False) == 0
    assert check_narratives(con, batch_id=2, model=False) == 2
    assert {r[0] for r in con.execute("SELECT origin FROM language_findings").fetchall()} == {
        "rule"
    }


def test_a_findings_table_without_origin_gains_it(con: duckdb.DuckDBPyConnection) -> None:
    """A store checked before findings had an origin: its rows were the rules'."""
    con.execute(
        "CREATE TABLE language_findings (finding_id VARCHAR NOT NULL, source_id VARCHAR, "
        'batch_id INTEGER, event_id VARCHAR, line INTEGER, "column" INTEGER, '
        "end_column INTEGER, rule_id VARCHAR, severity VARCHAR, matched VARCHAR, "
        "suggestions VARCHAR[], reason VARCHAR, source VARCHAR, rules_version VARCHAR, "
        "checked_at TIMESTAMP)"
    )
    con.execute(
        "INSERT INTO language_findings VALUES ('old', 'force-a', 1, 'E1', 1, 10, 24, "
        "'regular-misper', 'warning', 'regular misper', ['x'], 'r', 's', 'v', now())"
    )
    assert check_narratives(con, batch_id=3) == 1
    assert con.execute(
        "SELECT finding_id, origin FROM language_findings ORDER BY batch_id"
    ).fetchall()[0] == ("old", "rule")
    assert [f.origin for f in list_findings(con)] == ["rule", "rule"]


def test_scan_rules_only_on_the_command_line(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO events VALUES ('force-c', 4, 'E5', 'incident', ?, true)", [PARAPHRASE])
    con.close()
    result = runner.invoke(app, ["scan", "--db", str(db), "--batch", "4", "--rules-only"])
    assert result.exit_code == 0, result.output
    assert "0 finding(s) stored." in result.output
    result = runner.invoke(app, ["scan", "--db", str(db), "--batch", "4"])
    assert "1 finding(s) stored." in result.output
    listed = runner.invoke(app, ["findings", "--db", str(db)])
    assert "(model)" in listed.output
