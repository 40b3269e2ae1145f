"""Findings in the store: check event narratives, keep findings and analysts' reviews.

Tables (created when missing):

``language_findings``  one row per finding in a current or checked batch; a re-check
                       of a batch replaces that batch's rows.
``language_reviews``   one row per review; never deleted, so a review re-attaches
                       when a re-check gives the same ``finding_id``.

``finding_id`` is a hash of source, event, rule, position and rules version, so it is
stable across re-checks with the same rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa

from clearsight.language.check import Finding, check, concepts_in, people_key
from clearsight.language.referents import RecordPerson
from clearsight.language.rules import RulePack, load_rules
from clearsight.store.sql import table_exists

Decision = Literal["accepted", "dismissed"]
DECISIONS: tuple[Decision, ...] = ("accepted", "dismissed")
People = tuple[RecordPerson, ...]
Item = tuple[str, People]


class LanguageCheckError(RuntimeError):
    """The language check could not check a batch: a text it failed on, or its worker
    process failed or ended."""


FINDINGS_DDL = """
CREATE TABLE IF NOT EXISTS language_findings (
    finding_id VARCHAR NOT NULL,
    source_id VARCHAR,
    batch_id INTEGER,
    event_id VARCHAR,
    line INTEGER,
    "column" INTEGER,
    end_column INTEGER,
    rule_id VARCHAR,
    severity VARCHAR,
    matched VARCHAR,
    suggestions VARCHAR[],
    reason VARCHAR,
    source VARCHAR,
    rules_version VARCHAR,
    checked_at TIMESTAMP,
    origin VARCHAR
)
"""
# A store whose findings table predates ``origin``: its rows all came from the rules.
_ORIGIN_DDL = "ALTER TABLE language_findings ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'rule'"
REVIEWS_DDL = """
CREATE TABLE IF NOT EXISTS language_reviews (
    finding_id VARCHAR NOT NULL,
    reviewed_by VARCHAR NOT NULL,
    reviewed_at TIMESTAMP NOT NULL,
    decision VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
)
"""
COLUMNS = (
    "finding_id",
    "source_id",
    "batch_id",
    "event_id",
    "line",
    "column",
    "end_column",
    "rule_id",
    "severity",
    "matched",
    "suggestions",
    "reason",
    "source",
    "rules_version",
    "checked_at",
    # "rule" (a concept's pattern) or "model" (the trained model, check.py).
    "origin",
)
_SCHEMA = pa.schema(
    [
        ("finding_id", pa.string()),
        ("source_id", pa.string()),
        ("batch_id", pa.int32()),
        ("event_id", pa.string()),
        ("line", pa.int32()),
        ("column", pa.int32()),
        ("end_column", pa.int32()),
        ("rule_id", pa.string()),
        ("severity", pa.string()),
        ("matched", pa.string()),
        ("suggestions", pa.list_(pa.string())),
        ("reason", pa.string()),
        ("source", pa.string()),
        ("rules_version", pa.string()),
        ("checked_at", pa.timestamp("us")),
        ("origin", pa.string()),
    ]
)


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown finding, bad decision, no reason)."""


@dataclass(frozen=True)
class StoredFinding:
    """A stored finding with its latest review, if any."""

    finding_id: str
    source_id: str
    batch_id: int
    event_id: str
    line: int
    column: int
    end_column: int
    rule_id: str
    severity: str
    matched: str
    suggestions: tuple[str, ...]
    reason: str
    source: str
    rules_version: str
    checked_at: datetime
    origin: str
    decision: str | None
    reviewed_by: str | None
    review_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["suggestions"] = list(self.suggestions)
        out["checked_at"] = self.checked_at.isoformat()
        return out


def finding_id(
    source_id: str, event_id: str, rule_id: str, start: int, end: int, rules_version: str
) -> str:
    """Stable id of a finding."""
    key = "\x1f".join((source_id, event_id, rule_id, str(start), str(end), rules_version))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the language tables when missing."""
    con.execute(FINDINGS_DDL)
    if "origin" not in _columns(con, "language_findings"):
        con.execute(_ORIGIN_DDL)
    con.execute(REVIEWS_DDL)


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an explicit transaction is open (the ingest hook runs inside one).

    In auto-commit mode every statement has its own transaction id; inside an
    explicit transaction the id does not change.
    """
    first = con.execute("SELECT txid_current()").fetchall()
    second = con.execute("SELECT txid_current()").fetchall()
    return bool(first == second)


def _begin(con: duckdb.DuckDBPyConnection) -> bool:
    """Begin a transaction unless one is open; whether we began one."""
    if _in_transaction(con):
        return False
    con.execute("BEGIN TRANSACTION")
    return True


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {str(r[0]) for r in rows}


# A partial date of birth (YYYY or YYYY-MM) is read as the latest date it allows, so a
# person who may still have been a child at the event is treated as one.
_DOB = """CASE
    WHEN length(p.date_of_birth) = 10 THEN TRY_CAST(p.date_of_birth AS DATE)
    WHEN length(p.date_of_birth) = 7 THEN last_day(TRY_CAST(p.date_of_birth || '-01' AS DATE))
    WHEN length(p.date_of_birth) = 4 THEN TRY_CAST(p.date_of_birth || '-12-31' AS DATE)
END"""


_TEXTS = pa.schema([("text", pa.string())])


def narratives_sql(con: duckdb.DuckDBPyConnection, where: str, *, own_batch: bool = False) -> str:
    """Narratives to check (those in ``_language_candidates``), with the involved
    people's ages at the event date when the store holds persons and involvements (as
    every ingested store does). Columns: source_id, batch_id, event_id, narrative,
    people.

    People are the current rows of the event's source or rows of the event's batch;
    ``own_batch``: only rows of the event's batch. Just after a batch is loaded the
    two are the same (a load supersedes every earlier row of its source); ingest reads
    a batch later, when a newer batch of the same source may have been loaded."""
    events = _columns(con, "events")
    has_people = (
        {"occurred_date", "reported_date"} <= events
        and {"event_id", "person_id", "role", "source_id", "is_current", "batch_id"}
        <= _columns(con, "involvements")
        and {"person_id", "date_of_birth", "source_id", "is_current", "batch_id"}
        <= _columns(con, "persons")
    )
    base = (
        "SELECT source_id, batch_id, event_id, narrative{extra} FROM events "
        f"WHERE {where} AND narrative IN (SELECT text FROM _language_candidates)"
    )
    involvement = (
        "i.batch_id = ev.batch_id" if own_batch else "(i.is_current OR i.batch_id = ev.batch_id)"
    )
    person = (
        "p.batch_id = inv.batch_id" if own_batch else "(p.is_current OR p.batch_id = inv.batch_id)"
    )
    if not has_people:
        return "SELECT *, NULL AS people FROM (" + base.format(extra="") + ")"
    day = ", CAST(coalesce(occurred_date, reported_date) AS DATE) AS day"
    # The events are joined to their involvements first, in a materialised step, and
    # then to persons by person id: inside ingest's transaction the new rows have no
    # statistics, and the planner otherwise joined persons to events on the source
    # alone (every person with every event) before the involvements narrowed it.
    return f"""
        WITH ev AS ({base.format(extra=day)}),
        inv AS MATERIALIZED (
            SELECT ev.source_id, ev.batch_id, ev.event_id, ev.day, i.person_id, i.role
            FROM ev
            JOIN involvements i ON i.source_id = ev.source_id AND i.event_id = ev.event_id
                AND {involvement}
            WHERE ev.day IS NOT NULL
        ),
        ages AS (
            SELECT inv.source_id, inv.batch_id, inv.event_id,
                   list(DISTINCT struct_pack(role := inv.role,
                                             age := date_sub('year', {_DOB}, inv.day))) AS people
            FROM inv
            JOIN persons p ON p.source_id = inv.source_id AND p.person_id = inv.person_id
                AND {person}
            WHERE {_DOB} IS NOT NULL AND {_DOB} <= inv.day
            GROUP BY inv.source_id, inv.batch_id, inv.event_id
        )
        SELECT ev.source_id, ev.batch_id, ev.event_id, ev.narrative, ages.people
        FROM ev LEFT JOIN ages USING (source_id, batch_id, event_id)
    """


def _people(value: Any) -> tuple[tuple[str, int], ...]:
    """A record's people as sorted (role, age) pairs: the order of :class:`RecordPerson`."""
    if not value:
        return ()
    return tuple(sorted((str(p["role"]), int(p["age"])) for p in value if p["age"] is not None))


@contextlib.contextmanager
def warmed_up() -> Iterator[threading.Thread]:
    """Load the pipeline and the concepts in a background thread (for ingest, which reads
    and loads files meanwhile); join the thread before checking.

    The thread is always joined on the way out, error or not: a daemon thread still inside
    spaCy's compiled code when the interpreter exits is killed by a forced unwind that
    aborts the process (SIGABRT, "exception not rethrown"), which would turn a refused
    submission's clean exit 2 into a crash.
    """
    thread = threading.Thread(target=lambda: check("She chose to go.", load_rules()), daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        thread.join()


class TextError(ValueError):
    """The check failed on ``text`` (a narrative); the cause is chained."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


def candidates_of(
    texts: Sequence[str], pack: RulePack, *, model: bool = True
) -> tuple[list[str], set[str]]:
    """The texts some concept matches (or, with ``model``, the trained model flags), and
    those of them whose findings may depend on every involved person's age (see
    :func:`record_items`)."""
    found: list[str] = []
    needs_all: set[str] = set()
    for text in texts:
        with _naming(text):
            matched, needs_people = concepts_in(text, pack, model=model)
            if matched:
                found.append(text)
                if needs_people:
                    needs_all.add(text)
    return found, needs_all


def rows_findings(
    rows: pa.Table,
    needs_all: set[str],
    pack: RulePack,
    checked_at: datetime,
    *,
    model: bool = True,
) -> pa.Table:
    """The findings table of ``rows`` (source_id, batch_id, event_id, narrative, people,
    narratives some concept matches), each text checked once per set of people that
    can change its findings; ``model``: rules and the trained model (the default), else
    the rules only."""
    items, row_items = record_items(rows, needs_all)
    found: list[tuple[Finding, ...]] = []
    for text, people in items:
        with _naming(text):
            found.append(tuple(check(text, pack, people=people, model=model)))
    return findings_table(rows, row_items, found, pack.version, checked_at)


@contextlib.contextmanager
def _naming(text: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        raise TextError(text, f"{type(exc).__name__}: {exc}") from exc


def check_narratives(
    con: duckdb.DuckDBPyConnection,
    batch_id: int | None = None,
    pack: RulePack | None = None,
    *,
    model: bool = True,
) -> int:
    """Check the non-null narratives of batch ``batch_id`` (default: all current events)
    and store the findings, replacing earlier findings for the same batches. A text
    the check fails on is an error naming an event that holds it (file and row).
    ``model=False``: the rules' findings only (``clearsight language scan --rules-only``).

    Returns the number of findings written.
    """
    pack = pack if pack is not None else load_rules()
    if batch_id is None:
        where, params = "is_current", []
    else:
        where, params = "batch_id = ?", [batch_id]
    ensure_tables(con)
    batches = [
        int(r[0])
        for r in con.execute(
            f"SELECT DISTINCT batch_id FROM events WHERE {where}", params
        ).fetchall()
    ]
    checked_at = datetime.now(UTC).replace(tzinfo=None)
    texts = [
        str(t)
        for (t,) in con.execute(
            f"SELECT DISTINCT narrative FROM events WHERE {where} AND narrative IS NOT NULL",
            params,
        ).fetchall()
    ]
    try:
        found, needs_all = candidates_of(texts, pack, model=model)
        rows = candidate_rows(con, where, params, found)
        table = rows_findings(rows, needs_all, pack, checked_at, model=model)
    except TextError as exc:
        raise located(con, where, params, exc.text, str(exc)) from exc
    replace_findings(con, batches, table)
    return int(table.num_rows)


def candidate_rows(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: list[Any],
    found: Sequence[str],
    *,
    own_batch: bool = False,
) -> pa.Table:
    """The events whose narrative is one of ``found`` (texts some concept matches),
    with their people (:func:`narratives_sql`): only these are read with their people."""
    con.register("_language_candidates", pa.table({"text": list(found)}, schema=_TEXTS))
    try:
        return con.sql(
            narratives_sql(con, where, own_batch=own_batch), params=params
        ).to_arrow_table()
    finally:
        con.unregister("_language_candidates")


def record_items(rows: pa.Table, needs_all: set[str]) -> tuple[list[Item], list[int]]:
    """The (text, record people) to check for ``rows`` (source_id, batch_id, event_id,
    narrative, people), and the item of each row.

    Practitioners paste the same sentences into many records: each text is checked
    once for each set of people that can change its findings (all of them only when a
    relationship or under-13 concept matches, ``needs_all``; else the youngest child).
    """
    items: list[Item] = []
    item_of: dict[tuple[str, tuple[object, ...]], int] = {}
    row_items: list[int] = []
    # Many records have the same people (by role and age): each set is built once.
    people_of: dict[tuple[tuple[str, int], ...], tuple[People, tuple[object, ...]]] = {}
    for text, persons in zip(rows.column(3).to_pylist(), rows.column(4).to_pylist(), strict=True):
        pairs = _people(persons)
        found = people_of.get(pairs)
        if found is None:
            built = tuple(RecordPerson(role, age) for role, age in pairs)
            found = people_of[pairs] = (built, people_key(built))
        people = found[0]
        key = (text, people if text in needs_all else found[1])
        if key not in item_of:
            item_of[key] = len(items)
            items.append((text, people))
        row_items.append(item_of[key])
    return items, row_items


def located(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any], text: str, message: str
) -> LanguageCheckError:
    """The error of the check failing on ``text``, naming an event that holds it."""
    lineage = (
        "file, row_number" if {"file", "row_number"} <= _columns(con, "events") else "NULL, NULL"
    )
    rows = con.execute(
        f"SELECT source_id, event_id, {lineage} FROM events WHERE {where} "
        "AND narrative = ? ORDER BY source_id, event_id LIMIT 1",
        [*params, text],
    ).fetchall()
    if not rows:
        return LanguageCheckError(f"the language check failed on a narrative: {message}")
    source_id, event_id, file, row = rows[0]
    place = f"{file}, row {row}, column narrative" if file is not None else "narrative"
    return LanguageCheckError(
        f"the language check failed on the narrative of event {event_id} of "
        f"{source_id} ({place}): {message}"
    )


def findings_table(
    rows: pa.Table,
    row_items: list[int],
    found: list[tuple[Finding, ...]],
    version: str,
    checked_at: datetime,
) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    sources = rows.column(0).to_pylist()
    batch_ids = rows.column(1).to_pylist()
    events = rows.column(2).to_pylist()
    for source_id, bid, event_id, item in zip(sources, batch_ids, events, row_items, strict=True):
        for f in found[item]:
            columns["finding_id"].append(
                finding_id(source_id, event_id, f.rule_id, f.start, f.end, version)
            )
            columns["source_id"].append(source_id)
            columns["batch_id"].append(bid)
            columns["event_id"].append(event_id)
            columns["line"].append(f.line)
            columns["column"].append(f.column)
            columns["end_column"].append(f.end_column)
            columns["rule_id"].append(f.rule_id)
            columns["severity"].append(f.severity)
            columns["matched"].append(f.matched)
            columns["suggestions"].append(list(f.suggestions))
            columns["reason"].append(f.explanation)
            columns["source"].append(f.source)
            columns["rules_version"].append(version)
            columns["checked_at"].append(checked_at)
            columns["origin"].append(f.origin)
    return pa.table(columns, schema=_SCHEMA)


def replace_findings(con: duckdb.DuckDBPyConnection, batches: list[int], table: pa.Table) -> None:
    """Replace the findings of ``batches`` by ``table``, in the caller's transaction if
    one is open (ingest's), else in one of its own."""
    began = _begin(con)
    try:
        if batches:
            marks = ", ".join("?" for _ in batches)
            con.execute(f"DELETE FROM language_findings WHERE batch_id IN ({marks})", batches)
        if table.num_rows:
            con.register("_language_findings_new", table)
            try:
                # By name: a store migrated by ``ensure_tables`` has ``origin`` last,
                # as a new one does, but naming the columns does not depend on it.
                names = ", ".join(f'"{c}"' for c in COLUMNS)
                con.execute(
                    f"INSERT INTO language_findings ({names}) SELECT "
                    + names
                    + " FROM _language_findings_new"
                )
            finally:
                con.unregister("_language_findings_new")
        if began:
            con.execute("COMMIT")
    except BaseException:
        if began:
            con.execute("ROLLBACK")
        raise


def mark_reviewed(
    con: duckdb.DuckDBPyConnection,
    finding_id: str,
    reviewer: str,
    decision: str,
    reason: str,
) -> None:
    """Record an analyst's review of a finding. Earlier reviews are kept."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if not reason.strip():
        raise ReviewError("a review needs a reason")
    if not reviewer.strip():
        raise ReviewError("a review needs a reviewer")
    ensure_tables(con)
    found = con.execute(
        "SELECT 1 FROM language_findings WHERE finding_id = ? LIMIT 1", [finding_id]
    ).fetchall()
    if not found:
        raise ReviewError(f"no finding {finding_id!r}")
    con.execute(
        "INSERT INTO language_reviews VALUES (?, ?, ?, ?, ?)",
        [
            finding_id,
            reviewer.strip(),
            datetime.now(UTC).replace(tzinfo=None),
            decision,
            reason.strip(),
        ],
    )


def list_findings(
    con: duckdb.DuckDBPyConnection, source_id: str | None = None
) -> list[StoredFinding]:
    """Stored findings with their latest review, by source, event and position."""
    if not table_exists(con, "language_findings"):
        return []
    reviews = table_exists(con, "language_reviews")
    review_join = (
        " LEFT JOIN (SELECT finding_id, arg_max(decision, reviewed_at) AS decision, "
        "arg_max(reviewed_by, reviewed_at) AS reviewed_by, "
        "arg_max(reason, reviewed_at) AS review_reason "
        "FROM language_reviews GROUP BY finding_id) r USING (finding_id)"
        if reviews
        else ""
    )
    review_cols = "r.decision, r.reviewed_by, r.review_reason" if reviews else "NULL, NULL, NULL"
    sql = (
        "SELECT " + ", ".join(f'f."{c}"' for c in COLUMNS) + f", {review_cols} "
        "FROM language_findings f" + review_join
    )
    params: list[str] = []
    if source_id is not None:
        sql += " WHERE f.source_id = ?"
        params.append(source_id)
    sql += ' ORDER BY f.source_id, f.event_id, f.line, f."column", f.rule_id'
    return [
        StoredFinding(
            finding_id=r[0],
            source_id=r[1],
            batch_id=r[2],
            event_id=r[3],
            line=r[4],
            column=r[5],
            end_column=r[6],
            rule_id=r[7],
            severity=r[8],
            matched=r[9],
            suggestions=tuple(r[10] or ()),
            reason=r[11],
            source=r[12],
            rules_version=r[13],
            checked_at=r[14],
            origin=r[15] or "rule",
            decision=r[16],
            reviewed_by=r[17],
            review_reason=r[18],
        )
        for r in con.execute(sql, params).fetchall()
    ]
