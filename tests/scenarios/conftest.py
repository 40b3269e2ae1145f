"""The linkage model the scenarios reuse, and the per-class table after the run."""

from __future__ import annotations

from collections import defaultdict

import pytest

from clearsight.ingest import ingest
from clearsight.linkage import run as link
from clearsight.store import connect
from clearsight.synth import areas_for, generate

# A seed no network benchmark uses: the model only has to know how agencies write names.
MODEL_SEED = 1


@pytest.fixture(scope="session")
def model_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A linkage model trained on a full synthetic store (about 5,000 person records)."""
    work = tmp_path_factory.mktemp("scenario-model")
    summary = generate(work / "synth", areas_for(3), scale=0.5, seed=MODEL_SEED)
    con = connect(work / "store.duckdb")
    try:
        for folder in summary.submissions:
            ingest(con, folder)
        run_id = link(con).run_id
        row = con.execute("SELECT model_json FROM link_runs WHERE run_id = ?", [run_id]).fetchone()
    finally:
        con.close()
    assert row is not None and row[0]
    return str(row[0])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Scenarios per class: as expected out of run (the rest are strict xfails or failures),
    and expected networks reported in two or more pieces (each piece still matches)."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for reports in terminalreporter.stats.values():
        for report in reports:
            props = dict(getattr(report, "user_properties", []) or [])
            if getattr(report, "when", "") != "call" or "scenario_class" not in props:
                continue
            row = table[str(props["scenario_class"])]
            row[0 if props.get("scenario_passed") else 1] += 1
            row[2] += int(props.get("scenario_split", 0))
    if not table:
        return
    terminalreporter.section("scenario library per class: as expected / run (found in pieces)")
    for cls in sorted(table):
        good, bad, split = table[cls]
        terminalreporter.write_line(f"{cls:<20} {good:>3} / {good + bad:<3} ({split})")
    good = sum(r[0] for r in table.values())
    total = sum(r[0] + r[1] for r in table.values())
    split = sum(r[2] for r in table.values())
    terminalreporter.write_line(f"{'all':<20} {good:>3} / {total:<3} ({split})")
