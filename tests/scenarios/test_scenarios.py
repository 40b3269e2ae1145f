"""Every scenario of the library through ingest, linkage and network detection.

A scenario today's detection does not yet handle is a strict xfail (its YAML says why,
``expect.xfail``): CI stays green, and the fix that makes it pass turns the xfail into a
failure until the mark is removed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.scenarios.build import load, load_all
from tests.scenarios.harness import evaluate


def _params() -> list[object]:
    params: list[object] = []
    for scenario in load_all():
        marks = []
        if scenario.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=scenario.xfail))
        params.append(pytest.param(scenario.path, id=scenario.id, marks=marks))
    return params


@pytest.mark.parametrize("path", _params())
def test_scenario(
    path: Path, model_json: str, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    scenario = load(path)
    outcome = evaluate(scenario, tmp_path, model_json)
    record_property("scenario_class", scenario.cls)
    record_property("scenario_passed", outcome.passed)
    record_property("scenario_split", len(outcome.split))
    assert outcome.passed, outcome.describe()


def test_library_covers_the_published_patterns() -> None:
    """At least 40 cases, every class of the issue with two or more."""
    scenarios = load_all()
    classes = Counter(s.cls for s in scenarios)
    assert len(scenarios) >= 40
    required = {
        "boyfriend",
        "peer-on-peer",
        "takeaway-taxi",
        "hotel",
        "online-offline",
        "county-lines",
        "family-based",
        "partner-only",
        "police-only",
        "recorded-twice",
        "twins-brothers",
        "common-names",
        "busy-place",
        "lone-offender",
        "two-forces",
        "three-agencies",
    }
    assert required <= set(classes), sorted(required - set(classes))
    assert all(classes[c] >= 2 for c in required), classes
    negatives = [s for s in scenarios if not s.networks]
    no_network = {"busy-place", "lone-offender", "not-a-network"}
    assert negatives and all(s.cls in no_network for s in negatives)
