"""The linkage run says, in its own words, what it could not estimate, and Splink's own
training chatter stays out of the operator's output (``clearsight analyse``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from clearsight.store import connect
from tests.linkage.conftest import Linked

UNSEEN = "m not estimated for "


def _unseen_levels(notes: list[str]) -> list[str]:
    [note] = [n for n in notes if n.startswith(UNSEEN)]
    listed = note[note.index("reached (") + len("reached (") : note.rindex(")")]
    return listed.split("; ")


def test_levels_no_training_pair_reached_are_named(linked: Linked) -> None:
    """Each level named is a level of the model; the exact forename, which every pair
    of one person's records agreeing on the name trains, is not among them."""
    levels = _unseen_levels(linked.summary.notes)
    model = json.loads(linked.model_json)
    known = {
        f"{c['output_column_name']}: {lvl['label_for_charts']}"
        for c in model["comparisons"]
        for lvl in c["comparison_levels"]
        if not lvl.get("is_null_level")
    }
    assert levels and set(levels) <= known, set(levels) - known
    assert "forenames: first forename agrees" in known
    assert "forenames: first forename agrees" not in levels
    assert "surname: exact" not in levels


def test_analyse_prints_the_run_log_not_splinks(linked: Linked, tmp_path: Path) -> None:
    """``analyse`` prints the linkage notes the run keeps in ``link_runs``; Splink's EM
    session banners and its "unable to train" warnings are not printed (``--verbose``
    on ``clearsight link`` shows Splink's log)."""
    db = tmp_path / "store.duckdb"
    shutil.copy(linked.path, db)
    cli = Path(sys.executable).with_name("clearsight")
    done = subprocess.run(
        [str(cli), "analyse", "--stage", "linkage", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"COLUMNS": "2000", "PATH": str(cli.parent)},
    )
    assert done.returncode == 0, done.stderr
    printed = done.stdout + done.stderr
    for chatter in ("Starting EM training session", "unable to train m value", "not yet fully"):
        assert chatter not in printed, chatter
    con = connect(db, read_only=True)
    try:
        design = con.execute(
            "SELECT design_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
        ).fetchall()[0][0]
    finally:
        con.close()
    notes = json.loads(design)["notes"]
    assert any(n.startswith(UNSEEN) for n in notes)
    for note in notes:
        assert f"  {note}" in done.stdout, note
