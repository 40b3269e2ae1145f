"""The annual data return on group-based CSE (HMICFRS 2023, recommendations 5 and 6).

``build_return(con, out, area=None, published=False)`` writes ``return.csv``,
``return.xlsx`` and ``dictionary.csv``; see docs/statistics.md. Importing is cheap.
"""

from __future__ import annotations

from clearsight.returns.build import ReturnResult, build_return

__all__ = ["ReturnResult", "build_return"]
