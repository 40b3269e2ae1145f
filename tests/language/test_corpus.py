"""The labelled corpus (tests/language/corpus): its shape, and the check's precision and
recall on the development part and on the held-out part, which rule writing never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearsight.language.evaluation import (
    KINDS_BLAMING,
    KINDS_NOT,
    STYLES,
    CorpusError,
    read_corpus,
    score_corpus,
)

CORPUS = Path(__file__).parent / "corpus"


def test_corpus_shape() -> None:
    dev = read_corpus(CORPUS / "development.csv")
    held = read_corpus(CORPUS / "heldout.csv")
    everything = dev + held
    assert len(everything) >= 400
    assert len(held) >= 0.4 * len(everything)
    assert len({s.text for s in everything}) == len(everything), "duplicate sentences"
    assert len({s.id for s in everything}) == len(everything), "duplicate ids"
    for part in (dev, held):
        assert {s.style for s in part} == set(STYLES)
        assert {s.kind for s in part} == set(KINDS_BLAMING + KINDS_NOT)
        assert 0.4 <= sum(s.blaming for s in part) / len(part) <= 0.7


def test_bad_corpus_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,style,kind,label,concept,text\nX1,police,direct,maybe,,Some text.\n", encoding="utf-8"
    )
    with pytest.raises(CorpusError, match=r"bad\.csv: row 2: column label: 'maybe'"):
        read_corpus(path)


@pytest.mark.parametrize("part", ["development.csv", "heldout.csv"])
def test_precision_and_recall(part: str) -> None:
    """The targets of issue 19 on each part: precision >= 0.95, recall >= 0.90."""
    result = score_corpus(read_corpus(CORPUS / part))
    report = "\n".join(result.errors)
    assert result.true_positives > 0
    assert result.precision >= 0.95, report
    assert result.recall >= 0.90, report
