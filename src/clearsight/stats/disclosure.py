"""Disclosure control for published tables, as in official statistics.

Below national level a count from ``suppress_min`` to ``suppress_max`` (1 to 7) is
suppressed (``c``); every other count is rounded to the nearest ``rounding_base`` (5); zero
is shown as ``0``; a non-zero count that rounds to zero is ``k``; a cell that does not apply
is ``z``. Secondary suppression then hides further cells until no suppressed cell can be
worked out from the totals.

Why a graph: each count sits in two sums, its row's (area → group total) and its column's
(areas → national). Make every such sum a node and every cell an edge between its two sums.
A set of suppressed cells can be solved for one cell exactly when that cell's edge is a
bridge of the suppressed cells' graph (the kernel of an incidence matrix is the cycle
space). So secondary suppression adds, for each bridge, the cheapest published cell that
closes a cycle through it; a cell in only one sum hangs off a shared ground node.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from clearsight.stats.settings import DisclosureSettings
from clearsight.stats.table import Column, Row, StatTable, Value

SUPPRESSED = "c"
NOT_APPLICABLE = "z"
ROUNDS_TO_ZERO = "k"
SYMBOLS = (SUPPRESSED, NOT_APPLICABLE, ROUNDS_TO_ZERO)

Cell = tuple[int, int]
Node = tuple[str, int, int]
GROUND: Node = ("ground", 0, 0)


@dataclass(frozen=True)
class Grid:
    """Counts by row and column with the sums that hold between them.

    ``values[r][c]`` is a count or None (not applicable). ``groups`` lists column index
    groups whose members sum to ``total`` in every row (total None: no row sum). When
    ``national_row`` is set, that row is the sum of all other rows in every column.
    """

    values: list[list[int | None]]
    groups: list[tuple[list[int], int | None]]
    national_row: int | None
    exempt_rows: frozenset[int] = frozenset()


def round_half_up(value: int, base: int) -> int:
    return ((2 * value + base) // (2 * base)) * base


def primary(grid: Grid, s: DisclosureSettings) -> set[Cell]:
    out: set[Cell] = set()
    for r, row in enumerate(grid.values):
        if r in grid.exempt_rows:
            continue
        for c, v in enumerate(row):
            if v is not None and s.suppress_min <= v <= s.suppress_max:
                out.add((r, c))
    return out


def _edges(grid: Grid) -> dict[Cell, tuple[Node, Node]]:
    """Each cell's two sums; ground when a cell is in only one (or none)."""
    group_of: dict[int, int] = {}
    for g, (members, total) in enumerate(grid.groups):
        if total is None:
            continue
        for c in (*members, total):
            group_of[c] = g
    edges: dict[Cell, tuple[Node, Node]] = {}
    n_rows = len(grid.values)
    for r in range(n_rows):
        for c, v in enumerate(grid.values[r]):
            if v is None:
                continue
            row_node = ("row", r, group_of[c]) if c in group_of else GROUND
            col_node = ("col", c, 0) if grid.national_row is not None else GROUND
            edges[(r, c)] = (row_node, col_node)
    return edges


def _bridges(edges: dict[Cell, tuple[Node, Node]], cells: set[Cell]) -> list[Cell]:
    """Cells whose edge is a bridge of the multigraph formed by ``cells``."""
    adj: dict[Node, list[tuple[Node, Cell]]] = {}
    for cell in cells:
        u, v = edges[cell]
        if u == v:
            # A cell in no sum at all cannot be worked out from totals.
            continue
        adj.setdefault(u, []).append((v, cell))
        adj.setdefault(v, []).append((u, cell))
    disc: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: list[Cell] = []
    counter = 0
    for root in sorted(adj):
        if root in disc:
            continue
        disc[root] = low[root] = counter
        counter += 1
        # Iterative DFS; the edge id (cell) is tracked so parallel edges are not bridges.
        stack: list[tuple[Node, Cell | None, int]] = [(root, None, 0)]
        while stack:
            node, via, i = stack[-1]
            if i < len(adj[node]):
                stack[-1] = (node, via, i + 1)
                nxt, cell = adj[node][i]
                if cell == via:
                    continue
                if nxt in disc:
                    low[node] = min(low[node], disc[nxt])
                else:
                    disc[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, cell, 0))
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        found.append(via)
    return sorted(found)


def _cost(grid: Grid, cell: Cell) -> float:
    """What hiding a further cell costs: small counts are cheapest; zeros (often known
    anyway), totals and above all national figures are hidden only when nothing else will do.
    """
    value = grid.values[cell[0]][cell[1]] or 0
    cost = 1.0 + value if value else 50.0
    if _is_total(grid, cell):
        cost += 100.0
    if cell[0] in grid.exempt_rows:
        cost += 10_000.0
    return cost


def _cheapest_cycle(
    grid: Grid, edges: dict[Cell, tuple[Node, Node]], hidden: set[Cell], bridge: Cell
) -> list[Cell]:
    """Cells to hide so that ``bridge`` lies on a cycle: a cheapest path between its ends
    over the other cells, hidden ones costing nothing (Dijkstra)."""
    adj: dict[Node, list[tuple[Node, Cell]]] = {}
    known = known_zeros(grid)
    for cell, (u, v) in edges.items():
        if cell == bridge or u == v or cell in known:
            continue
        adj.setdefault(u, []).append((v, cell))
        adj.setdefault(v, []).append((u, cell))
    start, goal = edges[bridge]
    best: dict[Node, float] = {start: 0.0}
    back: dict[Node, tuple[Node, Cell]] = {}
    queue: list[tuple[float, Node]] = [(0.0, start)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == goal:
            break
        if dist > best.get(node, float("inf")):
            continue
        for nxt, cell in adj.get(node, []):
            step = 0.0 if cell in hidden else _cost(grid, cell)
            if dist + step < best.get(nxt, float("inf")):
                best[nxt] = dist + step
                back[nxt] = (node, cell)
                heapq.heappush(queue, (dist + step, nxt))
    if goal not in back:
        raise ValueError("secondary suppression found no complementary cells")
    path: list[Cell] = []
    node = goal
    while node != start:
        node, cell = back[node]
        path.append(cell)
    return [cell for cell in path if cell not in hidden]


def _is_total(grid: Grid, cell: Cell) -> bool:
    r, c = cell
    return r == grid.national_row or any(total == c for _, total in grid.groups)


def suppress(grid: Grid, s: DisclosureSettings) -> set[Cell]:
    """Primary and secondary suppression: the cells to publish as ``c``."""
    edges = _edges(grid)
    first = primary(grid, s)
    hidden = set(first)
    # Each round puts at least one bridge on a cycle and hides at least one more cell.
    for _ in range(len(edges) + 1):
        bridges = _bridges(edges, hidden)
        if not bridges:
            return _prune(grid, edges, first, hidden)
        hidden.update(_cheapest_cycle(grid, edges, hidden, bridges[0]))
    raise AssertionError("secondary suppression did not converge")


def known_zeros(grid: Grid) -> set[Cell]:
    """Zero cells whose value any reader knows from a published zero total (the national
    figure of their column, or the total of their row group): hiding them protects nothing,
    and a column of ``c`` over a national 0 only confuses."""
    known: set[Cell] = set()
    zero_cols = (
        {c for c, v in enumerate(grid.values[grid.national_row]) if v == 0}
        if grid.national_row is not None
        else set()
    )
    for r, row in enumerate(grid.values):
        for members, total in grid.groups:
            if total is not None and row[total] == 0:
                known.update((r, c) for c in (*members, total))
        known.update((r, c) for c in zero_cols)
    return known


def _prune(
    grid: Grid, edges: dict[Cell, tuple[Node, Node]], first: set[Cell], hidden: set[Cell]
) -> set[Cell]:
    """Publish again every secondary cell that is not needed, largest first: cells are added
    one bridge at a time, so an early choice can be made redundant by a later one."""
    for cell in sorted(hidden - first, key=lambda c: -_cost(grid, c)):
        trial = hidden - {cell}
        if not _bridges(edges, trial):
            hidden = trial
    return hidden


def publish_count(value: int | None, hidden: bool, s: DisclosureSettings) -> int | str:
    if value is None:
        return NOT_APPLICABLE
    if hidden:
        return SUPPRESSED
    if value == 0:
        return 0
    rounded = round_half_up(value, s.rounding_base)
    return ROUNDS_TO_ZERO if rounded == 0 else rounded


def _derived(column: Column, row: Row, published: dict[str, Value], s: DisclosureSettings) -> Value:
    """Percentages and rates from the true (unrounded) counts, published only when both
    counts are published and the denominator holds enough cases: a percentage of two
    rounded counts can be far from the truth (3 of 21 is 14%, rounded 5 of 20 is 25%)."""
    if column.kind in ("percent", "rate"):
        assert column.numerator is not None and column.denominator is not None
        num, den = published.get(column.numerator), published.get(column.denominator)
        if num == NOT_APPLICABLE or den == NOT_APPLICABLE:
            return NOT_APPLICABLE
        if num == SUPPRESSED or den == SUPPRESSED:
            return SUPPRESSED
        true_num, true_den = row.values.get(column.numerator), row.values.get(column.denominator)
        if not isinstance(true_num, int) or not isinstance(true_den, int):
            return SUPPRESSED
        if true_den == 0:
            return NOT_APPLICABLE
        if true_den < s.min_cases_for_statistic:
            return SUPPRESSED
        return round(true_num * column.per / true_den, 1)
    if column.kind == "days":
        raw = row.values.get(column.key)
        n = row.values.get(column.n_column) if column.n_column else None
        if raw is None:
            return NOT_APPLICABLE
        if isinstance(n, int) and n < s.min_cases_for_statistic:
            return SUPPRESSED
        assert isinstance(raw, int | float)
        return round(raw)
    return row.values.get(column.key)


def publish(table: StatTable, s: DisclosureSettings) -> StatTable:
    """A copy of ``table`` fit for people without access to records."""
    if table.unavailable or not table.controlled:
        return table
    counts = table.count_columns()
    index = {c.key: i for i, c in enumerate(counts)}
    national = [i for i, r in enumerate(table.rows) if r.national]
    values: list[list[int | None]] = []
    for r in table.rows:
        line: list[int | None] = []
        for c in counts:
            v = r.values.get(c.key)
            line.append(None if v is None else int(v))
        values.append(line)
    grid = Grid(
        values=values,
        groups=[
            ([index[m] for m in g.members], index[g.total] if g.total else None)
            for g in table.groups
        ],
        national_row=national[0] if table.additive and national else None,
        exempt_rows=frozenset(national),
    )
    hidden = suppress(grid, s) if counts else set()
    rows: list[Row] = []
    for ri, r in enumerate(table.rows):
        published: dict[str, Value] = {}
        for c in counts:
            published[c.key] = publish_count(
                values[ri][index[c.key]], (ri, index[c.key]) in hidden, s
            )
        for c in table.columns:
            if c.kind != "count":
                published[c.key] = _derived(c, r, published, s)
        rows.append(
            Row(r.key, r.label, {c.key: published[c.key] for c in table.columns}, r.national)
        )
    notes = [
        *table.notes,
        f"Disclosure control: counts of {s.suppress_min} to {s.suppress_max} below national "
        f"level suppressed (c), other counts rounded to the nearest {s.rounding_base}, "
        "secondary suppression so no suppressed count can be worked out from totals; "
        "k: fewer than half the rounding base but not zero; z: not applicable; "
        "percentages and rates are calculated from the unrounded counts.",
    ]
    return StatTable(
        table.name,
        table.title,
        table.columns,
        rows,
        table.groups,
        notes,
        table.row_header,
        table.additive,
        table.unavailable,
        table.controlled,
    )


def recoverable(grid: Grid, hidden: Iterable[Cell]) -> list[Cell]:
    """Suppressed cells that the published sums would reveal (empty when protected)."""
    return _bridges(_edges(grid), set(hidden))
