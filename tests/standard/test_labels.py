"""The standard's codes in words: every code of a labelled list has words, no word names a
code the standard lacks, and errors name the file and the entry."""

from __future__ import annotations

import pytest

from clearsight.standard.labels import LabelsError, load_labels, parse_labels
from clearsight.standard.model import load_standard
from clearsight.standard.types import Code


def test_every_code_list_of_persons_and_events_has_words() -> None:
    labels = load_labels()
    standard = load_standard()
    coded = [
        (c.name, c.type.values)
        for t in (standard.tables["persons"], standard.tables["events"])
        for c in t.columns.values()
        if isinstance(c.type, Code) and c.type.values and c.name != "nationality"
    ]
    assert coded
    for column, values in coded:
        for value in values:
            words = labels.label(column, value)
            assert words and words != value, f"{column}={value} has no words"


def test_words_for_codes_and_for_nothing_recorded() -> None:
    labels = load_labels()
    assert labels.label("ethnicity_self_defined", "A2") == "Asian: Pakistani"
    assert labels.label("ethnicity_self_defined", "ns") == "Not stated"
    assert labels.label("ethnicity_self_defined", None) == "Not recorded"
    assert labels.label("outcome_code", 15).startswith("15: Evidential difficulties")
    # A value no list knows is shown as recorded, never dropped.
    assert labels.label("outcome_code", 99) == "99"


def test_merged_counts_one_row_per_meaning() -> None:
    rows = [
        {"category": "NS", "n": 3},
        {"category": "ns", "n": 2},
        {"category": None, "n": 4},
        {"category": "W1", "n": 1},
    ]
    merged = load_labels().merged("ethnicity_self_defined", rows, "category")
    assert {r["label"]: r["n"] for r in merged} == {
        "Not stated": 5,
        "Not recorded": 4,
        "White: English, Welsh, Scottish, Northern Irish or British": 1,
    }


def test_an_unknown_or_missing_code_is_an_error_naming_the_entry() -> None:
    with pytest.raises(LabelsError, match=r"x.yaml: columns.sex: XX not codes"):
        parse_labels(
            {
                "columns": {
                    "sex": {"female": "F", "male": "M", "other": "O", "unknown": "U", "XX": "?"}
                }
            },
            "x.yaml",
        )
    with pytest.raises(LabelsError, match=r"columns.sex: no words for unknown"):
        parse_labels({"columns": {"sex": {"female": "F", "male": "M", "other": "O"}}}, "x.yaml")
    with pytest.raises(LabelsError, match=r"columns.shoe_size: the standard has no code list"):
        parse_labels({"columns": {"shoe_size": {"9": "nine"}}}, "x.yaml")
