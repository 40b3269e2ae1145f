"""``clearsight language check``: exact JSON shape, text output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearsight.language.cli import app

runner = CliRunner()
KEYS = [
    "line",
    "column",
    "end_column",
    "rule_id",
    "severity",
    "matched",
    "suggestions",
    "reason",
    "source",
    "origin",
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_shape_and_exit_1(tmp_path: Path) -> None:
    path = write(tmp_path, "Seen at 10pm.\nShe is a regular misper.\n")
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["findings"]
    [finding] = data["findings"]
    assert list(finding) == KEYS
    assert finding["line"] == 2
    assert finding["column"] == 10
    assert finding["end_column"] == 24
    assert finding["rule_id"] == "regular-misper"
    assert finding["severity"] == "warning"
    assert finding["matched"] == "regular misper"
    assert isinstance(finding["suggestions"], list) and finding["suggestions"]
    assert all(isinstance(s, str) for s in finding["suggestions"])
    assert finding["reason"] and "(20" in finding["source"]
    assert finding["origin"] == "rule"


def test_clean_text_exits_0_with_empty_findings(tmp_path: Path) -> None:
    path = write(tmp_path, "Officers spoke to the child, who is safe.")
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"findings": []}


def test_info_only_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, '"I chose to go," she said.')
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["info"]


def test_error_exits_1_and_text_format(tmp_path: Path) -> None:
    path = write(tmp_path, "She is a child prostitute.")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1:10: error [child-prostitute] 'child prostitute'" in result.stdout


def test_standard_input() -> None:
    result = runner.invoke(
        app, ["check", "-", "--format", "json"], input="Her lifestyle puts her at risk."
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["rule_id"] == "lifestyle-puts-at-risk"


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope.txt'}: no such file"]


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "x")
    assert runner.invoke(app, ["check", str(path), "--format", "xml"]).exit_code == 2


@pytest.mark.parametrize(("text", "code"), [("She is a regular misper.", 1), ("All fine.", 0)])
def test_module_entry_point(text: str, code: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "clearsight.language.cli", "check", "-", "--format", "json"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == code, proc.stderr
    assert list(json.loads(proc.stdout)) == ["findings"]
    assert "Traceback" not in proc.stderr


LOCAL = """rules:
  - id: local-phrase
    title: A phrase this force has retired
    severity: warning
    patterns:
      - "known to services"
    alternatives:
      - "say which services and why"
    reason: "The force's own audit found the phrase hides what is known."
    source: "Force language audit (2025)"
"""


def test_text_output_names_concept_why_and_alternatives(tmp_path: Path) -> None:
    path = write(tmp_path, "She made a choice to get in the car.")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    line = result.stdout.strip()
    assert "warning [chose-to] 'made a choice to'" in line
    assert "Why: A child cannot consent" in line
    assert "Instead: 'was groomed into going' or" in line


def test_force_rules_are_added_and_validated(tmp_path: Path) -> None:
    rules = tmp_path / "force"
    rules.mkdir()
    (rules / "local.yaml").write_text(LOCAL, encoding="utf-8")
    path = write(tmp_path, "The girl is known to services.")
    result = runner.invoke(app, ["check", str(path), "--rules", str(rules), "--format", "json"])
    assert result.exit_code == 1
    assert [f["rule_id"] for f in json.loads(result.stdout)["findings"]] == ["local-phrase"]
    listed = runner.invoke(app, ["concepts", "--rules", str(rules), "--json"])
    ids = [c["id"] for c in json.loads(listed.stdout)["concepts"]]
    assert "local-phrase" in ids and "chose-to" in ids
    (rules / "bad.yaml").write_text(LOCAL.replace("local-phrase", "chose-to"), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "bad.yaml: rule 'chose-to' duplicates the id in rules/choice.yaml" in result.stderr
