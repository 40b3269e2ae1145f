"""Person–person links (``graph_links``) and the evidence behind each: co-involvement, one
incident, a shared child, shared objects, associations, a household, employment where
another offended and a shared place. Each kind is a rule of the evidence rule pack
(``evidence_rules.yaml``); every link keeps the records, sources and dates it rests on."""

from __future__ import annotations

import duckdb

from clearsight.graph.offending_side import FAMILY_AND_HOME, child_associates, child_side
from clearsight.graph.places import shared_place_evidence
from clearsight.graph.rules import default_rules
from clearsight.graph.settings import (
    CHILD_ROLES,
    KNOWING_ASSOCIATIONS,
    OFFENDING_ROLES,
    GraphSettings,
)
from clearsight.graph.statements import _sql_list, _timed


def person_links(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """Write ``graph_links`` (and leave ``_child_associates`` for the offending side)."""
    _co_presence(con, s)
    _shared_victims(con, s)
    _objects_and_associations(con, s)
    _places(con, s)
    _aggregate(con, s)


# An associate in a record about a child of their own family or household (``family_of``
# in any source, or one home: ``offending_side.FAMILY_AND_HOME``): named there as her
# family, not beside the others as a co-offender (``_co_presence``).
_KIN_ASSOCIATES = f"""
        {FAMILY_AND_HOME},
        child AS (
            SELECT DISTINCT event_key, entity_id FROM graph_involvements
            WHERE {child_side(_sql_list(CHILD_ROLES))}
        ),
        kin AS (
            SELECT DISTINCT a.event_key, a.entity_id
            FROM graph_involvements a JOIN child c
              ON c.event_key = a.event_key AND c.entity_id <> a.entity_id
            WHERE a.role = 'associate'
              AND (EXISTS (SELECT 1 FROM family f
                           WHERE (f.a = a.entity_id AND f.b = c.entity_id)
                              OR (f.a = c.entity_id AND f.b = a.entity_id))
                   OR EXISTS (SELECT 1 FROM home ha JOIN home hc USING (address_key)
                              WHERE ha.entity_id = a.entity_id AND hc.entity_id = c.entity_id))
        )"""


def _co_presence(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """Co-involved in one event, or in records of one incident (``_evidence`` begins).
    The roles each reads are its rule's in the evidence rule pack.

    Not the associate whom a record about a child of their own family or household names
    (``_KIN_ASSOCIATES``): a referral, a strategy meeting or an attendance names the adults
    around its child, her family among them (Working Together to Safeguard Children 2023),
    and the standard has no family role, so an extract maps a parent or an older brother
    to ``associate``. Named there as her family, they are not named beside the others as
    co-offenders, as the partner intelligence rule does not read them as her exploiters
    (``offending_side._partner_intelligence``). A relative who is a suspect, offender or
    facilitator in the record keeps the link: family-based exploitation is recorded so."""
    rules = default_rules()
    linking = _sql_list(rules["co_involved"].roles)
    incident_roles = _sql_list(rules["same_incident"].roles)
    case_review = _sql_list(s.case_review_event_types)
    _timed(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE _evidence AS
        -- Co-involved in one event on the offending side. Not in a presence note (who was
        -- at a place, naming no child and nobody suspected): a sighting, not offending
        -- together; its people share the place (``shared_place``) instead.
        WITH {_KIN_ASSOCIATES},
        inv AS (
            SELECT DISTINCT entity_id, record_key, source_id, event_key, role, event_date, police
            FROM graph_involvements i WHERE list_contains({linking}, role)
              AND event_key NOT IN (SELECT event_key FROM graph_events WHERE presence_note)
              AND NOT EXISTS (SELECT 1 FROM kin k
                              WHERE k.event_key = i.event_key AND k.entity_id = i.entity_id)
        ),
        small AS (
            SELECT event_key FROM inv GROUP BY event_key
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {s.max_event_people}
        ),
        inv_s AS (SELECT * FROM inv SEMI JOIN small USING (event_key))
        -- Named in one review of a child's case (a strategy meeting) is not being recorded
        -- together in one episode: a link of its own (``named_in_case_review``).
        SELECT a.entity_id AS entity_a, b.entity_id AS entity_b,
               CASE WHEN a.event_key IN (SELECT event_key FROM graph_events
                                         WHERE list_contains({case_review}, event_type))
                    THEN 'named_in_case_review' ELSE 'co_involved' END AS link_type,
               'event ' || a.event_key || ' as ' || a.role || ' and ' || b.role AS via,
               [a.record_key, b.record_key] AS records, [a.source_id] AS sources,
               a.event_date AS date, a.police AS police
        FROM inv_s a JOIN inv_s b ON a.event_key = b.event_key AND a.entity_id < b.entity_id
        """,
    )
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        -- Co-present in one incident recorded by several agencies (graph/incidents.py):
        -- on the offending side in two records of one episode is being in one event.
        WITH inv AS (
            SELECT DISTINCT i.entity_id, i.record_key, i.source_id, i.event_key, i.role,
                   i.event_date, i.police, r.incident_id
            FROM graph_involvements i JOIN incident_records r USING (event_key)
            WHERE list_contains({incident_roles}, i.role)
        ),
        small AS (
            SELECT incident_id FROM inv GROUP BY incident_id
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {s.max_event_people}
        ),
        inv_s AS (SELECT * FROM inv SEMI JOIN small USING (incident_id))
        SELECT a.entity_id, b.entity_id, 'same_incident',
               'incident ' || a.incident_id || ': ' || a.event_key || ' as ' || a.role
                 || ' and ' || b.event_key || ' as ' || b.role,
               [a.record_key, b.record_key], list_distinct([a.source_id, b.source_id]),
               least(a.event_date, b.event_date), a.police AND b.police
        FROM inv_s a JOIN inv_s b ON a.incident_id = b.incident_id
             AND a.entity_id < b.entity_id AND a.event_key <> b.event_key
        """,
    )


def _shared_victims(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """The same child exploited: offenders of one child, and the adults recorded with her."""
    offending = _sql_list(OFFENDING_ROLES)
    child_associates(con, s)
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        -- The same child victim of exploitation, in the same or different events and
        -- sources. One row per offender and child first, so a child in many events
        -- yields one item per pair of offenders, not one per pair of events.
        WITH ov_events AS (
            SELECT o.entity_id AS offender, v.entity_id AS victim,
                   min(o.event_key) AS event_key, count(DISTINCT o.event_key) AS n_events,
                   list_distinct(list(o.record_key) || list(v.record_key))
                       [1:{s.max_evidence_items}] AS records,
                   list_distinct(list(o.source_id)) AS sources, min(o.event_date) AS date,
                   bool_or(o.police) AS police
            FROM graph_involvements o JOIN graph_involvements v
              ON o.event_key = v.event_key AND v.is_child AND o.entity_id <> v.entity_id
            -- A flag marker alone (the child's flag on a burglary) is not exploitation.
            WHERE list_contains({offending}, o.role) AND o.sexual
              AND o.event_key NOT IN (SELECT event_key FROM graph_events WHERE flag_marker)
            GROUP BY o.entity_id, v.entity_id
        ),
        -- Recorded as the associate of (or seen with) a child who was sexually exploited,
        -- not as family: the adult a social worker names at the child's strategy meeting.
        ov_assoc AS (
            SELECT adult AS offender, child AS victim,
                   min(CASE WHEN via LIKE 'missing episode %' OR via LIKE 'partner record %'
                                 OR via LIKE 'harbouring offence %'
                                 OR via LIKE 'police record %'
                            THEN via ELSE 'association ' || via END) AS event_key,
                   1 AS n_events, list_distinct(list(record_key))[1:{s.max_evidence_items}]
                       AS records,
                   list_distinct(list(source_id)) AS sources, min(date) AS date,
                   bool_or(police) AS police
            FROM _child_associates GROUP BY adult, child
        ),
        ov AS (
            SELECT * FROM ov_events
            UNION ALL
            SELECT a.* FROM ov_assoc a ANTI JOIN ov_events e USING (offender, victim)
        ),
        ok AS (
            SELECT victim FROM ov GROUP BY victim
            HAVING count(*) BETWEEN 2 AND {s.max_victim_offenders}
        ),
        ov_s AS (SELECT * FROM ov SEMI JOIN ok USING (victim))
        SELECT a.offender, b.offender, 'shared_victim',
               'child ' || a.victim || ' in ' || a.event_key
                 || CASE WHEN a.event_key <> b.event_key THEN ' and ' || b.event_key ELSE '' END
                 || CASE WHEN a.n_events + b.n_events > 2
                         THEN ' (' || (a.n_events + b.n_events) || ' events)' ELSE '' END,
               list_distinct(a.records || b.records), list_distinct(a.sources || b.sources),
               least(a.date, b.date), a.police AND b.police
        FROM ov_s a JOIN ov_s b ON a.victim = b.victim AND a.offender < b.offender
        """,
    )


def _objects_and_associations(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """Shared phones, vehicles, emails and accounts; recorded associations."""
    knowing = _sql_list(KNOWING_ASSOCIATIONS)
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        WITH ok AS (
            SELECT object_key FROM graph_person_objects GROUP BY object_key
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {s.max_object_people}
        ),
        po AS (SELECT DISTINCT * FROM graph_person_objects SEMI JOIN ok USING (object_key))
        SELECT a.entity_id, b.entity_id, 'shared_object',
               a.object_key || ' (' || a.via || '; ' || b.via || ')',
               list_distinct([a.record_key, b.record_key]),
               list_distinct([a.source_id, b.source_id]), least(a.date, b.date),
               a.police AND b.police
        FROM po a JOIN po b ON a.object_key = b.object_key AND a.entity_id < b.entity_id
        """,
    )
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        WITH pp AS (
            SELECT a.source_id, a.association_type, a.start_date, f.entity_id AS ef,
                   f.record_key AS rf, t.entity_id AS et, t.record_key AS rt, f.police
            FROM current_associations a
            JOIN graph_person_map f ON f.source_id = a.source_id AND f.person_id = a.from_id
            JOIN graph_person_map t ON t.source_id = a.source_id AND t.person_id = a.to_id
            WHERE a.from_type = 'person' AND a.to_type = 'person'
              AND list_contains({knowing}, a.association_type) AND f.entity_id <> t.entity_id
        )
        SELECT least(ef, et), greatest(ef, et), 'association', association_type, [rf, rt],
               [source_id], start_date, police
        FROM pp
        """,
    )


def _places(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """A household, employment where another offended, and a shared place."""
    offending = _sql_list(OFFENDING_ROLES)
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        WITH addr AS (
            SELECT m.entity_id, m.record_key, m.source_id, m.police,
                   'address ' || p.postcode || ' ' || regexp_replace(lower(p.address),
                       '[^a-z0-9]+', ' ', 'g') AS address_key, NULL::DATE AS date
            FROM current_persons p JOIN graph_person_map m USING (source_id, person_id)
            WHERE p.postcode IS NOT NULL AND p.address IS NOT NULL
            UNION ALL
            SELECT entity_id, record_key, source_id, police, location_key, date
            FROM graph_person_locations WHERE via = 'resides_at'
        ),
        ok AS (
            SELECT address_key FROM addr GROUP BY address_key
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {s.max_address_people}
        ),
        a2 AS (SELECT * FROM addr SEMI JOIN ok USING (address_key))
        SELECT a.entity_id, b.entity_id, 'same_address', a.address_key,
               list_distinct([a.record_key, b.record_key]),
               list_distinct([a.source_id, b.source_id]), least(a.date, b.date),
               a.police AND b.police
        FROM a2 a JOIN a2 b ON a.address_key = b.address_key AND a.entity_id < b.entity_id
        """,
    )
    _timed(
        con,
        f"""
        INSERT INTO _evidence
        -- Employed at a place where children were exploited: "allowing their property to be
        -- used" (IICSA C.3) links the employee to the offenders there.
        WITH emp AS (
            SELECT entity_id, record_key, source_id, police, location_key, date
            FROM graph_person_locations WHERE via = 'employed_at'
        ),
        off AS (
            SELECT i.entity_id, i.record_key, i.source_id, i.police, e.location_key,
                   e.event_key, e.event_date
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE e.relevant AND e.location_key IS NOT NULL
              AND list_contains({offending}, i.role)
        )
        SELECT least(emp.entity_id, off.entity_id), greatest(emp.entity_id, off.entity_id),
               'employed_at_offending_location',
               'employee ' || emp.entity_id || ' at ' || emp.location_key || ', event '
                 || off.event_key,
               list_distinct([emp.record_key, off.record_key]),
               list_distinct([emp.source_id, off.source_id]), off.event_date,
               emp.police AND off.police
        FROM emp JOIN off USING (location_key) WHERE emp.entity_id <> off.entity_id
        """,
    )
    _timed(con, shared_place_evidence(con, s))


def _aggregate(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """``graph_links``: the evidence items of each pair and link type, bounded."""
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE graph_links AS
        -- Most pairs rest on one item: they need no aggregation of their evidence (which,
        -- done for every pair, spilled to disk at 1M people under the memory limit).
        WITH n AS (
            SELECT entity_a, entity_b, link_type, count(*) AS n_evidence
            FROM _evidence GROUP BY ALL
        ),
        one AS (
            SELECT e.entity_a, e.entity_b, e.link_type, 1::BIGINT AS n_evidence,
                   list_sort(list_distinct(e.sources)) AS sources,
                   [{{'via': e.via, 'records': e.records, 'sources': e.sources,
                      'date': e.date, 'police': e.police}}] AS items,
                   e.date AS first_date, e.date AS last_date, e.police AS police_evidence,
                   e.link_type = 'association' AND e.via = 'family_of' AS family_only
            FROM _evidence e SEMI JOIN (SELECT * FROM n WHERE n_evidence = 1) k
                 USING (entity_a, entity_b, link_type)
        ),
        many AS (
            SELECT entity_a, entity_b, link_type, count(*) AS n_evidence,
                   list_sort(list_distinct(flatten(list(sources)))) AS sources,
                   -- Bounded: the earliest items in full, the records behind them.
                   list({{'via': via, 'records': records, 'sources': sources, 'date': date,
                          'police': police}}
                        ORDER BY coalesce(date, DATE '9999-12-31'), via)
                       [1:{s.max_evidence_items}] AS items,
                   min(date) AS first_date, max(date) AS last_date,
                   bool_or(police) AS police_evidence,
                   -- Only family_of associations: knowing, not evidence of offending together.
                   bool_and(link_type = 'association' AND via = 'family_of') AS family_only
            FROM _evidence SEMI JOIN (SELECT * FROM n WHERE n_evidence > 1) k
                 USING (entity_a, entity_b, link_type)
            GROUP BY entity_a, entity_b, link_type
        ),
        agg AS (SELECT * FROM one UNION ALL SELECT * FROM many)
        SELECT entity_a, entity_b, link_type, n_evidence, sources,
               list_sort(list_distinct(flatten([i.records FOR i IN items]))) AS record_keys,
               first_date, last_date, police_evidence, family_only, to_json(items) AS evidence
        FROM agg;
        DROP TABLE _evidence;
        """,
    )
