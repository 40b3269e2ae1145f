"""A Fellegi-Sunter model over token agreements, trained without labels.

Each pair of people of different forces has one level per comparison
(``identifiers.COMPARISONS``): the strongest kind of token they share, "else" when both
hold that kind and none agrees, or null when either holds none. A pair's evidence is
the sum over its non-null comparisons of log2(m/u), m being a level's probability among
pairs of one person and u among pairs of two people; its match probability follows with
the prior. Trained as Splink trains, without labels:

1. u from pairs of people of one force: each force's own linkage has already merged
   the records of one person into one entity, so two people of one force are two
   different people, and the share of those pairs sharing a token of a level is that
   level's u (they share an area more often than strangers of two forces, so the u of
   place comparisons is if anything too high: conservative);
2. m by expectation maximisation with u fixed, in sessions: among the pairs sharing a
   name with a full birth date, the m of the date-with-place and identifier
   comparisons; among the pairs sharing an NHS number, phone or email (else a birth
   date with a postcode), the m of the name comparisons. A comparison is never
   estimated on pairs selected by its own agreement;
3. the prior as the linkage stage takes it: pairs agreeing on name and full birth date
   or on NHS number, at an assumed recall, over all pairs of people of two forces.

A level's weight is capped at the weight of every stronger level of its comparison
(``Model.weights``).

Patterns are few (levels multiply, candidates repeat them), so training is over pattern
counts and costs nothing next to finding the candidates.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

NULL = -1
ITERATIONS = 200
TOLERANCE = 1e-8
# Pseudo-count added to every level's expected count among matches: a level not seen
# in a session keeps a small probability rather than an infinite negative weight.
PSEUDO_COUNT = 0.5
# Smallest u of "else".
MIN_U = 1e-12
# Fewer candidate pairs than this in an EM session estimate nothing: each level's m would
# be mostly its pseudo-count. The comparisons it would have estimated take the measured
# defaults (``data/default_m.yaml``) instead. Sessions of the federation benchmark hold
# 21 to 360 pairs; a first import of three forces sharing three people held none.
MIN_SESSION_PAIRS = 10
ESTIMATED, DEFAULT, UNINFORMED, GIVEN = "estimated", "default", "m = u", "given"

Patterns = npt.NDArray[np.int64]
Counts = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Model:
    comparisons: tuple[str, ...]
    # Per comparison, per level (0 = else, then weakest to strongest agreement).
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior: float
    # Comparisons whose disagreement is no evidence (weight 0 at "else").
    one_sided: tuple[bool, ...] = ()
    # Where each comparison's m came from: ESTIMATED from this import, the measured
    # DEFAULT, or UNINFORMED (no default either: the comparison counts for nothing).
    m_source: tuple[str, ...] = ()

    def weights(self) -> list[list[float]]:
        """log2(m/u) of every level, no level above any stronger level of its comparison.

        Levels are ordered by how much of the identity agrees, so a weaker level is no
        stronger evidence than a stronger one (a monotone likelihood ratio). An estimate
        that says otherwise comes from levels too rare to estimate: a level that no pair
        of one force reached has u at its floor of one pair, and one that no match of its
        EM session reached has the pseudo-count's m; the ratio of two floors says nothing
        of the level, yet unchecked it can outweigh every level above it.
        """
        weights = []
        for c, (m, u) in enumerate(zip(self.m, self.u, strict=True)):
            raw = [math.log2(mi / ui) for mi, ui in zip(m, u, strict=True)]
            if c < len(self.one_sided) and self.one_sided[c]:
                raw[0] = 0.0
            capped = raw[:]
            for level in range(len(raw) - 2, -1, -1):
                capped[level] = min(raw[level], capped[level + 1])
            weights.append(capped)
        return weights

    def evidence(self, pattern: Sequence[int]) -> float:
        """Sum of the log2 Bayes factors of the non-null comparisons."""
        w = self.weights()
        return sum(w[c][level] for c, level in enumerate(pattern) if level != NULL)

    def probability(self, pattern: Sequence[int]) -> float:
        odds = math.log2(self.prior / (1 - self.prior)) + self.evidence(pattern)
        return 1 / (1 + 2 ** (-max(min(odds, 1000.0), -1000.0)))

    def source(self, c: int) -> str:
        """Where comparison ``c``'s m came from; GIVEN for a model built by hand."""
        return self.m_source[c] if c < len(self.m_source) else GIVEN

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def u_probabilities(agreeing: Sequence[float], comparable: float) -> npt.NDArray[np.float64]:
    """u of each level from the number of pairs of two people sharing a token of each
    agreement level (weakest first) among ``comparable`` pairs (both hold the kind);
    "else" takes the rest. No fewer than one pair: a level no two people reached here
    is still not proof."""
    total = max(comparable, 1.0)
    agree = np.maximum(np.array(agreeing, dtype=np.float64), 1.0) / total
    return np.concatenate([[max(1.0 - agree.sum(), MIN_U)], agree])


def _initial_m(n_levels: int) -> npt.NDArray[np.float64]:
    # Matches start at the strong levels, so EM keeps "one person" as its first class.
    rising = np.array([2.0**j for j in range(n_levels)], dtype=np.float64)
    return np.asarray(rising / rising.sum(), dtype=np.float64)


def em_session(
    patterns: Patterns,
    counts: Counts,
    u: Sequence[npt.NDArray[np.float64]],
    active: Sequence[int],
    *,
    share: float = 0.5,
) -> tuple[dict[int, npt.NDArray[np.float64]], float]:
    """EM with u fixed over the ``active`` comparisons of the pairs of one block: their
    m and the share of the block that matches."""
    m = {c: _initial_m(len(u[c])) for c in active}
    for _ in range(ITERATIONS):
        log_ratio = np.full(len(patterns), math.log(share / (1 - share)))
        for c in active:
            levels = patterns[:, c]
            seen = levels != NULL
            log_ratio[seen] += np.log(m[c][levels[seen]]) - np.log(u[c][levels[seen]])
        p = 1 / (1 + np.exp(-np.clip(log_ratio, -700, 700)))
        new_share = float((counts * p).sum() / counts.sum())
        change = abs(new_share - share)
        for c in active:
            levels = patterns[:, c]
            seen = levels != NULL
            expected = np.full(len(u[c]), PSEUDO_COUNT)
            np.add.at(expected, levels[seen], (counts * p)[seen])
            new = expected / expected.sum()
            change = max(change, float(np.abs(new - m[c]).max()))
            m[c] = new
        share = min(max(new_share, 1e-6), 1 - 1e-6)
        if change < TOLERANCE:
            break
    return m, share


def train(
    comparisons: Sequence[str],
    u: Sequence[npt.NDArray[np.float64]],
    sessions: Sequence[tuple[npt.NDArray[np.bool_], Sequence[int]]],
    patterns: Patterns,
    counts: Counts,
    prior: float,
    one_sided: Sequence[bool] = (),
    defaults: Mapping[str, Sequence[float]] | None = None,
) -> Model:
    """m from EM sessions, each a block of the candidate patterns and the comparisons it
    estimates; a later session does not overwrite an earlier estimate. A session of
    fewer than ``MIN_SESSION_PAIRS`` pairs estimates nothing; a comparison no session
    estimated takes its m from ``defaults``, else counts for nothing (m = u)."""
    m: dict[int, npt.NDArray[np.float64]] = {}
    for block, active in sessions:
        if counts[block].sum() >= MIN_SESSION_PAIRS:
            estimated, _ = em_session(patterns[block], counts[block], u, active)
            for c, values in estimated.items():
                m.setdefault(c, values)
    source = [ESTIMATED if c in m else UNINFORMED for c in range(len(comparisons))]
    for c, name in enumerate(comparisons):
        if c in m:
            continue
        if defaults is not None and name in defaults:
            m[c] = np.asarray(defaults[name], dtype=np.float64)
            source[c] = DEFAULT
        else:
            m[c] = np.asarray(u[c], dtype=np.float64)
    return Model(
        comparisons=tuple(comparisons),
        m=tuple(tuple(float(f"{float(x):.9g}") for x in m[c]) for c in range(len(comparisons))),
        u=tuple(tuple(float(f"{float(x):.9g}") for x in row) for row in u),
        prior=float(f"{min(max(prior, 1e-15), 0.5):.9g}"),
        one_sided=tuple(one_sided),
        m_source=tuple(source),
    )


DEFAULTS_FILE = "default_m.yaml"


def default_m(levels: Mapping[str, Sequence[str]]) -> dict[str, tuple[float, ...]]:
    """The measured default m of every comparison, checked against ``levels`` (each
    comparison's level names, "else" first) and renormalised to sum to one.

    A file that names another comparison, another level or another number of levels is
    an error here, at load, not a silently shifted model.
    """
    import yaml

    text = resources.files("clearsight.federation").joinpath("data", DEFAULTS_FILE).read_text()
    document = yaml.safe_load(text)
    given = document.get("comparisons") or {}
    if set(given) != set(levels):
        raise ValueError(
            f"{DEFAULTS_FILE}: comparisons {sorted(given)} differ from the model's {sorted(levels)}"
        )
    out: dict[str, tuple[float, ...]] = {}
    for name, expected in levels.items():
        rows = given[name]
        names = [str(level) for level, _ in rows]
        if names != list(expected):
            raise ValueError(f"{DEFAULTS_FILE}: {name} has levels {names}, not {list(expected)}")
        values = [float(value) for _, value in rows]
        if not all(0 < v < 1 for v in values):
            raise ValueError(f"{DEFAULTS_FILE}: {name} has an m outside (0, 1): {values}")
        total = sum(values)
        out[name] = tuple(v / total for v in values)
    return out
