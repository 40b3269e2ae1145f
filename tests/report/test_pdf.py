"""The printed problem profile, read back from the PDF: headline figures on page 1, no table
clipped at the page edge, no table row split across pages, no near-empty page, and figures
that agree with each other and with the tables."""

from __future__ import annotations

import csv
from typing import Any

import duckdb
import pytest

from clearsight.report import ReportResult, build_report
from clearsight.review import screen
from clearsight.store import connect
from tests.stats.store import AREAS, copy_of, full_store

pdfplumber = pytest.importorskip("pdfplumber")
# A page whose text spans less than this share of its height is near-empty.
NEAR_EMPTY = 0.3


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportResult]:
    root = tmp_path_factory.mktemp("pdf")
    db = copy_of(full_store(), root)
    con = connect(db)
    screen(con)
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    out = {
        "national": build_report(con, root / "national", pdf=True),
        "area": build_report(con, root / "area", AREAS[0], pdf=True),
    }
    con.close()
    return out


def _pages(result: ReportResult) -> list[Any]:
    assert result.pdf is not None
    with pdfplumber.open(str(result.pdf)) as pdf:
        return [
            {"text": p.extract_text() or "", "chars": p.chars, "w": p.width, "h": p.height}
            for p in pdf.pages
        ]


def _shown(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return "not available" if value is None else str(value)


@pytest.mark.parametrize("which", ["national", "area"])
def test_headline_figures_and_findings_are_on_page_one(
    reports: dict[str, ReportResult], which: str
) -> None:
    result = reports[which]
    pages = _pages(result)
    first = " ".join(pages[0]["text"].split())
    assert result.summary
    for key, value in result.summary.items():
        assert _shown(value) in first, (key, value)
    assert "Key findings" in first
    html = result.html.read_text(encoding="utf-8")
    n = int(html.split('data-findings="', 1)[1].split('"', 1)[0])
    assert 3 <= n <= 5
    assert "Contents" in " ".join(p["text"] for p in pages[:2])


@pytest.mark.parametrize("which", ["national", "area"])
def test_no_text_beyond_the_page_edge(reports: dict[str, ReportResult], which: str) -> None:
    pages = _pages(reports[which])
    assert pages
    for i, page in enumerate(pages):
        assert page["chars"], f"page {i + 1} is blank"
        outside = [c["text"] for c in page["chars"] if c["x1"] > page["w"] or c["x0"] < 0]
        assert not outside, f"page {i + 1}: text clipped at the edge: {''.join(outside)[:60]}"


@pytest.mark.parametrize("which", ["national", "area"])
def test_no_near_empty_page(reports: dict[str, ReportResult], which: str) -> None:
    pages = _pages(reports[which])
    assert len(pages) > 2
    for i, page in enumerate(pages[:-1]):
        body = [c for c in page["chars"] if c["bottom"] < page["h"] * 0.95]  # not the footer
        span = (max(c["bottom"] for c in body) - min(c["top"] for c in body)) / page["h"]
        assert span >= NEAR_EMPTY, f"page {i + 1} of {len(pages)} is near-empty ({span:.0%})"


@pytest.mark.parametrize("which", ["national", "area"])
def test_no_table_row_is_split_across_pages(reports: dict[str, ReportResult], which: str) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(filename=str(reports[which].html)).render()
    pdf_pages = _pages(reports[which])
    assert len(document.pages) == len(pdf_pages)  # the layout read is the PDF's
    rows: dict[int, tuple[str, set[int]]] = {}
    for number, page in enumerate(document.pages, 1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) != "tr" or element is None:
                continue
            if len(element) and element[0].tag == "th":
                continue  # a header row repeats on each page by design
            text = "".join(element.itertext())
            rows.setdefault(id(element), (text, set()))[1].add(number)
    assert len(rows) > 20
    split = [(text[:40], sorted(p)) for text, p in rows.values() if len(p) > 1]
    assert not split, f"rows split across pages: {split}"


def _csv(result: ReportResult, name: str) -> dict[str, dict[str, str]]:
    with (result.out / "tables" / f"{name}.csv").open(encoding="utf-8") as handle:
        return {r["row"]: r for r in csv.DictReader(handle)}


@pytest.mark.parametrize("which", ["national", "area"])
def test_figures_agree_across_tables_and_headline(
    reports: dict[str, ReportResult], which: str
) -> None:
    result = reports[which]
    scale = _csv(result, "scale")
    assert scale
    checked = 0
    for name, column in (
        ("age_victims", "children"),
        ("sex_victims", "children"),
        ("ethnicity_victims", "children"),
        ("partner_coverage", "children"),
        ("age_suspects", "suspects_offenders"),
        ("sex_suspects", "suspects_offenders"),
        ("ethnicity_suspects", "suspects_offenders"),
    ):
        table = _csv(result, name)
        for row, values in table.items():
            total = values.get("total", values.get("children"))
            assert total == scale[row][column], (name, row, total, scale[row][column])
            checked += 1
    assert checked >= 14
    key = "england-and-wales" if which == "national" else AREAS[0]
    assert str(result.summary["victims"]) == scale[key]["victims"]
    assert str(result.summary["suspects"]) == scale[key]["suspects_offenders"]
    partner = _csv(result, "partner_coverage")[key]["pct_partner_only"]
    assert str(result.summary["partner_only"]) == partner


def test_area_profile_lists_only_its_own_sources(reports: dict[str, ReportResult]) -> None:
    text = " ".join(p["text"] for p in _pages(reports["area"]))
    other = AREAS[1]
    annex = text.split("Annex: definitions, sources and symbols", 1)[1]
    assert f"{AREAS[0]}-police" in annex
    assert f"{other}-police" not in annex


def test_a_chart_whose_every_value_is_suppressed_is_left_out() -> None:
    from clearsight.report.build import _charts
    from clearsight.stats.table import NATIONAL_KEY, Column, Row, StatTable

    def median_table(value: object) -> StatTable:
        rows = [
            Row("a", "A", {"n": 3, "median": "c"}),
            Row(NATIONAL_KEY, "England and Wales", {"n": 3, "median": value}, national=True),
        ]
        columns = [Column("n", "Crimes"), Column("median", "Median days", "days")]
        return StatTable("timeliness_recorded_to_charge", "t", columns, rows)  # type: ignore[arg-type]

    hidden = _charts({"timeliness_recorded_to_charge": median_table("c")}, None)
    assert hidden.get("timeliness", []) == []
    shown = _charts({"timeliness_recorded_to_charge": median_table(120)}, None)
    assert len(shown["timeliness"]) == 1 and "<rect" in shown["timeliness"][0]
