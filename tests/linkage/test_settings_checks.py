"""Splink's own settings checks: skipped on a normal run (they only log, and the log is
hidden; benchmarks/README.md, session 33), run with ``--verbose``. Since a normal run
never runs them, this test does: the settings Clearsight builds must pass them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from clearsight.linkage import run
from clearsight.linkage.backend import DuckDBBackend
from tests.linkage.conftest import Linked, copy_of

CHECKS = "SETTINGS VALIDATION"


def _checks_said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if CHECKS in r.getMessage()]


def test_a_settings_mistake_is_reported_with_verbose_and_silent_without(
    linked: Linked, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A settings mistake (a comparison on a column the input lacks) is reported with
    ``verbose`` (the checks run) and nothing is printed without: the switch the linkage
    stage passes is the one used."""
    con = copy_of(linked, tmp_path)
    backend = DuckDBBackend(con)
    con.execute("CREATE OR REPLACE TABLE _checked AS SELECT 'a' AS unique_id, 'x' AS name")
    broken = {
        "link_type": "dedupe_only",
        "comparisons": [
            {
                "output_column_name": "no_such_column",
                "comparison_levels": [
                    {"sql_condition": "no_such_column_l IS NULL", "is_null_level": True},
                    {"sql_condition": "no_such_column_l = no_such_column_r"},
                    {"sql_condition": "ELSE"},
                ],
            }
        ],
    }
    checked = backend.register_input("_checked")
    with caplog.at_level(logging.WARNING, logger="splink"):
        backend.linker(checked, broken, verbose=False)
        assert _checks_said(caplog) == []
        backend.linker(checked, broken, verbose=True)
        assert _checks_said(caplog), "Splink's settings checks did not run with verbose"
    con.close()


def test_the_linkage_stages_settings_pass_splinks_checks(
    linked: Linked, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every linker a verbose run builds (training, scoring) passes Splink's checks."""
    con = copy_of(linked, tmp_path)
    with caplog.at_level(logging.WARNING, logger="splink"):
        summary = run(con, verbose=True)
    con.close()
    assert summary.n_entities > 0
    assert _checks_said(caplog) == []
