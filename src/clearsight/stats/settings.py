"""Settings of statistics, disclosure control, timeliness and re-screening, read from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class DisclosureSettings:
    suppress_min: int = 1
    suppress_max: int = 7
    rounding_base: int = 5
    min_cases_for_statistic: int = 10


@dataclass(frozen=True)
class Comparison:
    step: str = "recorded_to_charge"
    median_days: float = 248
    label: str = ""


@dataclass(frozen=True)
class TimelinessSettings:
    open_older_than_days: int = 180
    comparison: Comparison = field(default_factory=Comparison)


@dataclass(frozen=True)
class ReviewSettings:
    evidential_difficulty_outcomes: tuple[int, ...] = (14, 15, 16)
    no_suspect_outcomes: tuple[int, ...] = (18,)
    event_types: tuple[str, ...] = ()
    max_evidence_items: int = 10
    weights: dict[str, float] = field(default_factory=dict)

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, 0.0))


@dataclass(frozen=True)
class Settings:
    disclosure: DisclosureSettings
    timeliness: TimelinessSettings
    review: ReviewSettings
    child_age_bands: tuple[int, ...]
    suspect_age_bands: tuple[int, ...]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _defaults() -> dict[str, Any]:
    text = resources.files("clearsight.stats").joinpath("settings.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """The packaged defaults, overlaid by ``path`` (YAML) and then by ``overrides``."""
    data = _defaults()
    if path is not None:
        extra = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        if not isinstance(extra, dict):
            raise ValueError(f"{path}: settings must be a YAML mapping")
        data = _merge(data, extra)
    data = _merge(data, overrides)
    d, t, r, a = data["disclosure"], data["timeliness"], data["review"], data["age_bands"]
    disclosure = DisclosureSettings(**{k: int(v) for k, v in d.items()})
    if not 0 < disclosure.suppress_min <= disclosure.suppress_max:
        raise ValueError("disclosure: need 0 < suppress_min <= suppress_max")
    if disclosure.rounding_base < 1:
        raise ValueError("disclosure: rounding_base must be at least 1")
    comparison = Comparison(**t.get("comparison", {}))
    timeliness = TimelinessSettings(int(t["open_older_than_days"]), comparison)
    review = ReviewSettings(
        evidential_difficulty_outcomes=tuple(int(x) for x in r["evidential_difficulty_outcomes"]),
        no_suspect_outcomes=tuple(int(x) for x in r["no_suspect_outcomes"]),
        event_types=tuple(str(x) for x in r["event_types"]),
        max_evidence_items=int(r["max_evidence_items"]),
        weights={str(k): float(v) for k, v in r["weights"].items()},
    )
    return Settings(
        disclosure=disclosure,
        timeliness=timeliness,
        review=review,
        child_age_bands=tuple(int(x) for x in a["children"]),
        suspect_age_bands=tuple(int(x) for x in a["suspects"]),
    )
