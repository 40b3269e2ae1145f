"""Inspection readiness: HMICFRS recommendations and 2025 findings mapped to evidence from
the store, per force, with red/amber/green. ``readiness(con)``; see docs/reports.md."""

from __future__ import annotations

from clearsight.inspection.readiness import ReadinessItem, readiness

__all__ = ["ReadinessItem", "readiness"]
