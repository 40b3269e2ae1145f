"""The pattern compiler: lemmas, slots, alternatives, optional items, gaps, hyphens,
spelling variants; and bad patterns refused with a reason."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from clearsight.language.nlp import parse, pipeline
from clearsight.language.patterns import Compiler, PatternError
from clearsight.language.rules import _tokenize

SLOTS = {"self": "{herself|himself|themselves}", "loop": "<loop>", "obj": "{her|him}"}


def matches(pattern: str, text: str) -> list[str]:
    matcher = Matcher(pipeline().vocab)
    matcher.add("p", Compiler(SLOTS, _tokenize).compile(pattern))
    parsed = parse(text)
    spans = [parsed.doc[s:e] for _, s, e in matcher(parsed.doc)]
    # longest non-overlapping, as the check keeps them
    kept: list[tuple[int, int, str]] = []
    for sp in sorted(spans, key=lambda sp: (sp.start - sp.end, sp.start)):
        if all(sp.end <= a or b <= sp.start for a, b, _ in kept):
            start, end = parsed.chars(sp.start, sp.end)
            kept.append((sp.start, sp.end, text[start:end]))
    return [t for _, _, t in sorted(kept)]


def test_lemmas_cover_inflections_and_case() -> None:
    p = "put <self> at risk"
    assert matches(p, "She is Putting Herself at risk.") == ["Putting Herself at risk"]
    assert matches(p, "they put themselves at risk") == ["put themselves at risk"]
    assert matches(p, "he puts himself at risk") == ["puts himself at risk"]
    assert matches(p, "placing her at risk") == []
    assert matches("chose to", "She chooses to go; they chose to; he is choosing to") == [
        "chooses to",
        "chose to",
        "choosing to",
    ]


def test_spelling_variants_and_misspellings() -> None:
    assert matches("sexualised behaviour", "sexualized behaviors") == ["sexualized behaviors"]
    assert matches("promiscuous", "described as promiscous") == ["promiscous"]


def test_hyphen_between_words_is_optional() -> None:
    assert matches("child prostitute", "a child-prostitute and a child prostitute") == [
        "child-prostitute",
        "child prostitute",
    ]
    assert matches("attention-seeking", "attention seeking") == ["attention seeking"]


def test_optional_alternative_and_item() -> None:
    assert matches("{fully|} willing", "was fully willing") == ["fully willing"]
    assert matches("{fully|} willing", "was willing") == ["willing"]
    assert matches("very? willing", "very willing") == ["very willing"]


def test_gap_stays_in_the_clause() -> None:
    p = "put <self> ~2 at risk"
    assert matches(p, "puts herself repeatedly at risk") == ["puts herself repeatedly at risk"]
    assert matches(p, "puts herself one two three at risk") == []
    assert matches(p, "puts herself, at risk") == []
    assert matches("drink ~~8 doubt", "She was drunk, which casts doubt") == [
        "drunk, which casts doubt"
    ]


def test_exact_word_and_number() -> None:
    assert matches("=chose", "she chose; she chooses") == ["chose"]
    assert matches("a # year old man", "a 24-year-old man") == ["a 24-year-old man"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{a|b", "unbalanced"),
        ("a}", "unbalanced"),
        ("<nope> x", "unknown slot"),
        ("<loop>", "refers to itself"),
        ("{|}", "no alternatives"),
        ("~2 word", "start or end with a gap"),
        ("word ~13 word", "gap"),
        ("a<b", "malformed"),
        ("{a|}", "can match nothing"),
    ],
)
def test_bad_patterns(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        Compiler(SLOTS, _tokenize).compile(pattern)


def test_an_optional_word_is_one_token_with_the_optional_operator() -> None:
    """A slot of optional words ("{the|these}? {older}? man") stays one sequence, not
    one per combination, and still matches with and without each word."""
    compiler = Compiler(SLOTS, _tokenize)
    assert len(compiler.compile("{the|these}? older? man")) == 1
    assert compiler.compile("older? man")[0][0]["OP"] == "?"
    p = "with {the|these}? older? man"
    assert matches(p, "with the older man") == ["with the older man"]
    assert matches(p, "with these men") == ["with these men"]
    assert matches(p, "with men") == ["with men"]
    assert matches(p, "with the boy") == []
