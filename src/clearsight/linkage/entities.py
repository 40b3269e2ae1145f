"""Consistent entities: union-find over record nodes that refuses inconsistent merges.

Clustering (``clusters.py``) follows links strongest first; each merge is checked here:
an entity never holds two NHS numbers, birth years or full birth dates that no
recording error explains as one person's.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from clearsight.partition import DisjointSets, components

T = TypeVar("T")


def nhs_close(a: str, b: str) -> bool:
    """Equal, or one keyed digit apart (the comparison's "one keyed error")."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    i = diff[0] if len(diff) == 2 else -1
    return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]


def same_date(a: str, b: str) -> bool:
    """One birth date as keyed: equal, day and month transposed, or one keystroke apart."""
    return nhs_close(a, b) or a == f"{b[:5]}{b[8:10]}-{b[5:7]}"


def years_close(a: int, b: int) -> bool:
    """Within two years (each record a year out), or one digit keyed wrongly."""
    if abs(a - b) <= 2:
        return True
    sa, sb = f"{a:04d}", f"{b:04d}"
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def present(column: Any) -> list[Any]:
    """A fetched column as a list, NULLs (masked entries) as None."""
    if isinstance(column, np.ma.MaskedArray):
        return [
            None if m else v
            for v, m in zip(column.data.tolist(), np.ma.getmaskarray(column).tolist(), strict=True)
        ]
    return list(column.tolist())


def _held(merged: dict[int, set[T]], own: dict[int, T], root: int) -> set[T] | None:
    """A root's values: the set made when it absorbed others, else its own value."""
    held = merged.get(root)
    if held is not None:
        return held
    value = own.get(root)
    return {value} if value is not None else None


class Entities:
    """Union-find over record nodes that keeps every entity consistent.

    An entity never holds two NHS numbers more than one keystroke apart, nor
    (unless the link's NHS numbers agree) two birth years that no recording
    error explains, nor both records of an analyst's cannot-link. Single linkage
    otherwise chains: A-B and B-C each plausible, A and C plainly two people.

    Nor does a link join two entities that each hold full birth dates, none of one
    the same date as keyed as any of the other (equal, day and month transposed,
    one keystroke apart), unless the link's own two records both hold full dates
    (the model weighed those two dates against each other) or its NHS numbers
    agree. One person's records carry one birth date as keyed; a record with a
    year only, or none, fits two namesakes born months apart, and a chain through
    it would join them without their dates ever being compared.
    """

    def __init__(
        self,
        n: int,
        identity: dict[str, Any],
        cannot: list[tuple[int, int]],
    ) -> None:
        self.n = n
        self.sets = DisjointSets(n)
        # Bound once: linkage finds roots millions of times at 1M records.
        self.find = self.sets.find
        # Records per root: two single records merge without a consistency check.
        self.size = [1] * n
        # Cannot-link partners per root; only roots holding constraints appear.
        self.apart: dict[int, set[int]] = {}
        for a, b in cannot:
            self.apart.setdefault(int(a), set()).add(int(b))
            self.apart.setdefault(int(b), set()).add(int(a))
        # Each record's own NHS number and birth year; the sets of a root that
        # has absorbed others are made on merge (a million singleton sets cost
        # seconds at 1M records).
        self.nhs: dict[int, set[str]] = {}
        self.years: dict[int, set[int]] = {}
        self.dates: dict[int, set[str]] = {}
        nodes = identity["node"].tolist()
        numbers = present(identity["nhs_number"])
        years = present(identity["dob_y"])
        dates = present(identity["dob"])
        self.own_nhs: dict[int, str] = {
            node: str(v) for node, v in zip(nodes, numbers, strict=True) if v is not None
        }
        self.own_year: dict[int, int] = {
            node: int(v) for node, v in zip(nodes, years, strict=True) if v is not None
        }
        self.own_date: dict[int, str] = {
            node: str(v) for node, v in zip(nodes, dates, strict=True) if v is not None
        }

    def _nhs_of(self, root: int) -> set[str] | None:
        return _held(self.nhs, self.own_nhs, root)

    def _years_of(self, root: int) -> set[int] | None:
        return _held(self.years, self.own_year, root)

    def _dates_of(self, root: int) -> set[str] | None:
        return _held(self.dates, self.own_date, root)

    def roots(self) -> list[int]:
        """Every node's root."""
        return self.sets.roots()

    def _consistent(self, a: int, b: int, ra: int, rb: int, nhs_agrees: bool) -> bool:
        # The link's own two records were weighed by the model and the guards;
        # only what the merge adds beyond them is checked here.
        na, nb = self._nhs_of(ra), self._nhs_of(rb)
        pa_, pb_ = self.own_nhs.get(a), self.own_nhs.get(b)
        if na and nb:
            pairs = ((x, y) for x in na for y in nb)
            if not all(nhs_close(x, y) or (x == pa_ and y == pb_) for x, y in pairs):
                return False
        if nhs_agrees:
            return True
        ya, yb = self._years_of(ra), self._years_of(rb)
        qa, qb = self.own_year.get(a), self.own_year.get(b)
        if (
            ya
            and yb
            and not all(years_close(x, y) or (x == qa and y == qb) for x in ya for y in yb)
        ):
            return False
        da, db = self._dates_of(ra), self._dates_of(rb)
        weighed = a in self.own_date and b in self.own_date
        return weighed or not da or not db or any(same_date(x, y) for x in da for y in db)

    def kept_apart(self, ra: int, rb: int) -> bool:
        ca, cb = self.apart.get(ra), self.apart.get(rb)
        if ca and any(self.find(x) == rb for x in ca):
            return True
        return bool(cb and any(self.find(x) == ra for x in cb))

    def follow(
        self, a: np.ndarray, b: np.ndarray, checked: np.ndarray, nhs_agrees: np.ndarray
    ) -> list[tuple[int, int]]:
        """``merge`` along every link, in the order given; return the links refused.

        The same entities as merging link by link: where the records a chain of links
        joins hold one NHS number, one full birth date and birth years within two of
        each other, and no cannot-link, every merge along it passes (``_consistent``
        finds nothing to refuse), so such a set is joined whole, in arrays. Only the
        sets whose records disagree somewhere are merged link by link: at 1M records
        most entities agree throughout, and a Python merge per link cost seconds.
        """
        label = components(self.n, a, b)
        mixed = self._mixed(label)
        self._join_whole(label, mixed)
        slow = mixed[label[a]]
        refused = []
        for x, y, c, agrees in zip(
            a[slow].tolist(),
            b[slow].tolist(),
            checked[slow].tolist(),
            nhs_agrees[slow].tolist(),
            strict=True,
        ):
            if not self.merge(x, y, checked=c, nhs_agrees=agrees):
                refused.append((x, y))
        return refused

    def _mixed(self, label: np.ndarray) -> np.ndarray:
        """Per set label: whether its records hold values a merge might refuse (two NHS
        numbers, two full birth dates, birth years more than two apart) or an analyst's
        cannot-link lies inside it."""
        mixed = np.zeros(self.n, dtype=bool)
        for own in (self.own_nhs, self.own_date):
            nodes, values = _columns(own)
            codes = np.unique(values, return_inverse=True)[1]
            pairs = np.unique(np.stack([label[nodes], codes]), axis=1)
            sets, counts = np.unique(pairs[0], return_counts=True)
            mixed[sets[counts > 1]] = True
        nodes, years = _columns(self.own_year)
        low = np.full(self.n, np.iinfo(np.int64).max, dtype=np.int64)
        high = np.full(self.n, np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(low, label[nodes], years)
        np.maximum.at(high, label[nodes], years)
        dated = np.zeros(self.n, dtype=bool)
        dated[label[nodes]] = True
        # Years within two of each other are close whatever else (``years_close``).
        mixed[dated] |= high[dated] - low[dated] > 2
        for x, partners in self.apart.items():
            if any(label[x] == label[y] for y in partners):
                mixed[label[x]] = True
        return mixed

    def _join_whole(self, label: np.ndarray, mixed: np.ndarray) -> None:
        """Join each set that ``_mixed`` clears under its smallest record, its values
        held at that root as ``merge`` would hold them (``_held``)."""
        whole = (label != np.arange(self.n)) & ~mixed[label]
        nodes = np.flatnonzero(whole)
        if not len(nodes):
            return
        parent = self.sets.parent
        for node, root in zip(nodes.tolist(), label[nodes].tolist(), strict=True):
            parent[node] = root
        sets, counts = np.unique(label[nodes], return_counts=True)
        size = self.size
        for root, count in zip(sets.tolist(), counts.tolist(), strict=True):
            size[root] += count
        for merged, own in ((self.nhs, self.own_nhs), (self.dates, self.own_date)):
            # One value per set: a root with none of its own is given its members'.
            with_value, values = _columns(own)
            has = np.zeros(self.n, dtype=bool)
            has[with_value] = True
            given = whole[with_value] & ~has[label[with_value]]
            for root, value in zip(
                label[with_value[given]].tolist(), values[given].tolist(), strict=True
            ):
                merged[root] = {value}
        # Up to three birth years per set: a root holds the set of them unless its own
        # year is the only one.
        dated, years = _columns(self.own_year)
        own_year = np.full(self.n, np.iinfo(np.int64).min, dtype=np.int64)
        own_year[dated] = years
        roots = label[dated]
        other = ~mixed[roots] & (own_year[roots] != years)
        pairs = np.unique(np.stack([roots[other], years[other]]), axis=1)
        for root, year in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            held = self.years.get(root)
            if held is None:
                held = self.years[root] = set()
                if root in self.own_year:
                    held.add(self.own_year[root])
            held.add(year)
        for x in [x for x in self.apart if self.find(x) != x]:
            root = self.find(x)
            self.apart[root] = self.apart.get(root, set()) | self.apart.pop(x)

    def merge(self, a: int, b: int, *, checked: bool, nhs_agrees: bool) -> bool:
        """Join the entities of ``a`` and ``b`` unless that breaks consistency.

        ``checked`` is false for an analyst's accept: an analyst may merge what the
        identifiers contradict. False when the merge would make an inconsistent
        entity (an analyst's cannot-link is not that: it is already decided).
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        # Two single records hold nothing beyond the link's own two, which the
        # model and the guards weighed: most merges at 1M records, checked for
        # nothing (the check cost about 5 s there).
        alone = self.size[ra] == 1 and self.size[rb] == 1
        if checked and not alone and not self._consistent(a, b, ra, rb, nhs_agrees):
            return False
        if self.apart and self.kept_apart(ra, rb):
            return True
        # The larger entity stays the root and takes the smaller one's values in place:
        # at 1M records copying the larger set on every merge cost seconds.
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.sets.link(ra, rb)
        self.size[ra] += self.size[rb]
        _absorb(self.nhs, self.own_nhs, ra, rb)
        _absorb(self.years, self.own_year, ra, rb)
        _absorb(self.dates, self.own_date, ra, rb)
        if joined := (self.apart.pop(ra, set()) | self.apart.pop(rb, set())):
            self.apart[ra] = joined
        return True


def _columns(own: dict[int, T]) -> tuple[np.ndarray, np.ndarray]:
    """A node-to-value map as two arrays, nodes and values."""
    return np.fromiter(own.keys(), dtype=np.int64, count=len(own)), np.array(list(own.values()))


def _absorb(merged: dict[int, set[T]], own: dict[int, T], keep: int, other: int) -> None:
    """Root ``keep``'s values take root ``other``'s (``_held``), which then holds none."""
    moved = merged.pop(other, None)
    if moved is None:
        value = own.get(other)
        if value is None:
            return
        moved = {value}
    held = merged.get(keep)
    if held is None:
        value = own.get(keep)
        merged[keep] = moved if value is None else moved | {value}
    else:
        held |= moved
