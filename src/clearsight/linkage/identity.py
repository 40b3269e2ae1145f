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
    con.execute("DROP TABLE IF EXISTS _link_overlap")


def _changed_ids(con: duckdb.DuckDBPyConnection) -> str:
    """Ids named in ``entity_changes`` (retired ones too), as a UNION clause."""
    if not table_exists(con, "entity_changes"):
        return ""
    return (
        " UNION SELECT entity_id FROM entity_changes"
        " UNION SELECT other_entity_id FROM entity_changes"
    )


def _log_changes(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Merges (a previous entity absorbed) and splits (records leaving an entity)."""
    now = datetime.now().replace(microsecond=0)
    # Merges: a previous id whose records went (mostly) to an entity that kept
    # another id. The reason is the strongest link of this run joining them.
    con.execute(
        """
        INSERT INTO entity_changes
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
        INSERT INTO entity_changes
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
