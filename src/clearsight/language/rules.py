"""The rule pack: one YAML file per category under ``rules/``, validated on load.

A rule file holds ``rules:``, a list of rules. Each rule has:

``id``            unique across the pack (lower case, digits and hyphens)
``severity``      ``error``, ``warning`` or ``info``
``patterns``      phrases in the pattern syntax of :mod:`clearsight.language.patterns`
``alternatives``  at least one suggested wording
``reason``        why the language matters
``source``        the guide or finding it comes from, with its year

and optionally:

``exceptions``    patterns; a match overlapping one of them is not reported
``requires``      a context cue that must be in the sentence (``adult_age``)
``escalate``      ``{when: under_13, severity: error}``: a stronger severity when
                  the sentence gives an age under 13
``negatable``     ``false`` when the phrase itself carries the negation (default true)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from clearsight.language.patterns import (
    PatternError,
    compile_patterns,
    normalise,
    pattern_clauses,
    to_regex,
)

Severity = Literal["error", "warning", "info"]
Cue = Literal["adult_age", "under_13"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
CUES: tuple[Cue, ...] = ("adult_age", "under_13")

_REQUIRED = ("id", "severity", "patterns", "alternatives", "reason", "source")
_OPTIONAL = ("exceptions", "requires", "escalate", "negatable")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


class RuleError(ValueError):
    """The rule pack is invalid; the message names the file and the rule."""


@dataclass(frozen=True)
class Matcher:
    """One pattern: its regex, and the word sets a text must touch for it to match."""

    clauses: tuple[frozenset[str], ...]
    regex: re.Pattern[str]

    def may_match(self, words: set[str]) -> bool:
        return all(not c.isdisjoint(words) for c in self.clauses)


@dataclass(frozen=True)
class Rule:
    """One validated rule, with its patterns compiled."""

    id: str
    category: str
    severity: Severity
    patterns: tuple[str, ...]
    alternatives: tuple[str, ...]
    reason: str
    source: str
    exceptions: tuple[str, ...]
    requires: Cue | None
    escalate_when: Cue | None
    escalate_to: Severity | None
    negatable: bool
    regex: re.Pattern[str]
    exception_regex: re.Pattern[str] | None
    matchers: tuple[Matcher, ...]
    anchors: frozenset[str] | None


@dataclass(frozen=True)
class RulePack:
    """All rules, in file then declaration order, and the pack's version."""

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


def _rule(raw: object, file: str, category: str, slots: dict[str, str]) -> Rule:
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
    severity = data["severity"]
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    patterns = _strings(data["patterns"], "patterns", where)
    alternatives = _strings(data["alternatives"], "alternatives", where)
    exceptions = _strings(data.get("exceptions", []), "exceptions", where, allow_empty=True)
    seen: set[str] = set()
    for pattern in patterns:
        key = normalise(pattern)
        if key in seen:
            raise RuleError(f"{where}: duplicate pattern {pattern!r}")
        seen.add(key)
    requires = data.get("requires")
    if requires is not None and requires not in CUES:
        raise RuleError(f"{where}: requires must be one of {', '.join(CUES)}")
    escalate_when: Cue | None = None
    escalate_to: Severity | None = None
    if "escalate" in data:
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
        escalate_when = esc["when"]
        escalate_to = esc["severity"]
    negatable = data.get("negatable", True)
    if not isinstance(negatable, bool):
        raise RuleError(f"{where}: negatable must be true or false")
    source = _text(data["source"], "source", where)
    if not _YEAR.search(source):
        raise RuleError(f"{where}: source must name the guide and its year")
    try:
        for pattern in (*patterns, *exceptions):
            to_regex(pattern, slots)
        regex = compile_patterns(patterns, slots)
        exception_regex = compile_patterns(exceptions, slots) if exceptions else None
        matchers = tuple(
            Matcher(pattern_clauses(p, slots), compile_patterns([p], slots)) for p in patterns
        )
    except (PatternError, re.error) as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from exc
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        patterns=tuple(patterns),
        alternatives=tuple(alternatives),
        reason=_text(data["reason"], "reason", where),
        source=source,
        exceptions=tuple(exceptions),
        requires=requires,
        escalate_when=escalate_when,
        escalate_to=escalate_to,
        negatable=negatable,
        regex=regex,
        exception_regex=exception_regex,
        matchers=matchers,
        anchors=(
            None
            if any(not m.clauses for m in matchers)
            else frozenset().union(*(m.clauses[0] for m in matchers))
        ),
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


def build_pack(files: list[tuple[str, str]], slots_text: str) -> RulePack:
    """Validate and compile a pack from ``(file name, YAML text)`` pairs."""
    slots = load_slots(slots_text)
    digest = hashlib.sha256(slots_text.encode("utf-8"))
    rules: list[Rule] = []
    ids: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, text in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
        data = _load_yaml(text, name)
        if not isinstance(data, dict) or set(data) != {"rules"}:
            raise RuleError(f"{name}: must hold exactly one key, 'rules'")
        raws = data["rules"]
        if not isinstance(raws, list) or not raws:
            raise RuleError(f"{name}: 'rules' must be a non-empty list")
        category = Path(name).stem
        for raw in raws:
            rule = _rule(raw, name, category, slots)
            if rule.id in ids:
                raise RuleError(f"{name}: rule {rule.id!r} duplicates the id in {ids[rule.id]}")
            ids[rule.id] = name
            for pattern in rule.patterns:
                key = normalise(pattern)
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


def load_pack(directory: Path | None = None) -> RulePack:
    """Load and validate the pack from ``directory`` (default: the packaged rules).

    ``directory`` holds ``*.yaml`` rule files; ``slots.yaml`` beside them, when
    present, replaces the packaged slots.
    """
    base = _package_dir()
    if directory is None:
        rules_dir: Traversable = base / "rules"
        slots_text = (base / "slots.yaml").read_text(encoding="utf-8")
    else:
        rules_dir = directory
        own = directory / "slots.yaml"
        source = own if own.is_file() else base / "slots.yaml"
        slots_text = source.read_text(encoding="utf-8")
    files = [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in rules_dir.iterdir()
        if entry.name.endswith(".yaml") and entry.name != "slots.yaml"
    ]
    if not files:
        raise RuleError(f"{rules_dir}: no rule files")
    return build_pack(files, slots_text)


@lru_cache(maxsize=1)
def load_rules() -> RulePack:
    """The packaged rule pack, loaded once."""
    return load_pack()
