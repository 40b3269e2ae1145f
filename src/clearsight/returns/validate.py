"""Validate a return against its own dictionary: every code known, every total the sum of
its parts, every breakdown adding up to the measure, England and Wales the sum of the areas.

Totals are checked on the true counts; a published return (rounded and suppressed cells) is
checked for known codes and known symbols only, because rounding each cell on its own
breaks sums by design (as in official statistics).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from clearsight.returns.compute import ReturnRow
from clearsight.returns.dictionary import Dictionary
from clearsight.stats.table import NATIONAL_KEY

MAX_LISTED = 20


class ReturnInvalidError(ValueError):
    """The return does not agree with its dictionary; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:MAX_LISTED])
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        super().__init__(f"the return fails its dictionary: {shown}{more}")


def _codes(d: Dictionary, row: ReturnRow) -> list[str]:
    problems = []
    dim = d.dimensions.get(row.dimension)
    where = f"{row.area}/{row.measure}/{row.dimension}/{row.category}"
    if row.measure not in d.measures:
        problems.append(f"{where}: unknown measure {row.measure!r}")
    if dim is None:
        return [*problems, f"{where}: unknown dimension {row.dimension!r}"]
    if row.measure not in dim.measures:
        problems.append(f"{where}: dimension does not apply to {row.measure!r}")
    if row.category not in dim.codes(row.measure):
        problems.append(f"{where}: unknown category {row.category!r}")
    if row.breakdown not in dim.breakdowns:
        problems.append(f"{where}: breakdown {row.breakdown!r} not defined for the dimension")
    elif row.breakdown_category not in {c.code for c in d.breakdowns[row.breakdown].categories}:
        problems.append(f"{where}: unknown {row.breakdown} code {row.breakdown_category!r}")
    return problems


def validate(rows: Sequence[ReturnRow], d: Dictionary, *, published: bool = False) -> None:
    """Raise ``ReturnInvalidError`` listing every problem; return None when the return is sound."""
    problems: list[str] = []
    if not rows:
        raise ReturnInvalidError(["the return has no rows"])
    seen: set[tuple[str, ...]] = set()
    for r in rows:
        problems.extend(_codes(d, r))
        key = (r.area, r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category)
        if key in seen:
            problems.append(f"{'/'.join(key)}: row repeated")
        seen.add(key)
        if isinstance(r.value, str):
            if not published or r.value not in d.symbols:
                problems.append(f"{'/'.join(key)}: value {r.value!r} is not a count or symbol")
        elif r.value < 0:
            problems.append(f"{'/'.join(key)}: negative count {r.value}")
    if not published and not problems:
        problems.extend(_sums(rows))
    if problems:
        raise ReturnInvalidError(problems)


def _sums(rows: Sequence[ReturnRow]) -> list[str]:
    problems: list[str] = []
    parts: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    totals: dict[tuple[str, str, str, str, str], int] = {}
    for r in rows:
        assert isinstance(r.value, int)
        block = (r.area, r.measure, r.dimension, r.breakdown, r.breakdown_category)
        if r.category == "total":
            totals[block] = r.value
        else:
            parts[block] += r.value
    measure_total = {
        (a, m): v for (a, m, dim, by, _), v in totals.items() if dim == "total" and by == "all"
    }
    by_sum: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for block, total in totals.items():
        area, measure, dim, by, _ = block
        if dim != "total" and parts[block] != total:
            problems.append(f"{'/'.join(block)}: total {total} is not the sum of its parts")
        by_sum[(area, measure, dim, by)] += total
    for (area, measure, dim, by), total in by_sum.items():
        expected = measure_total.get((area, measure))
        if expected is None:
            problems.append(f"{area}/{measure}: no measure total")
        elif total != expected:
            problems.append(
                f"{area}/{measure}/{dim} by {by}: adds up to {total}, the measure total is "
                f"{expected}"
            )
    national: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    held: dict[tuple[str, str, str, str, str], int] = {}
    for r in rows:
        assert isinstance(r.value, int)
        key = (r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category)
        if r.area == NATIONAL_KEY:
            held[key] = r.value
        else:
            national[key] += r.value
    for key, value in held.items():
        if national.get(key, 0) != value:
            problems.append(f"{NATIONAL_KEY}/{'/'.join(key)}: {value} is not the sum of the areas")
    return problems
