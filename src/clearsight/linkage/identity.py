"""Stable entity ids: a person keeps their id across runs unless evidence merges or splits them.

Analysts cite entity ids in case notes, referrals and strategy meetings; an id
that changed whenever a record with a smaller key arrived would break every
such reference. Each run therefore hands each previous id to the new entity
holding most of its records. An entity that holds records of several previous
entities (a merge) keeps the id of the one it holds most of; a previous entity
whose records now sit in several entities (a split) keeps its id in the one
holding most of them. Every merge and split is written to ``entity_changes``
with its date and reason. Retired ids are never given to anyone else.

A new entity's id is ``clusters.entity_id_for`` of its smallest member key, as
before, unless that id was ever used: then the run id is hashed in too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from clearsight.store.sql import table_exists

# ``clusters.entity_id_for`` in SQL over ``first_key`` (sha1 of its UTF-8 bytes;
# a million ids hashed in Python took 1.5 s of a 1M-record run), and the same
# with the run id hashed in, for an id that was used before.
FRESH_ID_SQL = "'E' || upper(sha1(first_key)[1:15])"
_FRESH_SALTED = "'E' || upper(sha1(first_key || ':' || {run_id})[1:15])"


def assign_ids(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Create ``_link_ids(root, entity_id)`` for ``_link_assignment`` and log changes.

    Reads the previous run's ``person_entities`` (still in place) and
    ``link_pairs`` of this run for the reasons.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _link_overlap AS
        SELECT a.root, p.entity_id AS prev, count(*) AS n, min(a.first_key) AS first_key
        FROM _link_assignment a JOIN person_entities p USING (record_key)
        GROUP BY a.root, p.entity_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _link_ids AS
        WITH successor AS (
            SELECT prev, root FROM _link_overlap
            QUALIFY row_number() OVER (PARTITION BY prev ORDER BY n DESC, first_key) = 1
        ),
        kept AS (
            SELECT s.root, s.prev FROM successor s JOIN _link_overlap o USING (root, prev)
            QUALIFY row_number() OVER (PARTITION BY s.root ORDER BY o.n DESC, s.prev) = 1
        ),
        roots AS (SELECT root, min(first_key) AS first_key FROM _link_assignment GROUP BY root),
        used AS (SELECT DISTINCT entity_id FROM person_entities{_changed_ids(con)})
        SELECT r.root,
               CASE WHEN k.prev IS NOT NULL THEN k.prev
                    WHEN {FRESH_ID_SQL} IN (SELECT entity_id FROM used)
                    THEN {_FRESH_SALTED.format(run_id=int(run_id))}
                    ELSE {FRESH_ID_SQL} END AS entity_id
        FROM roots r LEFT JOIN kept k USING (root)
        """
    )
    # A first run (nothing to carry over) has no merge or split to record.
    if con.execute("SELECT count(*) FROM _link_overlap").fetchall()[0][0]:
        _log_changes(con, run_id)
    _log_withdrawn(con, run_id)
    con.execute("DROP TABLE IF EXISTS _link_overlap")


def _changed_ids(con: duckdb.DuckDBPyConnection) -> str:
    """Ids named in ``entity_changes`` (retired ones too), as a UNION clause.

    A withdrawn entity's id is not among them: if its records come back, so does its id.
    """
    if not table_exists(con, "entity_changes"):
        return ""
    return (
        " UNION SELECT entity_id FROM entity_changes WHERE change <> 'withdrawn'"
        " UNION SELECT other_entity_id FROM entity_changes WHERE change <> 'withdrawn'"
    )


def _log_changes(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Merges (a previous entity absorbed) and splits (records leaving an entity)."""
    now = datetime.now().replace(microsecond=0)
    # Merges: a previous id whose records went (mostly) to an entity that kept
    # another id. The reason is the strongest link of this run joining them.
    con.execute(
        """
        INSERT INTO entity_changes (run_id, changed_at, change, entity_id, other_entity_id,
                                    reason)
        WITH successor AS (
            SELECT prev, root FROM _link_overlap
            QUALIFY row_number() OVER (PARTITION BY prev ORDER BY n DESC, first_key) = 1
        ),
        merged AS (
            SELECT s.prev, i.entity_id FROM successor s JOIN _link_ids i USING (root)
            WHERE i.entity_id <> s.prev
        ),
        members AS (
            SELECT a.record_key, a.root, i.entity_id, p.entity_id AS prev
            FROM _link_assignment a JOIN _link_ids i USING (root)
            LEFT JOIN person_entities p USING (record_key)
        ),
        evidence AS (
            SELECT m.prev, m.entity_id, lp.record_key_l, lp.record_key_r, lp.evidence
            FROM merged m
            JOIN members x ON x.prev = m.prev
            JOIN link_pairs lp ON lp.linked AND x.record_key IN (lp.record_key_l, lp.record_key_r)
            JOIN members y ON y.record_key = CASE WHEN lp.record_key_l = x.record_key
                                                  THEN lp.record_key_r ELSE lp.record_key_l END
            WHERE y.entity_id = m.entity_id AND y.prev IS DISTINCT FROM m.prev
            QUALIFY row_number() OVER (PARTITION BY m.prev ORDER BY lp.evidence DESC,
                                       lp.record_key_l, lp.record_key_r) = 1
        )
        SELECT ?::INTEGER, ?::TIMESTAMP, 'merge', m.entity_id, m.prev,
               coalesce('linked by ' || e.record_key_l || ' and ' || e.record_key_r
                        || ' (evidence ' || round(e.evidence, 1) || ')',
                        'joined by an analyst''s accept or through other records')
        FROM merged m LEFT JOIN evidence e USING (prev, entity_id)
        """,
        [run_id, now],
    )
    # Splits: records of a previous entity now in an entity other than its
    # successor. The reason is what holds them apart: the strongest pair between
    # the two, refused by a rule or below the threshold, or none scored at all.
    con.execute(
        """
        INSERT INTO entity_changes (run_id, changed_at, change, entity_id, other_entity_id,
                                    reason)
        WITH successor AS (
            SELECT prev, root FROM _link_overlap
            QUALIFY row_number() OVER (PARTITION BY prev ORDER BY n DESC, first_key) = 1
        ),
        split AS (
            SELECT o.prev, o.root, i.entity_id FROM _link_overlap o
            JOIN _link_ids i USING (root)
            WHERE o.root NOT IN (SELECT root FROM successor s WHERE s.prev = o.prev)
        ),
        between_ AS (
            SELECT s.prev, s.entity_id, lp.refused_because, lp.evidence
            FROM split s
            JOIN _link_assignment a ON a.root = s.root
            JOIN person_entities pa ON pa.record_key = a.record_key AND pa.entity_id = s.prev
            JOIN link_pairs lp ON a.record_key IN (lp.record_key_l, lp.record_key_r)
            JOIN person_entities pb ON pb.entity_id = s.prev AND pb.record_key =
                 CASE WHEN lp.record_key_l = a.record_key THEN lp.record_key_r
                      ELSE lp.record_key_l END
            JOIN _link_assignment b ON b.record_key = pb.record_key AND b.root <> s.root
            QUALIFY row_number() OVER (PARTITION BY s.prev, s.entity_id
                                       ORDER BY lp.evidence DESC) = 1
        )
        ,
        rejected AS (
            SELECT s.prev, s.entity_id, any_value(d.reason) AS reason
            FROM split s
            JOIN _link_assignment a ON a.root = s.root
            JOIN current_link_decisions d ON d.decision = 'reject'
                 AND a.record_key IN (d.record_key_l, d.record_key_r)
            JOIN person_entities pb ON pb.entity_id = s.prev AND pb.record_key =
                 CASE WHEN d.record_key_l = a.record_key THEN d.record_key_r
                      ELSE d.record_key_l END
            GROUP BY s.prev, s.entity_id
        )
        SELECT ?::INTEGER, ?::TIMESTAMP, 'split', s.prev, s.entity_id,
               CASE WHEN r.reason IS NOT NULL THEN 'rejected by analyst: ' || r.reason
                    WHEN b.refused_because IS NOT NULL
                    THEN 'held apart: ' || b.refused_because
                    WHEN b.evidence IS NOT NULL
                    THEN 'no link reaches the threshold (best evidence '
                         || round(b.evidence, 1) || ')'
                    ELSE 'no scored pair joins them' END
        FROM split s LEFT JOIN between_ b USING (prev, entity_id)
        LEFT JOIN rejected r USING (prev, entity_id)
        """,
        [run_id, now],
    )


def _log_withdrawn(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Entities none of whose records is current any more, with the extracts that left them out.

    A source's newer extract replaces its older one whole; a person it no longer
    holds leaves the store's current records, and an entity made only of such
    records ends. Its id is recorded, not silently dropped, so that an analyst
    who cites it is told what became of it (and the id returns if the records do).
    """
    now = datetime.now().replace(microsecond=0)
    con.execute(
        """
        INSERT INTO entity_changes (run_id, changed_at, change, entity_id, other_entity_id,
                                    reason, source_ids)
        WITH gone AS (
            SELECT pe.entity_id, pe.source_id, pe.person_id
            FROM person_entities pe
            WHERE pe.entity_id NOT IN (
                SELECT p.entity_id FROM person_entities p
                JOIN link_input i USING (record_key)
            )
        ),
        replaced_by AS (
            SELECT g.entity_id, g.source_id, max(h.superseded_by) AS batch_id
            FROM gone g
            LEFT JOIN persons h ON h.source_id = g.source_id AND h.person_id = g.person_id
                 AND NOT h.is_current
            GROUP BY g.entity_id, g.source_id
        )
        SELECT ?::INTEGER, ?::TIMESTAMP, 'withdrawn', r.entity_id, '',
               'no current record: ' || string_agg(
                   CASE WHEN b.batch_id IS NULL THEN r.source_id || ' no longer holds its records'
                        ELSE 'the extract of ' || r.source_id || ' dated '
                             || strftime(b.extract_date, '%Y-%m-%d') || ' (batch '
                             || b.batch_id || ') does not hold its records' END,
                   '; ' ORDER BY r.source_id),
               list_sort(list(r.source_id))
        FROM replaced_by r LEFT JOIN batches b USING (batch_id)
        GROUP BY r.entity_id
        """,
        [run_id, now],
    )


@dataclass(frozen=True)
class Fate:
    """What became of an entity id that no current entity bears."""

    entity_id: str
    change: str  # "merge": its records are now ``now``'s; "withdrawn": none is current
    changed_at: datetime
    run_id: int
    now: str | None
    reason: str
    source_ids: tuple[str, ...]
    split_since: int | None = None  # the run that split a merge's survivor since, if any


# A chain of merges longer than this is a loop in a damaged log, not history.
_MAX_HOPS = 50


def fate_of(con: duckdb.DuckDBPyConnection, entity_id: str) -> Fate | None:
    """Follow ``entity_changes`` from a retired or withdrawn id to where its records are.

    None when the id is current, or was never recorded as merged or withdrawn.
    A merge's survivor may itself have been merged since, or withdrawn: the
    answer is where the records are today.
    """
    if not (table_exists(con, "entity_changes") and table_exists(con, "entities")):
        return None
    if _is_current(con, entity_id):
        return None
    current, first = entity_id, None
    for _ in range(_MAX_HOPS):
        merged = con.execute(
            "SELECT entity_id, changed_at, run_id FROM entity_changes "
            "WHERE change = 'merge' AND other_entity_id = ? ORDER BY changed_at DESC LIMIT 1",
            [current],
        ).fetchall()
        if not merged:
            break
        current = str(merged[0][0])
        first = first or merged[0]
        if _is_current(con, current):
            reason = f"its records were merged into {current}"
            # A later split of the survivor may have moved them on again.
            split = con.execute(
                "SELECT max(run_id) FROM entity_changes "
                "WHERE change = 'split' AND entity_id = ? AND run_id > ?",
                [current, int(merged[0][2])],
            ).fetchall()[0][0]
            if split is not None:
                reason += f", which run {split} split since: they may now be under another id"
            return Fate(entity_id, "merge", first[1], int(first[2]), current, reason, (), split)
    withdrawn = con.execute(
        "SELECT changed_at, run_id, reason, source_ids FROM entity_changes "
        "WHERE change = 'withdrawn' AND entity_id = ? ORDER BY changed_at DESC LIMIT 1",
        [current],
    ).fetchall()
    if not withdrawn:
        return None
    changed_at, run_id, reason, sources = withdrawn[0]
    via = f"merged into {current}, then " if current != entity_id else ""
    return Fate(
        entity_id,
        "withdrawn",
        changed_at,
        int(run_id),
        None,
        via + str(reason),
        tuple(str(s) for s in sources or ()),
    )


def _is_current(con: duckdb.DuckDBPyConnection, entity_id: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM entities WHERE entity_id = ?", [entity_id]).fetchall()[0][
            0
        ]
    )
