"""What the check keeps between texts (each word's forms, each text's matches, each
chunk's tokens) changes its cost, never its findings."""

from __future__ import annotations

from pathlib import Path

from clearsight.language import load_rules
from clearsight.language.check import check, clear_caches
from clearsight.language.evaluation import read_corpus
from clearsight.language.nlp import normaliser, parse
from clearsight.language.referents import RecordPerson

CORPUS = Path(__file__).parent / "corpus"
PEOPLE = [
    (),
    (RecordPerson("victim", 12), RecordPerson("suspect", 31)),
    (RecordPerson("victim", 16),),
    (RecordPerson("witness", 45), RecordPerson("suspect", 38)),
]
# Words spaCy's tokenizer exceptions split or give a norm of their own, and hyphens.
TOKENIZER_CASES = [
    "She doesn't want to engage 'cause she's gonna see him.",
    "He shouldnt have gone; she cant say no and wont support police action.",
    "The 14-year-old is a child-prostitute, police were told at 5pm.",
    "CYP didn’t resist and was willing to meet the men, y'all said.",
    "She can't and won't; they'll say she's sexually active.",
]


def _findings(texts: list[str], people: tuple[RecordPerson, ...]) -> list[list[object]]:
    pack = load_rules()
    return [[f.as_dict() for f in check(t, pack, people=people)] for t in texts]


def test_a_texts_findings_do_not_depend_on_the_people_it_was_checked_with_before() -> None:
    texts = [s.text for s in read_corpus(CORPUS / "heldout.csv")] + TOKENIZER_CASES
    clear_caches()
    warm = [_findings(texts, people) for people in PEOPLE]
    cold = []
    for people in reversed(PEOPLE):
        clear_caches()
        cold.append(_findings(texts, people))
    assert sum(len(f) for f in warm[0]) > 50
    assert warm != [warm[0]] * len(PEOPLE), "the people change some findings"
    assert warm == list(reversed(cold))


def test_every_token_matches_on_its_words_normalised_form() -> None:
    norm = normaliser()
    seen = 0
    for text in TOKENIZER_CASES:
        for token in parse(text).doc:
            assert token.norm_ == norm(token.text), (text, token.text)
            seen += 1
    assert seen > 60
