"""The standard loads, matches STANDARD.md, and refuses an inconsistent schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from clearsight.standard import SchemaError, load_standard
from clearsight.standard.model import DEFAULT_MAX_LENGTH, _schema_dir

SHARED = Path(__file__).resolve().parents[3] / "shared" / "standard" / "STANDARD.md"


def test_standard_loads_in_reference_order() -> None:
    std = load_standard()
    order = list(std.tables)
    assert order.index("events") > order.index("locations")
    assert order.index("involvements") > order.index("persons")
    assert len(std.areas) == 44


@pytest.mark.skipif(not SHARED.exists(), reason="shared standard not beside the repository")
def test_every_column_of_the_published_standard_is_in_the_schema() -> None:
    text = SHARED.read_text(encoding="utf-8")
    std = load_standard()
    for table in std.tables.values():
        section = text.split(f"## {table.file}", 1)[1].split("\n## ", 1)[0]
        documented = set(re.findall(r"^\| `([a-z_]+)`", section, flags=re.M))
        documented |= {"latitude", "longitude"} if table.name == "locations" else set()
        documented |= {"start_date", "end_date"} if table.name == "associations" else set()
        assert documented - {"latitude`, `longitude", "start_date`, `end_date"} <= set(
            table.columns
        )
        required = set(re.findall(r"^\| `([a-z_]+)` \| yes", section, flags=re.M))
        assert required == set(table.required_columns), table.name


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "schema"
    shutil.copytree(_schema_dir(), target)
    path = target / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("persons.yaml", "    type: postcode\n", "    type: postkode\n", "unknown type"),
        ("persons.yaml", "    on_invalid: warn\n", "    on_invalid: shrug\n", "on_invalid"),
        (
            "events.yaml",
            "    description: Kind of event.\n",
            "    colour: red\n    description: Kind of event.\n",
            "unknown column keys",
        ),
        (
            "involvements.yaml",
            "references: {table: persons}",
            "references: {table: people}",
            "unknown table",
        ),
        (
            "involvements.yaml",
            "key: [event_id, person_id, role]",
            "key: [event_id, nobody]",
            "key column",
        ),
        (
            "associations.yaml",
            "location: locations, event: events}",
            "location: locations}",
            "no table for",
        ),
        ("events.yaml", "    max_length: 20000\n", "", "needs max_length"),
        ("events.yaml", "    max_length: 20000\n", "    max_length: -5\n", "positive whole"),
        ("events.yaml", "    max_length: 20000\n", "    max_length: lots\n", "positive whole"),
        ("persons.yaml", "also_written: [gender]", "also_written: [dob]", "already means"),
        ("persons.yaml", "also_written: [gender]", "also_written: [Surname]", "already means"),
        ("persons.yaml", "also_written: [gender]", "also_written: gender", "list of header"),
        (
            "persons.yaml",
            "    also_written: [gender]\n",
            "    also_written: [gender]\n    plausible: {not_after_extract: true}\n",
            "dates only",
        ),
        (
            "persons.yaml",
            "plausible: {not_after_extract: true, max_age_years: 110}",
            "plausible: {not_after_extract: true, max_age_years: 0}",
            "max_age_years",
        ),
        (
            "persons.yaml",
            "plausible: {not_after_extract: true, max_age_years: 110}",
            "plausible: {in_future: true}",
            "unknown plausible keys",
        ),
        ("persons.yaml", "    name_part: surname\n", "", "one forenames and one surname"),
        ("persons.yaml", "    name_part: surname\n", "    name_part: middle\n", "name_part"),
    ],
)
def test_inconsistent_schema_is_an_error(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    with pytest.raises(SchemaError, match=message):
        load_standard.__wrapped__(_broken_copy(tmp_path, file, old, new))


def test_optional_columns_warn_and_required_ones_quarantine_by_default() -> None:
    std = load_standard()
    columns = [c for t in std.tables.values() for c in t.columns.values()]
    assert columns
    for column in columns:
        if not column.required:
            assert column.on_invalid == "warn", column.name
    assert std.tables["events"].columns["reported_date"].on_invalid == "quarantine"
    assert std.tables["persons"].columns["date_of_birth"].on_invalid == "warn"


def test_every_free_text_column_has_a_length_limit() -> None:
    std = load_standard()
    assert std.tables["events"].columns["narrative"].max_length == 20_000
    assert std.tables["persons"].columns["forenames"].max_length == 200
    free = [
        c
        for t in std.tables.values()
        for c in t.columns.values()
        if c.is_list or c.type.name in ("text", "identifier", "name", "object_value")
    ]
    assert free
    # Each states its own limit in the YAML (a missing one fails at load, tested above).
    assert {c.max_length for c in free} >= {200, 1000, 2000, 20_000}
    assert std.tables["persons"].columns["postcode"].max_length == DEFAULT_MAX_LENGTH


def test_values_also_written_must_name_a_value() -> None:
    from clearsight.standard.model import _values_also_written

    assert _values_also_written("t", {"values_also_written": {"F": "female"}}, ["female"]) == {
        "f": "female"
    }
    with pytest.raises(SchemaError, match="not one of the values"):
        _values_also_written("t", {"values_also_written": {"x": "other"}}, ["female"])
    with pytest.raises(SchemaError, match="is a value itself"):
        _values_also_written("t", {"values_also_written": {"female": "female"}}, ["female"])
