"""Context around a match: quotes, reported speech, negation, legal wording and text
that criticises a phrase. This is what lets the check tell a practitioner's own words
from words recorded faithfully as evidence, from an offence title, or from training.
Sentences come from the spaCy pipeline (:mod:`clearsight.language.nlp`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

# Quoted spans: "...", “...”, ‘...’ and '...' (a straight single quote opens only
# after a non-word character and closes before one, so apostrophes are not quotes).
_QUOTES = re.compile(
    r"""(?:"[^"\n]*(?:\n[^"\n]+)*"|“[^”]*”|‘.*?’(?![A-Za-z])|(?<![\w])'(?=\S)[^\n]*?(?<=\S)'(?![\w]))""",
    re.DOTALL,
)

# Who is speaking: the child, family, friends, a suspect, the defence or a witness; not
# professionals or intelligence sources, whose labels are exactly what the check is for.
_SPEAKER = (
    r"(?:she|he|they|i|we|the child|the victim|the girl|the boy|the young person|yp|cyp|"
    r"the pupil|the patient|the \d{1,2}[- ]?(?:year|yr)s?[- ]old|child [a-z]|suspect \d+|"
    r"the defence|the defense|the accused|"
    # The patient, a helpline's caller and the complainant speak for themselves; a
    # co-accused and defence counsel speak for the defence (their words are evidence).
    r"pt|patient|the caller|caller|the complainant|complainant|(?:the\s+)?co-?accused|"
    r"(?:the\s+)?defen[cs]e\s+(?:counsel|barrister|solicitor|advocate)|"
    r"counsel\s+for\s+the\s+defen[cs]e|"
    r"(?:(?:her|his|their|the child's|the girl's|the boy's|the|suspect \d+'s|the suspect's|"
    r"the man's|the men's|the offender's)\s+)?(?:mother|mum|father|dad|parent|parents|"
    r"stepfather|stepmother|grandmother|grandfather|nan|gran|sister|brother|aunt|uncle|"
    r"cousin|friend|friends|boyfriend|girlfriend|neighbour|suspect|suspects|witness|"
    r"defendant|offender|accused|man|men|male|males|defence statement|messages|message|"
    r"texts|defence|interview))"
)
# Speech: the speaker's words reported with a verb of saying.
_SAY = (
    r"(?:said|says|say|stated|states|explained|explains|claimed|claims|claim|insisted|"
    r"insists|maintained|maintains|replied|replies|added|adds|wrote|writes|texted|messaged|"
    r"shouted|alleged|alleges|denied|denies|"
    r"(?:told|tells|telling)(?:\s+(?:me|her|him|them|us|officers|police|staff|the \w+|"
    r"her \w+|his \w+|their \w+))?|"
    r"(?:reported|reports|disclosed|discloses|admitted|admits)\s+that|"
    # A case put, as the defence puts it: "suggest that", "argue that", "contend that".
    r"(?:suggest|suggests|suggested|argue|argues|argued|contend|contends|contended|assert|"
    r"asserts|asserted)\s+that)"
)
# Labels a person gives: only the child's or family's, friends', suspects' own.
_LABEL = (
    r"(?:describes|described|calls|called|call|refers to|referred to|considers|considered|"
    r"sees|saw)"
    r"\s+(?:herself|himself|themselves|him|her|them|it|the man|the men|the male|the adult|"
    r"the \d{1,2}[- ]year[- ]old)(?:\s+as)?"
)
# An age between a speaker and the verb: "co-accused (19) claims", "the co-accused, 20,
# maintains", "pt 14 states".
_SPEAKER_AGE = r"(?:\s*\(\s*(?:aged\s+)?\d{1,2}\s*\)|\s*,\s*(?:aged\s+)?\d{1,2}\s*,|\s+\d{2})?"
_ADVERB = (
    r"(?:has\s+|had\s+|have\s+|then\s+|later\s+|also\s+|repeatedly\s+|openly\s+|"
    r"clearly\s+|always\s+|often\s+|"
    # What the defence will say is as much the defence's words as what it said: "defence
    # counsel is expected to suggest that ...".
    r"(?:is|are|was|were)\s+(?:expected|likely|going)\s+to\s+|(?:will|may|might|would)\s+)?"
)
# Reported speech: "she said", "in her words", "according to him"... Everything after
# the cue in the same sentence is treated as the speaker's words.
_REPORTED = re.compile(
    # "what she says" names her account as the thing talked about; it reports nothing.
    rf"(?<!\bwhat )\b{_SPEAKER}{_SPEAKER_AGE}\s+{_ADVERB}{_SAY}\b|"
    rf"\b{_SPEAKER}{_SPEAKER_AGE}\s+{_ADVERB}{_LABEL}\b|"
    r"\b(?:in|using)\s+(?:her|his|their|my|the child's|the victim's)\s+(?:own\s+)?words\b|"
    r"\baccording\s+to\s+(?:her|him|them|the child|the victim|the girl|the boy|the young "
    r"person|the suspect|suspect \d+|the defence|the man|the men|the offender|"
    r"(?:her|his|their)\s+(?:mother|mum|father|dad|friend|friends|sister|brother))\b|"
    r"\bin\s+(?:his|her|their)\s+interview\b|\bin\s+interview\b|"
    # Someone's account given as theirs: "the defendant's account is that ...".
    rf"(?:\b{_SPEAKER}(?:'s|’s)|\b(?:her|his|their))\s+(?:own\s+)?(?:account|version|"
    r"explanation|position|case|claim)(?:\s+of\s+events)?\s+(?:is|was|has\s+been)\s+that\b",
    re.IGNORECASE,
)
# A speech tag closing the sentence: "..., she said." makes the sentence reported.
# The speaker starts at a word boundary ("the triage nurse wrote" is not "he ... wrote"),
# and "what she says" at the end names her account; it closes no speech.
_TRAILING_TAG = re.compile(
    rf"[,;:–—-]?[\"'”’]*\s*(?<!\bwhat\s)\b{_SPEAKER}(?:\s+\w+){{0,2}}\s+{_ADVERB}{_SAY}"
    rf"(?:\s+\w+){{0,3}}\s*[.!?]?[\"'”’)]*\s*$",
    re.IGNORECASE,
)
_CUE_WORDS = frozenset(
    [
        "said",
        "says",
        "say",
        "stated",
        "states",
        "explained",
        "explains",
        "claimed",
        "claims",
        "claim",
        "insisted",
        "insists",
        "maintained",
        "maintains",
        "replied",
        "replies",
        "added",
        "adds",
        "wrote",
        "writes",
        "texted",
        "messaged",
        "shouted",
        "alleged",
        "alleges",
        "denied",
        "denies",
        "told",
        "tells",
        "telling",
        "reported",
        "reports",
        "disclosed",
        "discloses",
        "admitted",
        "admits",
        "suggest",
        "suggests",
        "suggested",
        "argue",
        "argues",
        "argued",
        "contend",
        "contends",
        "contended",
        "assert",
        "asserts",
        "asserted",
        "described",
        "describes",
        "calls",
        "called",
        "call",
        "refers",
        "referred",
        "considers",
        "considered",
        "sees",
        "saw",
        "words",
        "according",
        "interview",
        "account",
        "version",
        "explanation",
        "position",
        "case",
        "claim",
    ]
)

# NegEx-style negation (Chapman et al., "A simple algorithm for identifying negated
# findings and diseases in discharge summaries", 2001): a trigger before the phrase
# negates it within a window of words, unless a termination term comes first. Strong
# triggers ("no evidence that", "at no point") reach further than a plain "not".
_STRONG_NEGATION = re.compile(
    r"\b(?:no\s+(?:evidence|suggestion|indication|sign|intelligence|intel|information|"
    r"reason\s+to\s+(?:believe|think))"
    r"(?:\s+(?:that|of|to\s+suggest))?|"
    r"nothing\s+(?:in\s+the\s+\w+\s+)?(?:to\s+)?(?:suggests?|indicates?|shows?)|"
    r"none\s+of\s+the\s+(?:\w+\s+){1,2}(?:suggests?|indicates?|shows?)|"
    r"there\s+is\s+no|at\s+no\s+(?:point|time|stage)|"
    r"no\s+(?:one|staff\s+member|professional|agency)\s+(?:suggests|believes|thinks|says)|"
    # "Nobody should describe her as ...": the label ruled out.
    r"(?:nobody|no\s+one|no-one)\s+(?:should|must|would|could)\s+(?:ever\s+)?(?:describe|call|"
    r"label|say|suggest|think|refer\s+to)|"
    r"(?:should|must)\s+(?:not|never)\s+be\s+(?:said|written|recorded|suggested|described|"
    r"called|referred\s+to|labelled|seen|viewed)|"
    r"(?:found|saw|see|finds)\s+no\s+(?:evidence|indication|sign)|"
    # A denied assertion negates the clause it introduces, as NegEx's "denies": "it
    # cannot be said that", "it is not the case that", "does not accept that".
    r"(?:cannot|can't|could\s+not|couldn't)\s+be\s+(?:said|suggested|argued|concluded)|"
    r"(?:is|was)\s+not\s+(?:the\s+case|true|right|fair|accurate|correct)\s+"
    r"(?:to\s+(?:say|suggest)\s+)?that|"
    r"(?:not|never|\w+n't)\s+(?:accept|accepts|accepted|believe|believes|believed|agree|agrees|"
    r"agreed|say|says|said|suggest|suggests|suggested|think|thinks|thought|find|finds|"
    r"found|indicate|indicates|indicated|show|shows|showed)\s+that|"
    r"rather\s+than|instead\s+of)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|without|cannot|can't|couldn't|wouldn't|didn't|doesn't|"
    r"don't|isn't|wasn't|aren't|weren't|hasn't|haven't|hadn't|shouldn't|mustn't|"
    r"unable\s+to|incapable\s+of|incapable|"
    r"avoid(?:s|ed|ing)?|do\s+not\s+(?:use|say|describe|write)|don't\s+(?:use|say|describe|"
    r"write))\b|(?<=\w)n't\b",
    re.IGNORECASE,
)
# Phrases that look like negation but are not ("not only", "no doubt").
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not\s+only|not\s+just|no\s+doubt|not\s+necessarily|no\s+further|no\s+longer|"
    r"whether\s+or\s+not|if\s+not|not\s+sure|"
    # An order's or licence's "no contact with" names whom it protects, it denies nothing.
    r"no\s+(?:direct\s+or\s+indirect\s+)?contact\s+with)\b",
    re.IGNORECASE,
)
_NEGATION_WINDOW_WORDS = 6
_STRONG_WINDOW_WORDS = 12
_CLAUSE_BREAK = re.compile(
    r"[;:.!?,()]|\b(?:and|but|however|although|though|yet|so|then|because|while|whilst|"
    r"whereas|except|when|who|which|where|after|before|since|until)\b",
    re.IGNORECASE,
)
_STRONG_BREAK = re.compile(
    r"[;:.!?()]|\b(?:but|however|although|though|yet|whereas|except)\b", re.IGNORECASE
)
# An age in apposition or brackets ("the girl, 15, was", "YP (15) is") is part of the
# noun phrase, not a clause boundary: negation scope runs across it.
_APPOSED_AGE = re.compile(
    r",\s*(?:aged\s+)?\d{1,2}\s*,|\(\s*(?:aged\s+)?\d{1,2}\s*(?:yrs?|years?|yo|y/o)?\s*\)",
    re.IGNORECASE,
)
_INSIDE_NEGATION = re.compile(r"\b(?:not|never|no)\b|n't\b", re.IGNORECASE)
# Inside a match, a doubt stated with a negation is the blame itself ("is not credible",
# "cannot be relied on"), not a negation of it; so is a child's not resisting offered as
# a sign of agreement, a myth the CPS guidance on child sexual abuse (2013) lists: a
# child who "did not resist" or "never said no" has not consented.
_INSIDE_PSEUDO = re.compile(
    r"\b(?:not|never|cannot|can't|n't)\s+(?:be\s+)?(?:a\s+|an\s+|very\s+|entirely\s+)?"
    r"(?:credible|reliable|believable|true|relied|trusted|believed|trustworthy|"
    r"(?:taken|accepted)\s+at\s+face\s+value)\b|"
    r"\bnot\s+sure\b|"
    # "Inappropriate but not abusive": the abuse denied is the minimising (TCS/NAPAC 2024).
    r"\bbut\s+not\s+(?:abusive|abuse|criminal|sexual|an\s+offence|a\s+crime|grooming|"
    r"exploitative|exploitation|predatory)\b|"
    # "Not a victim but ...": victimhood denied is the blame.
    r"(?:\bnot|n't)\s+(?:a\s+|the\s+)?(?:real\s+|true\s+|genuine\s+|innocent\s+)?victim\s*"
    r"(?:but|,|;|-)|"
    # "Does not help herself by going there": the blame, not its negation.
    r"(?:\bnot|n't)\s+(?:really\s+)?help(?:s|ed|ing)?\s+(?:herself|himself|themselves|themself)\b|"
    # "Drunk, which does not help her credibility": the doubt stated with a negation.
    r"(?:\bnot|n't)\s+help(?:s|ed)?\s+(?:her|his|their|the\s+child's)\s+(?:credibility|case|"
    r"account|position)\b|"
    # "Fleeting, so not serious": the harm denied is the minimising.
    r"\bnot\s+(?:that\s+|very\s+|particularly\s+)?serious\b|"
    # "Was not coerced": coercion denied in the writer's voice offered as agreement, the
    # myth the CPS guidance (2013) names (grooming works without force).
    r"(?:\b(?:not|never)|n't)\s+(?:coerced|forced|pressured|pressurised|pushed)\b|"
    # "Did not consider her allegation credible": disbelief stated with a verb of judging.
    r"(?:\b(?:not|never)|n't)\s+(?:consider|considered|find|found|think|thought|regard|regarded|"
    r"deem|deemed|judge|judged|view|viewed|treat|treated)\s+(?:[\w'’]+\s+){0,4}?(?:as\s+|to\s+be\s+)?"
    r"(?:credible|reliable|believable|truthful|plausible|genuine)\b|"
    # "No real harm was done": the harm denied is the minimising, not a negation of it.
    r"\bno\s+(?:real|lasting|serious|actual)\s+harm\b|"
    # "Did not take her complaint seriously": disbelief stated with a negation.
    r"(?:\b(?:not|never)|n't)\s+(?:take|took|taken|taking)\s+(?:\w+\s+){0,6}?seriously\b|"
    # Not trying to leave offered as agreement is the same myth.
    r"(?:\b(?:not|never)|n't)\s+(?:try|tried|attempt|attempted)\s+to\s+(?:leave|escape|get\s+away|"
    r"run|go\s+home)\b|"
    r"(?:\b(?:not|never)|n't)\s+(?:resist|resisted|object|objected|protest|protested|"
    r"fight|fought|struggle|struggled|say\s+no|said\s+no)\b|"
    # Disbelief with its reason ("do not believe her because ...") and not staying away
    # from the adults ("will not stay away from the men") are the blame, not its negation.
    r"(?:\b(?:not)|n't)\s+believe\s+(?:her|him|them|the\s+\w+)\s+(?:because|as|since|given|due)\b|"
    r"(?:\b(?:not|cannot)|n't)\s+(?:stay|keep)\s+away\s+from\b|"
    # So is readiness stated as a denial of persuasion or force: "didn't need
    # persuading", "nobody forced her" (CPS 2013, the same myth as "did not resist").
    r"(?:\b(?:not|never)|n't)\s+need\s+(?:persuading|persuasion|convincing|forcing|to\s+be)\b|"
    r"\b(?:nobody|no\s+one|no-one)\s+(?:forced|made|pressured|coerced|dragged|pushed)\b|"
    # So is the negated consequence of a conditional about the child's conduct: "if she
    # stopped going out, the men would have no opportunity to harm her" blames her (the
    # match opens on the conditional).
    r"^(?:if|until|unless|once)\b[^.;]*?(?:\b(?:would|could|will)\s+(?:have\s+|be\s+)?"
    r"(?:no|not|never)\b|\b(?:wouldn't|couldn't|won't)\b)",
    re.IGNORECASE,
)

# Offence titles: a match inside one is not reported.
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
# Legal terms of art: a sentence that cites the law or states it (CPS and College of
# Policing wording: "consent is not a defence", "even where the child appears to agree").
_LEGAL = re.compile(
    r"\bcontrary\s+to\s+(?:section|s\.?\s*\d)|\bsexual\s+offences\s+act\b|"
    r"\bprotection\s+of\s+children\s+act\b|\bstreet\s+offences\s+act\b|"
    # A section named as a document or process is not a citation: the Children Act 1989
    # names the court's welfare report (s.7), enquiries (s.47), accommodation (s.20) and
    # assessments (s.17) by section, as family court reports and conference minutes write.
    # Nor is a section named as the charge a writer weighs ("whether a s.9 charge rather
    # than rape is more realistic"): the words around it are the writer's own.
    r"\b(?:section|s\.)\s*\d+[A-Z]?\b(?!\s*(?:\(\d+\)\s*)?(?:report|reports|enquiry|"
    r"enquiries|assessment|investigation|meeting|strategy|accommodation|notice|application|"
    r"plan|letter|referral|agreement|request|officer|charge|charges)\b)|"
    # "The offence" as the law's name for what was done; "at the time of the offence" only
    # dates an event, as probation and court reports do.
    r"(?<!time\sof\s)(?<!date\sof\s)(?<!before\s)(?<!after\s)(?<!since\s)"
    r"(?<!following\s)(?<!prior\sto\s)\bthe\s+offence\b|"
    r"\b(?:on\s+the\s+)?indictment\b|\bcount\s+\d+\b|"
    r"^\W*(?:offence|charge|charges)(?:\s+recorded)?\s*:|\bin\s+law\b|\bthe\s+law\b|"
    r"\b(?:not\s+a|no)\s+defence\b|\bis\s+irrelevant\b|\bappears?\s+to\s+(?:agree|consent)\b|"
    # The DfE (2017) definition of child sexual exploitation: "even if the sexual
    # activity appears consensual".
    r"\beven\s+(?:if|where|when|though)\s+(?:\w+\s+){0,4}(?:appears?|seems?)\s+"
    r"(?:to\s+be\s+)?consensual\b|"
    r"\bcannot\s+(?:lawfully\s+)?(?:consent|be\s+paid)\b|\bneed\s+to\s+prove\b|"
    r"\bthe\s+(?:cps|prosecution)\s+(?:advised|noted|confirmed|reminded|said|must)\b|"
    r"\bcps\s+(?:lawyer|advised|noted|confirmed|reminded)\b",
    re.IGNORECASE,
)
# A charge or conviction names the offence in the words that follow it ("convicted of
# paying for the sexual services of a child"); the writer's own words before it ("no
# contact with the child prostitutes he was convicted of paying") are the writer's.
_CHARGE = re.compile(r"\b(?:charged|convicted|indicted|acquitted)\s+(?:with|of)\b", re.IGNORECASE)
# Text that names a phrase to criticise it: training, guidance, audits, supervision.
_META = re.compile(
    r"\b(?:avoid|avoided|do\s+not\s+use|don't\s+use|never\s+(?:use|write|say|describe)|"
    r"should\s+not\s+be\s+used|must\s+not\s+be\s+used|should\s+never\s+be\s+used|"
    r"replace|replaces|replaced|replacing|phrase|phrases|term|terms|word|words|wording|"
    r"language|label|labels|training|trainer|guidance|guide|criticised|criticized|"
    r"criticises|challenged|audit|inspectors?|review\s+found|supervision|slide|blames?|"
    r"lists?|removed)\b",
    re.IGNORECASE,
)
_META_INTRO = re.compile(
    r"\b(?:such\s+as|like|the\s+(?:phrase|term|word|words|label)|phrases?|terms?)\s*[\"'“‘]?$",
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


def analyse(text: str, spans: list[tuple[int, int]]) -> TextContext:
    """Context of ``text`` whose sentences are the character ``spans``."""
    sentences = tuple(Sentence(s, e, text[s:e]) for s, e in spans) or (Sentence(0, 0, ""),)
    return TextContext(
        text=text,
        sentences=sentences,
        starts=tuple(s.start for s in sentences),
        quotes=tuple(m.span() for m in _QUOTES.finditer(text)),
        offences=tuple(m.span() for m in _OFFENCE_TITLES.finditer(text)),
    )


def reported_by(ctx: TextContext, start: int) -> str | None:
    """The speech cue when a match at ``start`` is in reported speech (not a quote)."""
    sentence = ctx.sentence_at(start)
    if _CUE_WORDS.isdisjoint(re.findall(r"[a-z]+", sentence.text.lower())):
        return None
    before = ctx.text[sentence.start : start]
    for m in _REPORTED.finditer(before):
        if ";" not in before[m.end() :]:
            return m.group(0)
    tag = _TRAILING_TAG.search(sentence.text)
    if tag and tag.start() >= start - sentence.start:
        return tag.group(0).strip(" ,.;:\"'”’")
    return None


def is_reported(ctx: TextContext, start: int) -> bool:
    """Whether a match at ``start`` is in reported speech (not a quote)."""
    return reported_by(ctx, start) is not None


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def negation(ctx: TextContext, start: int, end: int) -> str | None:
    """The negation trigger governing a match, if any (NegEx-style, see above).

    A strong trigger reaches up to 12 words forward and stops at a contrast ("but",
    "however") or a clause mark; a plain one reaches 6 words and also stops at "and",
    "who", "because" and commas. A plain negation inside the match also counts.
    """
    sentence = ctx.sentence_at(start)
    before = ctx.text[sentence.start : start]
    masked = _PSEUDO_NEGATION.sub(lambda m: "_" * len(m.group(0)), before)
    masked = _APPOSED_AGE.sub(lambda m: " " * len(m.group(0)), masked)
    # A doubt stated with a negation that runs into the match ("not credible given her
    # history" where the match starts at "credible") is the blame, as inside a match.
    for m in _INSIDE_PSEUDO.finditer(ctx.text[sentence.start : max(end, start)]):
        if m.start() < len(before) < m.end():
            masked = masked[: m.start()] + "_" * (len(before) - m.start())
    for m in _STRONG_NEGATION.finditer(masked):
        gap = masked[m.end() :]
        if not _STRONG_BREAK.search(gap) and _words(gap) <= _STRONG_WINDOW_WORDS:
            return m.group(0)
    breaks = list(_CLAUSE_BREAK.finditer(masked))
    clause_start = breaks[-1].end() if breaks else 0
    for m in _NEGATION.finditer(masked, clause_start):
        if _words(masked[m.end() :]) <= _NEGATION_WINDOW_WORDS:
            return m.group(0)
    inside = _INSIDE_PSEUDO.sub(" ", _PSEUDO_NEGATION.sub(" ", ctx.text[start:end]))
    found = _INSIDE_NEGATION.search(inside)
    return found.group(0) if found else None


def is_negated(ctx: TextContext, start: int, end: int | None = None) -> bool:
    """Whether a negation governs the match at ``start``."""
    return negation(ctx, start, end if end is not None else start) is not None


def is_legal(ctx: TextContext, start: int, end: int) -> bool:
    """Whether a match is in an offence title, a sentence of legal wording, or the charge
    that follows "charged with" or "convicted of"."""
    if ctx.in_offence_title(start, end):
        return True
    sentence = ctx.sentence_at(start)
    if _legal_wording(sentence.text):
        return True
    return bool(_CHARGE.search(ctx.text[sentence.start : start]))


def is_meta(ctx: TextContext, start: int, end: int) -> bool:
    """Whether the sentence names the phrase to criticise it (training, audit, guidance):
    the phrase is quoted, or introduced by "such as", "the term"..., in a sentence that
    talks about wording."""
    sentence = ctx.sentence_at(start)
    if not _talks_about_wording(sentence.text):
        return False
    if ctx.in_quote(start, end):
        return True
    return bool(_META_INTRO.search(ctx.text[sentence.start : start].rstrip()))


# Records repeat sentences, and a sentence is judged once per concept and set of people:
# what depends on its words alone is read once.
@lru_cache(maxsize=65536)
def _legal_wording(sentence: str) -> bool:
    return bool(_LEGAL.search(sentence.strip()))


# "Term" as a duration or a school term, not a word: "a long-term relationship".
_TERM_OF_TIME = re.compile(
    r"\b(?:long|short|medium|mid|longer|shorter)[- ]?terms?\b|\bterm\s*time\b|"
    r"\b(?:this|last|next|the|summer|autumn|spring|winter)\s+term\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _talks_about_wording(sentence: str) -> bool:
    return bool(_META.search(_TERM_OF_TIME.sub(" ", sentence)))
