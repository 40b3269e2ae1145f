"""The language pipeline: spaCy tokens and sentences, lookup lemmas, and normalised words.

The pipeline is a blank English spaCy pipeline (tokenizer and rule-based sentencizer)
with the English lookup lemmas of ``spacy-lookups-data``; no trained model is used,
nothing is fetched at run time, and it is built once per process on first use.
Each token's ``norm_`` is set to its normalised form (``normalise.yaml``): lower
case, spelling variants, then the lemma. Rule patterns match on ``NORM``, so a rule
written with "chose" also matches "choose", "chooses" and "choosing".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


_SEEN_MAX = 200_000


class NormaliseError(ValueError):
    """``normalise.yaml`` is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class Normaliser:
    """Maps a word to the form rules match on."""

    keep: frozenset[str]
    spelling: dict[str, str]
    fixes: dict[str, str]
    lemmas: Any  # spaCy's lookup Table: get(word, default) -> lemma
    seen: dict[str, str]
    # Every lemma of the lookup table: words known in their own right.
    known: frozenset[str] = frozenset()

    def __call__(self, word: str) -> str:
        found = self.seen.get(word)
        if found is not None:
            return found
        w = word.lower()
        w = self.spelling.get(w, w)
        out = w if w in self.keep else self.fixes.get(w) or str(self.lemmas.get(w, w))
        if out == w and w not in self.keep:
            out = self._dropped_g(w) or out
        if len(self.seen) < _SEEN_MAX:
            self.seen[word] = out
        return out

    def _dropped_g(self, w: str) -> str | None:
        """The lemma of an -ing form written without its final g ("sellin", "goin",
        "meetin"), as informal notes and typed-up speech spell it; a word known in its
        own right ("ruin", "robin", "cousin") is left alone."""
        if len(w) < 4 or not w.endswith("in") or w in self.known:
            return None
        full = w + "g"
        if full not in self.lemmas:
            return None
        return self.fixes.get(full) or str(self.lemmas.get(full))


def _word_map(data: dict[str, Any], key: str, file: str) -> dict[str, str]:
    value = data[key]
    if not isinstance(value, dict):
        raise NormaliseError(f"{file}: '{key}' must map a word to its form")
    for word, form in value.items():
        if not isinstance(word, str) or not isinstance(form, str) or not form.strip():
            raise NormaliseError(f"{file}: {key} entry {word!r} must map to a word")
    return {str(k).lower(): str(v).lower() for k, v in value.items()}


def read_normalise(
    text: str, file: str = "normalise.yaml"
) -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    """``keep``, ``spelling`` and ``lemma`` of a normalisation file, validated."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"keep", "lemma", "spelling"}:
        raise NormaliseError(f"{file}: must hold exactly 'keep', 'lemma' and 'spelling'")
    keep = data["keep"]
    if not isinstance(keep, list) or not all(isinstance(k, str) for k in keep):
        raise NormaliseError(f"{file}: 'keep' must be a list of words")
    return (
        frozenset(k.lower() for k in keep),
        _word_map(data, "spelling", file),
        _word_map(data, "lemma", file),
    )


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The spaCy pipeline, built on first use and kept for the process."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def normaliser() -> Normaliser:
    """The word normaliser (lemmas from the pipeline's lookup table)."""
    text = (resources.files("clearsight.language") / "normalise.yaml").read_text("utf-8")
    keep, spelling, fixes = read_normalise(text)
    table = pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    known = frozenset(str(v) for v in table.values())
    return Normaliser(keep=keep, spelling=spelling, fixes=fixes, lemmas=table, seen={}, known=known)


@lru_cache(maxsize=1)
def split_pieces() -> frozenset[str]:
    """Lower-case and normalised forms of the tokens of spaCy's tokenizer exceptions
    that are not plain words ("shouldnt" -> "should", "nt"; "cannot" -> "can", "not";
    "'cause" -> "because"): a token with one of these forms may come from a word of
    the text that has another form."""
    from spacy.attrs import ORTH  # type: ignore[import-not-found]

    norm = normaliser()
    out: set[str] = set()
    tokenizer: Any = pipeline().tokenizer
    for key, pieces in tokenizer.rules.items():
        if len(pieces) > 1 or not key.isalnum():
            for piece in pieces:
                out.update((str(piece[ORTH]).lower(), norm(str(piece[ORTH]))))
    return frozenset(out)


@dataclass(frozen=True)
class Parsed:
    """A text as the rules see it: a spaCy Doc without in-word hyphens ("child-prostitute"
    reads as "child prostitute", "14-year-old" as "14 year old"), each token's ``norm_``
    set, and each token's character offsets in the original text."""

    text: str
    doc: Doc
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets in the original text of tokens ``start`` to ``end``."""
        return self.starts[start], self.ends[end - 1]

    def words(self) -> set[str]:
        """The normalised and the lower-case forms of every token."""
        return {t.norm_ for t in self.doc} | {t.lower_ for t in self.doc}

    def sentences(self) -> list[tuple[int, int]]:
        """Character spans of the sentences (spaCy's rule-based sentencizer)."""
        doc = pipeline().get_pipe("sentencizer")(self.doc)
        return [self.chars(s.start, s.end) for s in doc.sents if len(s)]


def parse(text: str) -> Parsed:
    """Tokens of ``text`` (spaCy's English tokenizer), in-word hyphens dropped, each
    token's ``norm_`` its normalised form (:class:`Normaliser`: lower case, spelling,
    lookup lemma). Norms are set once per word on the vocabulary's lexemes."""
    from spacy.attrs import IDX, NORM, ORTH, SPACY
    from spacy.tokens import Doc

    nlp = pipeline()
    strings = nlp.vocab.strings
    made = nlp.make_doc(text)
    rows = made.to_array([ORTH, SPACY, IDX]).tolist()
    words: list[str] = [strings[r[0]] for r in rows]
    n = len(words)
    drop = [
        words[i] == "-" and 0 < i < n - 1 and not rows[i - 1][1] and not rows[i][1]
        for i in range(n)
    ]
    keep = [i for i in range(n) if not drop[i]]
    kept = [words[i] for i in keep]
    spaces = [bool(rows[i][1]) or (i + 1 < n and drop[i + 1]) for i in keep]
    _normalise_lexemes(kept)
    # Built again from its words, a Doc's tokens take their lexemes' norms; the
    # tokenizer's Doc serves as it is when no hyphen was dropped and no token has a
    # norm of its own (from a tokenizer exception) other than its lexeme's.
    same = len(keep) == n and made.to_array(NORM).tolist() == [_NORMALISED[w] for w in words]
    return Parsed(
        text=text,
        doc=made if same else Doc(nlp.vocab, words=kept, spaces=spaces),
        starts=tuple(rows[i][2] for i in keep),
        ends=tuple(rows[i][2] + len(words[i]) for i in keep),
    )


# Each word whose lexeme norm is set, with that norm's string id.
_NORMALISED: dict[str, int] = {}


def _normalise_lexemes(words: list[str]) -> None:
    """Set each new word's lexeme norm, so its tokens match rule patterns on NORM."""
    new = [w for w in words if w not in _NORMALISED]
    if not new:
        return
    vocab = pipeline().vocab
    norm = normaliser()
    for word in new:
        lexeme = vocab[word]
        lexeme.norm_ = norm(word)
        _NORMALISED[word] = lexeme.norm
