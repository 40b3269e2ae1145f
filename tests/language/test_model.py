"""The trained model beside the rules (clearsight.language.model, .training)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clearsight.language import load_rules
from clearsight.language.check import check
from clearsight.language.evaluation import read_corpus, score_corpus
from clearsight.language.model import (
    ModelError,
    features,
    load_model,
    model_text,
    read_model,
    sentences,
)
from clearsight.language.referents import RecordPerson
from clearsight.language.rules import build_pack
from clearsight.language.training import (
    TRAINING_FILES,
    default_corpus,
    dump,
    fold_models,
    train,
    training_examples,
)

CORPUS = Path(__file__).parent / "corpus"

# A sentence no concept's pattern matches and the model flags: the child earning from
# the adults, "happy with the arrangement" (willingness in paraphrase).
PARAPHRASE = "He is making decent money from the older guys and seems happy with the arrangement."


def test_retraining_gives_the_shipped_model() -> None:
    """Training is deterministic: the shipped file is what the training module writes."""
    data, _ = train(default_corpus())
    assert dump(data) == model_text()


def test_the_model_is_trained_on_tuning_parts_only() -> None:
    data = json.loads(model_text())
    assert data["training_files"] == list(TRAINING_FILES)
    assert not any("heldout" in name for name in data["training_files"])
    assert "heldout.csv" not in data["training_files"]
    assert data["training_sentences"] > 900
    assert "precision" in data["principle"] and "leave-one-corpus-out" in data["principle"]
    model = load_model()
    assert 0.5 <= model.threshold < 1.0
    assert len(model.weights) == len(model.features) > 1000


def test_features_make_slot_words_abstract() -> None:
    slots = load_model().slots
    men = features(["the", "man"], slots)
    nominal = features(["the", "nominal"], slots)
    assert "a:the <exploiters>" in men and "a:the <exploiters>" in nominal
    assert "w:man" in men and "w:nominal" in nominal


def test_cached_word_features_are_the_features() -> None:
    """Scoring reads each word's features through a cache (``Model.present``): the same
    features as ``featurise``, on every training sentence and on clitics and numbers."""
    model = load_model()
    texts = [s.text for name in TRAINING_FILES for s in read_corpus(CORPUS / name)]
    texts += ["He didn't go; she can’t. It's 10km away, the 14-year-old's 3rd time."]
    for text in texts:
        expected = sorted({model.index[f] for f in model.featurise(text) if f in model.index})
        assert model.present(text) == expected, text


def test_sentences_are_cut_where_the_rules_cut_chunks() -> None:
    text = "She went out. He stayed in\nThen it rained."
    assert [text[a:b] for a, b in sentences(text)] == [
        "She went out.",
        "He stayed in",
        "Then it rained.",
    ]


def test_the_model_adds_a_sentence_no_rule_found_and_says_why() -> None:
    """On by default; ``model=False`` gives the rules' findings only."""
    assert check(PARAPHRASE, model=False) == []
    found = check(PARAPHRASE)
    assert found == check(PARAPHRASE, model=True)
    assert len(found) == 1
    f = found[0]
    assert f.origin == "model" and f.blocking
    assert f.matched == PARAPHRASE
    assert "trained model, not a rule" in f.context
    assert "score 0." in f.context and f"threshold {load_model().threshold}" in f.context
    assert "words weighing most toward blaming" in f.context
    # The concept it resembles supplies the reason, alternatives and severity.
    rule = load_rules().by_id(f.rule_id)
    assert f.suggestions == rule.alternatives and f.reason == rule.reason
    assert "trained model" in f.as_dict()["reason"]


def test_a_rules_finding_wins_in_its_sentence() -> None:
    text = "She has brought this on herself by hanging about with the older men."
    found = check(text, model=True)
    assert found and all(f.origin == "rule" for f in found)
    assert found == check(text, model=False)


def test_model_findings_keep_the_child_referent_logic() -> None:
    """A child concept does not apply to adults, whoever found it."""
    assert check(PARAPHRASE, model=True, people=[RecordPerson("victim", 40)]) == []
    assert check(PARAPHRASE, model=True, people=[RecordPerson("victim", 15)]) != []


def test_quoted_model_findings_are_info() -> None:
    text = f'"{PARAPHRASE}" Her mother told the officer this.'
    found = check(text, model=True)
    assert [(f.origin, f.severity) for f in found] == [("model", "info")]
    assert "quoted words, kept as evidence" in found[0].context


def test_the_pack_version_changes_with_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    slots = "self: '{herself}'\n"
    one = build_pack([], slots).version
    monkeypatch.setattr("clearsight.language.model.model_digest", lambda: "another model")
    assert build_pack([], slots).version != one


def test_reading_refuses_a_malformed_model() -> None:
    with pytest.raises(ModelError, match="format"):
        read_model('{"format": 99}')
    data = json.loads(model_text())
    data["weights"] = data["weights"][:-1]
    with pytest.raises(ModelError, match="one weight per feature"):
        read_model(json.dumps(data))
    with pytest.raises(ModelError, match="not JSON"):
        read_model("{")


def test_scoring_does_not_import_scikit_learn() -> None:
    code = (
        "import sys\n"
        "from clearsight.language.check import check\n"
        f"assert check({PARAPHRASE!r}, model=True)\n"
        "assert not any(m.split('.')[0] == 'sklearn' for m in sys.modules), 'sklearn'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Rules + model on the held-out parts, never trained on nor used to choose anything, with
# floors a little below what was measured once on the committed model (c1dd3923c96a,
# session 23; benchmarks/README.md "A trained model beside the rules"): measurements, not
# targets. Measured (precision, recall): own 1.000 / 0.979; first 0.971 / 0.971; second
# 0.891 / 0.872; third 0.916 / 0.897; fourth 0.943 / 0.856; fifth 0.948 / 0.883; sixth
# 0.908 / 0.873; the six independent parts pooled 0.930 / 0.893.
HELDOUT_FLOORS = {
    "heldout.csv": (0.98, 0.96),
    "independent_heldout.csv": (0.95, 0.95),
    "independent2_heldout.csv": (0.87, 0.85),
    "independent3_heldout.csv": (0.89, 0.87),
    "independent4_heldout.csv": (0.92, 0.83),
    "independent5_heldout.csv": (0.92, 0.86),
    "independent6_heldout.csv": (0.88, 0.85),
    # Written blind and held out whole (sessions 23 and 24; measured once each on the
    # code of their session: seventh 0.968 / 0.888, eighth 0.868 / 0.910).
    "independent7_heldout.csv": (0.95, 0.87),
    "independent8_heldout.csv": (0.85, 0.89),
}
POOLED_FLOOR = (0.915, 0.875)


def test_rules_and_model_hold_their_heldout_floors() -> None:
    tp = fp = fn = 0
    below: list[str] = []
    for name, (p_floor, r_floor) in HELDOUT_FLOORS.items():
        result = score_corpus(read_corpus(CORPUS / name), model=True)
        if result.precision < p_floor or result.recall < r_floor:
            below.append(f"{name}: {result.precision:.3f} / {result.recall:.3f}")
        if name not in ("heldout.csv", "independent7_heldout.csv", "independent8_heldout.csv"):
            tp += result.true_positives
            fp += result.false_positives
            fn += result.false_negatives
    assert not below, below
    assert tp / (tp + fp) >= POOLED_FLOOR[0] and tp / (tp + fn) >= POOLED_FLOOR[1]


def test_the_command_line_adds_model_findings_unless_rules_only(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearsight.language.cli import app

    path = tmp_path / "note.txt"
    path.write_text(f"Seen at 10pm.\n{PARAPHRASE}\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(path), "--rules-only"]).exit_code == 0
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["line"] == 2 and finding["column"] == 1
    assert "found by the trained model, not a rule" in finding["reason"]
    assert finding["origin"] == "model"


def test_fold_models_never_read_their_own_file() -> None:
    """Cross-validation by author (benchmarks/language.py --model-cv): each training
    file's model is trained on the other files, with the shipped model's threshold."""
    model = load_model()
    folds = fold_models(default_corpus(), 0.1, model.threshold)
    assert [name for name, _ in folds] == list(TRAINING_FILES)
    for name, fold in folds:
        others = tuple(f for f in TRAINING_FILES if f != name)
        assert fold.training_digest == training_examples(default_corpus(), others)[1]
        assert fold.training_digest != model.training_digest
        assert fold.threshold == model.threshold
