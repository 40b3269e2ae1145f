"""Loading a submission into the store: one transaction, all or nothing."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from clearsight import audit
from clearsight.ingest import clean, columns, limits, names
from clearsight.ingest.csvfile import ScannedFile, read, scan
from clearsight.ingest.errors import SubmissionError
from clearsight.ingest.manifest import MANIFEST, Manifest
from clearsight.ingest.submission import Submission, open_submission
from clearsight.standard import Standard, Table, load_standard
from clearsight.store import ensure_schema
from clearsight.store.schema import table_columns

log = logging.getLogger("clearsight.ingest")

Progress = Callable[[str], None]
PostLoadHook = Callable[[duckdb.DuckDBPyConnection, int], None]
# Receives a submission's distinct narratives once its events are read and checked,
# before they are stored (quarantined rows' included): the batch may still fail.
NarrativesHook = Callable[[list[str]], None]


@dataclass(frozen=True)
class FileResult:
    file: str
    sha256: str
    bytes: int
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    warnings: int
    # Warnings of the rows loaded, by reason code (value warnings and header notes).
    warnings_by_code: dict[str, int] = field(default_factory=dict)
    # What was said about the header: mapped columns, columns that look like standard ones.
    column_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    submission: str
    source_id: str
    area: str
    status: str  # "loaded" or "unchanged"
    batch_id: int
    superseded_batch_id: int | None
    files: list[FileResult] = field(default_factory=list)
    ignored_files: tuple[str, ...] = ()
    seconds: float = 0.0
    # Column map entries (SOURCE=TARGET) that matched no header of any file.
    unused_column_map: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["rows_read"] = self.rows_read
        data["rows_loaded"] = self.rows_loaded
        data["rows_quarantined"] = self.rows_quarantined
        return data


def ingest(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    progress: Progress | None = None,
    after_load: PostLoadHook | None = None,
    standard: Standard | None = None,
    actor: str = "system:ingest",
    column_map: Mapping[str, str] | None = None,
    narratives: NarrativesHook | None = None,
) -> IngestResult:
    """Load the submission at ``path``; on any error the store is left as it was.

    ``after_load`` runs inside the same transaction once rows are inserted (for
    stages that index what arrives, such as the language check). ``narratives``
    is given the submission's distinct narratives as soon as its events are read
    and checked, while the load goes on (ingest's language check starts on them
    then); the load may still fail or quarantine some of their rows. ``column_map``
    (submitted header -> standard column, from ``--map``) adds to, and overrides,
    the manifest's ``column_map``.
    """
    std = standard or load_standard()
    step = progress or (lambda _message: None)
    started = time.perf_counter()
    columns.check_map(column_map or {}, std, "--map")
    ensure_schema(con, std)
    with open_submission(path, std) as submission:
        step(f"{submission.manifest.source_id}: checking files")
        mapping = {**submission.manifest.column_map, **(column_map or {})}
        scanned = {
            name: scan(p, std.tables[name], column_map=mapping)
            for name, p in submission.files.items()
        }
        digest = _submission_digest(submission, scanned, mapping)
        used = {
            n.header for f in scanned.values() for n in f.notes if n.code == columns.MAPPED_COLUMN
        }
        unused = tuple(f"{k}={v}" for k, v in sorted(mapping.items()) if k not in used)
        current = _current_batch(con, submission.manifest.source_id)
        if current is not None and current[1] == digest:
            log.info("%s: unchanged since batch %s", submission.manifest.source_id, current[0])
            result = _unchanged(con, submission, current[0], time.perf_counter() - started)
            return replace(result, unused_column_map=unused)
        if current is not None and current[2] > submission.manifest.extract_date:
            raise SubmissionError(
                MANIFEST,
                f"extract_date {submission.manifest.extract_date} is older than the current "
                f"extract ({current[2]}) of {submission.manifest.source_id}",
                column="extract_date",
                code="older_extract",
            )
        log.info("%s: begin transaction", submission.manifest.source_id)
        con.begin()
        try:
            result = _load(
                con, std, submission, scanned, digest, current, step, after_load, narratives
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            _drop_temp(con)
    log.info("%s: committed batch %s", result.source_id, result.batch_id)
    # Collection is audited once the data is in: a rolled-back load collected nothing.
    audit.record(
        con,
        actor=actor,
        action="ingest",
        target=result.source_id,
        details={
            "batch_id": result.batch_id,
            "submission": result.submission,
            "rows_loaded": result.rows_loaded,
            "rows_quarantined": result.rows_quarantined,
        },
    )
    return replace(result, seconds=time.perf_counter() - started, unused_column_map=unused)


def _submission_digest(
    submission: Submission, scanned: dict[str, ScannedFile], mapping: Mapping[str, str]
) -> str:
    digest = hashlib.sha256()
    digest.update(hashlib.sha256((submission.root / MANIFEST).read_bytes()).digest())
    for name in sorted(scanned):
        digest.update(f"{scanned[name].name.lower()}:{scanned[name].sha256}\n".encode())
    # The same files read with another column map are another submission; without a
    # map the digest is what it always was, so stores keep recognising old loads.
    for source, target in sorted(mapping.items()):
        digest.update(f"map:{source}={target}\n".encode())
    return digest.hexdigest()


def _current_batch(con: duckdb.DuckDBPyConnection, source_id: str) -> tuple[int, str, date] | None:
    rows = con.execute(
        "SELECT b.batch_id, b.submission_sha256, b.extract_date FROM sources s "
        "JOIN batches b ON b.batch_id = s.current_batch_id WHERE s.source_id = ?",
        [source_id],
    ).fetchall()
    return (int(rows[0][0]), str(rows[0][1]), rows[0][2]) if rows else None


def _unchanged(
    con: duckdb.DuckDBPyConnection, submission: Submission, batch_id: int, seconds: float
) -> IngestResult:
    rows = con.execute(
        "SELECT file, sha256, bytes, rows_read, rows_loaded, rows_quarantined FROM batch_files "
        "WHERE batch_id = ? ORDER BY file",
        [batch_id],
    ).fetchall()
    files = [
        FileResult(str(f), str(h), int(b), int(r), int(ld), int(q), warnings=0)
        for f, h, b, r, ld, q in rows
    ]
    m = submission.manifest
    return IngestResult(
        submission.label,
        m.source_id,
        m.area,
        "unchanged",
        batch_id,
        None,
        files,
        submission.ignored,
        seconds,
    )


def _load(
    con: duckdb.DuckDBPyConnection,
    std: Standard,
    submission: Submission,
    scanned: dict[str, ScannedFile],
    digest: str,
    current: tuple[int, str, date] | None,
    step: Progress,
    after_load: PostLoadHook | None,
    narratives: NarrativesHook | None = None,
) -> IngestResult:
    m = submission.manifest
    files = {t.name: t.file for t in std.tables.values()}
    read_counts: dict[str, int] = {}
    for table in std.tables.values():
        if table.name in scanned:
            step(f"{m.source_id}: reading {table.file}")
            file = scanned[table.name]
            read_counts[table.name] = clean.stage(
                con, table, file.header, read(file), extra_limit=std.longest_value
            )
            columns.record_notes(con, table, file.notes)
        else:
            clean.stage(con, table, (), ())
        step(f"{m.source_id}: checking {table.file}")
        limits.limit_lengths(con, table)
        clean.clean(con, table)
        names.split_names(con, table)
        limits.check_plausible(con, table, m.extract_date)
        clean.check_keys(con, table)
        clean.loaded_ids(con, table)
        clean.check_references(con, table, files)
        clean.loaded_ids(con, table)
        if narratives is not None and table.name == "events" and table.name in scanned:
            narratives(_staged_narratives(con))
    batch_id = int(con.execute("SELECT nextval('batch_ids')").fetchall()[0][0])
    superseded = current[0] if current is not None else None
    _supersede(con, std, m.source_id, batch_id)
    results: list[FileResult] = []
    for table in std.tables.values():
        if table.name not in scanned:
            continue
        step(f"{m.source_id}: storing {table.file}")
        results.append(
            _store_table(con, table, scanned[table.name], m, batch_id, read_counts[table.name])
        )
    _record_batch(con, submission, digest, batch_id, results)
    if after_load is not None:
        step(f"{m.source_id}: indexing")
        after_load(con, batch_id)
    return IngestResult(
        submission.label,
        m.source_id,
        m.area,
        "loaded",
        batch_id,
        superseded,
        results,
        submission.ignored,
    )


def _staged_narratives(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The distinct non-null narratives of the events being loaded, as they will be stored."""
    rows = con.execute(
        "SELECT DISTINCT narrative FROM __c_events WHERE narrative IS NOT NULL"
    ).fetchall()
    return [str(text) for (text,) in rows]


def _supersede(
    con: duckdb.DuckDBPyConnection, std: Standard, source_id: str, batch_id: int
) -> None:
    """Earlier rows of this source stay as history, marked with the batch that replaced them."""
    for table in std.tables.values():
        con.execute(
            f"UPDATE {table.name} SET is_current = false, superseded_by = ? "
            "WHERE source_id = ? AND is_current",
            [batch_id, source_id],
        )
    con.execute(
        "UPDATE batches SET status = 'superseded' WHERE source_id = ? AND status = 'current'",
        [source_id],
    )


def _store_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    scanned: ScannedFile,
    m: Manifest,
    batch_id: int,
    rows_read: int,
) -> FileResult:
    t = clean.literal(table.name)
    lineage = (
        f"{clean.literal(m.source_id)} AS source_id, {batch_id} AS batch_id, "
        f"{clean.literal(scanned.name)} AS file, c.row_number, true AS is_current, "
        "NULL::INTEGER AS superseded_by"
    )
    stored = ", ".join(f"c.{clean.quote(name)}" for name, _ in table_columns(table))
    quarantined = f"(SELECT row_number FROM __issues WHERE tbl = {t} AND action = 'quarantine')"
    con.execute(
        f"INSERT INTO {table.name} BY NAME SELECT {lineage}, {stored} FROM __c_{table.name} c "
        f"WHERE c.row_number NOT IN {quarantined}"
    )
    meta = (
        f"{batch_id}, {clean.literal(m.source_id)}, {clean.literal(scanned.name)}, "
        "i.row_number, i.column_name, i.reason_code, i.reason, i.value"
    )
    con.execute(
        f"INSERT INTO quarantine SELECT {meta}, to_json(s) FROM __issues i "
        f"JOIN __s_{table.name} s ON s.row_number = i.row_number "
        f"WHERE i.tbl = {t} AND i.action = 'quarantine'"
    )
    con.execute(
        f"INSERT INTO value_warnings SELECT {meta} FROM __issues i "
        f"WHERE i.tbl = {t} AND i.action = 'warn' "
        f"AND i.row_number NOT IN {quarantined}"
    )
    n_quarantined = con.execute(
        f"SELECT count(DISTINCT row_number) FROM __issues WHERE tbl = {t} AND action = 'quarantine'"
    ).fetchall()[0][0]
    by_code = {
        str(code): int(n)
        for code, n in con.execute(
            f"SELECT reason_code, count(*) FROM __issues WHERE tbl = {t} AND action = 'warn' "
            f"AND row_number NOT IN {quarantined} GROUP BY ALL ORDER BY 1"
        ).fetchall()
    }
    return FileResult(
        file=scanned.name,
        sha256=scanned.sha256,
        bytes=scanned.size,
        rows_read=rows_read,
        rows_loaded=rows_read - int(n_quarantined),
        rows_quarantined=int(n_quarantined),
        warnings=sum(by_code.values()),
        warnings_by_code=by_code,
        column_notes=tuple(note.reason for note in scanned.notes),
    )


def _record_batch(
    con: duckdb.DuckDBPyConnection,
    submission: Submission,
    digest: str,
    batch_id: int,
    results: list[FileResult],
) -> None:
    m = submission.manifest
    con.execute(
        "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'current')",
        [
            batch_id,
            m.source_id,
            m.organisation,
            m.agency_type,
            m.area,
            m.extract_date,
            m.period_start,
            m.period_end,
            m.standard_version,
            submission.label,
            digest,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    for r in results:
        con.execute(
            "INSERT INTO batch_files VALUES (?, ?, ?, ?, ?, ?, ?)",
            [batch_id, r.file, r.sha256, r.bytes, r.rows_read, r.rows_loaded, r.rows_quarantined],
        )
    con.execute(
        "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
        [m.source_id, m.organisation, m.agency_type, m.area, batch_id],
    )


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, '__')"
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE IF EXISTS temp.{clean.quote(name)}")
