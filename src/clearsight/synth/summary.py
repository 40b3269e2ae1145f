"""The summary a run returns, and the choice of areas: both cheap to import."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_AREAS: tuple[str, ...] = ("west-yorkshire", "greater-manchester", "south-yorkshire")


def all_areas() -> list[str]:
    """Every area code of the standard, the defaults first, then the standard's order."""
    from clearsight.standard import load_standard

    codes = list(load_standard().areas)
    return [*DEFAULT_AREAS, *(code for code in codes if code not in DEFAULT_AREAS)]


def areas_for(n: int) -> list[str]:
    """The first ``n`` area codes: the three defaults, then the rest of the standard's list."""
    codes = all_areas()
    if not 1 <= n <= len(codes):
        raise ValueError(f"areas must be between 1 and {len(codes)}, not {n}")
    return codes[:n]


def check_areas(areas: list[str]) -> list[str]:
    """``areas`` without repeats, or ValueError naming the codes the standard does not know."""
    known = all_areas()
    unknown = [area for area in areas if area not in known]
    if unknown:
        raise ValueError(
            f"unknown area code(s): {', '.join(unknown)}; "
            f"use codes from the standard, e.g. {', '.join(DEFAULT_AREAS)}"
        )
    if not areas:
        raise ValueError("at least one area is needed")
    return list(dict.fromkeys(areas))


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote: submission folders, the truth folder and record counts."""

    submissions: list[Path] = field(default_factory=list)
    truth_dir: Path = Path()
    person_records: int = 0
    event_records: int = 0
    true_people: int = 0
    groups: int = 0
    involvement_records: int = 0
    defects: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["submissions"] = [str(path) for path in self.submissions]
        data["truth_dir"] = str(self.truth_dir)
        return data
