"""Page 1's findings when small numbers suppress the headline measures."""

from __future__ import annotations

from clearsight.report.findings import MIN_FINDINGS, findings
from clearsight.stats.disclosure import SUPPRESSED
from clearsight.stats.settings import load_settings
from clearsight.stats.table import Column, Row, StatTable


def _table(name: str, column: str, value: object) -> StatTable:
    return StatTable(
        name, name, [Column(column, column, "percent")], [Row("leeds", "Leeds", {column: value})]
    )


def test_withheld_measures_are_said_plainly_never_valued() -> None:
    tables = {
        "partner_coverage": _table("partner_coverage", "pct_partner_only", 42.5),
        "partner_networks": _table("partner_networks", "pct_partner_needed", SUPPRESSED),
        "ethnicity_suspects": _table("ethnicity_suspects", "pct_not_recorded", SUPPRESSED),
        "cse_flag_agreement": _table("cse_flag_agreement", "pct_agree", SUPPRESSED),
    }
    found = findings(tables, "leeds", load_settings())
    assert len(found) == MIN_FINDINGS
    assert "42.5%" in found[0].text
    withheld = found[1:]
    assert [f.table for f in withheld] == ["partner_networks", "ethnicity_suspects"]
    assert all("withheld" in f.text and "%" not in f.text for f in withheld)


def test_no_withheld_finding_when_enough_are_published() -> None:
    tables = {
        "partner_coverage": _table("partner_coverage", "pct_partner_only", 10.0),
        "partner_networks": _table("partner_networks", "pct_partner_needed", 20.0),
        "ethnicity_suspects": _table("ethnicity_suspects", "pct_not_recorded", 30.0),
        "cse_flag_agreement": _table("cse_flag_agreement", "pct_agree", SUPPRESSED),
    }
    found = findings(tables, "leeds", load_settings())
    assert len(found) == 3
    assert not any("withheld" in f.text for f in found)
