"""One small generated data set shared by the synth tests (scale kept low for speed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clearsight.synth import SynthSummary, generate

AREAS = ["west-yorkshire", "greater-manchester"]


@pytest.fixture(scope="session")
def synth_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthSummary]:
    out = tmp_path_factory.mktemp("synth")
    summary = generate(out, AREAS, scale=0.3, seed=7)
    return out, summary


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
