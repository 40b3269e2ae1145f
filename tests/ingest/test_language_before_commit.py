"""Ingest sends a submission's narratives to the language check's worker before the
load commits: only committed events get findings, whatever happens to the load."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from clearsight.ingest.load import ingest
from clearsight.language.at_ingest import IngestCheck
from clearsight.language.store import LanguageCheckError, check_narratives
from clearsight.language.worker import CheckWorker
from tests.ingest.conftest import EVENTS, MakeSubmission
from tests.ingest.test_language_at_ingest import findings
from tests.ingest.test_language_at_ingest import ingest as ingest_cli

BLAMING = "She chose to go with the men again and is putting herself at risk."
ALSO_BLAMING = "He is a regular misper who is making poor choices."


def event(event_id: str, narrative: str, **values: str) -> dict[str, str]:
    return {**EVENTS[0], "event_id": event_id, "narrative": narrative, **values}


def rescanned(db: Path, tmp_path: Path) -> list[tuple[object, ...]]:
    """The findings ``clearsight language scan`` gives on a copy of the store."""
    again = tmp_path / "rescanned.duckdb"
    shutil.copy(db, again)
    con = duckdb.connect(str(again))
    con.execute("DELETE FROM language_findings")
    check_narratives(con)
    con.close()
    return findings(again)


class LoadFailedError(RuntimeError):
    pass


def fail_after_storing(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    raise LoadFailedError(f"batch {batch_id} fails after its rows are stored")


def test_a_load_that_fails_after_its_texts_went_to_the_worker_leaves_no_findings(
    make_submission: MakeSubmission, tmp_path: Path
) -> None:
    first = make_submission(events=[event("E1", BLAMING)])
    failing = make_submission(
        manifest={"source_id": "wyp-csc", "agency_type": "childrens_social_care"},
        events=[event("E1", ALSO_BLAMING), event("E2", "Her boyfriend, 15, walked her home.")],
    )
    last = make_submission(
        manifest={"source_id": "wyp-health", "agency_type": "health"},
        events=[event("E1", BLAMING), event("E7", "Officers attended the address.")],
    )
    db = tmp_path / "store.duckdb"
    con = duckdb.connect(str(db))
    sent: list[list[str]] = []
    with CheckWorker() as worker:
        checking = IngestCheck(con, worker)

        def staged(texts: list[str]) -> None:
            sent.append(texts)
            checking.staged(texts)

        loaded = ingest(con, first, narratives=staged)
        checking.loaded(loaded.batch_id)
        with pytest.raises(LoadFailedError):
            ingest(con, failing, narratives=staged, after_load=fail_after_storing)
        checking.abandoned()
        loaded = ingest(con, last, narratives=staged)
        checking.loaded(loaded.batch_id)
        checking.finish()
    assert con.execute("SELECT DISTINCT source_id FROM events ORDER BY 1").fetchall() == [
        ("wyp-health",),
        ("wyp-police",),
    ]
    con.close()
    assert len(sent) == 3 and ALSO_BLAMING in sent[1], "the failing load's texts were sent"
    stored = findings(db)
    assert stored, "the loaded batches have findings"
    assert {row[1] for row in stored} == {"wyp-police", "wyp-health"}
    assert all(row[9] not in ALSO_BLAMING for row in stored)
    assert stored == rescanned(db, tmp_path)


def test_a_quarantined_event_gets_no_finding_though_its_text_was_sent(
    make_submission: MakeSubmission, tmp_path: Path
) -> None:
    # E2 has no reported date: quarantined after the events were read and checked.
    submission = make_submission(
        events=[event("E1", BLAMING), event("E2", ALSO_BLAMING, reported_date="")]
    )
    db = tmp_path / "store.duckdb"
    result = ingest_cli([str(submission), "--db", str(db)])
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT DISTINCT row_number FROM quarantine").fetchall() == [(3,)]
    con.close()
    stored = findings(db)
    assert stored and {row[3] for row in stored} == {"E1"}
    assert stored == rescanned(db, tmp_path)


def test_a_worker_lost_while_a_load_is_open_fails_the_check_not_the_load(
    make_submission: MakeSubmission, tmp_path: Path
) -> None:
    submission = make_submission(events=[event("E1", BLAMING)])
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    with CheckWorker() as worker:
        checking = IngestCheck(con, worker)
        assert worker._proc is not None
        worker._proc.kill()
        worker._proc.wait()
        result = ingest(con, submission, narratives=checking.staged)
        assert result.status == "loaded"
        with pytest.raises(LanguageCheckError) as raised:
            checking.loaded(result.batch_id)
    message = str(raised.value)
    assert "worker process ended (exit code -9)" in message
    assert f"Loaded without their language findings: batch(es) {result.batch_id}" in message
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(1,)]
    con.close()
