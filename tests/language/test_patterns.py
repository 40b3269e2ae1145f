"""The pattern compiler: slots, alternatives, optional words, gaps, boundaries."""

from __future__ import annotations

import re

import pytest

from clearsight.language.patterns import PatternError, compile_patterns, to_regex

SLOTS = {"self": "{herself|himself|themselves}", "loop": "<loop>", "obj": "{her|him}"}


def matches(pattern: str, text: str) -> list[str]:
    return [m.group(0) for m in compile_patterns([pattern], SLOTS).finditer(text)]


def test_alternatives_slots_and_case() -> None:
    p = "{put|puts|putting|placed|placing} <self> at risk"
    assert matches(p, "She is Placing Herself at risk.") == ["Placing Herself at risk"]
    assert matches(p, "they puts themselves at risk") == ["puts themselves at risk"]
    assert matches(p, "placing her at risk") == []


def test_optional_alternative() -> None:
    p = "{fully|} willing"
    assert matches(p, "was fully willing") == ["fully willing"]
    assert matches(p, "was willing") == ["willing"]


def test_gap_allows_words_but_not_punctuation() -> None:
    p = "puts <self> ~2 at risk"
    assert matches(p, "puts herself repeatedly at risk") == ["puts herself repeatedly at risk"]
    assert matches(p, "puts herself one two at risk") == ["puts herself one two at risk"]
    assert matches(p, "puts herself one two three at risk") == []
    assert matches(p, "puts herself. At risk") == []


def test_hyphen_apostrophe_and_number() -> None:
    assert matches("attention-seeking", "attention seeking and attentionseeking") == [
        "attention seeking",
        "attentionseeking",
    ]
    assert matches("harm's way", "in harm’s way") == ["harm’s way"]
    assert matches("a #-year-old man", "a 24-year-old man") == ["a 24-year-old man"]


def test_word_boundaries() -> None:
    assert matches("misper", "mispers misper") == ["misper"]
    assert matches("engaging", "non-engaging") == []
    assert matches("boyfriend", "her boyfriend's car") == ["boyfriend"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{a|b", "unbalanced"),
        ("a}", "unbalanced"),
        ("<nope> x", "unknown slot"),
        ("<loop>", "refers to itself"),
        ("{|}", "no alternatives"),
        ("~2 word", "start with a gap"),
        ("word ~9 word", "gap"),
        ("a<b", "malformed"),
    ],
)
def test_bad_patterns(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        to_regex(pattern, SLOTS)


def test_compiled_regex_is_plain_re() -> None:
    regex = compile_patterns(["older boyfriend", "sugar daddy"], SLOTS)
    assert isinstance(regex, re.Pattern)
    assert regex.flags & re.IGNORECASE
