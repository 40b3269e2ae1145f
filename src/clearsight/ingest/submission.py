"""Opening a submission: a folder, a ``.zip`` of one, or an ``.xlsx`` workbook.

Whatever the container, the result is a folder of ``manifest.json`` and CSV files,
so everything after this module reads one shape.
"""

from __future__ import annotations

import csv
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from clearsight.ingest.errors import SubmissionError
from clearsight.ingest.manifest import MANIFEST, Manifest, read_manifest
from clearsight.standard import Standard

# A zip member may expand at most this many times its compressed size (zip bombs
# reach thousands); real CSV compresses 5-20 times.
MAX_COMPRESSION_RATIO = 200
MAX_UNCOMPRESSED_BYTES = 64 << 30
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class Submission:
    """An opened submission: its manifest and the CSV file of each table present."""

    label: str
    root: Path
    manifest: Manifest
    files: dict[str, Path]
    ignored: tuple[str, ...]


@contextmanager
def open_submission(path: Path, standard: Standard) -> Iterator[Submission]:
    """Yield the submission at ``path``; temporary files vanish afterwards."""
    if not path.exists():
        raise SubmissionError(str(path), "no such file or folder", code="not_found")
    if path.is_dir():
        yield _from_folder(path, str(path), standard)
        return
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".xlsx"):
        raise SubmissionError(
            path.name, "a submission is a folder, a .zip or an .xlsx workbook", code="bad_container"
        )
    with tempfile.TemporaryDirectory(prefix="clearsight-") as tmp:
        target = Path(tmp)
        if suffix == ".zip":
            _extract_zip(path, target)
        else:
            _xlsx_to_folder(path, target, standard)
        yield _from_folder(target, str(path), standard)


def _from_folder(folder: Path, label: str, standard: Standard) -> Submission:
    root = _find_root(folder)
    manifest = read_manifest(root / MANIFEST, standard)
    files: dict[str, Path] = {}
    ignored: list[str] = []
    by_name = {table.file: table.name for table in standard.tables.values()}
    for entry in sorted(root.iterdir()):
        name = entry.name.lower()
        if name == MANIFEST:
            continue
        if name in by_name and entry.is_file():
            if by_name[name] in files:
                raise SubmissionError(entry.name, "file appears twice", code="duplicate_file")
            files[by_name[name]] = entry
        else:
            ignored.append(entry.name)
    for table in standard.tables.values():
        if table.required and table.name not in files:
            raise SubmissionError(table.file, "required file is missing", code="missing_file")
    return Submission(label, root, manifest, files, tuple(ignored))


def _find_root(folder: Path) -> Path:
    """The folder holding manifest.json: the folder itself, or its only subfolder."""
    if (folder / MANIFEST).is_file():
        return folder
    children = [c for c in folder.iterdir() if not c.name.startswith((".", "__MACOSX"))]
    if len(children) == 1 and children[0].is_dir() and (children[0] / MANIFEST).is_file():
        return children[0]
    raise SubmissionError(MANIFEST, "required file is missing", code="missing_file")


def _extract_zip(path: Path, target: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(path.name, f"not a readable zip: {exc}", code="bad_zip") from exc
    with archive:
        members = archive.infolist()
        _check_members(path.name, members)
        for member in members:
            if member.is_dir():
                continue
            _extract_member(archive, member, target)


def _check_members(label: str, members: list[zipfile.ZipInfo]) -> None:
    total = 0
    for member in members:
        name = member.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise SubmissionError(
                label, f"member {name!r} points outside the archive", code="zip_traversal"
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise SubmissionError(label, f"member {name!r} is a symbolic link", code="zip_link")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _COPY_CHUNK and ratio > MAX_COMPRESSION_RATIO:
            raise SubmissionError(
                label,
                f"member {name!r} expands {ratio:.0f} times (limit {MAX_COMPRESSION_RATIO}): "
                "refusing a possible zip bomb",
                code="zip_bomb",
            )
        total += member.file_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SubmissionError(label, "archive expands beyond 64 GiB", code="zip_bomb")


def _extract_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path) -> None:
    destination = target.joinpath(*PurePosixPath(member.filename.replace("\\", "/")).parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    # The declared size is checked while copying: headers can lie.
    with archive.open(member) as source, destination.open("wb") as sink:
        while chunk := source.read(_COPY_CHUNK):
            written += len(chunk)
            if written > member.file_size:
                raise SubmissionError(
                    member.filename, "expands beyond its declared size", code="zip_bomb"
                )
            sink.write(chunk)


def _xlsx_to_folder(path: Path, target: Path, standard: Standard) -> None:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every fault
        raise SubmissionError(
            path.name, f"not a readable workbook: {exc}", code="bad_xlsx"
        ) from exc
    sheets = {name.strip().lower(): name for name in workbook.sheet_names}
    if "manifest" not in sheets:
        raise SubmissionError(path.name, "workbook has no 'manifest' sheet", code="missing_file")
    _manifest_sheet(workbook.get_sheet_by_name(sheets["manifest"]).to_python(), target)
    for table in standard.tables.values():
        if table.name in sheets:
            rows = workbook.get_sheet_by_name(sheets[table.name]).to_python()
            with (target / table.file).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                for row in rows:
                    writer.writerow([_cell(value) for value in row])


def _manifest_sheet(rows: Sequence[Sequence[object]], target: Path) -> None:
    import json

    fields: dict[str, str] = {}
    for row in rows:
        if len(row) < 2 or not str(row[0]).strip():
            continue
        key = str(row[0]).strip()
        if key.lower() in ("field", "key") and not fields:
            continue
        fields[key] = _cell(row[1])
    (target / MANIFEST).write_text(json.dumps(fields), encoding="utf-8")


def _cell(value: object) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
