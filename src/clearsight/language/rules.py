"""Concept packs: one YAML file per category under ``rules/``, validated on load.

A rule file holds ``rules:``, a list of concepts. Each concept has:

``id``            unique across the pack (lower case, digits and hyphens)
``title``         the concept in a few words, as a record writer would see it
``severity``      ``error``, ``warning`` or ``info``
``patterns``      phrases in the pattern syntax of :mod:`clearsight.language.patterns`
``alternatives``  at least one suggested wording
``reason``        why the wording blames the child
``source``        the guidance it comes from, with its year

and optionally:

``exceptions``    patterns; a match overlapping one of them is not reported
``about``         ``child`` (default: not reported when the sentence or record is
                  about adults only) or ``anyone``
``requires``      ``adult_party``: only when an adult takes part (an adult age,
                  "man", "adult", "older" in the sentence, or an adult in the record)
``escalate``      ``{when: under_13, severity: error}``: a stronger severity when
                  the child is under 13
``negatable``     ``false`` when the phrase itself carries the negation (default true)

A force's own pack (``--rules DIR`` or ``$CLEARSIGHT_LANGUAGE_RULES``) is loaded beside
the packaged one with the same validation; its ids must not clash with the package's.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from clearsight.language.patterns import Compiler, PatternError, Sequence_, normalise_pattern

Severity = Literal["error", "warning", "info"]
About = Literal["child", "anyone"]
Requirement = Literal["adult_party"]
Cue = Literal["under_13"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
ABOUTS: tuple[About, ...] = ("child", "anyone")
REQUIREMENTS: tuple[Requirement, ...] = ("adult_party",)
CUES: tuple[Cue, ...] = ("under_13",)
LOCAL_RULES_ENV = "CLEARSIGHT_LANGUAGE_RULES"

_REQUIRED = ("id", "title", "severity", "patterns", "alternatives", "reason", "source")
_OPTIONAL = ("exceptions", "about", "requires", "escalate", "negatable")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


class RuleError(ValueError):
    """The pack is invalid; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    """One validated concept, with its patterns compiled to token sequences."""

    id: str
    title: str
    category: str
    file: str
    severity: Severity
    patterns: tuple[str, ...]
    alternatives: tuple[str, ...]
    reason: str
    source: str
    exceptions: tuple[str, ...]
    about: About
    requires: Requirement | None
    escalate_when: Cue | None
    escalate_to: Severity | None
    negatable: bool
    sequences: tuple[tuple[TokenSeq, ...], ...] = field(repr=False)
    exception_sequences: tuple[TokenSeq, ...] = field(repr=False)
    anchors: frozenset[str] | None = field(default=None, repr=False)
    signatures: tuple[tuple[frozenset[str], frozenset[str] | None], ...] | None = field(
        default=None, repr=False
    )
    # Required word sets by the sequences' most selective one: (that set, the rest of
    # each sequence's sets), so a text is tested only against sequences it may start.
    requirements: (
        tuple[tuple[frozenset[str], tuple[tuple[frozenset[str], ...], ...]], ...] | None
    ) = field(default=None, repr=False)

    def may_match(self, words: set[str], *, plain: bool = False) -> bool:
        """Whether a text with these (normalised and lower-case) words can match: a cheap
        necessary condition, so most rules are skipped for most texts. ``plain`` says
        the text holds no character that could make spaCy's tokens differ from its
        plain words (see ``_testable``), so every word a token sequence requires can be
        tested, not only its two most selective ones."""
        if self.anchors is None or self.signatures is None:
            return True
        if self.anchors.isdisjoint(words):
            return False
        for first, second in self.signatures:
            if not first.isdisjoint(words) and (second is None or not second.isdisjoint(words)):
                break
        else:
            return False
        if not plain or self.requirements is None:
            return True
        return any(
            not first.isdisjoint(words)
            and any(all(not s.isdisjoint(words) for s in rest) for rest in rests)
            for first, rests in self.requirements
        )


TokenSeq = tuple[tuple[tuple[str, Any], ...], ...]


def _freeze(seqs: list[Sequence_]) -> tuple[TokenSeq, ...]:
    return tuple(tuple(tuple(sorted(_hashable(t).items())) for t in seq) for seq in seqs)


def _hashable(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if isinstance(value, dict):
            out[key] = tuple((k, tuple(v)) for k, v in value.items())
        else:
            out[key] = value
    return out


# Words so common in records that a pattern anchored on them would run on every text
# (the last line: words of places, contact and agencies that most narratives hold).
_COMMON_WORDS = """a an the to in of for with on at and or by as be have do she he they her his
    their him
    them it i you we not no n't never this that who which what from into out up down over
    after before then there so if but than very all any some more most other only just like
    well about again back one two get go make take give come see say tell put leave
    child girl boy man woman adult person people young old year - 's
    home flat house address car place time meet contact appear agree phone service
    interview police officer staff school half late action"""
_COMMON = frozenset(_COMMON_WORDS.split())


def _required(seq: TokenSeq) -> list[frozenset[str]]:
    """Word sets, one per required token, that a match must touch."""
    out: list[frozenset[str]] = []
    for spec in thaw(seq):
        if "OP" in spec:
            continue
        value = spec.get("NORM", spec.get("LOWER"))
        if isinstance(value, str):
            out.append(frozenset([value]))
        elif isinstance(value, dict):
            out.append(frozenset(value["IN"]))
    return out


def _testable(words: frozenset[str], pieces: frozenset[str]) -> bool:
    """Whether a plain text's words surely hold the word a token of this set matches:
    ASCII letters only, and none a token of spaCy's tokenizer exceptions
    (:func:`clearsight.language.nlp.split_pieces`: "shouldnt" -> "should", "nt")."""
    return all(w.isascii() and w.isalpha() for w in words) and words.isdisjoint(pieces)


def _requirements(
    sequences: tuple[tuple[TokenSeq, ...], ...], pieces: frozenset[str]
) -> tuple[tuple[frozenset[str], tuple[tuple[frozenset[str], ...], ...]], ...] | None:
    """For each distinct token sequence, its testable required word sets (most
    selective first), grouped by the first: a plain text can match only if, for one
    sequence, it holds a word of each set. None when some sequence has no testable
    required word set."""
    found: set[tuple[frozenset[str], ...]] = set()
    for seqs in sequences:
        for seq in seqs:
            sets = sorted(
                {s for s in _required(seq) if _testable(s, pieces)},
                key=lambda s: (*_selectivity(s), sorted(s)),
            )
            if not sets:
                return None
            found.add(tuple(sets))
    # A requirement that holds all the word sets of another is implied by it, so only the
    # minimal ones are kept: slots with optional words make many sequences whose
    # requirements differ only by an extra word, and the test runs on every text.
    kept: list[tuple[frozenset[str], ...]] = []
    for req in sorted(found, key=lambda req: (len(req), [sorted(s) for s in req])):
        sets_of_req = set(req)
        if not any(sets_of_req.issuperset(k) for k in kept):
            kept.append(req)
    grouped: dict[frozenset[str], list[tuple[frozenset[str], ...]]] = {}
    for req in sorted(kept, key=lambda req: [sorted(s) for s in req]):
        grouped.setdefault(req[0], []).append(req[1:])
    return tuple(
        (first, tuple(rests))
        for first, rests in sorted(grouped.items(), key=lambda kv: sorted(kv[0]))
    )


def _selectivity(words: frozenset[str]) -> tuple[int, int]:
    return (len(words & _COMMON), len(words))


def _signatures(
    sequences: tuple[tuple[TokenSeq, ...], ...],
) -> tuple[tuple[frozenset[str], frozenset[str] | None], ...] | None:
    """Pairs (A, B): a text can match only if, for one pair, it holds a word of A and
    (unless B is None) a word of B. A is a sequence's most selective required word set
    and B the union of the next most selective sets of the sequences sharing that A.
    None when some sequence has no required word."""
    grouped: dict[frozenset[str], set[str] | None] = {}
    for seqs in sequences:
        for seq in seqs:
            required = sorted(set(_required(seq)), key=_selectivity)
            if not required:
                return None
            first = required[0]
            if len(required) == 1 or grouped.get(first, set()) is None:
                grouped[first] = None
                continue
            seconds = grouped.setdefault(first, set())
            if seconds is not None:
                seconds |= required[1]
    return tuple(
        (a, frozenset(b) if b is not None else None)
        for a, b in sorted(grouped.items(), key=lambda kv: sorted(kv[0]))
    )


def _anchors(sequences: tuple[tuple[TokenSeq, ...], ...]) -> frozenset[str] | None:
    """Words of which a text must hold one for the rule to match: for each token
    sequence its most selective required word set. None when some sequence has no
    required word (the rule must always run)."""
    words: set[str] = set()
    for seqs in sequences:
        for seq in seqs:
            required = _required(seq)
            if not required:
                return None
            best: frozenset[str] = min(required, key=_selectivity)
            words |= best
    return frozenset(words)


def thaw(seq: TokenSeq) -> list[dict[str, Any]]:
    """A frozen token sequence back as a spaCy ``Matcher`` pattern."""
    out: list[dict[str, Any]] = []
    for token in seq:
        spec: dict[str, Any] = {}
        for key, value in token:
            spec[key] = {k: list(v) for k, v in value} if isinstance(value, tuple) else value
        out.append(spec)
    return out


@dataclass(frozen=True, eq=False)
class RulePack:
    """All concepts, in file then declaration order, and the pack's version. Packs
    compare (and hash) by identity: a loaded pack is used as a cache key."""

    rules: tuple[Rule, ...]
    version: str

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _where(file: str, rule_id: object) -> str:
    return f"{file}: rule {rule_id!r}" if rule_id is not None else file


def _strings(value: object, what: str, where: str, *, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {what} must be a list of strings")
    items = [v.strip() for v in cast(list[str], value)]
    if any(not v for v in items):
        raise RuleError(f"{where}: {what} has an empty entry")
    if not items and not allow_empty:
        raise RuleError(f"{where}: {what} is empty; give at least one")
    return items


def _text(value: object, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: {what} must be non-empty text")
    return " ".join(value.split())


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> Any:
    value = data.get(key)
    if value is not None and value not in allowed:
        raise RuleError(f"{where}: {key} must be one of {', '.join(allowed)}")
    return value


def _escalation(data: dict[str, Any], where: str) -> tuple[Cue | None, Severity | None]:
    if "escalate" not in data:
        return None, None
    esc = data["escalate"]
    if (
        not isinstance(esc, dict)
        or set(esc) != {"when", "severity"}
        or esc["when"] not in CUES
        or esc["severity"] not in SEVERITIES
    ):
        raise RuleError(
            f"{where}: escalate must be {{when: {'|'.join(CUES)}, "
            f"severity: {'|'.join(SEVERITIES)}}}"
        )
    return esc["when"], esc["severity"]


def _rule(raw: object, file: str, compiler: Compiler, pieces: frozenset[str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{file}: each rule must be a mapping")
    data = cast(dict[str, Any], raw)
    where = _where(file, data.get("id"))
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise RuleError(f"{where}: missing field(s) {', '.join(missing)}")
    rule_id = data["id"]
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RuleError(f"{where}: id must be lower-case letters, digits and hyphens")
    severity = _choice(data, "severity", SEVERITIES, where)
    patterns = _strings(data["patterns"], "patterns", where)
    alternatives = _strings(data["alternatives"], "alternatives", where)
    exceptions = _strings(data.get("exceptions", []), "exceptions", where, allow_empty=True)
    seen: set[str] = set()
    for pattern in patterns:
        key = normalise_pattern(pattern)
        if key in seen:
            raise RuleError(f"{where}: duplicate pattern {pattern!r}")
        seen.add(key)
    escalate_when, escalate_to = _escalation(data, where)
    negatable = data.get("negatable", True)
    if not isinstance(negatable, bool):
        raise RuleError(f"{where}: negatable must be true or false")
    source = _text(data["source"], "source", where)
    if not _YEAR.search(source):
        raise RuleError(f"{where}: source must name the guidance and its year")
    try:
        sequences = tuple(_freeze(compiler.compile(p)) for p in patterns)
        exception_sequences = tuple(s for p in exceptions for s in _freeze(compiler.compile(p)))
    except PatternError as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from exc
    return Rule(
        id=rule_id,
        title=_text(data["title"], "title", where),
        category=Path(file).stem,
        file=file,
        severity=severity,
        patterns=tuple(patterns),
        alternatives=tuple(alternatives),
        reason=_text(data["reason"], "reason", where),
        source=source,
        exceptions=tuple(exceptions),
        about=_choice(data, "about", ABOUTS, where) or "child",
        requires=_choice(data, "requires", REQUIREMENTS, where),
        escalate_when=escalate_when,
        escalate_to=escalate_to,
        negatable=negatable,
        sequences=sequences,
        exception_sequences=exception_sequences,
        anchors=_anchors(sequences),
        signatures=_signatures(sequences),
        requirements=_requirements(sequences, pieces),
    )


def _load_yaml(text: str, file: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{file}: not valid YAML: {exc}") from exc


def load_slots(text: str, file: str = "slots.yaml") -> dict[str, str]:
    """Parse the named slots file."""
    data = _load_yaml(text, file)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise RuleError(f"{file}: must map slot names to patterns")
    return cast(dict[str, str], data)


def _tokenize(word: str) -> list[tuple[str, str]]:
    """A pattern word split and normalised exactly as a text is."""
    from clearsight.language.nlp import parse

    return [(t.text, t.norm_) for t in parse(word).doc]


def build_pack(files: list[tuple[str, str]], slots_text: str) -> RulePack:
    """Validate and compile a pack from ``(file name, YAML text)`` pairs, in the order
    given (the packaged files first, then a force's own)."""
    from clearsight.language.nlp import split_pieces

    compiler = Compiler(load_slots(slots_text), _tokenize)
    pieces = split_pieces()
    from clearsight.language.model import model_digest

    digest = hashlib.sha256(slots_text.encode("utf-8"))
    # The trained model's findings carry the pack's concepts: a new model is a new version.
    digest.update(model_digest().encode("utf-8"))
    rules: list[Rule] = []
    ids: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, text in files:
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
        data = _load_yaml(text, name)
        if not isinstance(data, dict) or set(data) != {"rules"}:
            raise RuleError(f"{name}: must hold exactly one key, 'rules'")
        raws = data["rules"]
        if not isinstance(raws, list) or not raws:
            raise RuleError(f"{name}: 'rules' must be a non-empty list")
        for raw in raws:
            rule = _rule(raw, name, compiler, pieces)
            if rule.id in ids:
                raise RuleError(f"{name}: rule {rule.id!r} duplicates the id in {ids[rule.id]}")
            ids[rule.id] = name
            for pattern in rule.patterns:
                key = normalise_pattern(pattern)
                if key in owners:
                    raise RuleError(
                        f"{name}: rule {rule.id!r}: duplicate pattern {pattern!r} "
                        f"(also in {owners[key]})"
                    )
                owners[key] = f"{name}: rule {rule.id!r}"
            rules.append(rule)
    return RulePack(rules=tuple(rules), version=digest.hexdigest()[:12])


def _package_dir() -> Traversable:
    return resources.files("clearsight.language")


def _rule_files(directory: Traversable, label: str) -> list[tuple[str, str]]:
    if not directory.is_dir():
        raise RuleError(f"{label}: no such directory")
    return sorted(
        (f"{label}/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in directory.iterdir()
        if entry.name.endswith(".yaml") and entry.name != "slots.yaml"
    )


def load_pack(directory: Path | None = None, local: Path | None = None) -> RulePack:
    """Load and validate a pack.

    ``directory`` replaces the packaged rules (``slots.yaml`` beside them, when present,
    replaces the packaged slots); ``local`` adds a force's own rule files to the pack.
    """
    base = _package_dir()
    if directory is None:
        files = _rule_files(base / "rules", "rules")
        slots_text = (base / "slots.yaml").read_text(encoding="utf-8")
    else:
        files = _rule_files(directory, str(directory))
        own = directory / "slots.yaml"
        slots_text = (own if own.is_file() else base / "slots.yaml").read_text(encoding="utf-8")
    if local is not None:
        extra = _rule_files(local, str(local))
        if not extra:
            raise RuleError(f"{local}: no rule files (*.yaml)")
        files += extra
    if not files:
        raise RuleError(f"{directory or 'rules'}: no rule files")
    return build_pack(files, slots_text)


@lru_cache(maxsize=4)
def _cached(local: str | None, stamp: tuple[tuple[str, int, int], ...]) -> RulePack:
    del stamp  # part of the cache key only
    return load_pack(local=Path(local) if local else None)


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of a local pack's files: an edited pack is
    loaded (and validated) again."""
    try:
        entries = sorted(directory.glob("*.yaml"))
        return tuple((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries)
    except OSError:
        return ()


def load_rules(local: Path | None = None) -> RulePack:
    """The packaged pack plus a force's own rules (``local``, or the directory named by
    ``$CLEARSIGHT_LANGUAGE_RULES``), loaded once per process (again when the force's
    files change)."""
    chosen = local if local is not None else os.environ.get(LOCAL_RULES_ENV) or None
    if not chosen:
        return _cached(None, ())
    return _cached(str(chosen), _stamp(Path(chosen)))
