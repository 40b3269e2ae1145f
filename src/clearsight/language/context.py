"""Context around a match: sentences, quotes, reported speech, negation, legal wording
and age cues. This is what lets the check tell a practitioner's own words from a
child's words recorded faithfully, or from an offence title.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# A sentence ends at . ! ? (and any closing quote) before a capital or digit, or at
# a blank line or a line that starts a list item.
_SENTENCE_END = re.compile(
    r"""(?<=[.!?])["'”’)]*\s+(?=["'“‘(]*[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)"""
)

# Quoted spans: "...", “...”, ‘...’ and '...' (a straight single quote opens only
# after a non-word character and closes before one, so apostrophes are not quotes).
_QUOTES = re.compile(
    r"""(?:"[^"\n]*(?:\n[^"\n]+)*"|“[^”]*”|‘.*?’(?![A-Za-z])|(?<![\w])'(?=\S)[^\n]*?(?<=\S)'(?![\w]))""",
    re.DOTALL,
)

# Who is speaking: the child, family, friends, a suspect or witness; not professionals,
# whose labels are exactly what the check is for.
_SPEAKER = (
    r"(?:she|he|they|i|we|the child|the victim|the girl|the boy|the young person|yp|"
    r"(?:(?:her|his|their|the child's|the)\s+)?(?:mother|mum|father|dad|parent|parents|"
    r"stepfather|stepmother|grandmother|grandfather|nan|gran|sister|brother|aunt|uncle|"
    r"cousin|friend|friends|boyfriend|girlfriend|neighbour|suspect|suspects|witness|"
    r"defendant|offender|accused|man|men|male|males))"
)
# Speech: anyone's words reported with a verb of saying.
_SAY = (
    r"(?:said|says|stated|states|explained|explains|claimed|claims|insisted|insists|"
    r"maintained|maintains|replied|replies|added|adds|wrote|writes|texted|messaged|shouted|"
    r"(?:told|tells|telling)(?:\s+(?:me|her|him|them|us|officers|police|staff|"
    r"the officer|the officers|her \w+|his \w+|their \w+))?|"
    r"(?:reported|reports|disclosed|discloses|admitted|admits|explained|described|"
    r"describes)\s+that)"
)
# Labels a person gives: only the child's or family's, friends', suspects' own.
_LABEL = (
    r"(?:describes|described|calls|called|refers to|referred to|considers|considered|sees|saw)"
    r"\s+(?:herself|himself|themselves|him|her|them|it|the man|the men|the male|the adult|"
    r"the \d{1,2}[- ]year[- ]old)(?:\s+as)?"
)
_ADVERB = (
    r"(?:has\s+|had\s+|have\s+|then\s+|later\s+|also\s+|repeatedly\s+|openly\s+|"
    r"clearly\s+|always\s+|often\s+)?"
)
# Reported speech: "she said", "in her words", "according to him"... Everything after
# the cue in the same sentence is treated as the speaker's words.
_REPORTED = re.compile(
    rf"\b[\w'’]+\s+{_ADVERB}{_SAY}\b|\b{_SPEAKER}\s+{_ADVERB}{_LABEL}\b|"
    r"\b(?:in|using)\s+(?:her|his|their|my|the child's|the victim's)\s+(?:own\s+)?words\b|"
    r"\baccording\s+to\s+(?:her|him|them|the child|the victim|the girl|the boy|the young "
    r"person|(?:her|his|their)\s+(?:mother|mum|father|dad|friend|friends|sister|brother))\b",
    re.IGNORECASE,
)
# A speech tag closing the sentence: "..., she said." makes the sentence reported.
_TRAILING_TAG = re.compile(
    rf"[,;:–—-]?[\"'”’]*\s*(?:[\w'’]+\s+){{1,3}}{_ADVERB}{_SAY}(?:\s+\w+){{0,3}}\s*[.!?]?"
    rf"[\"'”’)]*\s*$",
    re.IGNORECASE,
)

# Negation close before a match, in the same clause.
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|without|cannot|can't|couldn't|wouldn't|didn't|doesn't|"
    r"don't|isn't|wasn't|aren't|weren't|hasn't|haven't|hadn't|shouldn't|mustn't|"
    r"unable\s+to|incapable\s+of|incapable|rather\s+than|instead\s+of|"
    r"no\s+(?:evidence|suggestion|indication|sign|reason\s+to\s+believe)\s+(?:that|of)|"
    r"nothing\s+to\s+(?:suggest|indicate|show)|"
    r"avoid(?:s|ed|ing)?|(?:should|must)\s+(?:not|never)\s+be\s+(?:described|called|"
    r"referred\s+to|recorded|labelled|seen|viewed)\s+as|"
    r"do\s+not\s+(?:use|say|describe|write)|don't\s+(?:use|say|describe|write))\b|"
    r"(?<=\w)n't\b",
    re.IGNORECASE,
)
_NEGATION_WINDOW_WORDS = 4
_CLAUSE_BREAK = re.compile(
    r"[;:.!?,()]|\b(?:and|but|however|although|though|yet|so|then|because|while|whilst|"
    r"when|who|which|where|after|before|since|until)\b",
    re.IGNORECASE,
)

# Offence titles and legal wording: a match inside one is not reported.
_OFFENCE_TITLES = re.compile(
    r"\b(?:causing|inciting|causing\s+or\s+inciting|controlling|arranging|facilitating|"
    r"arranging\s+or\s+facilitating|paying\s+for)\s+(?:a\s+)?(?:child\s+)?"
    r"(?:prostitution|pornography|sexual\s+exploitation|sexual\s+activity|"
    r"the\s+sexual\s+(?:services|exploitation)\s+of\s+a\s+child)"
    r"(?:\s+or\s+pornography)?\b|"
    r"\b(?:engaging\s+in\s+)?sexual\s+activity\s+(?:with|in\s+the\s+presence\s+of)\s+a\s+child\b|"
    r"\bchild\s+(?:prostitution|pornography)\s+offences?\b|"
    r"\b(?:possession|possessing|distribution|distributing|making|taking)\s+of\s+"
    r"(?:indecent|prohibited)\s+(?:images|photographs|pseudo-photographs)\b",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"\bcontrary\s+to\s+(?:section|s\.?\s*\d)|\bsexual\s+offences\s+act\b|"
    r"\bprotection\s+of\s+children\s+act\b|\bstreet\s+offences\s+act\b|"
    r"\b(?:section|s\.)\s*\d+[A-Z]?\s+of\s+the\b|\bwas\s+(?:charged|convicted|indicted)\s+with\b|"
    r"\bcharged\s+with\s+(?:the\s+)?offences?\s+of\b|\bthe\s+offence\s+of\b|"
    r"\b(?:on\s+the\s+)?indictment\b|\bcount\s+\d+\b",
    re.IGNORECASE,
)

# Ages in a sentence: "aged 24", "24-year-old", "24 years old", "(24)", "age 24".
_AGE_NUMBER = re.compile(
    r"\b(?:aged|age|ages|is|was|now|turned)\s+(\d{1,2})\b(?!\s*(?:%|times|occasions|days|weeks|"
    r"months|hours|minutes|miles|km|am|pm|:))|"
    r"\b(\d{1,2})\s*[- ]?\s*(?:years?|yrs?|yo)\b(?:[- ]?old)?(?!\s+(?:ago|earlier|later|before|"
    r"after|previously|since))|"
    r"\((\d{1,2})(?:\s*(?:yrs?|years?|yo))?\)",
    re.IGNORECASE,
)
_ADULT_WORDS = re.compile(
    r"\b(?:older|adult|adults|grown[- ]up|grown\s+(?:man|men|woman|women)|"
    r"man|men|male\s+aged|woman\s+aged|age\s+(?:gap|difference)|years\s+(?:older|her\s+senior|"
    r"his\s+senior|their\s+senior)|over\s+18|over\s+eighteen|married|in\s+(?:his|her|their)\s+"
    r"(?:late\s+|early\s+|mid[- ]?)?(?:twenties|thirties|forties|fifties|sixties|20s|30s|40s|"
    r"50s|60s))\b",
    re.IGNORECASE,
)
_UNDER_13_WORDS = re.compile(
    r"\bunder[- ](?:13|thirteen)s?\b|\b(?:primary\s+school|year\s+[3-7])\b|"
    r"\b(?:five|six|seven|eight|nine|ten|eleven|twelve)[- ]years?[- ]old\b|"
    r"\baged\s+(?:five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TextContext:
    """Pre-computed context for one text."""

    text: str
    sentences: tuple[Sentence, ...]
    starts: tuple[int, ...]
    quotes: tuple[tuple[int, int], ...]
    offences: tuple[tuple[int, int], ...]

    def sentence_at(self, pos: int) -> Sentence:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.sentences[max(i, 0)]

    def in_quote(self, start: int, end: int) -> bool:
        return any(qs <= start and end <= qe for qs, qe in self.quotes)

    def in_offence_title(self, start: int, end: int) -> bool:
        return any(os_ < end and start < oe for os_, oe in self.offences)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            out.append(Sentence(pos, m.start(), text[pos : m.start()]))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(Sentence(pos, len(text), text[pos:]))
    return out


def analyse(text: str) -> TextContext:
    """Sentences, quoted spans and offence titles of ``text``."""
    sentences = tuple(split_sentences(text))
    return TextContext(
        text=text,
        sentences=sentences,
        starts=tuple(s.start for s in sentences),
        quotes=tuple(m.span() for m in _QUOTES.finditer(text)),
        offences=tuple(m.span() for m in _OFFENCE_TITLES.finditer(text)),
    )


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CUE_WORDS = _word_set(
    """said says stated states explained explains claimed claims insisted insists maintained
    maintains replied replies added adds wrote writes texted messaged shouted told tells
    telling reported reports disclosed discloses admitted admits described describes calls
    called refers referred considers considered sees saw words according"""
)


def is_reported(ctx: TextContext, start: int) -> bool:
    """Whether a match at ``start`` is in reported speech (not a quote)."""
    sentence = ctx.sentence_at(start)
    if _CUE_WORDS.isdisjoint(re.findall(r"[a-z]+", sentence.text.lower())):
        return False
    before = ctx.text[sentence.start : start]
    for m in _REPORTED.finditer(before):
        between = before[m.end() :]
        if not re.search(r"[;]", between):
            return True
    return bool(_TRAILING_TAG.search(sentence.text))


def is_negated(ctx: TextContext, start: int) -> bool:
    """Whether a negation governs a match at ``start`` (same clause, a few words before)."""
    sentence = ctx.sentence_at(start)
    before = ctx.text[sentence.start : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    for m in _NEGATION.finditer(clause):
        gap = clause[m.end() :]
        if len(re.findall(r"[\w'’-]+", gap)) <= _NEGATION_WINDOW_WORDS:
            return True
    return False


def is_legal(ctx: TextContext, start: int, end: int) -> bool:
    """Whether a match is in an offence title or a sentence of legal wording."""
    if ctx.in_offence_title(start, end):
        return True
    return bool(_LEGAL.search(ctx.sentence_at(start).text))


def ages(sentence: str) -> list[int]:
    """Ages given in a sentence."""
    found: list[int] = []
    for m in _AGE_NUMBER.finditer(sentence):
        value = next(g for g in m.groups() if g is not None)
        found.append(int(value))
    return found


def has_adult_cue(sentence: str) -> bool:
    """An adult age, an age gap, or 'older' / 'adult' / 'man' in the sentence."""
    if any(18 <= a <= 99 for a in ages(sentence)):
        return True
    return bool(_ADULT_WORDS.search(sentence))


def has_under_13_cue(sentence: str) -> bool:
    """An age under 13 in the sentence."""
    if any(4 <= a < 13 for a in ages(sentence)):
        return True
    return bool(_UNDER_13_WORDS.search(sentence))
