"""The check: find wording that blames exploited children, in context.

A text is parsed by the spaCy pipeline (:mod:`clearsight.language.nlp`); each concept's
token patterns run in one spaCy ``Matcher``; each match is then judged in its
sentence: exceptions, legal wording, negation, who it is about
(:mod:`clearsight.language.referents`), quotes, reported speech and training text
(:mod:`clearsight.language.context`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from clearsight.language import context, referents
from clearsight.language.nlp import Parsed, normaliser, parse, pipeline
from clearsight.language.referents import RecordPerson
from clearsight.language.rules import SEVERITY_RANK, Rule, RulePack, Severity, load_rules, thaw

if TYPE_CHECKING:
    from spacy.matcher import Matcher

    from clearsight.language.model import Scored


@dataclass(frozen=True)
class Finding:
    """One finding. ``line`` and ``column`` are 1-based; ``end_column`` is the 1-based
    column just past the match on the line where the match ends. ``context`` says
    why the finding has its severity here (quoted, reported, ages...)."""

    line: int
    column: int
    end_column: int
    rule_id: str
    severity: Severity
    matched: str
    suggestions: tuple[str, ...]
    reason: str
    source: str
    start: int = -1
    end: int = -1
    title: str = ""
    context: str = ""
    # "rule" for a concept's pattern, "model" for the trained model
    # (:mod:`clearsight.language.model`): the context then gives its score and words.
    origin: str = "rule"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: the documented fields only, ``suggestions`` as a list; the
        context, when there is one, closes the ``reason``."""
        return {
            "line": self.line,
            "column": self.column,
            "end_column": self.end_column,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "matched": self.matched,
            "suggestions": list(self.suggestions),
            "reason": self.explanation,
            "source": self.source,
            "origin": self.origin,
        }

    @property
    def explanation(self) -> str:
        """The concept's reason, then what the context says about this match."""
        return f"{self.reason} Here: {self.context}." if self.context else self.reason

    @property
    def blocking(self) -> bool:
        """Whether the finding is a ``warning`` or an ``error``."""
        return self.severity != "info"


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    rule: Rule
    severity: Severity
    note: str
    origin: str = "rule"


_MATCHERS: dict[int, tuple[RulePack, list[Matcher]]] = {}


def _matchers(pack: RulePack) -> list[Matcher]:
    """One spaCy Matcher per rule: key ``r`` for its patterns, ``x`` for its exceptions.
    Built on first use and kept for the pack; a rule's matcher runs only on texts that
    hold one of its anchor words, so most rules never run on most texts."""
    found = _MATCHERS.get(id(pack))
    if found is not None and found[0] is pack:
        return found[1]
    from spacy.matcher import Matcher

    matchers: list[Matcher] = []
    for rule in pack.rules:
        matcher = Matcher(pipeline().vocab)
        matcher.add("r", [thaw(s) for seqs in rule.sequences for s in seqs])
        if rule.exception_sequences:
            matcher.add("x", [thaw(s) for s in rule.exception_sequences])
        matchers.append(matcher)
    _MATCHERS[id(pack)] = (pack, matchers)
    return matchers


@dataclass
class _Index:
    """A pack's concepts by anchor word, and each word of the texts seen so far with its
    forms and the concepts anchored on them (records reuse a small vocabulary)."""

    pack: RulePack
    by_word: dict[str, tuple[int, ...]]
    always: frozenset[int]
    words: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]

    def word(self, word: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        found = self.words.get(word)
        if found is None:
            forms = _word_forms(word)
            hits = sorted({i for form in forms for i in self.by_word.get(form, ())})
            found = (forms, tuple(hits))
            if len(self.words) < _FORMS_MAX:
                self.words[word] = found
        return found


_INDEXES: dict[int, _Index] = {}


def _index(pack: RulePack) -> _Index:
    found = _INDEXES.get(id(pack))
    if found is None or found.pack is not pack:
        by_word: dict[str, list[int]] = {}
        for i, rule in enumerate(pack.rules):
            for word in rule.anchors or ():
                by_word.setdefault(word, []).append(i)
        always = frozenset(i for i, r in enumerate(pack.rules) if r.anchors is None)
        found = _Index(pack, {w: tuple(ids) for w, ids in by_word.items()}, always, {})
        _INDEXES[id(pack)] = found
    return found


def _candidates(pack: RulePack, text: str) -> list[int]:
    """The rules that may match ``text``, in pack order, in one pass over its words:
    only rules with an anchor word among the words' forms (or no anchors) are asked
    ``may_match``, with every form of every word (:func:`_quick_words`)."""
    index = _index(pack)
    ids = set(index.always)
    forms: list[tuple[str, ...]] = []
    for word in set(_WORD.findall(text)):
        word_forms, hits = index.word(word)
        forms.append(word_forms)
        ids.update(hits)
    if not ids:
        return []
    words: set[str] = set().union(*forms)
    plain = _PLAIN.fullmatch(text) is not None
    rules = pack.rules
    return [i for i in sorted(ids) if rules[i].may_match(words, plain=plain)]


# A word, with the clitic n't split off as spaCy splits it ("didn't" -> "did", "n't"), so
# a pattern written with "didn't" passes the prefilter of a text that has it; 's only
# after a word, so a quote opening on an s ("'streetwise'") keeps its word whole.
_WORD = re.compile(r"[^\W_]+?(?=n['’]t\b)|n['’]t\b|[^\W_]+|(?<=\w)['’]s\b", re.IGNORECASE)
_SPLITS = {"cannot": ("can", "not"), "gonna": ("gon", "na"), "wanna": ("wan", "na")}


# Each word's forms (lower case, split as spaCy splits it, normalised), kept per word:
# records reuse a small vocabulary, so most words are seen many times.
_FORMS: dict[str, tuple[str, ...]] = {}
_FORMS_MAX = 200_000


def _quick_words(text: str) -> set[str]:
    """The words of ``text`` and their normalised forms, without spaCy: a superset test
    of which rules may match, so texts no rule can match skip the pipeline."""
    out: set[str] = set()
    for word in set(_WORD.findall(text)):
        forms = _FORMS.get(word)
        if forms is None:
            forms = _word_forms(word)
            if len(_FORMS) < _FORMS_MAX:
                _FORMS[word] = forms
        out.update(forms)
    return out


def _word_forms(word: str) -> tuple[str, ...]:
    norm = normaliser()
    lower = word.lower()
    forms: list[str] = []
    for piece in _SPLITS.get(lower, (lower,)):
        forms += (piece, norm(piece))
    return tuple(dict.fromkeys(forms))


# A text of ASCII letters, digits (not followed by a letter, where spaCy splits off
# units: "10km"), spaces, plain punctuation and the clitics 's and n't: spaCy's
# tokens of it are its plain words but for its tokenizer exceptions, so each rule's
# prefilter may test every word a pattern requires
# (``Rule.may_match(plain=True)``).
_PLAIN = re.compile(
    r"""(?:[A-Za-z\s.,;:!?"()\-]|[0-9](?![A-Za-z])|(?<=[A-Za-z])['’][st](?![A-Za-z]))*"""
)

Spans = dict[int, list[tuple[int, int]]]

# Where a text may be cut into chunks that are checked (and cached) on their own: after
# . ! ? and whitespace before a capital or digit, and at line breaks. spaCy splits each
# chunk into its sentences; the cut only bounds the work, since every concept and every
# context rule looks within one sentence.
_CHUNK_END = re.compile(r"""(?<=[.!?])["'”’)]*\s+(?=["'“‘(]*[A-Z0-9])|\n+""")


def _chunks(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _CHUNK_END.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


@lru_cache(maxsize=65536)
def _analyse(text: str, pack: RulePack) -> tuple[Spans, tuple[tuple[int, int], ...]]:
    """Each rule's matches (character spans) and the sentences, for one text. Records
    repeat the same sentences, so the result is kept for the text."""
    candidates = _candidates(pack, text)
    if not candidates:
        return {}, ()
    spans, parsed = _spans(text, pack, candidates)
    return spans, tuple(parsed.sentences()) if spans else ()


def _spans(text: str, pack: RulePack, candidates: list[int]) -> tuple[Spans, Parsed]:
    parsed = parse(text)
    doc = parsed.doc
    matchers = _matchers(pack)
    strings = pipeline().vocab.strings
    hits: dict[int, list[tuple[int, int]]] = {}
    exceptions: dict[int, list[tuple[int, int]]] = {}
    for i in candidates:
        for key, start, end in matchers[i](doc):
            chars = parsed.chars(start, end)
            (hits if strings[key] == "r" else exceptions).setdefault(i, []).append(chars)
    kept: dict[int, list[tuple[int, int]]] = {}
    for i, spans in hits.items():
        excluded = exceptions.get(i, [])
        spans = [s for s in spans if not any(a < s[1] and s[0] < b for a, b in excluded)]
        longest: list[tuple[int, int]] = []
        for s in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
            if all(s[1] <= k[0] or k[1] <= s[0] for k in longest):
                longest.append(s)
        if longest:
            kept[i] = sorted(longest)
    return kept, parsed


@dataclass(frozen=True)
class _Match:
    """A concept's match in a text, with what its text alone says of it: whether it is
    legal wording, wording about wording, negated (for a negatable concept), quoted, or
    reported (the speech cue). Only who the record is about is left to judge."""

    start: int
    end: int
    rule: Rule
    legal: bool
    meta: bool
    negated: bool
    sentence: str
    clause: str
    clause_start: int
    quoted: bool
    speaker: str | None


def _match(ctx: context.TextContext, rule: Rule, start: int, end: int) -> _Match:
    legal = context.is_legal(ctx, start, end)
    meta = not legal and context.is_meta(ctx, start, end)
    negated = not legal and not meta and rule.negatable and context.is_negated(ctx, start, end)
    quoted = ctx.in_quote(start, end)
    sentence = ctx.sentence_at(start)
    # The clause of the match: from the last ";" before it (its subject may be an adult).
    clause_start = ctx.text.rfind(";", sentence.start, start) + 1 or sentence.start
    return _Match(
        start=start,
        end=end,
        rule=rule,
        legal=legal,
        meta=meta,
        negated=negated,
        sentence=sentence.text,
        clause=ctx.text[clause_start : sentence.end],
        clause_start=clause_start,
        quoted=quoted,
        speaker=None if quoted else context.reported_by(ctx, start),
    )


@lru_cache(maxsize=32768)
def _matches(text: str, pack: RulePack) -> tuple[_Match, ...]:
    """Every concept's matches in ``text``, by concept then position, each with what the
    text alone says of it. Records repeat narratives, and a narrative is checked once
    per set of people that can change its findings: this part is read once."""
    spans: Spans = {}
    sentences: list[tuple[int, int]] = []
    for start, end in _chunks(text):
        found, chunk_sentences = _analyse(text[start:end], pack)
        for i, chunk_spans in found.items():
            spans.setdefault(i, []).extend((a + start, b + start) for a, b in chunk_spans)
        sentences.extend((a + start, b + start) for a, b in chunk_sentences)
    if not spans:
        return ()
    ctx = context.analyse(text, sentences)
    return tuple(
        _match(ctx, pack.rules[i], start, end)
        for i, matches in sorted(spans.items())
        for start, end in matches
    )


def clear_caches() -> None:
    """Forget every text and chunk checked so far (for measuring the check's cost)."""
    from clearsight.language.model import clear_words, score_sentence

    _analyse.cache_clear()
    _matches.cache_clear()
    _model_flags_cached.cache_clear()
    score_sentence.cache_clear()
    clear_words()


def _judge(match: _Match, record: Sequence[RecordPerson]) -> tuple[Severity, str] | None:
    """The severity and context note of a match, or None when it is no finding."""
    rule = match.rule
    if match.legal:
        return None
    if match.meta:
        return "info", "the phrase is named in order to criticise it (training or audit text)"
    if match.negated:
        return None
    who = referents.of_sentence(match.sentence, record, match.clause)
    if rule.requires == "adult_party":
        offset = match.start - match.clause_start
        adults_only = who.adults_only_for_partner(offset)
    else:
        adults_only = who.adults_only
    if rule.about == "child" and adults_only:
        return None
    if rule.requires == "adult_party" and not who.adult_party:
        return None
    severity: Severity = rule.severity
    notes: list[str] = []
    youngest = who.youngest
    if rule.escalate_when == "under_13" and youngest is not None and youngest < 13:
        severity = rule.escalate_to or severity
        notes.append(f"the child is under 13 (aged {youngest})")
    elif rule.requires == "adult_party":
        ages = who.explain()
        if ages:
            notes.append(ages)
    elif who.record and not who.names_child and who.record_children:
        child = min(who.record_children, key=lambda p: p.age)
        notes.append(f"{child.role} aged {child.age} (record: date of birth at the event date)")
    if match.quoted:
        severity, notes = "info", ["quoted words, kept as evidence", *notes]
    elif match.speaker is not None:
        severity = "info"
        notes = [f"reported words ('{match.speaker.strip()}'), kept as evidence", *notes]
    return severity, "; ".join(notes)


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Where matches overlap, keep the longest (then the most severe, then the first rule)."""
    order = {id(c): i for i, c in enumerate(candidates)}
    ranked = sorted(
        candidates,
        key=lambda c: (-(c.end - c.start), -SEVERITY_RANK[c.severity], order[id(c)]),
    )
    kept: list[_Candidate] = []
    for cand in ranked:
        if all(cand.end <= k.start or k.end <= cand.start for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: (c.start, c.end))


def needs_all_people(text: str, pack: RulePack | None = None, *, model: bool = True) -> bool:
    """Whether the findings for ``text`` may depend on every involved person's age (a
    relationship or under-13 concept matches); otherwise only on :func:`people_key`."""
    return concepts_in(text, pack, model=model)[1]


def concepts_in(
    text: str, pack: RulePack | None = None, *, model: bool = True
) -> tuple[bool, bool]:
    """Whether some concept matches ``text`` before context is judged (:func:`may_find`),
    and whether its findings may depend on every involved person's age
    (:func:`needs_all_people`): both from one reading of the text's chunks. With
    ``model`` (as :func:`check` by default), a sentence the trained model flags counts
    as a match of the concept it most resembles."""
    pack = pack if pack is not None else load_rules()
    rules = pack.rules
    found = False
    for start, end in _chunks(text):
        for i in _analyse(text[start:end], pack)[0]:
            found = True
            if _needs_all(rules[i]):
                return True, True
    if model:
        for rule, _start, _end, _scored in _model_flags(text, pack):
            found = True
            if _needs_all(rule):
                return True, True
    return found, False


def _needs_all(rule: Rule) -> bool:
    """Whether a match of ``rule`` is judged with every person's age (a relationship
    concept needs an adult party; an under-13 one escalates by the youngest age)."""
    return rule.requires is not None or rule.escalate_when is not None


def people_key(people: Sequence[RecordPerson]) -> tuple[object, ...]:
    """What of a record's people the findings of a child concept depend on: whether
    there are people, the youngest child (role and age), and whether all are adults."""
    if not people:
        return ()
    children = [p for p in people if p.age < referents.ADULT_AGE]
    youngest = min(children, key=lambda p: (p.age, p.role)) if children else None
    return (True, youngest)


def may_find(text: str, pack: RulePack | None = None, *, model: bool = True) -> bool:
    """Whether some concept matches ``text`` before context is judged (or, with
    ``model``, the trained model flags a sentence of it): a text for which this is
    false has no finding whoever the record is about."""
    return concepts_in(text, pack, model=model)[0]


def check(
    text: str,
    pack: RulePack | None = None,
    *,
    people: Sequence[RecordPerson] = (),
    model: bool = True,
) -> list[Finding]:
    """Findings for ``text``, in order of position. ``people`` are the record's involved
    people with their ages at the event date, when the text comes from a record. The
    trained model (:mod:`clearsight.language.model`) also scores each sentence in which
    no concept matched and adds the ones it flags (``origin`` "model", its score and
    words in the context); ``model=False`` gives the rules' findings only."""
    pack = pack if pack is not None else load_rules()
    if not text or not text.strip():
        return []
    candidates: list[_Candidate] = []
    matches = _matches(text, pack)
    for match in matches:
        judged = _judge(match, people)
        if judged is not None:
            candidates.append(_Candidate(match.start, match.end, match.rule, *judged))
    kept = _resolve(candidates)
    if model:
        kept = sorted(
            [*kept, *_model_candidates(text, pack, people, matches)],
            key=lambda c: (c.start, c.end),
        )
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    findings: list[Finding] = []
    for c in kept:
        line = bisect.bisect_right(line_starts, c.start)
        end_line = bisect.bisect_right(line_starts, max(c.end - 1, c.start))
        findings.append(
            Finding(
                line=line,
                column=c.start - line_starts[line - 1] + 1,
                end_column=c.end - line_starts[end_line - 1] + 1,
                rule_id=c.rule.id,
                severity=c.severity,
                matched=text[c.start : c.end],
                suggestions=c.rule.alternatives,
                reason=c.rule.reason,
                source=c.rule.source,
                start=c.start,
                end=c.end,
                title=c.rule.title,
                context=c.note,
                origin=c.origin,
            )
        )
    return findings


def _model_flags(text: str, pack: RulePack) -> list[tuple[Rule, int, int, Scored]]:
    """The sentences of ``text`` the trained model flags, each with the concept it most
    resembles (one of ``pack``'s) and its span. Kept per text: records repeat narratives
    and :func:`concepts_in` and :func:`check` both ask."""
    return list(_model_flags_cached(text, pack))


@lru_cache(maxsize=32768)
def _model_flags_cached(text: str, pack: RulePack) -> tuple[tuple[Rule, int, int, Scored], ...]:
    from clearsight.language.model import score_sentence, sentences

    out: list[tuple[Rule, int, int, Scored]] = []
    for start, end in sentences(text):
        scored = score_sentence(text[start:end])
        if not scored.flagged or not scored.top_features:
            continue
        rule = next((r for c, _ in scored.concepts if (r := _by_id(pack, c)) is not None), None)
        if rule is not None:
            out.append((rule, start, end, scored))
    return tuple(out)


def _model_candidates(
    text: str, pack: RulePack, people: Sequence[RecordPerson], matches: Sequence[_Match]
) -> list[_Candidate]:
    """The trained model's findings: sentences in which no concept matched (a rule's
    match, even one its context judged away, leaves its sentence to the rules) that the
    model scores at or above its threshold. Each is judged as a rule's match would be,
    as the concept it most resembles, at the word that weighs most toward blaming:
    legal wording, training text, negation, quotes and reported speech, who the
    sentence is about (a child concept does not apply to adults) and an adult party;
    then not made on a sentence framed with the adults acting on the child, the
    recommended wording (:func:`referents.adults_act`)."""
    from clearsight.language.model import load_model, sentences, shown

    flags = _model_flags(text, pack)
    if not flags:
        return []
    trained = load_model()
    ruled = [(m.start, m.end) for m in matches]
    ctx: context.TextContext | None = None
    out: list[_Candidate] = []
    for rule, start, end, scored in flags:
        if any(a < end and start < b for a, b in ruled):
            continue
        sentence = text[start:end]
        where = trained.where(sentence, scored.top_features[0][0])
        if where is None:
            continue
        if ctx is None:
            ctx = context.analyse(text, sentences(text))
        judged = _judge(_match(ctx, rule, start + where[0], start + where[1]), people)
        if judged is None:
            continue
        severity, note = judged
        # The adults framed as the ones acting on the child is the recommended wording
        # (referents.adults_act): no blame of the child to report. Quoted or reported
        # words (info) are kept as evidence whoever they frame.
        if severity != "info" and referents.adults_act(sentence) is not None:
            continue
        words = ", ".join(f"'{shown(f)}'" for f, _ in scored.top_features)
        alike = ", ".join(f"{c} ({p:.2f})" for c, p in scored.concepts)
        said = (
            f"found by the trained model, not a rule (score {scored.score:.2f}, threshold "
            f"{trained.threshold}); the words weighing most toward blaming: {words}; "
            f"the concepts it most resembles: {alike}"
        )
        out.append(
            _Candidate(start, end, rule, severity, f"{said}; {note}" if note else said, "model")
        )
    return out


def _by_id(pack: RulePack, rule_id: str) -> Rule | None:
    try:
        return pack.by_id(rule_id)
    except KeyError:
        return None
