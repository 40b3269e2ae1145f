"""The "postcode lottery": each agency's own CSE flag against the universal definitions.

A case is an event in which a child is a victim or subject. The universal answer is yes
when the child's case meets the DfE 2017 definition, or an offender in the event belongs to
a network meeting the IICSA definition. Each source's cases fall in one of: agree (both
yes, or both no), local only (flagged, universal no) and universal only (not flagged, or
flag unknown, universal yes).
"""

from __future__ import annotations

import duckdb

from clearsight.standard.roles import CHILD_ROLES, OFFENDING_ROLES
from clearsight.store.sql import sql_list


def write_agreement(con: duckdb.DuckDBPyConnection) -> None:
    children, offending = sql_list(CHILD_ROLES), sql_list(OFFENDING_ROLES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE cse_flag_cases AS
        WITH cases AS (
            SELECT DISTINCT e.area, e.source_id, e.agency_type, e.event_key, i.entity_id AS child,
                   coalesce(e.cse_flag, 'unknown') AS local_flag
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE i.is_child AND list_contains({children}, i.role)
        ),
        dfe AS (
            SELECT subject_id AS child FROM definition_results
            WHERE definition_id = 'dfe-2017-cse' AND status = 'meets'
        ),
        net AS (
            SELECT DISTINCT i.event_key
            FROM graph_involvements i
            JOIN network_members m USING (entity_id)
            JOIN definition_results r ON r.subject_type = 'network'
                 AND r.subject_id = m.network_id
                 AND r.definition_id = 'iicsa-organised-network' AND r.status = 'meets'
            WHERE list_contains({offending}, i.role)
        )
        SELECT c.*, (d.child IS NOT NULL) AS dfe_meets, (n.event_key IS NOT NULL) AS in_network,
               (d.child IS NOT NULL OR n.event_key IS NOT NULL) AS universal,
               CASE WHEN c.local_flag = 'yes' AND (d.child IS NOT NULL OR n.event_key IS NOT NULL)
                        THEN 'agree'
                    WHEN c.local_flag <> 'yes' AND d.child IS NULL AND n.event_key IS NULL
                        THEN 'agree'
                    WHEN c.local_flag = 'yes' THEN 'local_only'
                    ELSE 'universal_only' END AS agreement
        FROM cases c LEFT JOIN dfe d USING (child) LEFT JOIN net n USING (event_key)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE cse_flag_agreement AS
        SELECT area, source_id, agency_type, count(*) AS cases,
               count(*) FILTER (WHERE local_flag = 'yes') AS flagged_local,
               count(*) FILTER (WHERE universal) AS flagged_universal,
               count(*) FILTER (WHERE agreement = 'agree' AND universal) AS agree_cse,
               count(*) FILTER (WHERE agreement = 'agree' AND NOT universal) AS agree_not_cse,
               count(*) FILTER (WHERE agreement = 'local_only') AS local_only,
               count(*) FILTER (WHERE agreement = 'universal_only') AS universal_only,
               round(count(*) FILTER (WHERE agreement = 'agree') / count(*), 4)
                   AS agreement_rate
        FROM cse_flag_cases GROUP BY ALL ORDER BY area, source_id
        """
    )
