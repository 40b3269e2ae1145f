"""A small compiler from rule patterns to regular expressions.

Pattern syntax (one phrase, words separated by spaces):

* ``word`` matches the word, case-insensitively, on word boundaries. A hyphen
  inside a word also matches a space or nothing (``attention-seeking`` matches
  ``attention seeking``); an apostrophe matches a straight or curly one.
* ``{a|b|c d}`` matches one of the alternatives (an alternative may hold several
  words, slots and nested braces). An empty alternative makes it optional:
  ``{fully|}``.
* ``<name>`` is a named slot from ``slots.yaml`` (``<self>`` for herself, himself,
  themselves...); slots may use braces and other slots.
* ``~`` is a gap of up to two words; ``~N`` of up to N words (N <= 6). Gaps do not
  cross punctuation.
* ``#`` matches a number of one or two digits (for ages: ``#-year-old``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

WORD_GAP_MAX = 6
_SEP = r"\s+"
_GAP_WORD = r"[\w'’-]+"


class PatternError(ValueError):
    """A pattern that cannot be compiled (unbalanced braces, unknown slot...)."""


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` outside braces and angle brackets."""
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


def _literal(word: str) -> str:
    out: list[str] = []
    for ch in word:
        if ch == "#":
            out.append(r"\d{1,2}")
        elif ch == "-":
            out.append(r"[-\s]?")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


class _Compiler:
    def __init__(self, slots: Mapping[str, str]) -> None:
        self.slots = slots
        self._stack: list[str] = []

    def phrase(self, text: str) -> tuple[str, bool]:
        """Regex for a space-separated phrase, and whether it can match empty."""
        tokens = [t for t in _split_top(text.strip(), " ") if t]
        if not tokens:
            return "", True
        pieces: list[tuple[str, bool, bool]] = []  # (regex, optional, is_gap)
        for token in tokens:
            if re.fullmatch(r"~\d*", token):
                n = int(token[1:]) if len(token) > 1 else 2
                if not 1 <= n <= WORD_GAP_MAX:
                    raise PatternError(f"gap {token!r} must be ~1 to ~{WORD_GAP_MAX}")
                pieces.append((f"(?:{_SEP}{_GAP_WORD}){{0,{n}}}", True, True))
            else:
                regex, optional = self.token(token)
                pieces.append((regex, optional, False))
        out: list[str] = []
        started = False
        all_optional = True
        for regex, optional, is_gap in pieces:
            if is_gap:
                # A gap carries its own leading separators.
                out.append(regex)
                continue
            all_optional = all_optional and optional
            if not started:
                out.append(f"(?:{regex}{_SEP})?" if optional else regex)
                started = not optional
            else:
                out.append(f"(?:{_SEP}{regex})?" if optional else f"{_SEP}{regex}")
        if pieces and pieces[0][2]:
            raise PatternError(f"a pattern cannot start with a gap: {text!r}")
        if pieces and pieces[-1][2]:
            raise PatternError(f"a pattern cannot end with a gap: {text!r}")
        return "".join(out), all_optional

    def token(self, token: str) -> tuple[str, bool]:
        if token.startswith("{") and token.endswith("}") and _balanced_outer(token):
            alternatives = _split_top(token[1:-1], "|")
            regexes: list[str] = []
            optional = False
            for alt in alternatives:
                regex, empty = self.phrase(alt)
                if not alt.strip():
                    optional = True
                    continue
                if empty:
                    raise PatternError(f"alternative {alt!r} can match nothing in {token!r}")
                regexes.append(regex)
            if not regexes:
                raise PatternError(f"no alternatives in {token!r}")
            return "(?:" + "|".join(regexes) + ")", optional
        if token.startswith("<") and token.endswith(">"):
            name = token[1:-1]
            if name not in self.slots:
                raise PatternError(f"unknown slot <{name}>")
            if name in self._stack:
                raise PatternError(f"slot <{name}> refers to itself")
            self._stack.append(name)
            try:
                regex, empty = self.phrase(self.slots[name])
            finally:
                self._stack.pop()
            if empty:
                raise PatternError(f"slot <{name}> can match nothing")
            return f"(?:{regex})", False
        if any(ch in token for ch in "{}<>|~"):
            raise PatternError(f"malformed token {token!r}")
        return _literal(token), False


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


def to_regex(pattern: str, slots: Mapping[str, str]) -> str:
    """The regex source (without flags or boundaries) for one pattern."""
    regex, empty = _Compiler(slots).phrase(pattern)
    if empty:
        raise PatternError(f"pattern {pattern!r} can match nothing")
    return regex


def bounded(regex: str) -> str:
    """Wrap a regex so it matches whole words only."""
    return rf"(?<![\w-])(?:{regex})(?!\w|-\w)"


def compile_patterns(patterns: list[str], slots: Mapping[str, str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``patterns`` on word boundaries."""
    alternation = "|".join(to_regex(p, slots) for p in patterns)
    return re.compile(bounded(alternation), re.IGNORECASE)


def normalise(pattern: str) -> str:
    """The pattern with spacing and case normalised, to find duplicates."""
    return " ".join(pattern.lower().split())


# --- anchor words: a cheap prefilter -------------------------------------------------------
#
# Every match of a pattern contains, as a whole word, one of the first words of each
# of its required tokens. For each pattern we keep the most selective such set, so
# the check can skip a rule whose anchor words are all absent from a text.

_PIECE = re.compile(r"[^\W_]+")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON = _word_set(
    """a an the to in of for with on at and or by as is are was were be been being am has
    have had she he they her his their him them it its i you my me we us our your not no
    do does did will would can could should may might must this that these those who
    which what when where how why from into out up down over after before then there here
    so if but than also very all any some more most other only just like well about
    again back one two three four five time day night home school police officer officers
    child children young person people man men male males adult adults older girl boy
    said says told tell found seen saw see go goes went going gone get gets got getting
    come came give gave given gives giving make made makes making take took taken takes
    taking worker workers social services team staff"""
)
ANY = None  # a token whose first word cannot be known (a number)


def words(text: str) -> set[str]:
    """The lower-case alphanumeric words of ``text``, as the anchors see them."""
    return set(_PIECE.findall(text.lower()))


def _cost(words_: frozenset[str]) -> tuple[int, int]:
    """Lower is more selective: no common words, few words, long words."""
    return (1000 * len(words_ & _COMMON) + len(words_), -min(map(len, words_), default=0))


def _literal_first(word: str) -> frozenset[str] | None:
    """Words of which a match of the literal ``word`` contains one.

    A hyphen in a pattern also matches a space or nothing, so the first part is a
    word of its own or the start of a joined word, and the last part a word of its
    own or the end of one: keep the more selective of the prefix or suffix joins.
    """
    parts = word.lower().split("-")
    options: list[frozenset[str]] = []
    for joins in (
        ["".join(parts[: i + 1]) for i in range(len(parts))],
        ["".join(parts[i:]) for i in range(len(parts))],
    ):
        if any("#" in j for j in joins):
            continue
        found = {p[0] for p in (_PIECE.findall(j) for j in joins) if p}
        if found:
            options.append(frozenset(found))
    return min(options, key=_cost) if options else ANY


Clause = frozenset[str]


class _Anchors:
    """Word sets ("clauses") every match must touch: one per required token."""

    def __init__(self, slots: Mapping[str, str]) -> None:
        self.slots = slots

    def tokens(self, text: str) -> list[tuple[Clause | None, bool]]:
        out: list[tuple[Clause | None, bool]] = []
        for token in (t for t in _split_top(text.strip(), " ") if t):
            if re.fullmatch(r"~\d*", token):
                continue
            out.append(self.token(token))
        return out

    def best(self, text: str) -> Clause | None:
        """The most selective clause of a phrase, or ANY."""
        found = [c for c, optional in self.tokens(text) if not optional and c is not ANY]
        return min(found, key=_cost) if found else ANY

    def token(self, token: str) -> tuple[Clause | None, bool]:
        if token.startswith("{") and token.endswith("}") and _balanced_outer(token):
            acc: set[str] = set()
            optional = False
            for alt in _split_top(token[1:-1], "|"):
                if not alt.strip():
                    optional = True
                    continue
                clause = self.best(alt)
                if clause is ANY:
                    return ANY, optional
                acc |= clause
            return frozenset(acc), optional
        if token.startswith("<") and token.endswith(">"):
            return self.best(self.slots[token[1:-1]]), False
        return _literal_first(token), False

    def clauses(self, pattern: str) -> tuple[Clause, ...]:
        """Clauses of a pattern, most selective first."""
        found = {c for c, optional in self.tokens(pattern) if not optional and c is not ANY}
        return tuple(sorted(found, key=_cost))


def pattern_clauses(pattern: str, slots: Mapping[str, str]) -> tuple[Clause, ...]:
    """Word sets such that any match of ``pattern`` contains a word of each.

    An empty tuple means no such set is known: the pattern must always run.
    """
    return _Anchors(slots).clauses(pattern)
