"""The rule pack: it loads, every rule is well formed, and bad packs are refused
with an error naming the file and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearsight.language import RuleError, check, load_pack, load_rules
from clearsight.language.evaluation import read_corpus, read_labelled

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).parent / "corpus"

GOOD_RULE = """
  - id: {id}
    title: A test concept
    severity: warning
    patterns:
      - "{pattern}"
    alternatives:
      - "is being exploited"
    reason: "Why it matters."
    source: "A guide (2024)"
"""


def write_pack(tmp_path: Path, body: str, name: str = "test.yaml") -> Path:
    (tmp_path / name).write_text("rules:" + body, encoding="utf-8")
    return tmp_path


def test_packaged_pack_loads_and_is_cached() -> None:
    pack = load_rules()
    assert load_rules() is pack
    assert len(pack.rules) >= 30
    assert len(pack.version) == 12
    categories = {r.category for r in pack.rules}
    assert {"prostitution", "risk", "choice", "relationships", "consent"} <= categories
    for rule in pack.rules:
        assert rule.alternatives and rule.reason and rule.source
        assert any(ch.isdigit() for ch in rule.source)


def test_every_rule_has_a_labelled_positive() -> None:
    covered: set[str] = set()
    for ex in read_labelled(DATA / "labelled.csv"):
        covered |= ex.expected
    covered |= {s.concept for s in read_corpus(CORPUS / "development.csv") if s.blaming}
    missing = {r.id for r in load_rules().rules} - covered
    assert not missing, f"rules with no labelled positive: {sorted(missing)}"


def test_every_rule_id_is_reachable() -> None:
    """Each rule fires on at least one of its labelled positives."""
    fired: set[str] = set()
    texts = [ex.text for ex in read_labelled(DATA / "labelled.csv")]
    texts += [s.text for s in read_corpus(CORPUS / "development.csv") if s.blaming]
    for text in texts:
        fired |= {f.rule_id for f in check(text) if f.blocking}
    assert {r.id for r in load_rules().rules} <= fired


def test_custom_pack(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, GOOD_RULE.format(id="my-rule", pattern="bad phrase")))
    assert [f.rule_id for f in check("A bad phrase here.", pack)] == ["my-rule"]


def test_duplicate_pattern_in_a_rule(tmp_path: Path) -> None:
    body = GOOD_RULE.format(id="dup", pattern="bad phrase") + '      - "Bad  Phrase"\n'
    body = body.replace('      - "Bad  Phrase"\n', "")
    body = body.replace('      - "bad phrase"\n', '      - "bad phrase"\n      - "Bad  phrase"\n')
    with pytest.raises(RuleError, match=r"test\.yaml: rule 'dup': duplicate pattern"):
        load_pack(write_pack(tmp_path, body))


def test_duplicate_pattern_across_rules(tmp_path: Path) -> None:
    body = GOOD_RULE.format(id="one", pattern="bad phrase") + GOOD_RULE.format(
        id="two", pattern="bad phrase"
    )
    with pytest.raises(RuleError, match=r"test\.yaml: rule 'two': duplicate pattern 'bad phrase'"):
        load_pack(write_pack(tmp_path, body))


def test_empty_alternatives(tmp_path: Path) -> None:
    body = GOOD_RULE.format(id="empty", pattern="x").replace(
        '    alternatives:\n      - "is being exploited"\n', "    alternatives: []\n"
    )
    with pytest.raises(RuleError, match=r"test\.yaml: rule 'empty': alternatives is empty"):
        load_pack(write_pack(tmp_path, body))


def test_unknown_field(tmp_path: Path) -> None:
    body = GOOD_RULE.format(id="odd", pattern="x") + "    colour: red\n"
    with pytest.raises(RuleError, match=r"test\.yaml: rule 'odd': unknown field\(s\) colour"):
        load_pack(write_pack(tmp_path, body))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("severity: warning", "severity: loud"), "severity must be one of"),
        (('source: "A guide (2024)"', 'source: "A guide"'), "its year"),
        (('      - "x"\n', '      - "{x"\n'), "bad pattern"),
        (("id: bad-1", "id: Bad One"), "id must be"),
        (('    reason: "Why it matters."\n', ""), "missing field"),
    ],
)
def test_other_invalid_rules(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    body = GOOD_RULE.format(id="bad-1", pattern="x").replace(*change)
    with pytest.raises(RuleError, match=message):
        load_pack(write_pack(tmp_path, body))


def test_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    write_pack(tmp_path, GOOD_RULE.format(id="same", pattern="one"), "a.yaml")
    write_pack(tmp_path, GOOD_RULE.format(id="same", pattern="two"), "b.yaml")
    with pytest.raises(RuleError, match=r"b\.yaml: rule 'same' duplicates the id in .*a\.yaml"):
        load_pack(tmp_path)


def test_file_must_hold_rules(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("stuff: 1\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"x\.yaml: must hold exactly one key"):
        load_pack(tmp_path)
