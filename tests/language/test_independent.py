"""The independent corpus (session 19, tests/language/corpus/README.md): its shape, the
check's precision and recall on its held-out part with floors a little below the
measured figures, and the general mechanisms its tuning part showed were missing,
each tried on sentences of its own (not corpus sentences)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from clearsight.language import check
from clearsight.language.evaluation import (
    KINDS_BLAMING,
    KINDS_NOT,
    STYLES,
    read_corpus,
    score_corpus,
)
from clearsight.language.nlp import normaliser

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Corpus:
    """One independent corpus: its two parts and the floors that fail a regression."""

    name: str
    # (precision, recall) floors a little below what was measured at the end of session 22
    # (benchmarks/README.md): measurements, not targets; the targets (0.95 / 0.90)
    # are not met on any held-out part.
    heldout_floor: tuple[float, float]
    tuning_floor: tuple[float, float]
    # The third corpus was written to "about 300" sentences and has 296.
    min_sentences: int = 300
    # The record styles each part holds: the fourth corpus's voices (custody, YOT, housing,
    # triage, MACE...) include no school record.
    styles: frozenset[str] = frozenset(STYLES)

    @property
    def tuning(self) -> Path:
        return CORPUS / f"{self.name}_tuning.csv"

    @property
    def heldout(self) -> Path:
        return CORPUS / f"{self.name}_heldout.csv"


CORPORA = [
    # First: held-out measured 0.968 / 0.857 (86 then 90 of 105 found) in session 19,
    # 0.969 / 0.886 (93) after session 20's third and fourth rounds, 0.969 / 0.895 (94)
    # after session 21's fifth, 0.970 / 0.914 (96) after session 22's sixth; tuning 1.000.
    Corpus("independent", heldout_floor=(0.95, 0.89), tuning_floor=(0.98, 0.98)),
    # Second: held-out measured 0.912 / 0.660 (62 of 94) in session 19, 0.919 / 0.723 (68)
    # after session 20's third round, 0.921 / 0.745 (70) after its fourth, 0.924 / 0.777
    # (73) after session 21's fifth, 0.926 / 0.798 (75) after session 22's sixth; tuning 1.000.
    Corpus("independent2", heldout_floor=(0.90, 0.77), tuning_floor=(0.97, 0.97)),
    # Third (session 20): held-out measured 0.926 / 0.649 (63 of 97) before the session's
    # rule work, 0.932 / 0.711 (69) after the third round, 0.936 / 0.753 (73) after the
    # fourth, 0.938 / 0.784 (76) after the fifth and the sixth; tuning 1.000 / 1.000.
    Corpus(
        "independent3", heldout_floor=(0.91, 0.76), tuning_floor=(0.97, 0.97), min_sentences=290
    ),
    # Fourth (session 20, new voices, no school record): held-out measured 0.944 / 0.691
    # (67 of 97) before the round's rule work, 0.946 / 0.722 (70) after, 0.947 / 0.742 (72)
    # after the fifth round, 0.947 / 0.732 (71) at the start of the sixth and 0.947 / 0.742
    # (72) after it; tuning 0.950 / 0.750 before, 1.000 / 1.000 after.
    Corpus(
        "independent4",
        heldout_floor=(0.92, 0.72),
        tuning_floor=(0.97, 0.97),
        styles=frozenset(STYLES) - {"school"},
    ),
    # Fifth (session 21, new voices): held-out measured 0.938 / 0.728 (75 of 103) before
    # the round's rule work and 0.950 / 0.738 (76) after, 0.951 / 0.748 (77) after session
    # 22's sixth; tuning 0.951 / 0.690 before, 0.988 / 0.976 after, 0.988 / 0.988 after the
    # sixth.
    Corpus("independent5", heldout_floor=(0.93, 0.73), tuning_floor=(0.97, 0.97)),
    # Sixth (session 22, new voices): held-out measured 0.916 / 0.745 (76 of 102) before the
    # round's rule work and 0.919 / 0.775 (79) after; tuning 0.923 / 0.800 before, 1.000 /
    # 1.000 after.
    Corpus("independent6", heldout_floor=(0.90, 0.76), tuning_floor=(0.98, 0.98)),
]


def blocking(text: str) -> list[str]:
    # The concepts' probes: the rules alone (the trained model, on by default, has its
    # own tests; its flags on these probes are counted in benchmarks/README.md).
    return [f.rule_id for f in check(text, model=False) if f.blocking]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_independent_corpus_shape(corpus: Corpus) -> None:
    tuning, held = read_corpus(corpus.tuning), read_corpus(corpus.heldout)
    everything = tuning + held
    assert len(everything) >= corpus.min_sentences
    assert len(held) >= 0.55 * len(everything)
    assert len({s.text for s in everything}) == len(everything), "duplicate sentences"
    assert len({s.id for s in everything}) == len(everything), "duplicate ids"
    others = read_corpus(CORPUS / "development.csv") + read_corpus(CORPUS / "heldout.csv")
    for other in CORPORA:
        if other != corpus:
            others += read_corpus(other.tuning) + read_corpus(other.heldout)
    assert not {s.text for s in others} & {s.text for s in everything}, "shared sentences"
    for part in (tuning, held):
        assert {s.style for s in part} == set(corpus.styles)
        assert {s.kind for s in part} == set(KINDS_BLAMING + KINDS_NOT)
        assert 0.45 <= sum(s.blaming for s in part) / len(part) <= 0.65


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_independent_heldout_floors(corpus: Corpus) -> None:
    """A regression fails. Rule work must not read this part's mistakes, so the failure
    message does not print them."""
    result = score_corpus(read_corpus(corpus.heldout))
    assert result.true_positives > 0
    assert result.precision >= corpus.heldout_floor[0], "held-out precision fell"
    assert result.recall >= corpus.heldout_floor[1], "held-out recall fell"


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_independent_tuning_floors(corpus: Corpus) -> None:
    result = score_corpus(read_corpus(corpus.tuning))
    report = "\n".join(result.errors)
    assert result.true_positives > 0
    assert result.precision >= corpus.tuning_floor[0], report
    assert result.recall >= corpus.tuning_floor[1], report


# --- the mechanisms, on sentences of their own ----------------------------------------------


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("sellin", "sell"), ("goin", "go"), ("meetin", "meet"), ("puttin", "put")],
)
def test_dropped_g_reads_as_the_ing_form(word: str, lemma: str) -> None:
    assert normaliser()(word) == lemma


@pytest.mark.parametrize("word", ["ruin", "robin", "cousin", "within", "begin", "violin"])
def test_words_ending_in_in_are_left_alone(word: str) -> None:
    assert normaliser()(word) == word


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("yp (14) been sellin sex at the truck stop", "engaging-in-prostitution"),
        ("Her statement is not credible in view of her past allegations.", "credibility-history"),
        ("The girl, 15, didn't fight back, so no offence was recorded.", "willing"),
        ("The 14 year old never said no to the men.", "willing"),
        ("She has been bringing younger girls to the flat; she is 14.", "recruited-working-for"),
        ("He introduced new boys to the olders; he is 15.", "recruited-working-for"),
        ("He runs off because he likes it there; he is 13.", "chose-to"),
        ("The pupil, 14, participated in sexual activity with two adults.", "sexually-active"),
        ("The videos had been self-generated by the 12 year old.", "sending-images"),
        ("An exploitation-involved young person was seen at the hotel.", "involved-in-cse"),
        ("She invited the older males round to the flat; she is 15.", "seeking-sex"),
        ("She is 14 and in a long-term relationship with a man of 30.", "adult-relationship"),
        ("She was drunk, so what she says should be taken with a pinch of salt.", "drinking-doubt"),
    ],
)
def test_variants_found(text: str, rule: str) -> None:
    assert rule in blocking(text)


@pytest.mark.parametrize(
    "text",
    [
        "Her account is that she was a willing participant.",
        "The suspect's version of events is that she consented.",
        "None of the information suggests the 14 year old chose to go.",
        "Exploitation may occur even where the contact seems to be consensual.",
        "He chose to give his evidence by live link from the SARC.",
        "The suspect engaged in sexual activity with the 14 year old.",
        "The adult male, 40, engaged in sex with the girl, 13.",
        "What she says about the men has been consistent throughout.",
        "She has been shouted at by the older girls at school.",
    ],
)
def test_context_and_exceptions_raise_nothing(text: str) -> None:
    assert blocking(text) == []


def test_term_as_a_duration_is_not_training_text() -> None:
    found = check("Over the summer term she was a regular misper; she is 14.")
    assert [(f.rule_id, f.severity) for f in found] == [("regular-misper", "warning")]


def test_a_doubt_before_the_match_is_not_a_negation() -> None:
    assert blocking("The account of the girl, 15, is not reliable given her history.") == [
        "credibility-history"
    ]
    assert blocking("Her history does not make her account any less credible.") == []
