"""Write the return: ``return.csv``, ``return.xlsx`` and ``dictionary.csv``.

Every CSV goes through ``write_table``, which uses the house's formula-safe writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from clearsight.exports.safe_csv import write_csv
from clearsight.returns.compute import ReturnRow
from clearsight.returns.dictionary import Dictionary
from clearsight.stats.build import area_label
from clearsight.stats.table import NATIONAL_KEY, NATIONAL_LABEL, Provenance

RETURN_COLUMNS = (
    "area",
    "measure",
    "dimension",
    "category",
    "breakdown",
    "breakdown_category",
    "value",
)
DICTIONARY_COLUMNS = ("kind", "code", "parent", "label", "applies_to", "collected", "definition")
Cell = str | int | float | None


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """The return's one CSV writer: a header row, then the rows (RFC 4180, UTF-8), through
    the house's formula-safe writer."""
    write_csv(path, header, (["" if v is None else v for v in row] for row in rows))


def dictionary_rows(d: Dictionary) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for code, (label, definition) in d.measures.items():
        rows.append(("measure", code, "", label, "", "yes", definition))
    for b in d.breakdowns.values():
        rows.append(("breakdown", b.code, "", b.label, "", "yes", b.definition))
        for c in b.categories:
            rows.append(("breakdown_category", c.code, b.code, c.label, "", "yes", ""))
    for dim in d.dimensions.values():
        applies = ";".join(dim.measures)
        rows.append(("dimension", dim.code, "", dim.label, applies, "yes", dim.definition))
        for c in dim.categories:
            rows.append(
                ("category", c.code, dim.code, c.label, ";".join(c.measures) or applies, "yes", "")
            )
        rows.append(("category", "total", dim.code, "Total", applies, "yes", "Sum of the parts."))
    for code, (label, reason) in d.not_collected.items():
        rows.append(("not_collected", code, "", label, "", "no", reason))
    for symbol, meaning in d.symbols.items():
        rows.append(("symbol", symbol, "", meaning, "", "yes", ""))
    return rows


def _label(area: str) -> str:
    return NATIONAL_LABEL if area == NATIONAL_KEY else area_label(area)


def write_return(
    out: Path,
    rows: list[ReturnRow],
    d: Dictionary,
    provenance: Provenance,
    *,
    published: bool,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path, dict_path, xlsx_path = out / "return.csv", out / "dictionary.csv", out / "return.xlsx"
    write_table(
        csv_path,
        RETURN_COLUMNS,
        (
            (r.area, r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category, r.value)
            for r in rows
        ),
    )
    write_table(dict_path, DICTIONARY_COLUMNS, dictionary_rows(d))
    _xlsx(xlsx_path, rows, d, provenance, published)
    return [csv_path, xlsx_path, dict_path]


def _xlsx(
    path: Path, rows: list[ReturnRow], d: Dictionary, provenance: Provenance, published: bool
) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About this return"
    status = (
        "Published: disclosure control applied (see the symbols)"
        if published
        else "NOT FOR PUBLICATION: true counts, for people with access to records only"
    )
    for key, value in (
        ("Return", "Annual data return on group-based child sexual exploitation"),
        ("Status", status),
        ("Dictionary version", d.version),
        ("Submission standard", d.standard_version),
        *provenance.as_dict().items(),
        ("Monitoring", "Protected characteristics are reported for monitoring only."),
    ):
        about.append([key, value])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    header = ["Area", "Measure", "Dimension", "Category", "Breakdown", "Breakdown category"]
    for measure, (label, _) in d.measures.items():
        sheet = book.create_sheet(measure.capitalize())
        sheet.append([*header, "Count"])
        for r in rows:
            if r.measure != measure:
                continue
            dim = d.dimensions[r.dimension]
            cat = {c.code: c.label for c in dim.categories}.get(r.category, "Total")
            by = d.breakdowns[r.breakdown]
            by_cat = {c.code: c.label for c in by.categories}[r.breakdown_category]
            sheet.append([_label(r.area), label, dim.label, cat, by.label, by_cat, r.value])
        _header_style(sheet, Font)
    sheet = book.create_sheet("Data dictionary")
    sheet.append([c.replace("_", " ").capitalize() for c in DICTIONARY_COLUMNS])
    for row in dictionary_rows(d):
        sheet.append(list(row))
    _header_style(sheet, Font)
    book.save(path)


def _header_style(sheet: object, font: type) -> None:
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

    assert isinstance(sheet, Worksheet)
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = font(bold=True)
    for column in ("A", "B", "C", "D", "E", "F"):
        sheet.column_dimensions[column].width = 30
