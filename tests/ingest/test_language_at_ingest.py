"""The language check at ingest runs in a worker process: same findings as the check
run in this process, failures reported with the batches left unchecked, the worker
always stopped."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from clearsight.language.cli import app as language_app
from clearsight.language.store import LanguageCheckError, check_narratives, located
from clearsight.language.worker import CheckWorker
from tests.ingest.conftest import EVENTS, PERSONS, MakeSubmission

CORPUS = Path(__file__).parents[1] / "language" / "corpus" / "heldout.csv"
CLI = [sys.executable, "-m", "clearsight.cli"]
EVENT = EVENTS[0]
COLUMNS = (
    'finding_id, source_id, batch_id, event_id, line, "column", end_column, rule_id, '
    "severity, matched, suggestions, reason, source, rules_version, origin"
)


def corpus_texts(n: int) -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)][:n]


def ingest(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "ingest", *args, "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def findings(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {COLUMNS} FROM language_findings ORDER BY ALL").fetchall()
    finally:
        con.close()


@pytest.fixture
def submission(make_submission: MakeSubmission) -> Path:
    """60 corpus sentences as narratives: odd events involve a girl of 13 and a man of
    34 (ages from dates of birth), even events nobody, so their findings are the text's
    own."""
    texts = corpus_texts(60)
    events = [
        {
            "event_id": f"E{i}",
            "event_type": "crime",
            "reported_date": "2024-06-01",
            "location_id": "L1",
            "narrative": text,
        }
        for i, text in enumerate(texts, start=1)
    ]
    persons = [
        *PERSONS,
        {"person_id": "P3", "forenames": "Gary", "surname": "Stone", "date_of_birth": "1990-01-01"},
    ]
    involvements = [
        {"event_id": f"E{i}", "person_id": p, "role": role}
        for i in range(1, len(texts) + 1, 2)
        for p, role in (("P1", "victim"), ("P3", "suspect"))
    ]
    return make_submission(events=events, persons=persons, involvements=involvements)


def test_findings_at_ingest_equal_the_check_in_process_and_on_the_texts(
    submission: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    result = ingest([str(submission), "--db", str(db)])
    assert result.returncode == 0, result.stderr
    at_ingest = findings(db)
    assert len(at_ingest) >= 40
    assert {row[3] for row in at_ingest} & {"E1", "E3"}, "record people were used"

    # The same store checked again in this process ('clearsight language scan').
    again = tmp_path / "again.duckdb"
    shutil.copy(db, again)
    con = duckdb.connect(str(again))
    con.execute("DELETE FROM language_findings")
    assert check_narratives(con, batch_id=1) == len(at_ingest)
    con.close()
    assert findings(again) == at_ingest

    # Events with nobody involved: what 'clearsight language check' says of the text.
    con = duckdb.connect(str(db), read_only=True)
    narratives = dict(con.execute("SELECT event_id, narrative FROM events").fetchall())
    con.close()
    compared = 0
    runner = CliRunner()
    for i in range(2, len(narratives) + 1, 2):
        event = f"E{i}"
        text_file = tmp_path / f"{event}.txt"
        text_file.write_text(narratives[event], encoding="utf-8")
        out = runner.invoke(language_app, ["check", str(text_file), "--format", "json"])
        expected = [
            (f["line"], f["column"], f["end_column"], f["rule_id"], f["severity"], f["matched"])
            for f in json.loads(out.stdout)["findings"]
        ]
        stored = [tuple(row[4:10]) for row in at_ingest if row[3] == event]
        assert sorted(stored) == sorted(expected), narratives[event]
        compared += len(expected)
    assert compared >= 15


# A sentence no concept's pattern matches and the trained model flags (tests/language).
PARAPHRASE = "He is making decent money from the older guys and seems happy with the arrangement."


def test_ingest_checks_with_the_model_by_default_and_rules_only_on_request(
    make_submission: MakeSubmission, tmp_path: Path
) -> None:
    events = [
        {"event_id": "E1", "event_type": "crime", "reported_date": "2024-06-01",
         "location_id": "L1", "narrative": PARAPHRASE},
        {"event_id": "E2", "event_type": "crime", "reported_date": "2024-06-01",
         "location_id": "L1", "narrative": "She is a regular misper."},
    ]  # fmt: skip
    submission = make_submission(events=events)
    both, rules = tmp_path / "both.duckdb", tmp_path / "rules.duckdb"
    assert ingest([str(submission), "--db", str(both)]).returncode == 0
    result = ingest([str(submission), "--db", str(rules), "--rules-only"])
    assert result.returncode == 0, result.stderr
    # (event, rule or model, severity): the model's finding is stored with its origin
    # and its explanation; --rules-only leaves the rules' findings alone.
    default = {(r[3], r[14], r[8]) for r in findings(both)}
    assert ("E1", "model", "warning") in default and ("E2", "rule", "warning") in default
    assert {(r[3], r[14]) for r in findings(rules)} == {("E2", "rule")}
    (reason,) = [r[11] for r in findings(both) if r[14] == "model"]
    assert "found by the trained model, not a rule" in str(reason)


def test_a_failing_check_names_the_batches_left_without_findings(
    submission: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "local.yaml").write_text("rules:\n  - id: Not An Id\n", encoding="utf-8")
    db = tmp_path / "store.duckdb"
    result = ingest(
        [str(submission), "--db", str(db)], env={"CLEARSIGHT_LANGUAGE_RULES": str(rules)}
    )
    assert result.returncode == 2, result.stderr
    assert "error: the language check failed: RuleError: " in result.stderr
    assert "local.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Loaded without their language findings: batch(es) 1" in result.stderr
    assert "clearsight language scan --batch 1" in result.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(60,)]
    assert not con.execute(
        "SELECT * FROM information_schema.tables WHERE table_name = 'language_findings'"
    ).fetchall()
    con.close()


def test_a_worker_that_dies_is_an_error_not_an_omission() -> None:
    rows = pa.table({"narrative": ["She chose to go."]})
    with CheckWorker() as worker:
        assert worker._proc is not None
        worker._proc.kill()
        worker._proc.wait()
        with pytest.raises(LanguageCheckError, match=r"worker process ended \(exit code -9\)"):
            worker.send_batch(rows, datetime(2026, 1, 1))
            worker.receive_findings()


def test_an_error_in_the_worker_comes_back_and_the_worker_is_stopped() -> None:
    with CheckWorker() as worker:
        assert worker._proc is not None
        pid = worker._proc.pid
        # A batch without the columns the check reads fails in the worker.
        worker.send_batch(pa.table({"narrative": ["She chose to go."]}), datetime(2026, 1, 1))
        with pytest.raises(LanguageCheckError, match="the language check failed: IndexError"):
            worker.receive_findings()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no process left behind


def test_a_failure_on_a_text_names_the_event_file_and_row(submission: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    assert ingest([str(submission), "--db", str(db), "--skip-language"]).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    text = corpus_texts(3)[2]
    error = located(con, "batch_id = ?", [1], text, "ValueError: boom")
    con.close()
    assert str(error) == (
        "the language check failed on the narrative of event E3 of wyp-police "
        "(events.csv, row 4, column narrative): ValueError: boom"
    )


def test_a_batch_is_checked_with_its_own_people_when_a_newer_one_loads_first(
    submission: Path, make_submission: MakeSubmission, tmp_path: Path
) -> None:
    # The next extract of the same source, in the same command, records the girl's
    # date of birth as 2014 (a child of 10 at the events): batch 1 keeps its own.
    odd = [f"E{i}" for i in range(1, 60, 2)]
    newer = make_submission(
        manifest={"extract_date": "2025-11-01"},
        events=[{**EVENT, "event_id": e, "narrative": "Officers attended."} for e in odd],
        persons=[{**PERSONS[0], "date_of_birth": "2014-03-04"}],
        involvements=[{"event_id": e, "person_id": "P1", "role": "victim"} for e in odd],
    )
    alone, both = tmp_path / "alone.duckdb", tmp_path / "both.duckdb"
    assert ingest([str(submission), "--db", str(alone)]).returncode == 0
    result = ingest([str(submission), str(newer), "--db", str(both)])
    assert result.returncode == 0, result.stderr
    first = [row for row in findings(both) if row[2] == 1]
    assert first and first == findings(alone)
