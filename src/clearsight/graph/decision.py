"""The decision record: for every network and every member, which rules of the evidence
rule pack (``evidence_rules.yaml``) and which source records put them there.

``network_evidence``: ``network_id, entity_id, rule_id, strength, source_id, record_ids,
first_date, last_date``, one row per member, rule and source. Membership rules say why
the person is on the offending side (``record_ids`` are the events, ``source:event_id``);
link rules say what ties them to the other members inside the network (``record_ids`` are
the person records of that source behind the link, ``source:person_id``)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from clearsight.graph.offending_side import UNFLAGGED_PARTNER_VIA
from clearsight.graph.overlap import other_network_record
from clearsight.graph.rules import default_rules
from clearsight.graph.settings import CHILD_ROLES, LINKING_ROLES, OFFENDING_ROLES, GraphSettings
from clearsight.graph.staff import staff_facilitators_sql
from clearsight.graph.statements import _sql_list


def write_network_evidence(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings | None = None
) -> None:
    rules = default_rules()
    s = settings or GraphSettings()
    con.register(
        "_rule_arrow",
        pa.table(
            {
                "rule_id": pa.array(list(rules), pa.string()),
                "strength": pa.array([r.strength for r in rules.values()], pa.float64()),
            }
        ),
    )
    offending, linking = _sql_list(OFFENDING_ROLES), _sql_list(LINKING_ROLES)
    assoc_types = _sql_list(s.associate_event_types)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE network_evidence AS
        WITH police_incidents AS (
            -- Partner records of an incident the police recorded with its associates on
            -- the offending side (``offending_side._incident_associates``).
            SELECT DISTINCT r.incident_id FROM incident_records r
            JOIN graph_events e USING (event_key)
            JOIN graph_involvements i USING (event_key)
            WHERE e.police AND e.relevant AND list_contains({assoc_types}, e.event_type)
              AND i.role = 'associate'
        ),
        incident_records_of_partners AS (
            SELECT r.event_key FROM incident_records r SEMI JOIN police_incidents
            USING (incident_id)
        ),
        membership AS (
            SELECT m.network_id, m.entity_id,
                   CASE WHEN list_contains({offending}, i.role) THEN 'offending_role'
                        WHEN e.police THEN 'associate_in_exploitation_record'
                        -- A child there, whom partner intelligence never counts.
                        WHEN e.event_key IN (SELECT event_key FROM incident_records_of_partners)
                             AND coalesce(i.age < {s.child_age}, false)
                            THEN 'associate_in_incident_record'
                        ELSE 'partner_intelligence' END AS rule_id,
                   i.source_id, list_sort(list_distinct(list(e.event_key))) AS record_ids,
                   min(i.event_date) AS first_date, max(i.event_date) AS last_date
            FROM network_members m
            JOIN graph_involvements i USING (entity_id)
            JOIN graph_events e USING (event_key)
            WHERE e.relevant AND list_contains({linking}, i.role) AND m.role <> 'linked'
              -- A member of two networks: his record with the other group's men is theirs.
              AND NOT {other_network_record("m", "e.event_key", offending)}
            GROUP BY ALL
            UNION ALL
            {_found_with_exploited_child(s)}
            UNION ALL
            SELECT m.network_id, m.entity_id, 'employee_at_offending_location', pl.source_id,
                   list_sort(list_distinct(list(pl.record_key))), min(pl.date), max(pl.date)
            FROM network_members m JOIN graph_person_locations pl USING (entity_id)
            WHERE pl.via = 'employed_at' AND EXISTS (
                SELECT 1 FROM graph_events e
                WHERE e.location_key = pl.location_key AND e.relevant)
              -- the staff the rule took (tied to an offender, not a guardian there)
              AND m.entity_id IN (SELECT emp FROM ({staff_facilitators_sql(s)}))
            GROUP BY ALL
            UNION ALL
            {_forename_of_member()}
            UNION ALL
            SELECT m.network_id, m.entity_id, 'linked_member', u.source_id,
                   list_sort(list_distinct(flatten(list(l.record_keys)))),
                   min(l.first_date), max(l.last_date)
            FROM network_members m
            JOIN graph_links l ON m.entity_id IN (l.entity_a, l.entity_b)
            CROSS JOIN unnest(l.sources) u(source_id)
            WHERE m.role = 'linked' AND l.link_type IN ('association', 'shared_object')
            GROUP BY ALL
        ),
        ends AS (
            SELECT network_id, entity_a AS entity_id, link_type, sources, record_keys,
                   first_date, last_date FROM network_links
            UNION ALL
            SELECT network_id, entity_b, link_type, sources, record_keys, first_date,
                   last_date FROM network_links
        ),
        links AS (
            SELECT e.network_id, e.entity_id, e.link_type AS rule_id, u.source_id,
                   list_sort(list_distinct(flatten(list(
                       list_filter(e.record_keys, lambda r: starts_with(r, u.source_id || ':'))))))
                       AS record_ids,
                   min(e.first_date) AS first_date, max(e.last_date) AS last_date
            FROM ends e CROSS JOIN unnest(e.sources) u(source_id)
            GROUP BY ALL
        ),
        rows AS (SELECT * FROM membership UNION ALL SELECT * FROM links)
        SELECT r.network_id, r.entity_id, r.rule_id, k.strength, r.source_id, r.record_ids,
               r.first_date, r.last_date
        FROM rows r JOIN _rule_arrow k USING (rule_id)
        ORDER BY r.network_id, r.entity_id, r.rule_id, r.source_id
        """
    )
    con.unregister("_rule_arrow")


def _forename_of_member() -> str:
    """SQL for the membership rows of men joined to a group by their forenames
    (``forenames.py``): per source, his records with the forename and those of the
    member of the network who bears it."""
    return """
            SELECT m.network_id, m.entity_id, 'forename_of_member', p.source_id,
                   list_sort(list_distinct(list(p.record_key))), NULL::DATE, NULL::DATE
            FROM network_members m
            JOIN network_forename_joins j USING (entity_id)
            JOIN network_members w ON w.entity_id = j.with_entity_id
             AND w.network_id = m.network_id
            JOIN graph_person_map p ON p.entity_id IN (j.entity_id, j.with_entity_id)
            JOIN current_persons c USING (source_id, person_id)
            WHERE lower(split_part(trim(c.forenames), ' ', 1)) = j.forename
            GROUP BY ALL"""


def _found_with_exploited_child(s: GraphSettings) -> str:
    """SQL for the membership rows of records without an exploitation context of their own
    (so the offending-role rows do not hold them) that put a member beside an exploited
    child: the associate in her missing episode, the suspect of a harbouring offence
    against her, or the adult named around her in a partner's record with no flag of its
    own (``offending_side._unflagged_partner_records``)."""
    pattern = (s.harbouring_offence_pattern or "$^").replace("'", "''")
    children = _sql_list(CHILD_ROLES)
    offending = _sql_list(OFFENDING_ROLES)
    return f"""
            SELECT m.network_id, m.entity_id,
                   CASE WHEN e.police OR list_contains({offending}, i.role)
                             OR e.event_type = 'missing_episode'
                        THEN 'found_with_exploited_child' ELSE 'partner_intelligence' END,
                   i.source_id, list_sort(list_distinct(list(e.event_key))),
                   min(i.event_date), max(i.event_date)
            FROM network_members m
            JOIN graph_involvements i USING (entity_id)
            JOIN graph_events e USING (event_key)
            WHERE NOT e.relevant AND m.role <> 'linked'
              AND ((e.event_type = 'missing_episode' AND i.role = 'associate')
                   OR (list_contains({offending}, i.role)
                       AND coalesce(regexp_matches(lower(e.offence), '{pattern}'), false))
                   OR (NOT e.police AND i.role = 'associate'))
              -- Only where the rule took the record (``offending_side``: not her family,
              -- household or carers, as each rule reads them): its evidence item.
              AND EXISTS (
                  SELECT 1 FROM graph_child_associate_evidence g
                  WHERE g.adult = m.entity_id
                    AND g.via IN ('missing episode ' || e.event_key,
                                  'harbouring offence ' || e.event_key,
                                  '{UNFLAGGED_PARTNER_VIA} ' || e.event_key))
              AND EXISTS (
                  SELECT 1 FROM graph_involvements c JOIN graph_involvements v
                    ON v.entity_id = c.entity_id AND v.is_child AND v.sexual
                   AND list_contains({children}, v.role)
                  WHERE c.event_key = e.event_key AND list_contains({children}, c.role)
                    AND v.event_key NOT IN (SELECT event_key FROM graph_events
                                            WHERE flag_marker))
            GROUP BY ALL"""
