"""Graph settings are data: every setting is documented with a domain reason in
``graph/settings.yaml`` (and named in docs/networks.md), the file and ``GraphSettings()``
agree, no reason cites a synthetic seed, and a bad settings file is an error naming the
file and the setting."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from clearsight.graph.settings import GraphSettings, documented_settings, load_graph_settings

ROOT = Path(__file__).resolve().parents[2]
FIELDS = [f.name for f in dataclasses.fields(GraphSettings)]


@pytest.mark.parametrize("name", FIELDS)
def test_every_setting_is_documented_with_a_reason(name: str) -> None:
    entry = documented_settings().get(name)
    assert entry is not None, f"settings.yaml does not document {name}"
    assert len(str(entry.get("reason", "")).split()) >= 8, f"{name}: no reason given"
    default = getattr(GraphSettings(), name)
    value = entry["value"]
    assert (tuple(value) if isinstance(value, list) else value) == default, name
    doc = (ROOT / "docs" / "networks.md").read_text(encoding="utf-8")
    assert f"`{name}`" in doc, f"docs/networks.md does not name {name}"


def test_no_setting_is_justified_by_a_synthetic_seed() -> None:
    texts = [
        (ROOT / "src/clearsight/graph/settings.yaml").read_text(encoding="utf-8"),
        (ROOT / "src/clearsight/graph/settings.py").read_text(encoding="utf-8"),
    ]
    for text in texts:
        assert not re.search(r"\bseeds? \d", text), re.search(r".*\bseeds? \d.*", text)
    assert set(documented_settings()) == set(FIELDS)


def test_loaded_settings_equal_the_defaults_and_override_by_name(tmp_path: Path) -> None:
    assert load_graph_settings() == GraphSettings()
    path = tmp_path / "mine.yaml"
    path.write_text("incident_window_days: 3\ngroup_only_link_types: []\n")
    mine = load_graph_settings(path)
    assert mine.incident_window_days == 3 and mine.group_only_link_types == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("incident_windows: 3\n", "unknown setting 'incident_windows'"),
        ("incident_window_days: soon\n", "incident_window_days must be a whole number"),
        ("area_aware: 1\n", "area_aware must be true or false"),
        (
            "employee_knowing_link_types: [assocation]\n",
            "employee_knowing_link_types: unknown link type(s) assocation",
        ),
    ],
)
def test_a_bad_settings_file_names_file_and_setting(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValueError) as caught:
        load_graph_settings(path)
    assert "bad.yaml" in str(caught.value) and message in str(caught.value)
