"""Precision and recall of the check on a labelled set.

A labelled CSV has columns ``text``, ``expected_rule_ids`` (``;``-separated, empty
for a sentence that should raise nothing) and ``note``. A prediction is a
``warning`` or ``error`` finding; ``info`` findings (quoted or reported words) do
not count. Scores are over (sentence, rule id) pairs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from clearsight.language.check import check
from clearsight.language.rules import RulePack


@dataclass(frozen=True)
class Example:
    text: str
    expected: frozenset[str]
    note: str


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def read_labelled(path: Path) -> list[Example]:
    """The examples of a labelled CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Example(
                text=row["text"],
                expected=frozenset(i.strip() for i in row["expected_rule_ids"].split(";") if i),
                note=row.get("note") or "",
            )
            for row in csv.DictReader(fh)
        ]


def predicted(text: str, pack: RulePack | None = None) -> frozenset[str]:
    """Rule ids of the blocking (warning or error) findings for ``text``."""
    return frozenset(f.rule_id for f in check(text, pack) if f.blocking)


def score(examples: list[Example], pack: RulePack | None = None) -> Score:
    """Pairwise precision and recall, with a line per mistake in ``errors``."""
    result = Score()
    for ex in examples:
        got = predicted(ex.text, pack)
        result.true_positives += len(got & ex.expected)
        for rule_id in sorted(got - ex.expected):
            result.false_positives += 1
            result.errors.append(f"FP {rule_id}: {ex.text}")
        for rule_id in sorted(ex.expected - got):
            result.false_negatives += 1
            result.errors.append(f"FN {rule_id}: {ex.text}")
    return result
