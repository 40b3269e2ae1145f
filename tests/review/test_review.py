"""Closed-case re-screening: reasons with evidence, decisions kept, ranking blind to
protected characteristics."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
from typer.testing import CliRunner

from clearsight.review import decide, list_queue, screen
from clearsight.review.cli import review_app
from clearsight.store import connect
from tests.stats.store import copy_of, full_store, ingest_only_store

REASONS = {"meets_universal_definition", "person_in_network", "new_linked_records"}


def test_screen_queues_closed_cases_with_reasons_and_evidence(tmp_path: Path) -> None:
    con = connect(copy_of(full_store(), tmp_path))
    n = screen(con)
    assert n > 0
    entries = list_queue(con)
    assert len(entries) == n
    assert [e.score for e in entries] == sorted((e.score for e in entries), reverse=True)
    seen: set[str] = set()
    for e in entries:
        assert e.reasons and set(e.reasons) <= REASONS
        assert set(e.evidence) == set(e.reasons)
        assert all(e.evidence[r] for r in e.reasons)
        seen.update(e.reasons)
    assert len(seen) >= 2  # the data and networks vary; at least two kinds of reason appear
    closed = con.execute(
        """SELECT count(*) FROM review_queue q JOIN current_events e USING (source_id, event_id)
           WHERE e.status IS DISTINCT FROM 'closed' AND e.closed_date IS NULL"""
    ).fetchall()[0][0]
    assert closed == 0
    new_linked = [e for e in entries if "new_linked_records" in e.reasons]
    for e in new_linked:
        assert e.outcome_code in (14, 15, 16, 18)
        assert all(
            item["reported_date"] > e.closed_date.isoformat()
            for item in e.evidence["new_linked_records"]
        )  # type: ignore[union-attr]
    con.close()


def test_decisions_are_kept_across_rescreening(tmp_path: Path) -> None:
    con = connect(copy_of(full_store(), tmp_path))
    screen(con)
    first = list_queue(con)[0]
    decide(con, first.case_id, "refer", "New partner records name the same adults.", "analyst-1")
    assert first.case_id not in {e.case_id for e in list_queue(con)}
    screen(con)
    assert first.case_id not in {e.case_id for e in list_queue(con)}
    decided = [e for e in list_queue(con, include_decided=True) if e.case_id == first.case_id]
    assert decided[0].state == "decided" and decided[0].last_decision == "refer"
    rows = con.execute("SELECT decision, reason, decided_by FROM review_decisions").fetchall()
    assert rows == [("refer", "New partner records name the same adults.", "analyst-1")]
    # New evidence (a changed reasons hash) reopens the case.
    con.execute(
        "UPDATE review_queue SET reasons_hash = 'changed' WHERE case_id = ?", [first.case_id]
    )
    assert [e.state for e in list_queue(con) if e.case_id == first.case_id] == ["reopened"]
    con.close()


def test_ranking_ignores_protected_characteristics(tmp_path: Path) -> None:
    con = connect(copy_of(full_store(), tmp_path))
    screen(con)
    before = [(e.case_id, e.score) for e in list_queue(con)]
    rng = np.random.default_rng(5)
    for column in ("ethnicity_self_defined", "ethnicity_officer_defined", "nationality", "sex"):
        values = [
            r[0] for r in con.execute(f"SELECT {column} FROM persons ORDER BY rowid").fetchall()
        ]
        shuffled = [values[i] for i in rng.permutation(len(values))]
        con.execute(
            "CREATE OR REPLACE TEMP TABLE shuffle AS "
            "SELECT unnest(?) AS v, generate_subscripts(?, 1) AS i",
            [shuffled, shuffled],
        )
        con.execute(
            f"UPDATE persons SET {column} = s.v FROM "
            "(SELECT rowid AS rid, row_number() OVER (ORDER BY rowid) AS i "
            f"FROM persons) p JOIN shuffle s USING (i) WHERE persons.rowid = p.rid"
        )
    changed = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
    assert changed > 0
    screen(con)
    assert [(e.case_id, e.score) for e in list_queue(con)] == before
    con.close()


def test_screen_without_networks_uses_linked_records_only(tmp_path: Path) -> None:
    con = connect(copy_of(ingest_only_store(), tmp_path))
    screen(con)
    queue = list_queue(con)
    reasons = {r for e in queue for r in e.reasons}
    con.close()
    # Without networks, linked records are the only reason a closed case comes back, and
    # the ingest-only store has closed cases with new records of their people.
    assert queue, "no case was screened"
    assert reasons == {"new_linked_records"}


def test_cli(tmp_path: Path) -> None:
    db = str(copy_of(full_store(), tmp_path))
    runner = CliRunner()
    assert runner.invoke(review_app, ["screen", "--db", db]).exit_code == 0
    result = runner.invoke(
        review_app, ["list", "--db", db, "--area", "west-yorkshire", "--json", "--limit", "0"]
    )
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert entries and all(e["area"] == "west-yorkshire" for e in entries)
    case = entries[0]["case_id"]
    bad = runner.invoke(review_app, ["decide", case, "--reason", "x", "--db", db])
    assert bad.exit_code != 0
    ok = runner.invoke(
        review_app,
        ["decide", case, "--no-action", "--reason", "Already reviewed.", "--by", "a1", "--db", db],
    )
    assert ok.exit_code == 0, ok.output
    con = duckdb.connect(db, read_only=True)
    assert (
        con.execute("SELECT count(*) FROM audit_log WHERE action = 'review_decision'").fetchall()[
            0
        ][0]
        == 1
    )
    con.close()
