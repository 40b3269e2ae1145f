"""The shape every statistic takes: a table of areas (plus the national row) by columns.

Counts are additive by construction (each person, network or case has one primary area), so
the national row is the sum of the area rows and disclosure control can reason about totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["count", "percent", "rate", "days", "text"]
Value = int | float | str | None
NATIONAL_KEY = "england-and-wales"
NATIONAL_LABEL = "England and Wales"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "count"
    # percent and rate: computed from published numerator and denominator counts.
    numerator: str | None = None
    denominator: str | None = None
    per: int = 100
    # days: the count column holding the number of cases behind the figure.
    n_column: str | None = None


@dataclass(frozen=True)
class Group:
    """Count columns whose sum, in every row, is the ``total`` column (None: no total)."""

    members: tuple[str, ...]
    total: str | None = None


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, Value]
    national: bool = False


@dataclass(frozen=True)
class Provenance:
    """What every published table states: definitions, extracts and sources."""

    definitions: tuple[str, ...] = ()
    extract_dates: str = ""
    period: str = ""
    sources_included: tuple[str, ...] = ()
    sources_excluded: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {
            "definition_version": "; ".join(self.definitions) or "none evaluated",
            "extract_dates": self.extract_dates,
            "period": self.period,
            "sources_included": "; ".join(self.sources_included),
            "sources_excluded": "; ".join(self.sources_excluded) or "none",
        }


@dataclass
class StatTable:
    name: str
    title: str
    columns: list[Column]
    rows: list[Row]
    groups: list[Group] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_header: str = "Area"
    # False when the national row is not the sum of the area rows (then it is published
    # under the same rules as an area row).
    additive: bool = True
    unavailable: str | None = None
    # False for counts of records or sources rather than people: published unrounded.
    controlled: bool = True

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def count_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "count"]

    def as_records(self) -> list[dict[str, Value]]:
        return [{"area": r.key, **r.values} for r in self.rows]
