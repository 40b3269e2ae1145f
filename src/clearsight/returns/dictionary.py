"""The return's data dictionary (``dictionary.yaml``), validated at load.

Errors name the file and the entry, so a bad edit of the dictionary fails loudly before any
return is written against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

PACKAGED = "dictionary.yaml"


class DictionaryError(ValueError):
    """The dictionary file is malformed."""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    # Empty: the category applies to every measure of its dimension.
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    definition: str
    measures: tuple[str, ...]
    breakdowns: tuple[str, ...]
    categories: tuple[Category, ...]

    def codes(self, measure: str) -> list[str]:
        """Category codes for ``measure``, in order, then ``total``."""
        own = [c.code for c in self.categories if not c.measures or measure in c.measures]
        return [*own, "total"]


@dataclass(frozen=True)
class Breakdown:
    code: str
    label: str
    definition: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Dictionary:
    version: str
    standard_version: str
    measures: dict[str, tuple[str, str]]
    breakdowns: dict[str, Breakdown]
    dimensions: dict[str, Dimension]
    not_collected: dict[str, tuple[str, str]]
    symbols: dict[str, str]


def _need(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise DictionaryError(f"{where}: missing '{key}'")
    return entry[key]


def _categories(raw: Any, where: str, measures: set[str]) -> tuple[Category, ...]:
    if not isinstance(raw, list):
        raise DictionaryError(f"{where}: categories must be a list")
    seen: set[str] = set()
    out: list[Category] = []
    for i, item in enumerate(raw):
        at = f"{where}.categories[{i}]"
        if not isinstance(item, dict):
            raise DictionaryError(f"{at}: must be a mapping with code and label")
        code = str(_need(item, "code", at))
        if code in seen or code == "total":
            raise DictionaryError(f"{at}: code {code!r} repeated or reserved")
        seen.add(code)
        only = tuple(str(m) for m in item.get("measures", ()))
        if set(only) - measures:
            raise DictionaryError(f"{at}: unknown measure(s) {sorted(set(only) - measures)}")
        out.append(Category(code, str(_need(item, "label", at)), only))
    return tuple(out)


def parse(data: Any, source: str) -> Dictionary:
    if not isinstance(data, dict):
        raise DictionaryError(f"{source}: must be a YAML mapping")
    measures: dict[str, tuple[str, str]] = {}
    for code, entry in dict(_need(data, "measures", source)).items():
        where = f"{source}: measures.{code}"
        measures[str(code)] = (
            str(_need(entry, "label", where)),
            str(_need(entry, "definition", where)),
        )
    breakdowns: dict[str, Breakdown] = {}
    for code, entry in dict(_need(data, "breakdowns", source)).items():
        where = f"{source}: breakdowns.{code}"
        breakdowns[str(code)] = Breakdown(
            str(code),
            str(_need(entry, "label", where)),
            str(entry.get("definition", "")),
            _categories(_need(entry, "categories", where), where, set()),
        )
    if "all" not in breakdowns:
        raise DictionaryError(f"{source}: breakdowns must include 'all'")
    dimensions: dict[str, Dimension] = {}
    for code, entry in dict(_need(data, "dimensions", source)).items():
        where = f"{source}: dimensions.{code}"
        ms = tuple(str(m) for m in _need(entry, "measures", where))
        bs = tuple(str(b) for b in _need(entry, "breakdowns", where))
        if set(ms) - set(measures):
            raise DictionaryError(f"{where}: unknown measure(s) {sorted(set(ms) - set(measures))}")
        if set(bs) - set(breakdowns):
            raise DictionaryError(
                f"{where}: unknown breakdown(s) {sorted(set(bs) - set(breakdowns))}"
            )
        dimensions[str(code)] = Dimension(
            str(code),
            str(_need(entry, "label", where)),
            str(_need(entry, "definition", where)),
            ms,
            bs,
            _categories(_need(entry, "categories", where), where, set(ms)),
        )
    if "total" not in dimensions:
        raise DictionaryError(f"{source}: dimensions must include 'total'")
    not_collected = {
        str(k): (
            str(_need(v, "label", f"{source}: not_collected.{k}")),
            str(_need(v, "reason", f"{source}: not_collected.{k}")),
        )
        for k, v in dict(data.get("not_collected") or {}).items()
    }
    return Dictionary(
        version=str(_need(data, "version", source)),
        standard_version=str(_need(data, "standard_version", source)),
        measures=measures,
        breakdowns=breakdowns,
        dimensions=dimensions,
        not_collected=not_collected,
        symbols={str(k): str(v) for k, v in dict(data.get("symbols") or {}).items()},
    )


def load_dictionary(path: Path | None = None) -> Dictionary:
    """The packaged dictionary, or the one at ``path``."""
    if path is None:
        text = resources.files("clearsight.returns").joinpath(PACKAGED).read_text("utf-8")
        source = f"clearsight/returns/{PACKAGED}"
    else:
        text, source = Path(path).read_text("utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{source}: not valid YAML: {exc}") from exc
    return parse(data, source)
