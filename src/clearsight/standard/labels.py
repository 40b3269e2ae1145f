"""The standard's codes in words (``labels.yaml``), checked against the schema at load.

Pages and reports show ``label("ethnicity_self_defined", "A2")`` ("Asian: Pakistani"),
never the bare code; a value the list does not know is shown as recorded, and an empty one
as *not recorded* (which the standard keeps apart from ``NS``, *not stated*).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from clearsight.standard.model import load_standard
from clearsight.standard.types import Code, OutcomeCode

WHERE = "clearsight/standard/labels.yaml"


class LabelsError(ValueError):
    """labels.yaml is malformed or disagrees with the schema."""


@dataclass(frozen=True)
class Labels:
    not_recorded: str
    columns: Mapping[str, Mapping[str, str]]

    def label(self, column: str, value: object) -> str:
        """``value`` of ``column`` in words: empty is not recorded; an unknown code is
        shown as it was recorded (it may be a raw value kept for data quality)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.not_recorded
        words = self.columns.get(column)
        text = str(value).strip()
        if words is None:
            return text
        return words.get(text) or words.get(text.upper()) or words.get(text.lower()) or text

    def merged(
        self, column: str, rows: Iterable[Mapping[str, Any]], key: str, count: str = "n"
    ) -> list[dict[str, Any]]:
        """Rows counted per code merged per label: two spellings of one code (``NS`` and
        ``ns``) are one row, in first-seen order, as ``{"label": ..., count: ...}``."""
        totals: dict[str, Any] = {}
        for row in rows:
            words = self.label(column, row[key])
            totals[words] = totals.get(words, 0) + (row[count] or 0)
        return [{"label": words, count: n} for words, n in totals.items()]


def _codes_of(column: str) -> tuple[str, ...] | None:
    """The codes the schema allows in ``column`` (any table, or the manifest), or None."""
    standard = load_standard()
    types = [
        c.type for t in standard.tables.values() for c in t.columns.values() if c.name == column
    ]
    types += [f.type for f in standard.manifest.values() if f.name == column]
    for value_type in types:
        if isinstance(value_type, OutcomeCode):
            return tuple(str(n) for n in range(1, 23))
        if isinstance(value_type, Code) and value_type.values:
            return value_type.values
    return None


def parse_labels(data: Any, where: str = WHERE) -> Labels:
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise LabelsError(f"{where}: needs a mapping 'columns'")
    columns: dict[str, dict[str, str]] = {}
    for column, words in data["columns"].items():
        at = f"{where}: columns.{column}"
        if not isinstance(words, dict) or not words:
            raise LabelsError(f"{at}: must map each code to its words")
        codes = _codes_of(str(column))
        if codes is None:
            raise LabelsError(f"{at}: the standard has no code list of that name")
        given = {str(k): str(v) for k, v in words.items()}
        unknown = sorted(set(given) - set(codes))
        missing = [c for c in codes if c not in given]
        if unknown:
            raise LabelsError(f"{at}: {', '.join(unknown)} not codes of the standard")
        if missing:
            raise LabelsError(f"{at}: no words for {', '.join(missing)}")
        columns[str(column)] = given
    return Labels(str(data.get("not_recorded") or "Not recorded"), columns)


@cache
def load_labels() -> Labels:
    """The packaged labels (cached: they never change in a process)."""
    text = resources.files("clearsight.standard").joinpath("labels.yaml").read_text("utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LabelsError(f"{WHERE}: not YAML: {exc}") from exc
    return parse_labels(data)
