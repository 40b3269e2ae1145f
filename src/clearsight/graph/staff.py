"""Staff of places used for exploitation: who among them is on the offending side."""

from __future__ import annotations

from clearsight.graph.settings import GraphSettings
from clearsight.graph.statements import _sql_list
from clearsight.standard.roles import GUARDIAN_ROLES


def staff_facilitators_sql(s: GraphSettings) -> str:
    """Rows for ``graph_involved`` (entity, role, events, first and last date): staff
    ``employed_at`` a place where a child was exploited whom a record ties to someone on
    the offending side (``employee_knowing_link_types``), as facilitators. IICSA's
    "allowing their property to be used" (2022, C.3) is knowing allowance; employment
    alone is evidence about the place. Staff that a record of exploitation there names
    as its witness or reporter are its guardians (contextual safeguarding), never taken."""
    return f"""
        SELECT emp, 'facilitator', 0, min(first_date), max(last_date) FROM (
            SELECT entity_id AS emp, NULL::DATE AS first_date, NULL::DATE AS last_date
            FROM graph_person_locations p
            WHERE via = 'employed_at' AND EXISTS (
                SELECT 1 FROM graph_events e
                WHERE e.location_key = p.location_key AND e.relevant)
            AND NOT EXISTS (  -- staff who witnessed or reported it there: guardians
                SELECT 1 FROM graph_events e JOIN graph_involvements w USING (event_key)
                WHERE e.location_key = p.location_key AND w.entity_id = p.entity_id
                  AND e.relevant AND list_contains({_sql_list(GUARDIAN_ROLES)}, w.role))
            -- "allowing" needs knowing: a record ties him to one of them
            AND p.entity_id IN ({tied_to_offenders_sql(s)})
        ) GROUP BY emp"""


def tied_to_offenders_sql(s: GraphSettings) -> str:
    """The people whom a ``employee_knowing_link_types`` link ties to someone in an
    offending role in a record of exploitation (one column)."""
    involved = _sql_list(s.involved_roles)
    knowing = _sql_list(s.employee_knowing_link_types)
    return f"""
                SELECT t.a FROM (
                    SELECT entity_a AS a, entity_b AS b FROM graph_links
                    WHERE list_contains({knowing}, link_type) AND NOT family_only
                    UNION ALL
                    SELECT entity_b, entity_a FROM graph_links
                    WHERE list_contains({knowing}, link_type) AND NOT family_only
                ) t
                WHERE t.b IN (
                    SELECT i.entity_id FROM graph_involvements i JOIN graph_events e
                    USING (event_key) WHERE e.relevant AND list_contains({involved}, i.role))"""
