"""Reading one CSV file of a submission: checked as bytes first, then parsed by Arrow.

The byte scan finds what a parser reports badly or late (not UTF-8, binary junk,
absurd lines, an empty file) and hashes the file on the same pass. The header
decides the columns; Arrow then parses every record as text, in order.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from clearsight.ingest.columns import HeaderNote, missing_hint, resolve_header
from clearsight.ingest.errors import SubmissionError
from clearsight.standard import Table

MAX_LINE_BYTES = 1 << 20
_CHUNK = 16 << 20
_BOM = codecs.BOM_UTF8
_OTHER_DELIMITERS = (";", "\t", "|")
ROW_NUMBER = "__row"
BLOCK_BYTES = 64 << 20


@dataclass(frozen=True)
class ScannedFile:
    path: Path
    name: str
    sha256: str
    size: int
    header: tuple[str, ...]  # normalised: stripped, lower case, mapped columns renamed
    notes: tuple[HeaderNote, ...] = ()


def scan(
    path: Path,
    table: Table,
    max_line_bytes: int = MAX_LINE_BYTES,
    column_map: Mapping[str, str] | None = None,
) -> ScannedFile:
    """Check a file's bytes and header; raise SubmissionError at the first fault."""
    name = path.name
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    line_start = 0  # byte offset of the current line's start
    offset = 0
    first_line = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if b"\x00" in chunk:
                bad = chunk.index(b"\x00")
                raise SubmissionError(
                    name,
                    "binary content (NUL byte): not a CSV text file",
                    row=line + chunk.count(b"\n", 0, bad),
                    code="binary_content",
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise SubmissionError(
                    name,
                    _not_utf8(chunk[exc.start]),
                    row=line + chunk.count(b"\n", 0, exc.start),
                    code="not_utf8",
                ) from exc
            newlines = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + offset
            starts = np.concatenate(([line_start], newlines[:-1] + 1)) if len(newlines) else None
            if starts is not None:
                lengths = newlines - starts
                longest = int(lengths.argmax())
                if lengths[longest] > max_line_bytes:
                    raise SubmissionError(
                        name,
                        f"a line is longer than the limit of {max_line_bytes:,} bytes",
                        row=line + longest,
                        code="line_too_long",
                    )
                line_start = int(newlines[-1]) + 1
                line += len(newlines)
            if not first_line:
                first_line = chunk.split(b"\n", 1)[0]
            offset += len(chunk)
        if offset - line_start > max_line_bytes:
            raise SubmissionError(
                name,
                f"a line is longer than the limit of {max_line_bytes:,} bytes",
                row=line,
                code="line_too_long",
            )
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            name, "not UTF-8: truncated character", row=line, code="not_utf8"
        ) from exc
    header, notes = _header(name, first_line, table, column_map or {})
    return ScannedFile(path, name, digest.hexdigest(), offset, header, notes)


def _not_utf8(byte: int) -> str:
    # Spreadsheets on Windows save "CSV" in Windows-1252 unless told otherwise: say what
    # the byte would be there, and how to save the file as the standard asks.
    try:
        shown = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return f"not UTF-8: invalid byte 0x{byte:02x}"
    return (
        f"not UTF-8: invalid byte 0x{byte:02x} ({shown!r} in Windows-1252, a spreadsheet's "
        "default; save the file as 'CSV UTF-8')"
    )


def _header(
    name: str, first_line: bytes, table: Table, column_map: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[HeaderNote, ...]]:
    text = first_line.removeprefix(_BOM).decode("utf-8").rstrip("\r")
    if not text.strip():
        raise SubmissionError(name, "file is empty (no header row)", row=1, code="empty_file")
    cells = next(csv.reader(io.StringIO(text)))
    # An unnamed column (a spreadsheet's trailing comma on every line, the index column a
    # data-frame library writes first) is an extra column like any other (the standard
    # keeps extra columns and ignores them): kept in extra under its position.
    header = tuple(
        cell.strip().lower() or f"unnamed_column_{position}"
        for position, cell in enumerate(cells, start=1)
    )
    if len(header) == 1:
        for delimiter in _OTHER_DELIMITERS:
            if delimiter in text:
                shown = "tab" if delimiter == "\t" else repr(delimiter)
                raise SubmissionError(
                    name,
                    f"header is separated by {shown}; the standard uses commas",
                    row=1,
                    code="wrong_delimiter",
                )
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise SubmissionError(
                name, f"column {column!r} appears twice", row=1, column=column, code="bad_header"
            )
        seen.add(column)
    resolved, notes = resolve_header(name, header, table, column_map)
    missing = [c for c in table.required_columns if c not in resolved]
    if missing:
        raise SubmissionError(
            name,
            f"missing required column(s): {', '.join(missing)}"
            + missing_hint(missing, resolved, table),
            row=1,
            column=missing[0],
            code="missing_column",
        )
    return resolved, notes


def read(scanned: ScannedFile, block_bytes: int = BLOCK_BYTES) -> Iterator[pa.RecordBatch]:
    """Every record as text, in file order, with its row number (header = row 1).

    Batches stream so that a large file never sits in memory whole.
    """
    bad: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(row.actual_columns)
        return "skip"

    columns = list(scanned.header)
    try:
        reader = pacsv.open_csv(
            scanned.path,
            read_options=pacsv.ReadOptions(
                column_names=columns, skip_rows=1, block_size=max(block_bytes, 4 * MAX_LINE_BYTES)
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        first = 2
        for batch in reader:
            if bad:
                break
            rows = pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64))
            first += batch.num_rows
            yield _without_blank_records(
                pa.RecordBatch.from_arrays(
                    [*batch.columns, rows], names=[*batch.schema.names, ROW_NUMBER]
                )
            )
    except pa.ArrowInvalid as exc:
        raise SubmissionError(
            scanned.name, f"cannot parse CSV: {exc}", code="malformed_csv"
        ) from exc
    if bad:
        _raise_first_malformed(scanned)


def _without_blank_records(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch less records whose every field is empty (``,,,,``).

    A spreadsheet saved as CSV writes its blank rows so, and a workbook's formatted empty
    rows read so: no value, so no record, skipped as an empty line is (not read, not
    quarantined). The rows after keep their row numbers."""
    names = [n for n in batch.schema.names if n != ROW_NUMBER]
    blank = pc.equal(pc.utf8_length(batch.column(names[0])), 0)
    if not pc.any(blank).as_py():  # the usual batch: every record has its first field
        return batch
    for name in names[1:]:
        blank = pc.and_(blank, pc.equal(pc.utf8_length(batch.column(name)), 0))
    return batch.filter(pc.invert(blank))


def _raise_first_malformed(scanned: ScannedFile) -> None:
    """Find the record Arrow skipped, with Python's csv for its exact line number."""
    width = len(scanned.header)
    with scanned.path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        record = 1
        for cells in reader:
            record += 1
            if cells and len(cells) != width:
                raise SubmissionError(
                    scanned.name,
                    f"record has {len(cells)} fields, the header has {width} "
                    "(check delimiters and quoting)",
                    row=reader.line_num,
                    code="malformed_row",
                )
    raise SubmissionError(scanned.name, "malformed CSV record", code="malformed_row")
