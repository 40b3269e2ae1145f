"""The standard's codes in words on every page: the Jinja filters ``label`` and
``labels_merged``, both fed from ``clearsight.standard.labels`` (labels.yaml).

``{{ r.outcome_code | label("outcome_code") }}`` shows "15: Evidential difficulties: ...";
``rows | labels_merged("ethnicity_self_defined", "category")`` counts rows per label, so two
spellings of one code are one row and not recorded (empty) stays apart from NS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import Environment

from clearsight.standard.labels import load_labels


def label(value: object, column: str) -> str:
    return load_labels().label(column, value)


def labels_merged(
    rows: Iterable[Mapping[str, Any]], column: str, key: str, count: str = "n"
) -> list[dict[str, Any]]:
    return load_labels().merged(column, rows, key, count)


def add_label_filters(env: Environment) -> None:
    load_labels()  # checked against the schema at start-up, not by the first page
    env.filters["label"] = label
    env.filters["labels_merged"] = labels_merged
