"""The CSE-flag auditor: both queues per force with the definitions engine's reason, and
agreement per force over time adding up to the definitions stage's own counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.review.flags import FlagAuditError, agreement_over_time, flag_queue
from tests.stats.store import AREAS, copy_of, full_store, ingest_only_store


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(full_store()), read_only=True)
    yield c
    c.close()


def test_both_queues_with_reasons(con: duckdb.DuckDBPyConnection) -> None:
    items = flag_queue(con)
    kinds = {i.kind for i in items}
    assert kinds == {"universal_only", "local_only"}
    truth = dict(
        con.execute(
            "SELECT agreement, count(*) FROM cse_flag_cases WHERE agreement <> 'agree' GROUP BY 1"
        ).fetchall()
    )
    assert sum(1 for i in items if i.kind == "universal_only") == truth["universal_only"]
    assert sum(1 for i in items if i.kind == "local_only") == truth["local_only"]
    for i in items:
        if i.kind == "universal_only":
            assert i.local_flag != "yes"
            assert "meets the universal definition" in i.reason
            assert ("DfE 2017 meets" in i.reason) or i.networks
        else:
            assert i.local_flag == "yes" and i.dfe_status != "meets" and not i.networks
            assert "not met" in i.reason or "not evidenced" in i.reason
    one = flag_queue(con, area=AREAS[0], kind="local_only")
    assert one and all(i.area == AREAS[0] and i.kind == "local_only" for i in one)


def test_agreement_over_time_adds_up(con: duckdb.DuckDBPyConnection) -> None:
    rows = agreement_over_time(con)
    assert len({r.quarter for r in rows}) > 1
    for area in AREAS:
        mine = [r for r in rows if r.area == area]
        total = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE agreement = 'agree') FROM cse_flag_cases "
            "JOIN graph_events USING (event_key) WHERE cse_flag_cases.area = ? "
            "AND event_date IS NOT NULL",
            [area],
        ).fetchall()[0]
        assert sum(r.cases for r in mine) == total[0]
        assert sum(r.agree for r in mine) == total[1]
        assert all(r.agree + r.local_only + r.universal_only == r.cases for r in mine)


def test_without_definitions_it_says_what_to_run() -> None:
    raw = duckdb.connect(str(ingest_only_store()), read_only=True)
    with pytest.raises(FlagAuditError, match="clearsight analyse"):
        flag_queue(raw)
    raw.close()


def test_cli(tmp_path: Path) -> None:
    db = copy_of(full_store(), tmp_path)
    runner = CliRunner()
    shown = runner.invoke(
        app, ["review", "flags", "--db", str(db), "--kind", "universal_only", "--json"]
    )
    assert shown.exit_code == 0, shown.output
    items = json.loads(shown.output)
    assert items and all(i["kind"] == "universal_only" for i in items)
    trend = runner.invoke(app, ["review", "flag-agreement", "--db", str(db), "--json"])
    assert trend.exit_code == 0, trend.output
    assert {"area", "quarter", "pct_agree"} <= set(json.loads(trend.output)[0])
    logged = duckdb.connect(str(db), read_only=True)
    actions = [a for (a,) in logged.execute("SELECT action FROM audit_log").fetchall()]
    logged.close()
    assert "view_flag_audit" in actions
