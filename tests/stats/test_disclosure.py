"""Disclosure control: no published sub-national 1–7, nothing recoverable from totals."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearsight.stats.disclosure import (
    NOT_APPLICABLE,
    ROUNDS_TO_ZERO,
    SUPPRESSED,
    Grid,
    publish,
    round_half_up,
    suppress,
)
from clearsight.stats.settings import DisclosureSettings
from clearsight.stats.table import NATIONAL_KEY, Column, Group, Row, StatTable

S = DisclosureSettings()


def _table(cells: list[list[int]], with_total: bool) -> StatTable:
    n_cols = len(cells[0])
    members = tuple(f"c{j}" for j in range(n_cols))
    columns = [Column(m, m) for m in members]
    if with_total:
        columns.append(Column("total", "Total"))
    rows = []
    for i, line in enumerate(cells):
        values: dict[str, int | float | str | None] = {f"c{j}": v for j, v in enumerate(line)}
        if with_total:
            values["total"] = sum(line)
        rows.append(Row(f"area-{i}", f"Area {i}", values))
    national = {c.key: sum(int(r.values[c.key]) for r in rows) for c in columns}  # type: ignore[arg-type]
    rows.append(Row(NATIONAL_KEY, "England and Wales", dict(national), national=True))
    groups = [Group(members, "total" if with_total else None)]
    return StatTable("t", "t", columns, rows, groups)


def _determined(table: StatTable, hidden: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """Independent check by linear algebra: which hidden cells the published sums fix."""
    keys = sorted(hidden)
    if not keys:
        return []
    pos = {k: i for i, k in enumerate(keys)}
    equations: list[list[str | tuple[int, str]]] = []
    count_keys = [c.key for c in table.columns]
    members = [k for k in count_keys if k != "total"]
    n = len(table.rows)
    for r in range(n):
        if "total" in count_keys:
            equations.append([*((r, k) for k in members), (r, "total")])
    for k in count_keys:
        equations.append([(r, k) for r in range(n)])
    rows = []
    for eq in equations:
        # Members minus the total; any sign pattern gives the same determinability.
        vec = np.zeros(len(keys))
        for j, cell in enumerate(eq):
            if cell in pos:
                assert isinstance(cell, tuple)
                last = j == len(eq) - 1
                vec[pos[cell]] = -1.0 if last else 1.0
        if vec.any():
            rows.append(vec)
    a = np.array(rows) if rows else np.zeros((0, len(keys)))
    rank = np.linalg.matrix_rank(a) if len(rows) else 0
    out = []
    for k, i in pos.items():
        e = np.zeros(len(keys))
        e[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.append(k)
    return out


tables = st.integers(1, 7).flatmap(
    lambda n_rows: st.integers(1, 6).flatmap(
        lambda n_cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 9), st.integers(0, 60)),
                min_size=n_cols,
                max_size=n_cols,
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=tables, with_total=st.booleans())
def test_published_tables_are_safe(cells: list[list[int]], with_total: bool) -> None:
    table = _table(cells, with_total)
    out = publish(table, S)
    hidden: set[tuple[int, str]] = set()
    for r, (raw, pub) in enumerate(zip(table.rows, out.rows, strict=True)):
        for c in table.columns:
            true, shown = raw.values[c.key], pub.values[c.key]
            assert isinstance(true, int)
            if shown == SUPPRESSED:
                hidden.add((r, c.key))
                continue
            if not raw.national:
                # No published sub-national count of 1 to 7.
                assert not (1 <= true <= 7)
                assert shown != ROUNDS_TO_ZERO
            if true == 0:
                assert shown == 0
            elif shown == ROUNDS_TO_ZERO:
                assert round_half_up(true, 5) == 0
            else:
                assert shown == round_half_up(true, 5)
                assert isinstance(shown, int) and shown % 5 == 0
    assert _determined(table, hidden) == []


def test_single_small_cell_forces_a_partner() -> None:
    table = _table([[3, 40, 50], [20, 30, 60]], with_total=True)
    out = publish(table, S)
    first = out.rows[0].values
    assert first["c0"] == SUPPRESSED
    suppressed_in_row = [k for k, v in first.items() if v == SUPPRESSED]
    assert len(suppressed_in_row) >= 2
    column = [r.values["c0"] for r in out.rows]
    assert column.count(SUPPRESSED) >= 2


def test_national_small_counts_are_rounded_not_suppressed() -> None:
    table = _table([[0, 2], [0, 0]], with_total=False)
    out = publish(table, S)
    national = out.rows[-1].values
    assert national["c0"] == 0
    # The area with 2 is suppressed, and with it a partner so the national total hides it.
    assert out.rows[0].values["c1"] == SUPPRESSED
    assert [r.values["c1"] for r in out.rows].count(SUPPRESSED) >= 2


def test_rounding_and_symbols() -> None:
    assert [round_half_up(v, 5) for v in (0, 2, 3, 7, 8, 12, 13)] == [0, 0, 5, 5, 10, 10, 15]
    grid = Grid([[None, 9]], [([0, 1], None)], None)
    assert suppress(grid, S) == set()
    table = StatTable(
        "t",
        "t",
        [Column("a", "a"), Column("b", "b")],
        [Row("x", "x", {"a": None, "b": 1}, national=True)],
        [],
        additive=False,
    )
    out = publish(table, S)
    assert out.rows[0].values == {"a": NOT_APPLICABLE, "b": ROUNDS_TO_ZERO}


def test_thresholds_are_configurable() -> None:
    strict = DisclosureSettings(suppress_min=1, suppress_max=10, rounding_base=10)
    table = _table([[9, 40], [20, 30]], with_total=False)
    out = publish(table, strict)
    assert out.rows[0].values["c0"] == SUPPRESSED
    assert out.rows[1].values["c1"] in (30, SUPPRESSED)
