"""Train the language model (:mod:`clearsight.language.model`) and write its JSON file.

    python -m clearsight.language.training [--out PATH] [--corpus DIR] [--report]

Training data: the own corpus's ``development.csv`` and the tuning parts of the six
independent corpora (``tests/language/corpus``). The held-out parts (``heldout.csv``
and ``independent*_heldout.csv``) are never read here: they are the measure.

How the model and its threshold are chosen, inside the training data only:

- **Cross-validation by author.** Each training file was written by a different author;
  the check is judged on writers it has never read, so each fold holds one file out
  (leave-one-corpus-out) and scores it with a model trained on the others.
- **Regularisation** ``C`` from a small grid: the one whose cross-validated recall is
  highest at the threshold below (ties: the smaller ``C``, the simpler model).
- **Threshold**: the lowest score at which the pooled out-of-fold precision reaches the
  check's precision target, 0.95 (a false flag on a neutral record costs trust, so the
  model may add sentences only at the precision the rules are held to).
- The concept classifier (which concept a flagged sentence most resembles) is a
  multinomial logistic regression over the blaming training sentences' concepts, with
  scikit-learn's default regularisation: it explains a flag, it never makes one.

Training is deterministic (lbfgs, sorted vocabulary, weights rounded): a test retrains
and gets the shipped file. scikit-learn is imported here only, never at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from clearsight.language.evaluation import read_corpus
from clearsight.language.model import FORMAT, MODEL_FILE, Model, features, read_model

TRAINING_FILES = (
    "development.csv",
    "independent_tuning.csv",
    "independent2_tuning.csv",
    "independent3_tuning.csv",
    "independent4_tuning.csv",
    "independent5_tuning.csv",
    "independent6_tuning.csv",
)
PRECISION_TARGET = 0.95
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.5 + 0.005 * i, 3) for i in range(99))
# Features seen in fewer training sentences than this are one writer's words, not a
# pattern: they are left out of the vocabulary.
MIN_SENTENCES = 2

# Concept weights smaller than this are left out of the file (it would otherwise hold one
# weight per feature and concept): a sentence has some 40 features, so together they move
# a concept's logit by well under 0.4, and the concept only explains a flag.
CONCEPT_WEIGHT_MIN = 0.01

# The slots whose words are made abstract, in order of precedence (a word in two slots
# takes the first): who the words are about, then the verbs and nouns of the concepts.
ABSTRACT_SLOTS = (
    "self",
    "poss",
    "obj",
    "pron",
    "child",
    "missing",
    "drink_word",
    "history_word",
    "doubt_word",
    "volition",
    "choose",
    "decide",
    "agree",
    "engage",
    "trade",
    "send",
    "image",
    "image_kind",
    "contact",
    "go",
    "put",
)
# The adults records name without a name (the single words of ``<exploiters>``).
EXPLOITERS_SLOT = "exploiters"


def default_corpus() -> Path:
    return Path(__file__).resolve().parents[3] / "tests" / "language" / "corpus"


def default_out() -> Path:
    return Path(__file__).resolve().parent / "model" / MODEL_FILE


def slot_words() -> dict[str, str]:
    """Each single slot word of ``slots.yaml`` with its abstract token (``<child>``)."""
    import yaml

    text = (resources.files("clearsight.language") / "slots.yaml").read_text("utf-8")
    slots: dict[str, str] = yaml.safe_load(text)
    out: dict[str, str] = {}
    single = re.compile(r"(?<=[{|])([a-z']+)(?=[|}])")
    for name in ABSTRACT_SLOTS:
        for word in single.findall(slots[name]):
            out.setdefault(word, f"<{name}>")
    # <exploiters> nests its determiners and "older" around the nouns: only the group of
    # nouns ("man", "nominal", "suspect", "driver"...) names the adults.
    nouns = next(
        g for g in re.findall(r"\{([^{}]*)\}", slots[EXPLOITERS_SLOT]) if "man" in g.split("|")
    )
    for word in nouns.split("|"):
        out.setdefault(word, f"<{EXPLOITERS_SLOT}>")
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Example:
    text: str
    blaming: bool
    concept: str
    group: int


def training_examples(
    corpus: Path, files: tuple[str, ...] = TRAINING_FILES
) -> tuple[list[Example], str]:
    """The training sentences and a digest of the training files."""
    digest = hashlib.sha256()
    out: list[Example] = []
    for group, name in enumerate(files):
        path = corpus / name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        out += [Example(s.text, s.blaming, s.concept, group) for s in read_corpus(path)]
    return out, digest.hexdigest()


@dataclass(frozen=True)
class Choice:
    c: float
    threshold: float
    precision: float
    recall: float


def _at_target(scores: Any, y: Any) -> tuple[float, float, float] | None:
    """The lowest threshold whose pooled precision reaches the target, with P and R."""
    positives = int(y.sum())
    for t in THRESHOLDS:
        flagged = scores >= t
        n = int(flagged.sum())
        tp = int((flagged & (y == 1)).sum())
        if n and tp / n >= PRECISION_TARGET:
            return t, tp / n, tp / positives
    return None


def _vectoriser() -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer=lambda doc: doc, binary=True, min_df=MIN_SENTENCES, lowercase=False
    )


def _fit(c: float, x: Any, y: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def choose(docs: list[list[str]], y: Any, groups: Any) -> tuple[Choice, list[Choice]]:
    """``C`` and threshold by leave-one-corpus-out cross-validation (module docstring)."""
    import numpy as np
    from sklearn.model_selection import LeaveOneGroupOut

    tried: list[Choice] = []
    for c in C_GRID:
        oof = np.zeros(len(y))
        for train, test in LeaveOneGroupOut().split(docs, y, groups):
            vec = _vectoriser()
            x = vec.fit_transform([docs[i] for i in train])
            model = _fit(c, x, y[train])
            oof[test] = model.predict_proba(vec.transform([docs[i] for i in test]))[:, 1]
        found = _at_target(oof, y)
        if found is not None:
            tried.append(Choice(c, *found))
    if not tried:
        raise SystemExit("no C reaches the precision target in cross-validation")
    best = max(tried, key=lambda ch: (ch.recall, -ch.c))
    return best, tried


def train(
    corpus: Path, *, files: tuple[str, ...] = TRAINING_FILES, chosen: Choice | None = None
) -> tuple[dict[str, Any], list[Choice]]:
    """The model's JSON data, trained on the training ``files`` of ``corpus``; ``C`` and
    the threshold by cross-validation over them, or ``chosen`` (a fold's model, trained
    on the other files with the full model's choice: see :func:`fold_models`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    examples, digest = training_examples(corpus, files)
    slots = slot_words()
    probe = Model("", 0.0, "", "", slots, {}, (), 0.0, (), (), (), (), {})
    docs = [features(probe.tokens(e.text), slots) for e in examples]
    y = np.array([int(e.blaming) for e in examples])
    groups = np.array([e.group for e in examples])
    if chosen is None:
        best, tried = choose(docs, y, groups)
    else:
        best, tried = chosen, [chosen]

    vec = _vectoriser()
    x = vec.fit_transform(docs)
    names = [str(f) for f in vec.get_feature_names_out()]
    model = _fit(best.c, x, y)

    blaming = [i for i, e in enumerate(examples) if e.blaming]
    concepts = LogisticRegression(max_iter=5000).fit(
        x[blaming], [examples[i].concept for i in blaming]
    )
    concept_rows = []
    for k, concept in enumerate(concepts.classes_):
        weights = [
            [i, round(float(w), 3)]
            for i, w in enumerate(concepts.coef_[k])
            if abs(w) >= CONCEPT_WEIGHT_MIN
        ]
        concept_rows.append(
            {
                "id": str(concept),
                "intercept": round(float(concepts.intercept_[k]), 6),
                "weights": weights,
            }
        )
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": "",
        "threshold": best.threshold,
        "principle": (
            f"threshold: the lowest score at which the pooled out-of-fold precision of "
            f"leave-one-corpus-out cross-validation over the training files reaches "
            f"{PRECISION_TARGET} (cross-validated precision {best.precision:.3f}, recall "
            f"{best.recall:.3f}); C={best.c} from {list(C_GRID)}, the highest "
            f"cross-validated recall at that precision"
        ),
        "training_files": list(files),
        "training_digest": digest,
        "training_sentences": len(examples),
        "slots": slots,
        "intercept": round(float(model.intercept_[0]), 6),
        "features": names,
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "concepts": concept_rows,
    }
    data["version"] = hashlib.sha256(dump(data).encode("utf-8")).hexdigest()[:12]
    return data, tried


def fold_models(corpus: Path, c: float, threshold: float) -> list[tuple[str, Model]]:
    """For each training file, the model trained on the other files with the full
    model's ``C`` and threshold: what leave-one-corpus-out cross-validation scores each
    file with (their scores are the out-of-fold scores the threshold was chosen on). The
    check with a file's fold model is the check on an author the model has not read."""
    chosen = Choice(c, threshold, 0.0, 0.0)
    out: list[tuple[str, Model]] = []
    for name in TRAINING_FILES:
        others = tuple(f for f in TRAINING_FILES if f != name)
        data, _ = train(corpus, files=others, chosen=chosen)
        out.append((name, read_model(dump(data))))
    return out


def dump(data: dict[str, Any]) -> str:
    """The model file's text: sorted keys, one line per top-level key's value."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--out", type=Path, default=default_out())
    args = parser.parse_args(argv)
    data, tried = train(args.corpus)
    text = dump(data)
    read_model(text)  # the file written is one the check can read
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    for ch in tried:
        print(
            f"C={ch.c}: threshold {ch.threshold}, cv precision {ch.precision:.3f}, "
            f"recall {ch.recall:.3f}"
        )
    print(
        f"wrote {args.out} (version {data['version']}, {len(data['features'])} features, "
        f"threshold {data['threshold']})"
    )


if __name__ == "__main__":
    main()
