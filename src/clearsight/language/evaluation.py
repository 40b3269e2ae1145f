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


def predicted(text: str, pack: RulePack | None = None, *, model: bool = False) -> frozenset[str]:
    """Rule ids of the blocking (warning or error) findings for ``text`` (with the
    trained model's findings too when ``model``)."""
    return frozenset(f.rule_id for f in check(text, pack, model=model) if f.blocking)


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


# --- the corpus: labelled sentences by record style and kind ------------------------------

KINDS_BLAMING = ("direct", "variant", "indirect", "relationship")
KINDS_NOT = ("quote", "negation", "legal", "adult", "correct", "meta", "plain")
LABELS = ("blaming", "not")
STYLES = ("police", "intel", "social", "health", "school", "minutes")
_CORPUS_COLUMNS = ["id", "style", "kind", "label", "concept", "text"]


class CorpusError(ValueError):
    """A corpus file that does not follow tests/language/corpus/README.md."""


@dataclass(frozen=True)
class Sentence:
    """One labelled corpus sentence."""

    id: str
    style: str
    kind: str
    blaming: bool
    concept: str
    text: str


def read_corpus(path: Path) -> list[Sentence]:
    """The sentences of a corpus CSV, validated (row, column and reason on error)."""
    out: list[Sentence] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != _CORPUS_COLUMNS:
            raise CorpusError(f"{path}: columns must be {', '.join(_CORPUS_COLUMNS)}")
        for n, row in enumerate(reader, start=2):
            where = f"{path}: row {n}"
            checks = (
                ("style", STYLES),
                ("kind", KINDS_BLAMING + KINDS_NOT),
                ("label", LABELS),
            )
            for column, allowed in checks:
                if row[column] not in allowed:
                    raise CorpusError(
                        f"{where}: column {column}: {row[column]!r} is not one of "
                        f"{', '.join(allowed)}"
                    )
            blaming = row["label"] == "blaming"
            if blaming != bool(row["concept"]):
                raise CorpusError(
                    f"{where}: column concept: a blaming sentence names its "
                    "concept, and only a blaming one"
                )
            out.append(
                Sentence(row["id"], row["style"], row["kind"], blaming, row["concept"], row["text"])
            )
    return out


@dataclass
class KindScore:
    """Sentences of one kind: how many the check got right."""

    right: int = 0
    total: int = 0


@dataclass
class CorpusScore:
    """Sentence-level precision and recall (a sentence is flagged when the check gives
    a warning or error), per kind, and how often the expected concept was named."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    concept_named: int = 0
    kinds: dict[str, KindScore] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def score_corpus(
    sentences: list[Sentence], pack: RulePack | None = None, *, model: bool = False
) -> CorpusScore:
    """Score the check on corpus sentences, with a line per mistake in ``errors`` (the
    rules alone, or with the trained model's findings when ``model``)."""
    result = CorpusScore()
    for s in sentences:
        got = predicted(s.text, pack, model=model)
        kind = result.kinds.setdefault(s.kind, KindScore())
        kind.total += 1
        flagged = bool(got)
        if flagged == s.blaming:
            kind.right += 1
        if flagged and s.blaming:
            result.true_positives += 1
            result.concept_named += s.concept in got
        elif flagged:
            result.false_positives += 1
            result.errors.append(f"FP {s.id} ({s.kind}) {sorted(got)}: {s.text}")
        elif s.blaming:
            result.false_negatives += 1
            result.errors.append(f"FN {s.id} ({s.kind}, {s.concept}): {s.text}")
        else:
            result.true_negatives += 1
    return result
