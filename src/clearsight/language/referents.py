"""Who the words are about: children and adults named in a sentence or in its record.

A concept about a child applies when the person referred to is a child: a person
under 18 (Children Act 1989, s.105). The sentence gives ages ("14-year-old", "aged
15", "15 y/o", "(15)", "the boy, 15,"), child nouns ("the girl", "Child A", "YP",
"CYP", "Year 9") and adult cues ("aged 33", "man", "adult", "older", "in his
thirties"). A record gives the involved people's ages at the event date, from their
dates of birth.

When neither the sentence nor the record says who a sentence is about, a child
concept still applies: the check reads records about exploited children, where the
unnamed "she" of a narrative is the child. A sentence is about adults only when it
names no child and gives two adult ages, or an adult age with an adult's title (Ms,
mother, patient, suspect...), or when the record's people are all adults.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

ADULT_AGE = 18
UNDER_13 = 13

_NUMBER_AFTER = (
    r"(?!\s*(?:%|times|occasions|days|weeks|months|hours|minutes|miles|km|am|pm|:|\.\d|"
    r"pupils|children|people|men|officers|episodes|reports|calls|incidents))"
)
_AGE = re.compile(
    r"\b(\d{1,2})\s*[- ]?\s*(?:years?|yrs?|yr|yo|y/o|y\.o\.?)\b(?:\s*[- ]?\s*old)?"
    r"(?!\s+(?:ago|earlier|later|before|after|previously|since))|"
    # "Then 22": the age at the time of the events, as probation and court reports give it.
    r"\b(?:aged|age|ages|turned|both|now|then)\s+(\d{1,2})\b" + _NUMBER_AFTER + "|"
    r"\b(?:is|was|who\s+is|who\s+was)\s+(?:also\s+|only\s+|just\s+)?(\d{1,2})\b(?!\s*-)"
    + _NUMBER_AFTER
    + r"|"
    r"\b(?:man|woman|male|female|boy|girl|adult|child|partner|boyfriend|girlfriend|bf|gf|"
    r"husband|wife|fianc[eé]e?)\s+of\s+(\d{1,2})\b|"
    # Note style gives a person's age as a bare number after the word for them ("pt 14",
    # "juv 15", "adult female 26 and her boyfriend 29"); two digits only, as "Female 1" and
    # "Suspect 2" are labels.
    r"\b(?:pt|patient|juv|juvenile|male|female|boyfriend|girlfriend|partner|bf|gf|yp|cyp|"
    r"caller|dp)\s+(\d{2})\b(?!\s*[-/:.]\d)" + _NUMBER_AFTER + "|"
    r"(?<![\w:])\((\d{1,2})(?:\s*(?:yrs?|years?|yo))?\)|"
    r",\s*(\d{1,2})\s*,|"
    # A person given by sex and age, as triage notes and witness descriptions write it
    # ("partner (male, 28)", "(F, 19)"), like "male, 30s" below.
    r"[(,]\s*(?:male|female|m|f)\s*,\s*(\d{1,2})\b" + _NUMBER_AFTER + "|"
    # An estimated age as intelligence entries give it: "bf approx 30", "(approx 25)",
    # "30ish"; not a quantity ("about 15 metres", "around 20 minutes").
    r"\b(?:approx\.?|approximately|roughly|around|about|c\.|circa)\s+(\d{1,2})\b"
    + _NUMBER_AFTER
    + r"(?!\s*(?:metres|meters|yards|feet|ft|m\b|mph|seconds|secs|mins|hrs|pounds|quid|"
    r"cars|vehicles|texts|messages|calls|year|years|yrs))|"
    r"\b(\d{2})\s*-?\s*ish\b",
    re.IGNORECASE,
)
# An age given as a decade: "in his thirties", and as intelligence logs and witness
# descriptions give it, "male, 30s", "(adult, mid-twenties)", "aged late 20s".
_DECADE = re.compile(
    r"(?:\bin\s+(?:his|her|their)\s+|\baged?\s+|\b(?:male|female|man|woman|adult)\s*,?\s*|"
    r"[,(]\s*)(?:late\s+|early\s+|mid[- ]?)?"
    r"(twenties|thirties|forties|fifties|sixties|seventies|20s|30s|40s|50s|60s|70s)\b",
    re.IGNORECASE,
)
# A date of birth in the sentence ("Nominal 3, DOB 12/04/1993", "(DOB 1990)", "born
# 1991"): intelligence entries and minutes identify a person by it rather than by age.
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+in)?|b\.)\s*:?\s*"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-])?(\d{4}|\d{2})\b",
    re.IGNORECASE,
)
_DECADE_AGE = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
}
_CHILD_WORDS = re.compile(
    r"\b(?:child|children|girl|girls|boy|boys|yp|cyp|young\s+person|young\s+people|pupil|"
    r"pupils|student|teen|teens|teenager|teenagers|schoolgirl|schoolboy|juvenile|minor|"
    r"daughter|son|kid|kids|under[- ]?(?:1[3-8]|thirteen|sixteen|eighteen)s?)\b"
    # "The girl's mother (38)": a child as the possessor of an adult relative names the
    # relative, not the child (the words that follow are about the adult).
    r"(?!['’]s\s+(?:mother|mum|father|dad|stepfather|stepmother|stepdad|stepmum|parent|"
    r"parents|grandmother|grandfather|nan|gran|grandad|aunt|uncle|carer|carers)\b)|"
    r"\b(?:child|victim|person)\s+[A-Z]\b|\byear\s+(?:[1-9]|1[0-3])\b",
    re.IGNORECASE,
)
_ADULT_WORDS = re.compile(
    r"\b(?:adult|adults|man|men|woman|women|older|grown|grown-up|suspect|suspects|"
    r"perpetrator|perpetrators|offender|offenders|abuser|abusers|over\s+18)\b",
    re.IGNORECASE,
)
# Titles that make an aged person in the sentence an adult in their own right, not the
# adult party to a child's abuse (see module docstring).
_ADULT_TITLES = re.compile(
    r"\b(?:ms|mr|mrs|miss|dr|mother|mum|father|dad|stepfather|stepmother|grandmother|"
    r"grandfather|grandparent|nan|uncle|aunt|woman|lady|patient|landlord|landlady|teacher|"
    r"assistant|carer|neighbour|tenant|victim's|suspect|suspect's|sex\s+worker|"
    # A hotel's or a venue's guests and customers are adults by the booking's terms.
    r"guest|guests|customer|customers|adult\s+"
    r"(?:patient|sex\s+worker|victim|survivor|woman))\b",
    re.IGNORECASE,
)
_SUSPECT_ROLES = frozenset({"suspect", "offender", "facilitator"})
# A clause whose subject is an adult: it opens (after a log label such as "Intel:") with
# a person given an adult age, decade or date of birth in apposition, as records
# introduce a person ("Nominal 7, 45, is...", "The older sister, 21, is...", "The man,
# in his 40s, reports...", "Male, 30s, stated...", "Nominal 5 (DOB 04/09/1988) is...").
# The words that follow describe that person, so a child concept does not apply to them
# (Children Act 1989 s.105: the person is not a child).
# The subject phrase holds no preposition: in "Relationship with older male, 28,
# continues" the aged man is not the subject.
_NOT_PREPOSITION = r"(?!(?:with|to|by|of|for|at|from|in|on|and|about|between)\b)"
_APPOSED_SUBJECT = re.compile(
    r"^\W*(?:[A-Za-z][\w ]{0,24}:\s*)?(?:"
    + _NOT_PREPOSITION
    + r"[\w'’-]+\s+){0,3}?"
    + _NOT_PREPOSITION
    + r"[\w'’-]+\s*(?:,\s*|\(\s*)"
    r"(?:aged\s+|age\s+|dob\s*:?\s*|d\.o\.b\.?\s*:?\s*|male\s*,?\s*|female\s*,?\s*|"
    r"in\s+(?:his|her|their)\s+)?"
    r"(?P<pair>\d{1,2}\s+and\s+\d{1,2}|(?:late\s+|early\s+|mid[- ]?)?[\w/.-]+)\s*[,)]",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class RecordPerson:
    """A person involved in the record, with their age at the event date."""

    role: str
    age: int


@dataclass(frozen=True)
class Referents:
    """The children and adults a sentence is about."""

    child_ages: tuple[int, ...]
    adult_ages: tuple[int, ...]
    child_words: bool
    adult_words: bool
    adult_title: bool
    record: tuple[RecordPerson, ...] = ()
    # Where the clause's adult subject phrase ends ("Nominal 7, 45," ), -1 when the
    # clause does not open with an adult.
    adult_subject_end: int = -1
    # Whether the clause names a child after its adult subject phrase: in "The
    # 15-year-old's mother, 37, has a new partner" the child is named only as the
    # possessor of the adult, who is the one the words are about.
    child_after_subject: bool = True

    @property
    def adult_subject(self) -> bool:
        return self.adult_subject_end >= 0

    @property
    def names_child(self) -> bool:
        return bool(self.child_ages) or self.child_words

    @property
    def sentence_adults_only(self) -> bool:
        if self.names_child:
            return False
        return len(self.adult_ages) >= 2 or (bool(self.adult_ages) and self.adult_title)

    @property
    def record_children(self) -> tuple[RecordPerson, ...]:
        return tuple(p for p in self.record if p.age < ADULT_AGE)

    @property
    def record_adults(self) -> tuple[RecordPerson, ...]:
        return tuple(p for p in self.record if p.age >= ADULT_AGE)

    @property
    def adults_only(self) -> bool:
        """The words are about adults, so a child concept does not apply."""
        if self.sentence_adults_only:
            return True
        if self.names_child:
            return False
        if self.adult_subject:
            return True
        return bool(self.record) and not self.record_children

    def adults_only_for_partner(self, offset: int) -> bool:
        """As :attr:`adults_only`, for a partner concept matched at ``offset`` in the
        clause. The adult subject is the adult party when the partner word is part of it
        ("Her boyfriend, aged 28, collected her"); when the word comes after it ("The
        older sister, 21, is pregnant by her partner") it is the adult's own partner. In
        the record of a child the "her" may still be the child's ("The man, 33, is her
        boyfriend"), so there the adult subject does not decide."""
        if self.sentence_adults_only:
            return True
        after_subject = self.adult_subject and offset >= self.adult_subject_end
        if after_subject and not self.child_after_subject and not self.record_children:
            return True
        if self.names_child:
            return False
        if after_subject and not self.record_children:
            return True
        return bool(self.record) and not self.record_children

    @property
    def adult_party(self) -> bool:
        """An adult takes part: in the sentence, or as a suspect in the record of a child."""
        if self.adult_ages or self.adult_words:
            return True
        return bool(self.record_children) and any(
            p.role in _SUSPECT_ROLES for p in self.record_adults
        )

    @property
    def youngest(self) -> int | None:
        ages = [*self.child_ages, *(p.age for p in self.record_children)]
        return min(ages) if ages else None

    def explain(self) -> str:
        """The ages behind a finding, for its explanation."""
        parts: list[str] = []
        if self.child_ages:
            parts.append("child aged " + ", ".join(map(str, sorted(set(self.child_ages)))))
        if self.adult_ages:
            parts.append("adult aged " + ", ".join(map(str, sorted(set(self.adult_ages)))))
        said = "; ".join(parts) + " (in the sentence)" if parts else ""
        record = [f"{p.role} aged {p.age}" for p in self.record]
        if record:
            from_record = "; ".join(record) + " (record: date of birth at the event date)"
            said = f"{said}; {from_record}" if said else from_record
        return said


def _year_of_birth(text: str) -> int | None:
    year = int(text)
    if len(text) == 2:
        # "DOB 12/04/93": a two-digit year is in the last hundred years.
        this = datetime.date.today().year
        year += 2000 if 2000 + year <= this else 1900
    return year


def _age_from_birth(text: str) -> int | None:
    """The age (at the earliest: the birthday not yet reached) today of someone born in
    the year ``text``: a record is read when it is checked, so a date of birth in a
    sentence is read at the check's date."""
    year = _year_of_birth(text)
    if year is None:
        return None
    age = datetime.date.today().year - year - 1
    return age if 0 <= age <= 110 else None


def ages(sentence: str) -> list[int]:
    """Ages given in a sentence, including "in his thirties" as 30 and a date of birth
    as the age it gives today."""
    found: list[int] = []
    for m in _AGE.finditer(sentence):
        value = next(g for g in m.groups() if g is not None)
        if 1 <= int(value) <= 99:
            found.append(int(value))
    found.extend(
        _DECADE_AGE.get(m.group(1).lower().rstrip("s") + "s", 0) or int(m.group(1)[:2])
        for m in _DECADE.finditer(sentence)
    )
    for m in _DOB.finditer(sentence):
        age = _age_from_birth(m.group(1))
        if age is not None:
            found.append(age)
    return found


def _adult_subject(clause: str) -> int:
    """Where the adult subject phrase that opens ``clause`` ends (see
    ``_APPOSED_SUBJECT``), or -1 when the clause does not open with an adult."""
    m = _APPOSED_SUBJECT.search(clause)
    if not m:
        return -1
    pair = m.group("pair")
    numbers = re.findall(r"\d+", pair)
    # Ages are one or two digits; a date of birth ("DOB 2010", "04/03/1989") is read as the
    # age it gives.
    if pair[:1].isdigit() and all(len(n) <= 2 for n in numbers) and "/" not in pair:
        said = [int(n) for n in numbers]
    else:
        said = ages(m.group(0))
    return m.end() if said and min(said) >= ADULT_AGE else -1


def of_sentence(
    sentence: str, record: Sequence[RecordPerson] = (), clause: str | None = None
) -> Referents:
    """Who ``sentence`` (from a record with people ``record``) is about; ``clause`` is
    the clause of the words judged (from the last ";" before them), whose subject may be
    an adult."""
    said = _said(sentence)
    clause = clause if clause is not None else sentence
    subject_end = _adult_subject(clause)
    return Referents(
        child_ages=said.child_ages,
        adult_ages=said.adult_ages,
        child_words=said.child_words,
        adult_words=said.adult_words,
        adult_title=said.adult_title,
        record=tuple(record),
        adult_subject_end=subject_end,
        child_after_subject=subject_end < 0 or _names_child(clause[subject_end:]),
    )


def _names_child(text: str) -> bool:
    return bool(_CHILD_WORDS.search(text)) or any(a < ADULT_AGE for a in ages(text))


@lru_cache(maxsize=65536)
def _said(sentence: str) -> Referents:
    """What the sentence itself says of who it is about. Records repeat sentences, and
    one sentence is judged once per concept and set of people: read it once."""
    found = ages(sentence)
    return Referents(
        child_ages=tuple(a for a in found if a < ADULT_AGE),
        adult_ages=tuple(a for a in found if a >= ADULT_AGE),
        child_words=bool(_CHILD_WORDS.search(sentence)),
        adult_words=bool(_ADULT_WORDS.search(sentence)),
        adult_title=bool(_ADULT_TITLES.search(sentence)),
    )


# --- The recommended framing: the adults as the ones who act ------------------------------
#
# The guidance asks records to name what the adults did to the child, with the adults as
# the ones acting: "the men offered the child money", "she was groomed by an adult male"
# (The Children's Society, "Appropriate language: child sexual and/or criminal
# exploitation", 2018; TCS/NAPAC 2024: "put the responsibility on the abuser"). A sentence
# framed so puts the responsibility on the adults, so a finding of the trained model,
# which reads words without their grammar, is not made on it (check.py). The rules'
# concepts need no such judgement: each pattern names the child's own act or a label.

# The adults as records name them without a name: the nouns of slots.yaml's
# ``<exploiters>``, plural forms, and numbered nominals and defendants ("Nominal 2",
# "Suspect 1", "Sub 2", "D1").
_ADULT_NOUN = (
    r"(?:(?:older|adult|grown|much\s+older)\s+)?"
    r"(?:men|man|males?|adults?|suspects?|nominal\s+\d+|nominals?|offenders?|abusers?|"
    r"perpetrators?|exploiters?|guys?|blokes?|defendants?|accused|dp|d\d|drivers?|dealers?|"
    r"pimps?|punters?|groomers?|gang|suspect\s+\d+|sub(?:ject)?\s+\d+)\b|"
    r"(?:older|adult)\s+(?:group|lads?|boys|crowd|crew|\w+)\b"
)
_DETERMINER = r"(?:(?:the|these|those|this|that|some|two|three|several|an?)\s+)?"
# A clause opening with an adult as its subject: an optional log label ("Intel:"), the
# adult (an adult noun, or a person given an adult age in apposition: ``_APPOSED_SUBJECT``)
# and a verb: the next word, not a possessive ("the suspect's laptop"), a conjunction
# ("the man and the girl"), a preposition or a noun the adult word qualifies ("the adult
# sex worker", "the adult ward").
_ADULT_OPENING = re.compile(
    r"^\W*(?:[A-Za-z][\w ]{0,24}:\s*)?" + _DETERMINER + r"(?:" + _ADULT_NOUN + r")"
    r"(?:\s*(?:,\s*|\(\s*)(?:aged\s+)?\d{1,2}\s*[,)])?"
    r"(?!['’]s?\b|\s+(?:man|men|male|males|adult|adults|and|or|with|from|of|in|at|to|on|for|who|whom|whose|that|which|"
    r"sex|worker|workers|patient|patients|ward|unit|services?|team|female|women|woman|"
    r"witness|complainant|victim|survivor|guest|guests)\b)\s+\w",
    re.IGNORECASE,
)
# A passive whose agent is an adult: "has been targeted by older men", "was introduced to
# the men by an older cousin", "is being controlled by adults". The auxiliary is finite
# (the sentence's own verb): in "she was happy to be picked up by the men" the passive is
# what she is said to want, and the sentence's verb is hers.
_ADULT_AGENT = re.compile(
    r"\b(?:is|was|are|were|has\s+been|have\s+been|had\s+been|is\s+being|was\s+being|"
    r"are\s+being|were\s+being|got|gets|"
    # A child's disclosure of what was done to them, by whom: "disclosed being given
    # alcohol and taken to a hotel by adult males" (the record's own verb is the telling).
    r"(?:disclosed|discloses|reported|reports|described|describes|recounted)\s+"
    r"(?:having\s+been|being))\s+(?:\w+ly\s+)?"
    r"(?:\w+(?:ed|en|wn|ught|t)|made|sold|held|told|kept|put|led|fed|shown|hit|met|paid)\b"
    r"[^.;]*?\bby\s+" + _DETERMINER + r"(?:" + _ADULT_NOUN + r")",
    re.IGNORECASE,
)
# A passive of a verb of coercion: "was coerced into", "has been made to", "is being
# groomed into". It says the child acted under the adults' coercion, the wording the
# guidance recommends for what an exploited child is made to do (TCS 2018: "describe
# what was done to the child"); denied ("was not coerced"), it is the myth context.py
# reads as blame, and the adverb slot takes no "not".
_COERCED = re.compile(
    r"\b(?:is|was|are|were|has\s+been|have\s+been|had\s+been|is\s+being|was\s+being|"
    r"are\s+being|were\s+being|being|been|got|gets)\s+(?:\w+ly\s+)?"
    r"(?:coerced|forced|pressured|pressurised|manipulated|groomed|tricked|made|threatened|"
    r"bullied|blackmailed|compelled|exploited|persuaded|encouraged)\s+(?:in)?to\b",
    re.IGNORECASE,
)
# The child as the subject of another clause of the sentence ("..., and she went back"):
# the framing is then not the sentence's only reading, so it does not decide.
_CHILD_CLAUSE = re.compile(
    r"(?:[;,:]|\b(?:and|but|after|because|when|as|so|while|until|though|although|since|"
    r"then|before|once|if|unless)\b)\s+(?:then\s+|later\s+|still\s+|also\s+)?"
    r"(?:she|he|they|i|we|the\s+(?:girl|boy|child|young\s+person|pupil|\d{1,2}[- ]?"
    r"(?:year|yr)s?[- ]?old)|yp|cyp)\b",
    re.IGNORECASE,
)


# What opens a clause other than the sentence's main one, before a passive.
_SUBORDINATE = re.compile(
    r"[,;:]|\b(?:that|so|because|but|and|which|who|although|though|when|if|while|after|"
    r"before|since|unless|claim|claims|said|says)\b",
    re.IGNORECASE,
)
_LOG_LABEL = re.compile(r"^\W*[A-Za-z][\w ]{0,24}:\s*")


def _main_clause_opening(before: str) -> str:
    """The words before a passive without a log label ("YOT:") and apposed ages ("the
    boy, 15,", "Ruby (14)"), which open no clause."""
    before = _LOG_LABEL.sub("", before)
    return re.sub(r",\s*(?:aged\s+)?\d{1,2}\s*,|\(\s*(?:aged\s+)?\d{1,2}\s*\)", " ", before)


def adults_act(sentence: str) -> str | None:
    """The words that frame ``sentence`` with the adults acting on the child (above):
    a clause opening with an adult subject, a passive whose agent is an adult or a
    passive of coercion ("was coerced into"), when no other clause has the child (or a
    pronoun) as its subject. None otherwise."""
    clauses = [c for c in re.split(r";", sentence) if c.strip()]
    if len(clauses) != 1:
        return None
    opening = _ADULT_OPENING.search(sentence)
    agent = None if opening else _ADULT_AGENT.search(sentence) or _COERCED.search(sentence)
    found = opening or agent
    if found is None:
        return None
    if agent is not None and _SUBORDINATE.search(_main_clause_opening(sentence[: agent.start()])):
        # The passive is in a clause of its own ("his claim that he was forced to carry
        # drugs is doubted"): the sentence's own verb frames something else.
        return None
    rest = sentence[found.end() - 1 :] if opening is not None else sentence[found.end() :]
    # A pronoun after the framing may open a clause of the child's own ("the suspect
    # said she was willing", "was picked up by the men, which is what he wanted"): the
    # framing is then not the only reading. After an adult subject "he" is most often
    # the adult ("the man lied about his age, he said he was 17"), so there only "she"
    # and "they" are read so; after a passive, whose subject is the child, "he" too.
    pronouns = r"\b(?:she|they)\b" if opening is not None else r"\b(?:she|he|they)\b"
    if _CHILD_CLAUSE.search(rest) or re.search(pronouns, rest, re.IGNORECASE):
        return None
    return found.group(0).strip()
