"""The submission standard as data: YAML files loaded into a checked model.

The YAML files beside this module are the contract; this module reads them and
refuses any inconsistency (unknown keys, unknown types, references to tables or
columns that do not exist, a cycle), so a mistake in the standard fails at load.
"""

from __future__ import annotations

import graphlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from clearsight.standard.types import (
    PARAMETRISED,
    TYPES,
    Code,
    Coordinate,
    Country,
    Date,
    PartialDate,
    ValueType,
)

SUPPORTED_VERSIONS = ("1.0",)
TABLE_FILES = (
    "persons",
    "events",
    "involvements",
    "objects",
    "locations",
    "associations",
)

OnInvalid = Literal["quarantine", "warn"]
NamePart = Literal["forenames", "surname"]
# Types holding free text of any length: each column of these states its limit.
_UNBOUNDED_TYPES = frozenset({"text", "identifier", "name", "handle", "object_value"})
# Any other column (a code, date, postcode, phone, number) holds a few dozen
# characters at most: a cell a thousand long is an export fault, not a value.
DEFAULT_MAX_LENGTH = 1000


class SchemaError(ValueError):
    """A schema file of the standard is inconsistent."""


@dataclass(frozen=True)
class Reference:
    """Where an identifier column points: one table, or a table chosen by a code column."""

    table: str | None
    by: str | None
    tables: Mapping[str, str]

    def targets(self) -> tuple[str, ...]:
        if self.table is not None:
            return (self.table,)
        return tuple(self.tables.values())


@dataclass(frozen=True)
class Plausibility:
    """Dates that can exist but are unlikely to be true: warned, and kept.

    ``not_after_extract``: the date is after the extract date (a date of birth or an
    event in the future of the data). ``max_age_years``: a date of birth implying an
    age above this at the extract date.
    """

    not_after_extract: bool = False
    max_age_years: int | None = None


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``on_invalid`` defaults to ``quarantine`` for a required column and ``warn`` for
    an optional one: an unusable optional value is not a reason to lose the record.
    """

    name: str
    type: ValueType
    description: str
    required: bool = False
    is_list: bool = False
    on_invalid: OnInvalid = "quarantine"
    references: Reference | None = None
    on_dangling: OnInvalid = "quarantine"
    protected: bool = False
    depends_on: str | None = None
    max_length: int = DEFAULT_MAX_LENGTH
    also_written: tuple[str, ...] = ()
    plausible: Plausibility | None = None
    name_part: NamePart | None = None

    @property
    def keeps_raw(self) -> bool:
        return self.is_list or self.type.keeps_raw

    @property
    def sql_type(self) -> str:
        return "VARCHAR[]" if self.is_list else self.type.sql_type


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    description: str
    required: bool
    key: tuple[str, ...]
    columns: Mapping[str, Column]

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns.values() if c.required)

    @property
    def id_column(self) -> str | None:
        """The single identifier other tables refer to, when the key is one column."""
        return self.key[0] if len(self.key) == 1 else None

    def name_part(self, part: NamePart) -> Column | None:
        """The column holding this part of a person's name, when the table has one."""
        return next((c for c in self.columns.values() if c.name_part == part), None)


@dataclass(frozen=True)
class ManifestField:
    name: str
    type: ValueType
    required: bool
    description: str


@dataclass(frozen=True)
class Standard:
    version: str
    tables: Mapping[str, Table]  # in load order: a table comes after those it references
    manifest: Mapping[str, ManifestField]
    areas: Mapping[str, str]
    # area code -> (region code, region label); national forces are in no region.
    regions: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def longest_value(self) -> int:
        """The largest max_length of any column: no cell of an extra column may exceed it."""
        return max(c.max_length for t in self.tables.values() for c in t.columns.values())

    def table_for_file(self, filename: str) -> Table | None:
        for table in self.tables.values():
            if table.file == filename:
                return table
        return None


_COLUMN_KEYS = {
    "type",
    "required",
    "list",
    "on_invalid",
    "references",
    "on_dangling",
    "protected",
    "description",
    "values",
    "values_also_written",
    "case",
    "depends_on",
    "max_length",
    "also_written",
    "plausible",
    "name_part",
}
_TABLE_KEYS = {"name", "file", "kind", "required", "description", "key", "columns"}
_MANIFEST_KEYS = {"name", "file", "kind", "description", "fields"}


def _schema_dir() -> Path:
    return Path(str(resources.files("clearsight.standard") / "schema"))


@cache
def load_standard(directory: Path | None = None) -> Standard:
    """Load and check the standard; cached because it never changes in a process."""
    root = directory or _schema_dir()
    areas = _read(root / "areas.yaml")["areas"]
    countries = _read(root / "countries.yaml")
    context = _Context(
        areas=dict(areas),
        country=Country(
            values=tuple(countries["codes"]), upper=True, aliases=dict(countries["aliases"])
        ),
    )
    manifest = _manifest(root / "manifest.yaml", context)
    tables = {name: _table(root / f"{name}.yaml", context) for name in TABLE_FILES}
    _check_references(tables)
    ordered = _load_order(tables)
    return Standard(
        version=SUPPORTED_VERSIONS[-1],
        tables={name: tables[name] for name in ordered},
        manifest=manifest,
        areas=context.areas,
        regions=_regions(root / "regions.yaml", context.areas),
    )


def _regions(path: Path, areas: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Each area's police region, checked: known area codes only, and every area in
    exactly one region unless it is listed as a national force."""
    data = _read(path)
    found: dict[str, tuple[str, str]] = {}
    for code, spec in (data.get("regions") or {}).items():
        where = f"{path.name}: region {code}"
        if not isinstance(spec, dict) or not spec.get("label") or not spec.get("areas"):
            raise SchemaError(f"{where}: needs a label and a list of areas")
        for area in spec["areas"]:
            if area not in areas:
                raise SchemaError(f"{where}: unknown area code {area!r}")
            if area in found:
                raise SchemaError(f"{where}: {area!r} is already in region {found[area][0]!r}")
            found[area] = (str(code), str(spec["label"]))
    national = set(data.get("national_forces") or ())
    for area in national - set(areas):
        raise SchemaError(f"{path.name}: national_forces: unknown area code {area!r}")
    missing = sorted(set(areas) - set(found) - national)
    if missing:
        raise SchemaError(f"{path.name}: areas in no region: {', '.join(missing)}")
    return found


@dataclass(frozen=True)
class _Context:
    areas: Mapping[str, str]
    country: Country


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SchemaError(f"{path.name}: cannot read schema: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemaError(f"{path.name}: a schema file must be a mapping")
    return data


def _manifest(path: Path, context: _Context) -> dict[str, ManifestField]:
    data = _read(path)
    _no_unknown(path.name, data, _MANIFEST_KEYS, "manifest")
    fields: dict[str, ManifestField] = {}
    for name, spec in data["fields"].items():
        where = f"{path.name}: field {name}"
        _no_unknown(where, spec, _COLUMN_KEYS, "field")
        fields[name] = ManifestField(
            name=name,
            type=_value_type(where, spec, context),
            required=bool(spec.get("required", False)),
            description=_description(where, spec),
        )
    return fields


def _table(path: Path, context: _Context) -> Table:
    data = _read(path)
    _no_unknown(path.name, data, _TABLE_KEYS, "table")
    name = data.get("name")
    if name != path.stem:
        raise SchemaError(f"{path.name}: name {name!r} does not match the file name")
    columns: dict[str, Column] = {}
    for column_name, spec in (data.get("columns") or {}).items():
        where = f"{path.name}: column {column_name}"
        if not isinstance(spec, dict):
            raise SchemaError(f"{where}: must be a mapping")
        _no_unknown(where, spec, _COLUMN_KEYS, "column")
        columns[column_name] = _column(where, column_name, spec, context)
    key = tuple(data.get("key") or ())
    if not key:
        raise SchemaError(f"{path.name}: a table needs a key")
    for part in key:
        if part not in columns or not columns[part].required:
            raise SchemaError(f"{path.name}: key column {part!r} must be a required column")
    for column in columns.values():
        if column.depends_on is not None and column.depends_on not in columns:
            raise SchemaError(
                f"{path.name}: column {column.name} depends on unknown column {column.depends_on!r}"
            )
    _check_also_written(path.name, columns)
    _check_name_parts(path.name, columns)
    return Table(
        name=name,
        file=str(data["file"]),
        description=_description(path.name, data),
        required=bool(data.get("required", False)),
        key=key,
        columns=columns,
    )


def _column(where: str, name: str, spec: dict[str, Any], context: _Context) -> Column:
    reference = spec.get("references")
    required = bool(spec.get("required", False))
    on_invalid = spec.get("on_invalid", "quarantine" if required else "warn")
    # A missing optional link (an event's location) is no reason to lose the row either.
    on_dangling = spec.get("on_dangling", "quarantine" if required else "warn")
    for label, value in (("on_invalid", on_invalid), ("on_dangling", on_dangling)):
        if value not in ("quarantine", "warn"):
            raise SchemaError(f"{where}: {label} must be quarantine or warn, not {value!r}")
    value_type = _value_type(where, spec, context)
    is_list = bool(spec.get("list", False))
    name_part = spec.get("name_part")
    if name_part is not None and (name_part not in ("forenames", "surname") or is_list):
        raise SchemaError(f"{where}: name_part must be forenames or surname, on a single name")
    if name_part is not None and value_type.name != "name":
        raise SchemaError(f"{where}: name_part needs type name")
    return Column(
        name=name,
        type=value_type,
        description=_description(where, spec),
        required=required,
        is_list=is_list,
        on_invalid=on_invalid,
        references=_reference(where, reference) if reference is not None else None,
        on_dangling=on_dangling,
        protected=bool(spec.get("protected", False)),
        depends_on=spec.get("depends_on"),
        max_length=_max_length(where, spec, value_type, is_list),
        also_written=_also_written(where, spec),
        plausible=_plausible(where, spec, value_type),
        name_part=name_part,
    )


def _max_length(where: str, spec: dict[str, Any], value_type: ValueType, is_list: bool) -> int:
    limit = spec.get("max_length")
    if limit is None:
        if is_list or value_type.name in _UNBOUNDED_TYPES:
            raise SchemaError(f"{where}: a free-text or list column needs max_length")
        return DEFAULT_MAX_LENGTH
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise SchemaError(f"{where}: max_length must be a positive whole number, not {limit!r}")
    return limit


def normalise_header(name: str) -> str:
    """A header reduced to letters and digits: ``Date_Of-Birth`` and ``dateofbirth`` agree."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _also_written(where: str, spec: dict[str, Any]) -> tuple[str, ...]:
    names = spec.get("also_written", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise SchemaError(f"{where}: also_written must be a list of header names")
    return tuple(n.strip().lower() for n in names)


def _plausible(where: str, spec: dict[str, Any], value_type: ValueType) -> Plausibility | None:
    data = spec.get("plausible")
    if data is None:
        return None
    _no_unknown(where, data, {"not_after_extract", "max_age_years"}, "plausible")
    if not isinstance(value_type, Date | PartialDate):
        raise SchemaError(f"{where}: plausible applies to dates only")
    age = data.get("max_age_years")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or age < 1):
        raise SchemaError(f"{where}: max_age_years must be a positive whole number")
    return Plausibility(not_after_extract=bool(data.get("not_after_extract")), max_age_years=age)


def _check_also_written(file: str, columns: Mapping[str, Column]) -> None:
    """A header another way of writing must lead to one column only."""
    seen = {normalise_header(name): name for name in columns}
    for column in columns.values():
        for other in column.also_written:
            key = normalise_header(other)
            if key in seen and seen[key] != column.name:
                raise SchemaError(
                    f"{file}: column {column.name}: also_written {other!r} already means "
                    f"{seen[key]}"
                )
            seen[key] = column.name


def _check_name_parts(file: str, columns: Mapping[str, Column]) -> None:
    parts = [c.name_part for c in columns.values() if c.name_part is not None]
    if parts and sorted(parts) != ["forenames", "surname"]:
        raise SchemaError(f"{file}: name_part needs one forenames and one surname column")


def _values_also_written(where: str, spec: dict[str, Any], values: list[str]) -> dict[str, str]:
    """``values_also_written``: other spellings of a code's values, each naming a value."""
    found = spec.get("values_also_written") or {}
    if not isinstance(found, dict):
        raise SchemaError(f"{where}: values_also_written must map spellings to values")
    known = {v.casefold() for v in values}
    for spelling, value in found.items():
        if not isinstance(spelling, str) or not isinstance(value, str):
            raise SchemaError(f"{where}: values_also_written: {spelling!r} is not text")
        if value.casefold() not in known:
            raise SchemaError(f"{where}: values_also_written: {value!r} is not one of the values")
        if spelling.casefold() in known:
            raise SchemaError(f"{where}: values_also_written: {spelling!r} is a value itself")
    return {str(k).casefold(): str(v) for k, v in found.items()}


def _value_type(where: str, spec: dict[str, Any], context: _Context) -> ValueType:
    type_name = spec.get("type")
    if not isinstance(type_name, str):
        raise SchemaError(f"{where}: missing type")
    values = spec.get("values")
    if type_name == "code":
        if not values or not all(isinstance(v, str) for v in values):
            raise SchemaError(f"{where}: a code needs a list of string values")
        if len(set(v.casefold() for v in values)) != len(values):
            raise SchemaError(f"{where}: code values repeat")
        return Code(
            values=tuple(values),
            upper=spec.get("case") == "upper",
            also_written=_values_also_written(where, spec, values),
        )
    if values is not None or "values_also_written" in spec:
        raise SchemaError(f"{where}: only a code takes values")
    if type_name == "country":
        return context.country
    if type_name == "area":
        return Code(values=tuple(context.areas))
    if type_name in ("latitude", "longitude"):
        return Coordinate(limit=90.0 if type_name == "latitude" else 180.0)
    if type_name in PARAMETRISED or type_name not in TYPES:
        raise SchemaError(f"{where}: unknown type {type_name!r}")
    return TYPES[type_name]


def _reference(where: str, spec: Any) -> Reference:
    if not isinstance(spec, dict):
        raise SchemaError(f"{where}: references must be a mapping")
    _no_unknown(where, spec, {"table", "by", "tables"}, "reference")
    if "table" in spec:
        return Reference(table=str(spec["table"]), by=None, tables={})
    if "by" in spec and isinstance(spec.get("tables"), dict):
        return Reference(table=None, by=str(spec["by"]), tables=dict(spec["tables"]))
    raise SchemaError(f"{where}: references needs table, or by and tables")


def _check_references(tables: Mapping[str, Table]) -> None:
    for table in tables.values():
        for column in table.columns.values():
            ref = column.references
            if ref is None:
                continue
            where = f"{table.name}.yaml: column {column.name}"
            for target in ref.targets():
                if target not in tables:
                    raise SchemaError(f"{where}: references unknown table {target!r}")
                if tables[target].id_column is None:
                    raise SchemaError(f"{where}: table {target!r} has no single-column id")
            if ref.by is not None:
                selector = table.columns.get(ref.by)
                if selector is None or not isinstance(selector.type, Code):
                    raise SchemaError(f"{where}: references by {ref.by!r}, not a code column")
                missing = set(selector.type.values) - set(ref.tables)
                if missing:
                    raise SchemaError(f"{where}: no table for {sorted(missing)}")


def _load_order(tables: Mapping[str, Table]) -> list[str]:
    graph: dict[str, set[str]] = {}
    for table in tables.values():
        deps = {
            target
            for column in table.columns.values()
            if column.references is not None
            for target in column.references.targets()
            if target != table.name
        }
        graph[table.name] = deps
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        raise SchemaError(f"tables reference each other in a cycle: {exc.args[1]}") from exc


def _no_unknown(where: str, data: Any, allowed: set[str], what: str) -> None:
    if not isinstance(data, dict):
        raise SchemaError(f"{where}: {what} must be a mapping")
    unknown = set(data) - allowed
    if unknown:
        raise SchemaError(f"{where}: unknown {what} keys {sorted(unknown)}")


def _description(where: str, data: dict[str, Any]) -> str:
    text = data.get("description")
    if not isinstance(text, str) or not text.strip():
        raise SchemaError(f"{where}: a description is required")
    return text.strip()
