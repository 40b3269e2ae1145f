"""The problem profile: files, published figures, provenance, and a headless browser render."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.report import build_report
from clearsight.review import screen
from clearsight.store import connect
from tests.stats.store import copy_of, full_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = copy_of(full_store(), tmp_path_factory.mktemp("report"))
    con = connect(db)
    screen(con)
    con.close()
    return db


def test_area_report_files_and_provenance(store: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    result = build_report(con, tmp_path / "wy", "west-yorkshire")
    con.close()
    html = result.html.read_text()
    for heading in (
        "Summary",
        "Scale",
        "Networks",
        "Victims and suspects",
        "Partner coverage",
        "Data quality",
        "Timeliness",
        "Review queue",
        "Language",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert html.index("<h2>Summary</h2>") < html.index("<h2>Scale</h2>")
    assert "<svg" in html and "248 days" in html
    assert (
        "Greater Manchester" not in html.split("<h2>Summary</h2>")[1].split("<h2>Networks</h2>")[1]
    )
    with (tmp_path / "wy" / "tables" / "scale.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["west-yorkshire", "england-and-wales"]
    assert rows[0]["definition_version"].startswith("dfe-2017-cse 2017.1")
    assert rows[0]["extract_dates"] == "2025-10-01"
    assert "west-yorkshire-police" in rows[0]["sources_included"]
    assert rows[0]["sources_excluded"] == "none"
    for r in rows:
        for key in ("victims", "at_risk", "suspects", "offenders"):
            assert r[key] == "c" or r[key] == "k" or int(r[key]) % 5 == 0
    from openpyxl import load_workbook

    assert "scale" in load_workbook(result.xlsx).sheetnames


def test_excluded_sources_are_stated(store: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    result = build_report(con, tmp_path / "n", exclude_sources=("west-yorkshire-health",))
    con.close()
    assert "west-yorkshire-health" in result.html.read_text(encoding="utf-8")
    with (tmp_path / "n" / "tables" / "scale.csv").open() as handle:
        row = next(csv.DictReader(handle))
    assert row["sources_excluded"] == "west-yorkshire-health"
    assert "west-yorkshire-health" not in row["sources_included"]


def test_cli_national_with_pdf(store: Path, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from typer import Typer

    from clearsight.report.cli import report_command

    app = Typer()
    app.command()(report_command)
    result = CliRunner().invoke(
        app, ["--out", str(tmp_path / "nat"), "--national", "--pdf", "--db", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nat" / "problem-profile.pdf").read_bytes().startswith(b"%PDF")


def test_summary_figures_visible_in_headless_chromium(store: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    con = duckdb.connect(str(store), read_only=True)
    result = build_report(con, tmp_path / "wy", "west-yorkshire")
    con.close()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.goto(result.html.as_uri())
        for key, value in result.summary.items():
            figure = page.locator(f'[data-figure="{key}"] .value')
            assert figure.is_visible(), key
            text = figure.inner_text()
            expected = (
                "not available"
                if value is None
                else (
                    f"{value:,}"
                    if isinstance(value, int)
                    else f"{value:,.1f}"
                    if isinstance(value, float)
                    else str(value)
                )
            )
            assert text == expected, (key, text, expected)
        assert (
            page.locator("#summary").bounding_box()["y"]
            < page.locator("#scale").bounding_box()["y"]
        )  # type: ignore[index]
        assert page.locator("svg").count() >= 3
        browser.close()


def test_area_report_puts_the_force_beside_its_region_and_nationally(
    store: Path, tmp_path: Path
) -> None:
    import re

    con = duckdb.connect(str(store), read_only=True)
    result = build_report(con, tmp_path / "wy", "west-yorkshire")
    con.close()
    front = result.html.read_text().split("<h2>Key findings</h2>")[0]
    beside = dict(re.findall(r'data-beside="([a-z_]+)">([^<]+)</span>', front))
    assert set(beside) >= {"victims", "suspects", "partner_only", "median_to_charge"}
    with (tmp_path / "wy" / "tables" / "scale.csv").open() as handle:
        rows = {r["row"]: r for r in csv.DictReader(handle)}
    # West Yorkshire is the only Yorkshire and the Humber force in this store (the other
    # is Greater Manchester, North West), so the region's figure is its own.
    for headline, column in (("victims", "victims"), ("suspects", "suspects_offenders")):
        own, national = rows["west-yorkshire"][column], rows["england-and-wales"][column]
        # A suppressed force figure ("c") leaves the region's unavailable.
        region = f"{int(own):,}" if own.isdigit() else "n/a"
        assert beside[headline] == (
            f"Yorkshire and the Humber (1 of 4 forces): {region}; "
            f"England and Wales: {int(national):,}"
        )
    # A median does not add up across forces: no region figure is made for it.
    assert beside["median_to_charge"].startswith("Yorkshire and the Humber (1 of 4 forces): n/a")


def test_region_figures_come_from_published_force_figures_only() -> None:
    from clearsight.report.build import region_comparison
    from clearsight.stats.table import Column, Row, StatTable

    def table(wy: dict[str, object], sy: dict[str, object]) -> StatTable:
        columns = [
            Column("victims", "Victims"),
            Column("known", "Known"),
            Column("pct", "%", "percent", numerator="victims", denominator="known"),
        ]
        rows = [
            Row("west-yorkshire", "West Yorkshire", dict(wy)),  # type: ignore[arg-type]
            Row("south-yorkshire", "South Yorkshire", dict(sy)),  # type: ignore[arg-type]
            Row("greater-manchester", "Greater Manchester", {"victims": 500, "known": 900}),
            Row("england-and-wales", "England and Wales", {"victims": 900}, national=True),
        ]
        return StatTable("scale", "Scale", columns, rows)

    _, fig = region_comparison(
        {"scale": table({"victims": 100, "known": 400}, {"victims": 50, "known": 100})},
        "west-yorkshire",
    )
    # Headlines read other columns of other tables; the victims headline reads this one.
    assert fig["victims"] == (150, 900)
    label, fig = region_comparison(
        {"scale": table({"victims": 100, "known": 400}, {"victims": "c", "known": 100})},
        "west-yorkshire",
    )
    # A suppressed force cell makes the region's figure unavailable, never a partial sum.
    assert fig["victims"] == (None, 900)
    assert label == "Yorkshire and the Humber (2 of 4 forces)"
    # A national force has no region.
    assert region_comparison({}, "british-transport-police") == ("", {})
