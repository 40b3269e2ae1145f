"""The problem profile: an HTML report with inline SVG charts, tables as CSV and XLSX, and
a PDF on request. ``build_report(con, out, area=None)``; see docs/reports.md."""

from __future__ import annotations

from clearsight.report.build import ReportResult, build_report

__all__ = ["ReportResult", "build_report"]
