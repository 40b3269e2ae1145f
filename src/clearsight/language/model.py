"""A trained text classifier beside the rules: a linear model over a sentence's words.

The rules find wording by its phrase or shape; writers the rules were never tuned on say
the same thing in other words. The model reads a sentence as bags of features built
from what the check already has: the normalised words (``normalise.yaml``: lower case,
UK spelling, lemma) and the same words with the slot words of ``slots.yaml`` made
abstract (``<child>``, ``<exploiters>``, ``<pron>``, numbers as ``<num>``), as single
words and pairs, so "the men" and "Nominal 2" read alike. Its score is a logistic
regression's probability; a sentence scoring at least the model's threshold is flagged.

Every flag is explained: the features of the sentence that weigh most toward blaming,
and the concept the sentence most resembles (a second logistic regression over the
concepts of the blaming training sentences), whose reason, alternatives and severity
the finding carries. The model is data (``model/blaming.json``: the slot words, the
vocabulary, the weights, the threshold and the principle it was chosen by, the digest of
the training data and a version), read without scikit-learn: scoring is a sum of
weights. ``python -m clearsight.language.training`` trains it (deterministically).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

MODEL_FILE = "blaming.json"
FORMAT = 1

# A word as the model reads it: letters and digits (in-word hyphens split "14-year-old"
# into 14, year, old as the rules read it), and the clitic n't kept as a word since it
# carries negation.
_WORD = re.compile(r"[^\W_]+?(?=n['’]t\b)|n['’]t\b|[^\W_]+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+[a-z]*")
# Where a text is cut into the sentences the model scores: after . ! ? before a capital,
# digit or quote, and at line breaks (the rules' chunks, which every record style uses).
_SENTENCE_END = re.compile(r"""(?<=[.!?])["'”’)]*\s+(?=["'“‘(]*[A-Z0-9])|\n+""")


class ModelError(ValueError):
    """The model file is missing or malformed; the message says which part."""


@dataclass(frozen=True)
class Scored:
    """A sentence's score and why: the features weighing most toward blaming (with their
    weights) and the concepts it most resembles (id, probability), best first."""

    score: float
    flagged: bool
    top_features: tuple[tuple[str, float], ...]
    concepts: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Model:
    """The trained model, as read from its JSON file."""

    version: str
    threshold: float
    principle: str
    training_digest: str
    slots: dict[str, str]
    index: dict[str, int]
    features: tuple[str, ...]
    intercept: float
    weights: tuple[float, ...]
    concept_ids: tuple[str, ...]
    concept_intercepts: tuple[float, ...]
    # Per concept, its non-zero weights by feature index.
    concept_weights: tuple[dict[int, float], ...]
    # The same weights by feature: (concept, weight) for each concept that weighs it, so
    # a flagged sentence's concept scores read only its own features' weights.
    by_feature: dict[int, tuple[tuple[int, float], ...]]

    def tokens(self, text: str) -> list[str]:
        """The normalised words of ``text`` (numbers as ``<num>``)."""
        return [t for t, _, _ in self.words(text)]

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """Each normalised word of ``text`` with its character span."""
        from clearsight.language.nlp import normaliser

        norm = normaliser()
        out: list[tuple[str, int, int]] = []
        for m in _WORD.finditer(text):
            lower = m.group(0).lower()
            if lower in ("n't", "n’t"):
                token = "not"
            elif _NUMBER.fullmatch(lower):
                token = "<num>"
            else:
                token = norm(lower)
            out.append((token, m.start(), m.end()))
        return out

    def where(self, text: str, feature: str) -> tuple[int, int] | None:
        """The character span of the first occurrence of ``feature`` in ``text``."""
        kind, _, body = feature.partition(":")
        want = body.split(" ")
        words = self.words(text)
        seq = [t if kind == "w" else self.slots.get(t, t) for t, _, _ in words]
        for i in range(len(seq) - len(want) + 1):
            if seq[i : i + len(want)] == want:
                return words[i][1], words[i + len(want) - 1][2]
        return None

    def featurise(self, text: str) -> list[str]:
        return features(self.tokens(text), self.slots)

    def present(self, text: str) -> list[int]:
        """The indexes of the model's features in ``text``, sorted: what
        ``featurise`` gives, read through a cache of each word's token and its
        single-word features (records reuse a small vocabulary)."""
        words = [self._word(w) for w in _WORD.findall(text)]
        found = {i for _, _, ids in words for i in ids}
        index = self.index
        for (_, a, _), (_, b, _) in pairwise(words):
            i = index.get(f"a:{a} {b}")
            if i is not None:
                found.add(i)
        return sorted(found)

    def _word(self, word: str) -> tuple[str, str, tuple[int, ...]]:
        """A word's token, its abstract form and its single-word features' indexes."""
        cache = _WORDS.setdefault(id(self), {})
        found = cache.get(word)
        if found is None:
            from clearsight.language.nlp import normaliser

            lower = word.lower()
            if lower in ("n't", "n’t"):
                token = "not"
            elif _NUMBER.fullmatch(lower):
                token = "<num>"
            else:
                token = normaliser()(lower)
            abstract = self.slots.get(token, token)
            ids = (self.index.get(f"w:{token}"), self.index.get(f"a:{abstract}"))
            found = (token, abstract, tuple(i for i in ids if i is not None))
            if len(cache) < _WORDS_MAX:
                cache[word] = found
        return found

    def score(self, text: str) -> Scored:
        """The blaming score of one sentence, with its explanation (the concepts only
        for a flagged sentence: they explain a flag and are not needed otherwise)."""
        present = self.present(text)
        p = _sigmoid(self.intercept + sum(self.weights[i] for i in present))
        if p < self.threshold:
            return Scored(p, False, (), ())
        ranked = sorted(
            ((self.features[i], self.weights[i]) for i in present if self.weights[i] > 0),
            key=lambda fw: (-fw[1], fw[0]),
        )
        # A word is both a plain and an abstract feature ("w:from", "a:from"): named once.
        named: dict[str, tuple[str, float]] = {}
        for feature, weight in ranked:
            named.setdefault(shown(feature), (feature, weight))
        top = list(named.values())[:_TOP_FEATURES]
        sums = [0.0] * len(self.concept_ids)
        for i in present:
            for k, w in self.by_feature.get(i, ()):
                sums[k] += w
        logits = [b + v for b, v in zip(self.concept_intercepts, sums, strict=True)]
        high = max(logits)
        exps = [math.exp(v - high) for v in logits]
        total = sum(exps)
        concepts = sorted(
            ((c, e / total) for c, e in zip(self.concept_ids, exps, strict=True)),
            key=lambda ce: (-ce[1], ce[0]),
        )[:_TOP_CONCEPTS]
        return Scored(p, True, tuple(top), tuple(concepts))


# Each word's token and features, per model (by id: a model is frozen and lives for the
# process), kept up to a bound: records reuse a small vocabulary.
_WORDS: dict[int, dict[str, tuple[str, str, tuple[int, ...]]]] = {}
_WORDS_MAX = 200_000


def clear_words() -> None:
    """Forget every word read so far (for measuring the model's cost)."""
    _WORDS.clear()


# How many features and concepts an explanation names: enough to see why, few enough to read.
_TOP_FEATURES = 4
_TOP_CONCEPTS = 3


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def features(tokens: list[str], slots: dict[str, str]) -> list[str]:
    """A sentence's features: each normalised word (``w:``), and each word and pair of
    words with slot words made abstract (``a:``): "the men", "the males" and "the
    nominal" all read ``a:the <exploiters>``. Pairs keep some word order (who does what
    to whom) that single words lose."""
    abstract = [slots.get(t, t) for t in tokens]
    out = [f"w:{t}" for t in tokens]
    out += [f"a:{t}" for t in abstract]
    out += [f"a:{a} {b}" for a, b in pairwise(abstract)]
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences the model scores, stripped of spaces."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        piece = text[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((pos + lead, pos + len(piece.rstrip())))
        if m is not None:
            pos = m.end()
    return out


def shown(feature: str) -> str:
    """A feature as the explanation names it: its words, without the kind prefix."""
    return feature.split(":", 1)[1]


def _floats(value: object, what: str) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) for v in value):
        raise ModelError(f"{MODEL_FILE}: {what} must be a list of numbers")
    return tuple(float(v) for v in value)


def read_model(text: str) -> Model:
    """A model from its JSON text, validated."""
    try:
        data: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{MODEL_FILE}: not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{MODEL_FILE}: format must be {FORMAT}")
    try:
        feats = tuple(str(f) for f in data["features"])
        weights = _floats(data["weights"], "weights")
        if len(weights) != len(feats):
            raise ModelError(f"{MODEL_FILE}: one weight per feature")
        concepts = data["concepts"]
        ids = tuple(str(c["id"]) for c in concepts)
        intercepts = tuple(float(c["intercept"]) for c in concepts)
        cweights = tuple({int(i): float(w) for i, w in c["weights"]} for c in concepts)
        threshold = float(data["threshold"])
        by_feature: dict[int, list[tuple[int, float]]] = {}
        for k, weighted in enumerate(cweights):
            for i, w in weighted.items():
                by_feature.setdefault(i, []).append((k, w))
        return Model(
            version=str(data["version"]),
            threshold=threshold,
            principle=str(data["principle"]),
            training_digest=str(data["training_digest"]),
            slots={str(k): str(v) for k, v in data["slots"].items()},
            index={f: i for i, f in enumerate(feats)},
            features=feats,
            intercept=float(data["intercept"]),
            weights=weights,
            concept_ids=ids,
            concept_intercepts=intercepts,
            concept_weights=cweights,
            by_feature={i: tuple(kw) for i, kw in by_feature.items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(f"{MODEL_FILE}: malformed: {exc!r}") from exc


def model_text() -> str:
    """The packaged model file's text."""
    return (resources.files("clearsight.language") / "model" / MODEL_FILE).read_text("utf-8")


def model_digest() -> str:
    """A digest of the packaged model file (part of the rule pack's version)."""
    return hashlib.sha256(model_text().encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The packaged model, read once per process."""
    return read_model(model_text())


@lru_cache(maxsize=65536)
def score_sentence(sentence: str) -> Scored:
    """The packaged model's score of a sentence; records repeat sentences, so each is
    scored once."""
    return load_model().score(sentence)
