"""Submitted headers matched to the standard's columns: maps, and columns that look alike.

An agency's export rarely uses the standard's names. A header that is not a column of
the table but resembles one (``dob``, ``first_name``, ``post_code``) would otherwise
load silently into ``extra`` and every value of it be lost to analysis; so it is
reported, naming the column it probably means, and a column map (``--map`` or
``column_map`` in manifest.json) reads it as that column.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb

from clearsight.ingest.errors import SubmissionError
from clearsight.standard import Standard, Table
from clearsight.standard.model import normalise_header

MAPPED_COLUMN = "mapped_column"
LOOKALIKE_COLUMN = "lookalike_column"
SPELT_COLUMN = "spelt_column"
# difflib's ratio: 0.8 lets through one slip in a word of five or more letters
# (``surnme``, ``forname``) and refuses short unrelated words (``name`` for ``surname``).
_CUTOFF = 0.8


@dataclass(frozen=True)
class HeaderNote:
    """Something said about one submitted header: it was mapped, or looks like a column."""

    header: str
    code: str
    reason: str


def parse_map(entries: Iterable[str], where: str) -> dict[str, str]:
    """``SOURCE=TARGET`` entries as a mapping of lower-case header names."""
    mapping: dict[str, str] = {}
    for entry in entries:
        source, sep, target = entry.partition("=")
        source, target = source.strip().lower(), target.strip().lower()
        if not sep or not source or not target:
            raise SubmissionError(
                where, f"column map entry {entry!r} is not SOURCE=TARGET", code="bad_column_map"
            )
        mapping[source] = target
    return mapping


def check_map(mapping: Mapping[str, str], standard: Standard, where: str) -> None:
    """Every target must be a column of some table: a typo must not pass silently."""
    columns = {c for table in standard.tables.values() for c in table.columns}
    for source, target in mapping.items():
        if target not in columns:
            raise SubmissionError(
                where,
                f"column map {source}={target}: {target!r} is not a column of the standard",
                code="bad_column_map",
            )


def probable_column(header: str, table: Table) -> str | None:
    """The standard column a header most probably means, or None."""
    key = normalise_header(header)
    if not key:
        return None
    candidates: dict[str, str] = {}
    for column in table.columns.values():
        candidates[normalise_header(column.name)] = column.name
        for other in column.also_written:
            candidates.setdefault(normalise_header(other), column.name)
    if key in candidates:
        return candidates[key]
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=_CUTOFF)
    return candidates[close[0]] if close else None


def resolve_header(
    file: str, header: Sequence[str], table: Table, mapping: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[HeaderNote, ...]]:
    """The header with mapped names, and a note for each mapped or look-alike column."""
    resolved: list[str] = []
    notes: list[HeaderNote] = []
    spelt = _spelt(header, table, mapping)
    for cell in header:
        target = mapping.get(cell)
        if target is None and cell in spelt:
            resolved.append(spelt[cell])
            notes.append(
                HeaderNote(
                    cell,
                    SPELT_COLUMN,
                    f"column {cell!r} read as {spelt[cell]} (the column's name with other "
                    "spacing or punctuation)",
                )
            )
        elif target is not None and target in table.columns and cell != target:
            if target in header:
                raise SubmissionError(
                    file,
                    f"column {cell!r} is mapped to {target}, which the file also holds",
                    row=1,
                    column=cell,
                    code="bad_column_map",
                )
            resolved.append(target)
            notes.append(HeaderNote(cell, MAPPED_COLUMN, f"column {cell!r} read as {target}"))
        else:
            resolved.append(cell)
    for cell in resolved:
        if cell in table.columns:
            continue
        guess = probable_column(cell, table)
        if guess is None:
            continue
        held = " (the file also holds it)" if guess in resolved else ""
        notes.append(
            HeaderNote(
                cell,
                LOOKALIKE_COLUMN,
                f"column {cell!r} is not in the standard and probably means {guess}{held}: "
                f"its values are kept in extra and not used; to read it as {guess}, "
                f"map it (--map {cell}={guess}, or column_map in manifest.json)",
            )
        )
    return tuple(resolved), tuple(notes)


def _spelt(header: Sequence[str], table: Table, mapping: Mapping[str, str]) -> dict[str, str]:
    """Headers that are a column's own name spelt with spaces, hyphens or full stops.

    ``Date of Birth``, ``Person ID``, ``NHS-Number``: the standard's names are
    case-insensitive, and a spreadsheet writes words with spaces; the header folds to the
    column's own name letter for letter, so reading it so is no guess (unlike ``dob`` or
    a misspelling, which wait for a map). Not when the file also holds the column, or a
    map names the header or the column.
    """
    own = {normalise_header(name): name for name in table.columns}
    targets = set(mapping.values())
    found: dict[str, str] = {}
    for cell in header:
        column = own.get(normalise_header(cell))
        if column is None or cell == column or cell in mapping or column in targets:
            continue
        if column in header or column in found.values():
            continue
        found[cell] = column
    return found


def missing_hint(missing: Sequence[str], header: Sequence[str], table: Table) -> str:
    """For a missing required column, the submitted header that may be it."""
    hints = [
        f"column {cell!r} may be {target}: --map {cell}={target}"
        for cell in header
        for target in missing
        if cell not in table.columns and probable_column(cell, table) == target
    ]
    return f" ({'; '.join(hints)})" if hints else ""


def record_notes(con: duckdb.DuckDBPyConnection, table: Table, notes: Sequence[HeaderNote]) -> None:
    """Header notes as warnings on row 1 (the header row), beside value warnings."""
    for note in notes:
        con.execute(
            "INSERT INTO __issues VALUES (?, 1, ?, ?, ?, ?, 'warn')",
            [table.name, note.header, note.code, note.reason, note.header],
        )
