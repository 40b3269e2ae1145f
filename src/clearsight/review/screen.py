"""Re-screen closed cases whenever new data arrives.

A closed event enters the queue, with its reasons and evidence, when:

- ``meets_universal_definition``: the case now meets the universal definition (the child's
  case meets DfE 2017, or an offender in it belongs to a network meeting IICSA);
- ``person_in_network``: a person in it (after linkage) now belongs to a detected network;
- ``new_linked_records``: it has an exploitation context (a sexual offence, exploitation
  wording or an agency CSE flag), was closed on evidential difficulties (outcomes 14, 15,
  16) or with no suspect identified (18), and events involving its people (after linkage, in
  any agency's data) were recorded after it closed.

The score adds weights from the settings over these reasons and the case's own evidence
(a sexual offence or exploitation context). It never reads ethnicity, nationality, sex,
religion or any other protected characteristic, so shuffling them leaves the ranking as is.
"""

from __future__ import annotations

import duckdb

from clearsight.stats.base import prepare
from clearsight.stats.settings import Settings, load_settings
from clearsight.store.sql import table_exists

QUEUE_DDL = """
CREATE TABLE IF NOT EXISTS review_queue (
    case_id VARCHAR PRIMARY KEY,
    source_id VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    area VARCHAR,
    event_type VARCHAR,
    closed_date DATE,
    outcome_code INTEGER,
    reasons JSON,
    evidence JSON,
    score DOUBLE,
    reasons_hash VARCHAR,
    first_screened_at TIMESTAMP,
    screened_at TIMESTAMP
)
"""
DECISIONS_DDL = """
CREATE TABLE IF NOT EXISTS review_decisions (
    case_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    reasons_hash VARCHAR
)
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(QUEUE_DDL)
    con.execute(DECISIONS_DDL)


def _ints(values: tuple[int, ...]) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _reasons_sql(con: duckdb.DuckDBPyConnection, s: Settings) -> str:
    """One row per (case, reason): score contribution and evidence items (JSON)."""
    r = s.review
    w = r.weight
    cap = r.max_evidence_items
    parts: list[str] = []
    if table_exists(con, "cse_flag_cases"):
        parts.append(
            f"""
            SELECT c.source_id, c.event_id, 'meets_universal_definition' AS reason,
                   {w("meets_universal_definition")} AS score,
                   to_json(list({{'child': f.child, 'agency_cse_flag': f.local_flag,
                                  'dfe_2017_meets': f.dfe_meets,
                                   'offender_in_iicsa_network': f.in_network}}
                                ORDER BY f.child)[1:{cap}]) AS evidence
            FROM rs_cases c JOIN cse_flag_cases f ON f.event_key = c.source_id || ':' || c.event_id
            WHERE f.universal GROUP BY ALL
            """
        )
    if table_exists(con, "network_members"):
        status = (
            "LEFT JOIN network_status ns USING (network_id)"
            if table_exists(con, "network_status")
            else "LEFT JOIN (SELECT NULL::VARCHAR AS network_id, NULL::VARCHAR AS iicsa_status, "
            "NULL::VARCHAR AS home_office_status) ns USING (network_id)"
        )
        parts.append(
            f"""
            WITH hit AS (
                SELECT c.source_id, c.event_id, nm.network_id, nm.role AS network_role,
                       i.role AS case_role, i.person_id, ns.iicsa_status, ns.home_office_status
                FROM rs_cases c
                JOIN rs_involvements i USING (source_id, event_id)
                JOIN network_members nm ON nm.entity_id = i.entity_id
                {status}
            )
            SELECT source_id, event_id, 'person_in_network' AS reason,
                   max(CASE WHEN iicsa_status = 'meets' OR home_office_status = 'meets'
                            THEN {w("person_in_network_meets")}
                            ELSE {w("person_in_network_possible")} END) AS score,
                   to_json(list({{'network_id': network_id, 'iicsa_status': iicsa_status,
                                  'home_office_status': home_office_status,
                                  'network_role': network_role, 'role_in_case': case_role,
                                  'person_id': person_id}}
                                ORDER BY network_id, person_id)[1:{cap}]) AS evidence
            FROM hit GROUP BY ALL
            """
        )
    outcomes = (*r.evidential_difficulty_outcomes, *r.no_suspect_outcomes)
    parts.append(
        f"""
        WITH later AS (
            SELECT DISTINCT c.source_id, c.event_id, c.outcome_code, o.source_id AS l_source,
                   o.event_id AS l_event, o.event_type AS l_type, o.reported_date AS l_date,
                   o.role AS l_role
            FROM rs_cases c
            JOIN rs_involvements i USING (source_id, event_id)
            JOIN rs_involvements o ON o.entity_id = i.entity_id
                 AND NOT (o.source_id = c.source_id AND o.event_id = c.event_id)
            WHERE c.outcome_code IN ({_ints(outcomes)})
              AND (c.relevant OR c.cse_flag = 'yes')
              AND o.reported_date > c.closed_date
        )
        SELECT source_id, event_id, 'new_linked_records' AS reason,
               {w("new_linked_records")}
               + {w("new_linked_record_each")} * least(count(*), {int(w("new_linked_record_cap"))})
               + CASE WHEN any_value(outcome_code) IN ({_ints(r.evidential_difficulty_outcomes)})
                      THEN {w("evidential_difficulty_closure")}
                      ELSE {w("no_suspect_closure")} END AS score,
               to_json(list({{'source_id': l_source, 'event_id': l_event, 'event_type': l_type,
                              'reported_date': l_date, 'role': l_role}}
                            ORDER BY l_date, l_source, l_event)[1:{cap}]) AS evidence
        FROM later GROUP BY source_id, event_id
        """
    )
    return " UNION ALL ".join(f"({p})" for p in parts)


def screen(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> int:
    """Re-screen every closed case and rewrite ``review_queue``; return its length.

    A case keeps its ``first_screened_at``; its ``reasons_hash`` changes when its reasons or
    evidence change, which reopens a decided case (see ``list_queue``)."""
    s = settings or load_settings()
    ensure_tables(con)
    prepare(con)
    types = ", ".join("'" + t.replace("'", "''") + "'" for t in s.review.event_types)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rs_cases AS
        SELECT source_id, event_id, area, event_type, closed_date, outcome_code, relevant, cse_flag
        FROM st_events
        WHERE (status = 'closed' OR closed_date IS NOT NULL) AND event_type IN ({types})
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rs_involvements AS
        SELECT m.entity_id, i.source_id, i.event_id, i.person_id, i.role, e.event_type,
               e.reported_date
        FROM current_involvements i
        JOIN st_map m USING (source_id, person_id)
        JOIN st_events e USING (source_id, event_id)
        """
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE rs_reasons AS {_reasons_sql(con, s)}")
    sexual = s.review.weight("sexual_offence")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE rs_queue AS
            SELECT 'RQ-' || left(md5(c.source_id || '/' || c.event_id), 12) AS case_id,
                   c.source_id, c.event_id, c.area, c.event_type, c.closed_date, c.outcome_code,
                   to_json(list(r.reason ORDER BY r.reason)) AS reasons,
                   json_group_object(r.reason, r.evidence) AS evidence,
                   round(sum(r.score) + CASE WHEN any_value(c.relevant) THEN {sexual} ELSE 0 END, 2)
                       AS score,
                   md5(string_agg(r.reason || '=' || r.evidence::VARCHAR, '|' ORDER BY r.reason))
                       AS reasons_hash,
                   now()::TIMESTAMP AS screened_at
            FROM rs_reasons r JOIN rs_cases c USING (source_id, event_id)
            GROUP BY c.source_id, c.event_id, c.area, c.event_type, c.closed_date, c.outcome_code
            """
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE rs_new AS
            SELECT n.case_id, n.source_id, n.event_id, n.area, n.event_type, n.closed_date,
                   n.outcome_code, n.reasons, n.evidence, n.score, n.reasons_hash,
                   coalesce(o.first_screened_at, n.screened_at) AS first_screened_at,
                   n.screened_at
            FROM rs_queue n LEFT JOIN review_queue o USING (case_id)
            """
        )
        con.execute("DELETE FROM review_queue")
        con.execute("INSERT INTO review_queue SELECT * FROM rs_new")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    row = con.execute("SELECT count(*) FROM review_queue").fetchall()[0]
    assert row is not None
    return int(row[0])
