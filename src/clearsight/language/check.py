"""The check: find victim-blaming language in a text, in context."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from clearsight.language import context
from clearsight.language.patterns import words
from clearsight.language.rules import (
    SEVERITY_RANK,
    Matcher,
    Rule,
    RulePack,
    Severity,
    load_rules,
)


@dataclass(frozen=True)
class Finding:
    """One finding. ``line`` and ``column`` are 1-based; ``end_column`` is the 1-based
    column just past the match on the line where the match ends."""

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

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: the documented fields only, ``suggestions`` as a list."""
        return {
            "line": self.line,
            "column": self.column,
            "end_column": self.end_column,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "matched": self.matched,
            "suggestions": list(self.suggestions),
            "reason": self.reason,
            "source": self.source,
        }

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


def _to_run(text: str, pack: RulePack) -> list[tuple[Rule, list[Matcher]]]:
    """The rules, and their patterns, whose anchor words are in ``text``: a cheap
    prefilter, so most rules never run their regexes on most texts."""
    present = words(text)
    out: list[tuple[Rule, list[Matcher]]] = []
    for rule in pack.rules:
        if rule.anchors is not None and rule.anchors.isdisjoint(present):
            continue
        matchers: list[Matcher] = []
        for matcher in rule.matchers:
            for clause in matcher.clauses:
                if clause.isdisjoint(present):
                    break
            else:
                matchers.append(matcher)
        if matchers:
            out.append((rule, matchers))
    return out


def _candidates(text: str, to_run: list[tuple[Rule, list[Matcher]]]) -> list[_Candidate]:
    ctx: context.TextContext | None = None
    found: list[_Candidate] = []
    for rule, matchers in to_run:
        matches = [m for matcher in matchers for m in matcher.regex.finditer(text)]
        if not matches:
            continue
        if ctx is None:
            ctx = context.analyse(text)
        exceptions = (
            [m.span() for m in rule.exception_regex.finditer(text)] if rule.exception_regex else []
        )
        for m in matches:
            start, end = m.span()
            if any(es < end and start < ee for es, ee in exceptions):
                continue
            if context.is_legal(ctx, start, end):
                continue
            if rule.negatable and context.is_negated(ctx, start):
                continue
            sentence = ctx.sentence_at(start).text
            if rule.requires == "adult_age" and not context.has_adult_cue(sentence):
                continue
            severity: Severity = rule.severity
            if rule.escalate_when is not None and rule.escalate_to is not None:
                cue = (
                    context.has_under_13_cue(sentence)
                    if rule.escalate_when == "under_13"
                    else context.has_adult_cue(sentence)
                )
                if cue:
                    severity = rule.escalate_to
            if ctx.in_quote(start, end) or context.is_reported(ctx, start):
                severity = "info"
            found.append(_Candidate(start, end, rule, severity))
    return found


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


def check(text: str, pack: RulePack | None = None) -> list[Finding]:
    """Findings for ``text``, in order of position."""
    pack = pack if pack is not None else load_rules()
    if not text:
        return []
    to_run = _to_run(text, pack)
    if not to_run:
        return []
    kept = _resolve(_candidates(text, to_run))
    if not kept:
        return []
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
            )
        )
    return findings
