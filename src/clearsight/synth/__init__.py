"""Synthetic multi-agency data: submissions in the standard, with the ground truth behind them.

Importing this package is cheap: numpy and the generator load only when `generate` runs,
so the command line can register `clearsight synth` without paying for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clearsight.synth.summary import DEFAULT_AREAS, SynthSummary, areas_for

__all__ = ["DEFAULT_AREAS", "SynthSummary", "areas_for", "generate"]


def generate(
    out: Path,
    areas: Sequence[str],
    scale: float = 1.0,
    seed: int = 0,
    defect_rate: float = 0.0,
    cross_area: float = 0.15,
) -> SynthSummary:
    """Write one submission per agency per area under ``out/submissions`` and the truth under
    ``out/truth``. ``scale`` 1 gives about 10,000 person records over all areas;
    ``cross_area`` is the share of adult groups joined by an offender of the area before
    (raise it for federation measurements; the default keeps every seed's output)."""
    from clearsight.synth.run import generate as _generate

    return _generate(
        Path(out), areas, scale=scale, seed=seed, defect_rate=defect_rate, cross_area=cross_area
    )
