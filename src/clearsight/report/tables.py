"""Published tables as CSV (one file each) and one workbook (XLSX, a sheet per table).

Every CSV row repeats the provenance columns, so a table separated from the report still
states its definition versions, extract dates and the sources included and excluded.
"""

from __future__ import annotations

from pathlib import Path

from clearsight.exports.safe_csv import SafeWriter
from clearsight.stats.table import Provenance, StatTable


def write_csv(table: StatTable, path: Path, provenance: Provenance) -> None:
    meta = provenance.as_dict()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["row", table.row_header.lower(), *(c.key for c in table.columns), *meta])
        for r in table.rows:
            writer.writerow(
                [
                    r.key,
                    r.label,
                    *(
                        "" if r.values.get(c.key) is None else r.values[c.key]
                        for c in table.columns
                    ),
                    *meta.values(),
                ]
            )


def write_xlsx(tables: list[StatTable], path: Path, provenance: Provenance) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "About"
    for key, value in provenance.as_dict().items():
        notes.append([key, value])
    notes.append([])
    notes.append(["Symbols", "c suppressed; z not applicable; k non-zero that rounds to zero"])
    for t in tables:
        if t.unavailable:
            continue
        sheet = book.create_sheet(t.name[:31])
        sheet.append([t.title])
        sheet["A1"].font = Font(bold=True)
        for note in t.notes:
            sheet.append([note])
        sheet.append([])
        sheet.append([t.row_header, *(c.label for c in t.columns)])
        for r in t.rows:
            sheet.append(
                [
                    r.label,
                    *("" if r.values.get(c.key) is None else r.values[c.key] for c in t.columns),
                ]
            )
    book.save(path)
