"""The word prefilter that spares spaCy most texts is a necessary condition: every
concept whose patterns match a sentence passes its prefilter, on the whole corpus and
on texts where spaCy's tokens differ from the plain words (contractions written
without apostrophes, "'cause", units after numbers, curly quotes)."""

from __future__ import annotations

from pathlib import Path

from clearsight.language import load_rules
from clearsight.language.check import _PLAIN, _chunks, _matchers, _quick_words
from clearsight.language.evaluation import read_corpus, read_labelled
from clearsight.language.nlp import parse, pipeline

HERE = Path(__file__).parent
TRICKY = [
    "She shouldnt have gone back to the flat, she chose to.",
    "She couldnt say no; 'cause she wanted to go, she went willingly.",
    "The 15yo is a rent boy and a regular misper.",
    "He went missing at 5pm with a 19yo man; she's in a relationship with him.",
    "CYP didn’t resist and was willing to meet the men.",
    "The girl didn't fight back and wasn't made to go; he's been sellin sex.",
    "Child A is sexually active with older men who buy her gifts.",
    "YP is prostituting herself in exchange for cannabis.",
    "She wont engage and doesnt want to support police action.",
]


def _texts() -> list[str]:
    texts = [
        s.text
        for part in (
            "development",
            "heldout",
            "independent_tuning",
            "independent_heldout",
            "independent2_tuning",
            "independent3_tuning",
            "independent4_tuning",
        )
        for s in read_corpus(HERE / "corpus" / f"{part}.csv")
    ]
    for name in ("labelled.csv", "generalisation.csv"):
        texts += [e.text for e in read_labelled(HERE / "data" / name)]
    return texts + TRICKY


def test_every_matching_concept_passes_the_prefilter() -> None:
    pack = load_rules()
    matchers = _matchers(pack)
    strings = pipeline().vocab.strings
    checked = 0
    plain_seen = 0
    for text in _texts():
        for start, end in _chunks(text):
            chunk = text[start:end]
            words = _quick_words(chunk)
            plain = _PLAIN.fullmatch(chunk) is not None
            plain_seen += plain
            doc = parse(chunk).doc
            for i, rule in enumerate(pack.rules):
                if any(strings[key] == "r" for key, _, _ in matchers[i](doc)):
                    checked += 1
                    assert rule.may_match(words, plain=plain), (rule.id, chunk)
    assert checked > 300
    assert plain_seen > 300


def test_plain_texts_exclude_what_spacy_splits_otherwise() -> None:
    assert _PLAIN.fullmatch("She's with him; he didn't go (aged 15) - later.")
    for text in ("a 15yo", "y/o", "o'clock", "I'm here", "Zoë", "“quoted”"):
        assert not _PLAIN.fullmatch(text), text
