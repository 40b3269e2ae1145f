"""``--published``: the house disclosure control (clearsight.stats.disclosure) on the return.

Each (measure, dimension, breakdown) block is one table: a row per area plus England and
Wales, a column per (breakdown category, category), and each breakdown category's
categories summing to its total. Primary and secondary suppression then work exactly as for
the problem profile, over all areas at once, before one area's rows are selected, so an
area's return and the national return hide the same cells and cannot be differenced.
"""

from __future__ import annotations

from collections import defaultdict

from clearsight.returns.compute import ReturnRow
from clearsight.returns.dictionary import Dictionary
from clearsight.stats.disclosure import publish
from clearsight.stats.settings import DisclosureSettings
from clearsight.stats.table import NATIONAL_KEY, NATIONAL_LABEL, Column, Group, Row, StatTable


def block_table(
    d: Dictionary, measure: str, dimension: str, breakdown: str, rows: list[ReturnRow]
) -> StatTable:
    """One block of the return as a ``StatTable`` of true counts."""
    dim = d.dimensions[dimension]
    codes = ["total"] if dimension == "total" else dim.codes(measure)
    by_cats = [c.code for c in d.breakdowns[breakdown].categories]
    columns = [Column(f"{b}|{c}", f"{b}: {c}") for b in by_cats for c in codes]
    groups = (
        [Group(tuple(f"{b}|total" for b in by_cats), None)]
        if dimension == "total"
        else [
            Group(tuple(f"{b}|{c}" for c in codes if c != "total"), f"{b}|total") for b in by_cats
        ]
    )
    values: dict[str, dict[str, int | float | str | None]] = defaultdict(dict)
    for r in rows:
        values[r.area][f"{r.breakdown_category}|{r.category}"] = r.value
    table_rows = [
        Row(area, NATIONAL_LABEL if area == NATIONAL_KEY else area, vals, area == NATIONAL_KEY)
        for area, vals in values.items()
    ]
    table_rows.sort(key=lambda r: (r.national, r.key))
    return StatTable(f"{measure}.{dimension}.{breakdown}", dim.label, columns, table_rows, groups)


def blocks(rows: list[ReturnRow]) -> dict[tuple[str, str, str], list[ReturnRow]]:
    out: dict[tuple[str, str, str], list[ReturnRow]] = defaultdict(list)
    for r in rows:
        out[(r.measure, r.dimension, r.breakdown)].append(r)
    return out


def publish_return(rows: list[ReturnRow], d: Dictionary, s: DisclosureSettings) -> list[ReturnRow]:
    """The return's rows with every count published under disclosure control."""
    out: list[ReturnRow] = []
    for (measure, dimension, breakdown), block in blocks(rows).items():
        table = publish(block_table(d, measure, dimension, breakdown, block), s)
        shown = {r.key: r.values for r in table.rows}
        for r in block:
            value = shown[r.area][f"{r.breakdown_category}|{r.category}"]
            assert isinstance(value, int | str)
            out.append(
                ReturnRow(
                    r.area,
                    r.measure,
                    r.dimension,
                    r.category,
                    r.breakdown,
                    r.breakdown_category,
                    value,
                )
            )
    return out
