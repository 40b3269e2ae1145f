"""Rule patterns, compiled to spaCy ``Matcher`` token patterns over normalised words.

Pattern syntax (one phrase, items separated by spaces):

* ``word`` matches any token whose normalised form (lower case, spelling variant,
  lemma: see :mod:`clearsight.language.nlp`) is the word's: ``chose`` matches
  "choose", "chooses", "chose" and "choosing"; ``girl`` matches "girls". A word the
  tokenizer splits (``harm's``) becomes its tokens. In-word hyphens are dropped from
  texts and patterns alike, so ``attention-seeking`` matches "attention seeking" and
  "attention-seeking", and ``# year old`` matches "14-year-old".
* ``=word`` matches the word exactly (lower case), with no lemma.
* ``word?`` makes the item optional.
* ``{a|b|c d}`` matches one of the alternatives; an empty alternative makes it
  optional (``{fully|}``). Alternatives may hold several words, slots and braces.
* ``<name>`` is a slot from ``slots.yaml`` (``<child>``, ``<choose>``, ``<adult>``...).
* ``~N`` is a gap of up to N tokens (N <= 12) within a clause: it does not cross
  ``. , ; : ! ? ( )``. ``~~N`` also crosses commas (still within the sentence).
* ``#`` matches a number (an age: ``# year old``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

GAP_MAX = 12
EXPANSIONS_MAX = 800

TokenSpec = dict[str, Any]
Sequence_ = list[TokenSpec]

_CLAUSE_STOPS = [".", ",", ";", ":", "!", "?", "(", ")", "\n"]
_SENTENCE_STOPS = [".", ";", "!", "?", "\n"]
_GAP = re.compile(r"(~~?)(\d+)")


class PatternError(ValueError):
    """A pattern that cannot be compiled (unbalanced braces, unknown slot...)."""


def split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` (a space means any whitespace) outside braces."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise PatternError(f"unbalanced '}}' in {text!r}")
        if depth == 0 and (ch == sep if sep != " " else ch.isspace()):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise PatternError(f"unbalanced '{{' in {text!r}")
    parts.append("".join(current))
    return parts


def _balanced_outer(token: str) -> bool:
    depth = 0
    for i, ch in enumerate(token):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(token) - 1:
                return False
    return depth == 0


def _single_norms(seq: Sequence_) -> list[str] | None:
    """The NORM values of a one-token sequence that only tests NORM, else None."""
    if len(seq) != 1 or set(seq[0]) != {"NORM"}:
        return None
    value = seq[0]["NORM"]
    if isinstance(value, str):
        return [value]
    return list(value["IN"])


class Compiler:
    """Compiles patterns; ``tokenize`` splits a word as the pipeline does and gives
    each piece's normalised form."""

    def __init__(
        self, slots: Mapping[str, str], tokenize: Callable[[str], list[tuple[str, str]]]
    ) -> None:
        self.slots = slots
        self._tokenize = tokenize
        self._tokens: dict[str, list[tuple[str, str]]] = {}
        self._stack: list[str] = []

    def tokenize(self, word: str) -> list[tuple[str, str]]:
        """``word`` split and normalised; slots repeat words across a pack, so each
        word goes through the pipeline once."""
        found = self._tokens.get(word)
        if found is None:
            found = self._tokens[word] = self._tokenize(word)
        return found

    def compile(self, pattern: str) -> list[Sequence_]:
        """All token sequences of ``pattern``."""
        items = [t for t in split_top(pattern.strip(), " ") if t]
        if not items:
            raise PatternError(f"empty pattern {pattern!r}")
        if _GAP.fullmatch(items[0]) or _GAP.fullmatch(items[-1]):
            raise PatternError(f"a pattern cannot start or end with a gap: {pattern!r}")
        seqs = self.phrase(pattern)
        if any(all("OP" in t for t in s) for s in seqs):
            raise PatternError(f"pattern {pattern!r} can match nothing")
        return seqs

    def phrase(self, text: str) -> list[Sequence_]:
        seqs: list[Sequence_] = [[]]
        for item in (t for t in split_top(text.strip(), " ") if t):
            options = self.item(item)
            seqs = [a + b for a in seqs for b in options]
            if len(seqs) > EXPANSIONS_MAX:
                raise PatternError(
                    f"{text!r} expands to more than {EXPANSIONS_MAX} token sequences; "
                    "split it into several patterns"
                )
        return seqs

    def item(self, item: str) -> list[Sequence_]:
        gap = _GAP.fullmatch(item)
        if gap:
            n = int(gap.group(2))
            if not 1 <= n <= GAP_MAX:
                raise PatternError(f"gap {item!r} must be ~1 to ~{GAP_MAX}")
            stops = _CLAUSE_STOPS if gap.group(1) == "~" else _SENTENCE_STOPS
            return [[{"ORTH": {"NOT_IN": stops}, "OP": f"{{0,{n}}}"}]]
        if item.endswith("?") and len(item) > 1:
            return _optional(self.item(item[:-1]))
        if item.startswith("{") and item.endswith("}") and _balanced_outer(item):
            return self.alternatives(item[1:-1], item)
        if item.startswith("<") and item.endswith(">"):
            name = item[1:-1]
            if name not in self.slots:
                raise PatternError(f"unknown slot <{name}>")
            if name in self._stack:
                raise PatternError(f"slot <{name}> refers to itself")
            self._stack.append(name)
            try:
                return self.alternatives(self.slots[name], item)
            finally:
                self._stack.pop()
        if item == "#":
            return [[{"LIKE_NUM": True}]]
        if any(ch in item for ch in "{}<>|~"):
            raise PatternError(f"malformed item {item!r}")
        if item.startswith("="):
            return [[{"LOWER": piece.lower()} for piece, _ in self.tokenize(item[1:])]]
        if not self.tokenize(item):
            raise PatternError(f"malformed item {item!r}")
        return [[{"NORM": norm} for _, norm in self.tokenize(item)]]

    def alternatives(self, body: str, where: str) -> list[Sequence_]:
        singles: list[str] = []
        others: list[Sequence_] = []
        optional = False
        for alt in split_top(body, "|"):
            if not alt.strip():
                optional = True
                continue
            for seq in self.phrase(alt):
                norms = _single_norms(seq)
                if norms is None:
                    others.append(seq)
                else:
                    singles.extend(n for n in norms if n not in singles)
        if not singles and not others:
            raise PatternError(f"no alternatives in {where!r}")
        out: list[Sequence_] = []
        if singles:
            out.append([{"NORM": singles[0]} if len(singles) == 1 else {"NORM": {"IN": singles}}])
        out.extend(others)
        return _optional(out) if optional else out


def _optional(options: list[Sequence_]) -> list[Sequence_]:
    """``options`` or nothing. One token becomes one token with spaCy's ``?`` operator
    rather than two sequences: slots with optional words ("{the|these}? {older}? {man}")
    would otherwise multiply a pattern's sequences, and the Matcher's cost with them."""
    if len(options) == 1 and len(options[0]) == 1 and "OP" not in options[0][0]:
        return [[{**options[0][0], "OP": "?"}]]
    return [*options, []]


def normalise_pattern(pattern: str) -> str:
    """The pattern with spacing and case normalised, to find duplicates."""
    return " ".join(pattern.lower().split())
