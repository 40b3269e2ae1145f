"""The POLE graph in set-based SQL: nodes, edges and the evidence behind every link.

Persons are resolved entities (the linkage stage's ``person_entities``; without it each
record is its own entity). Objects are the same object across sources when their cleaned
value is the same; locations when their cleaned postcode, name and type are. Every
person–person link keeps the records, sources and dates it rests on.

Protected characteristics (ethnicity, nationality, religion, sex) are never selected here,
so nothing downstream (detection, key people, ordering) can depend on them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import duckdb

from clearsight.graph.incidents import link_incidents
from clearsight.graph.places import hotspots, shared_place_evidence, sightings
from clearsight.graph.settings import (
    CHILD_ROLES,
    KNOWING_ASSOCIATIONS,
    LINKING_ROLES,
    OBJECT_TYPES,
    OFFENDING_ROLES,
    GraphSettings,
)

log = logging.getLogger("clearsight.graph")

# Names agencies write when they do not know who someone is.
_UNIDENTIFIED = (
    r"^(unknown|unk|unkn|nk|n k|unidentified|unnamed|anon|anonymous|not known|"
    r"male|female|man|woman|boy|girl|person|x+|tbc|\s)*$"
)


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run ``sql``, logging its seconds under its first meaningful line."""
    start = time.perf_counter()
    con.execute(sql)
    lines = [
        ln.strip() for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")
    ]
    log.info("  %.2f s  %s", time.perf_counter() - start, " ".join(lines[:2])[:90])


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary "
        "UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
        [name, name],
    ).fetchall()
    return any(int(r[0]) for r in rows)


def _entity_map(con: duckdb.DuckDBPyConnection) -> None:
    linked = table_exists(con, "person_entities") and bool(
        con.execute("SELECT count(*) FROM person_entities").fetchall()[0][0]
    )
    if linked:
        # The latest run only: an older run's entity ids are not comparable.
        entity = (
            "LEFT JOIN (SELECT source_id, person_id, entity_id FROM person_entities "
            "WHERE run_id = (SELECT max(run_id) FROM person_entities)) pe "
            "USING (source_id, person_id)"
        )
        entity_expr = "coalesce(pe.entity_id, p.source_id || '/' || p.person_id)"
    else:
        entity, entity_expr = "", "p.source_id || '/' || p.person_id"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE graph_person_map AS
        SELECT p.source_id, p.person_id, p.source_id || ':' || p.person_id AS record_key,
               {entity_expr} AS entity_id, s.agency_type, s.area,
               s.agency_type = 'police' AS police,
               regexp_matches(lower(trim(coalesce(p.forenames, '') || ' '
                                         || coalesce(p.surname, ''))), '{_UNIDENTIFIED}')
                   AS unidentified,
               CASE length(p.date_of_birth)
                   WHEN 4 THEN try_cast(p.date_of_birth || '-07-01' AS DATE)
                   WHEN 7 THEN try_cast(p.date_of_birth || '-15' AS DATE)
                   ELSE try_cast(p.date_of_birth AS DATE) END AS dob,
               trim(coalesce(p.forenames, '') || ' ' || coalesce(p.surname, '')) AS name
        FROM current_persons p JOIN sources s USING (source_id) {entity}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_entities AS
        SELECT entity_id,
               coalesce(min(name) FILTER (WHERE NOT unidentified), 'unidentified') AS label,
               -- The earliest recorded birth date: the conservative reading of a child's age.
               max(dob) AS dob,
               count(*) AS n_records,
               list_sort(list_distinct(list(source_id))) AS sources,
               list_sort(list_distinct(list(agency_type))) AS agency_types,
               list_sort(list_distinct(list(area))) AS areas,
               bool_and(unidentified) AS unidentified
        FROM graph_person_map GROUP BY entity_id
        """
    )


def _locations(con: duckdb.DuckDBPyConnection) -> None:
    # A place with neither postcode nor name cannot be matched across sources.
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_source_locations AS
        SELECT source_id, location_id, postcode, name, location_type,
            CASE WHEN postcode IS NULL AND name IS NULL
                 THEN 'location:' || source_id || '/' || location_id
                 ELSE 'location:' || coalesce(postcode, '') || '|'
                      || coalesce(regexp_replace(lower(name), '[^a-z0-9]+', ' ', 'g'), '') || '|'
                      || coalesce(location_type, '') END AS location_key
        FROM current_locations
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_locations AS
        SELECT location_key, any_value(postcode) AS postcode, any_value(name) AS name,
               any_value(location_type) AS location_type,
               list_sort(list_distinct(list(source_id))) AS sources
        FROM graph_source_locations GROUP BY location_key
        """
    )


def _events(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    pattern = s.sexual_pattern.replace("'", "''")
    marker = s.flag_marker_offence_pattern.replace("'", "''")
    child_pattern = s.child_offence_pattern.replace("'", "''")
    children = _sql_list(CHILD_ROLES)
    # A flag alone on a property offence: the child's marker, not the offence's context.
    flag_marker = (
        f"coalesce(e.cse_flag = 'yes', false) AND NOT worded "
        f"AND coalesce(regexp_matches(lower(e.offence), '{marker}'), false)"
        if s.flag_marker_offence_pattern
        else "false"
    )
    # An offence whose title says its victim is a child.
    child_offence = (
        f"coalesce(regexp_matches(lower(e.offence), '{child_pattern}'), false)"
        if s.child_offence_pattern
        else "false"
    )
    # Set-based in three statements (no UPDATE passes over the big tables).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _events AS
        SELECT e.source_id || ':' || e.event_id AS event_key, e.source_id, e.event_id,
               e.event_type, coalesce(e.occurred_date, e.reported_date) AS event_date,
               e.reported_date, s.area, s.agency_type, s.agency_type = 'police' AS police,
               l.location_key, coalesce(l.postcode, e.postcode) AS postcode, e.offence,
               e.cse_flag, e.related_event_id,
               coalesce(e.cse_flag = 'yes', false) OR worded AS sexual,
               {flag_marker} AS flag_marker, {child_offence} AS child_offence
        FROM (SELECT *, coalesce(regexp_matches(lower(offence), '{pattern}'), false)
                          OR coalesce(regexp_matches(lower(narrative), '{pattern}'), false)
                          AS worded
              FROM current_events) e
        JOIN sources s USING (source_id)
        LEFT JOIN graph_source_locations l
               ON l.source_id = e.source_id AND l.location_id = e.location_id
        """
    )
    # An arrest, charge or outcome follows from its crime: it inherits the sexual context
    # (and whether that context is a flag marker alone).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _inherit AS
        SELECT e.event_key, bool_or(r.flag_marker) AS flag_marker FROM _events e
        JOIN _events r ON r.source_id = e.source_id AND r.event_id = e.related_event_id
        WHERE r.sexual AND NOT e.sexual
        GROUP BY e.event_key
        """
    )
    # A child in an event: known to be under 18, of unknown age in a sexual-offence event
    # (the event's own wording, before inheritance), or the victim of an offence whose
    # title says its victim is a child (``child_offence_pattern``).
    con.execute(
        f"""
        CREATE OR REPLACE TABLE graph_involvements AS
        WITH i AS (
            SELECT m.entity_id, m.record_key, i.source_id, ev.event_key, i.role,
                   ev.event_date, ev.police, ev.sexual AS own_sexual,
                   ev.sexual OR ih.event_key IS NOT NULL AS sexual,
                   date_diff('day', m.dob, ev.event_date) / 365.25 AS age,
                   ev.child_offence
            FROM current_involvements i
            JOIN graph_person_map m USING (source_id, person_id)
            JOIN _events ev ON ev.source_id = i.source_id AND ev.event_id = i.event_id
            LEFT JOIN _inherit ih ON ih.event_key = ev.event_key
        )
        SELECT entity_id, record_key, source_id, event_key, role, event_date, police, sexual,
               age, list_contains({children}, role)
                    AND (age < {s.child_age} OR (age IS NULL AND own_sexual) OR child_offence)
                   AS is_child
        FROM i
        """
    )
    # Exploitation context: a sexual offence, an exploitation flag or wording. A child
    # victim of a non-sexual crime is safeguarding, not evidence of exploitation.
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_events AS
        WITH c AS (SELECT event_key, bool_or(is_child) AS has_child
                   FROM graph_involvements GROUP BY event_key)
        SELECT e.event_key, e.source_id, e.event_id, e.event_type, e.event_date,
               e.reported_date, e.area, e.agency_type, e.police, e.location_key, e.postcode,
               e.offence, e.cse_flag, e.sexual OR ih.event_key IS NOT NULL AS sexual,
               coalesce(c.has_child, false) AS has_child,
               e.sexual OR ih.event_key IS NOT NULL AS relevant,
               e.flag_marker OR coalesce(ih.flag_marker, false) AS flag_marker
        FROM _events e LEFT JOIN c USING (event_key)
        LEFT JOIN _inherit ih USING (event_key);
        DROP TABLE _events; DROP TABLE _inherit;
        """
    )


def _objects(con: duckdb.DuckDBPyConnection) -> None:
    types = _sql_list(OBJECT_TYPES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _source_objects AS
        SELECT source_id, object_id, object_type, value, description,
               object_type || ':' || value AS object_key
        FROM current_objects
        WHERE value IS NOT NULL AND list_contains({types}, object_type)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_person_objects AS
        WITH assoc AS (
            SELECT source_id, from_id AS person_id, to_id AS object_id, association_type,
                   start_date FROM current_associations
            WHERE from_type = 'person' AND to_type = 'object'
            UNION ALL
            SELECT source_id, to_id, from_id, association_type, start_date
            FROM current_associations WHERE from_type = 'object' AND to_type = 'person'
        )
        SELECT m.entity_id, o.object_key, m.record_key, m.source_id, m.police,
               a.association_type AS via, a.start_date AS date
        FROM assoc a JOIN graph_person_map m USING (source_id, person_id)
        JOIN _source_objects o ON o.source_id = a.source_id AND o.object_id = a.object_id
        UNION ALL
        SELECT m.entity_id, 'phone:' || ph, m.record_key, m.source_id, m.police,
               'person record', NULL
        FROM (SELECT source_id, person_id, unnest(phones) AS ph FROM current_persons) p
        JOIN graph_person_map m USING (source_id, person_id)
        UNION ALL
        SELECT m.entity_id, 'email:' || em, m.record_key, m.source_id, m.police,
               'person record', NULL
        FROM (SELECT source_id, person_id, unnest(emails) AS em FROM current_persons) p
        JOIN graph_person_map m USING (source_id, person_id)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_objects AS
        WITH k AS (
            SELECT object_key, any_value(description) AS description,
                   list_distinct(list(source_id)) AS sources FROM _source_objects
            GROUP BY object_key
            UNION ALL SELECT DISTINCT object_key, NULL, NULL FROM graph_person_objects
        )
        SELECT object_key, split_part(object_key, ':', 1) AS object_type,
               substr(object_key, strpos(object_key, ':') + 1) AS value,
               any_value(description) AS description
        FROM k GROUP BY object_key;
        DROP TABLE _source_objects;
        """
    )


def _person_locations(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_person_locations AS
        WITH assoc AS (
            SELECT source_id, from_id AS person_id, to_id AS location_id, association_type,
                   start_date FROM current_associations
            WHERE from_type = 'person' AND to_type = 'location'
            UNION ALL
            SELECT source_id, to_id, from_id, association_type, start_date
            FROM current_associations WHERE from_type = 'location' AND to_type = 'person'
        )
        SELECT m.entity_id, l.location_key, m.record_key, m.source_id, m.police,
               a.association_type AS via, a.start_date AS date
        FROM assoc a JOIN graph_person_map m USING (source_id, person_id)
        JOIN graph_source_locations l
          ON l.source_id = a.source_id AND l.location_id = a.location_id
        """
    )


def _child_associates(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """``_child_associates``: a person recorded as ``associate_of`` or ``seen_with`` (never
    ``family_of``) a child who is the victim of a sexual offence, or the associate in
    such a child's missing episode,
    when that person is not themselves on the child side of any event. Such a person
    shares the child with its offenders (a ``shared_victim`` link); the associate in a
    missing episode is on the offending side, the associate by record only if also an
    associate in an event with an exploitation context."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _child_associates (adult VARCHAR, child VARCHAR, "
        "via VARCHAR, record_key VARCHAR, source_id VARCHAR, date DATE, police BOOLEAN)"
    )
    children = _sql_list(CHILD_ROLES)
    # Children who were sexually exploited, and everyone on the child side of an event.
    ctes = f"""
        victims AS (
            SELECT DISTINCT i.entity_id FROM graph_involvements i
            JOIN graph_events e USING (event_key)
            WHERE i.is_child AND i.sexual AND list_contains({children}, i.role)
              AND NOT e.flag_marker
        ),
        child_side AS (
            SELECT DISTINCT entity_id FROM graph_involvements
            WHERE is_child OR list_contains({children}, role)
        )"""
    _timed(
        con,
        f"""
        INSERT INTO _child_associates
        WITH {ctes},
        ends AS (
            SELECT a.association_type, a.start_date, a.source_id, f.police,
                   f.entity_id AS ef, f.record_key AS rf, t.entity_id AS et,
                   t.record_key AS rt
            FROM current_associations a
            JOIN graph_person_map f ON f.source_id = a.source_id AND f.person_id = a.from_id
            JOIN graph_person_map t ON t.source_id = a.source_id AND t.person_id = a.to_id
            WHERE a.from_type = 'person' AND a.to_type = 'person'
              AND a.association_type IN ('associate_of', 'seen_with')
              AND f.entity_id <> t.entity_id
        ),
        both_ways AS (
            SELECT ef AS adult, et AS child, association_type AS via, [rf, rt] AS records,
                   source_id, start_date AS date, police FROM ends
            UNION ALL
            SELECT et, ef, association_type, [rt, rf], source_id, start_date, police
            FROM ends
        )
        SELECT b.adult, b.child, b.via, unnest(b.records) AS record_key, b.source_id,
               b.date, b.police
        FROM both_ways b SEMI JOIN victims v ON v.entity_id = b.child
        WHERE b.adult NOT IN (SELECT entity_id FROM child_side)
        """,
    )
    # The person a sexually exploited child was with while missing.
    _timed(
        con,
        f"""
        INSERT INTO _child_associates
        WITH {ctes},
        pairs AS (
            SELECT a.entity_id AS adult, c.entity_id AS child,
                   'missing episode ' || e.event_key AS via,
                   [a.record_key, c.record_key] AS records, e.source_id,
                   e.event_date::DATE AS date, e.police
            FROM graph_events e
            JOIN graph_involvements a USING (event_key)
            JOIN graph_involvements c USING (event_key)
            WHERE e.event_type = 'missing_episode' AND a.role = 'associate'
              AND c.role = 'missing_person' AND a.entity_id <> c.entity_id
        )
        SELECT p.adult, p.child, p.via, unnest(p.records), p.source_id, p.date, p.police
        FROM pairs p SEMI JOIN victims v ON v.entity_id = p.child
        WHERE p.adult NOT IN (SELECT entity_id FROM child_side)
        """,
    )
    _partner_intelligence(con, s, ctes)


def _partner_intelligence(con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str) -> None:
    """Adults a partner agency (social care, health, education, the voluntary sector)
    names as the associate in its own record of an exploitation concern about a child:
    the "older boyfriend" in a referral, the adult at a strategy meeting. Inspectors found
    agencies did not share what partners knew about the adults around a child ("Time to
    listen", the joint targeted area inspections of Ofsted, CQC, HMIC and HMI Probation,
    2016); such a person shares the
    child with its offenders and is on the offending side, as intelligence, not
    police-confirmed (``graph_involved.police_confirmed``). Not the child's family
    (``family_of`` the child in any source) nor a member of the child's household (the
    same address): a parent at the child's meeting is there as family, and a household is
    no evidence of exploitation. Not a child at that event (a friend named in a referral)
    nor anyone on the child side of any event."""
    children = _sql_list(CHILD_ROLES)
    _timed(
        con,
        f"""
        INSERT INTO _child_associates
        WITH {ctes},
        family AS (
            SELECT f.entity_id AS a, t.entity_id AS b
            FROM current_associations x
            JOIN graph_person_map f ON f.source_id = x.source_id AND f.person_id = x.from_id
            JOIN graph_person_map t ON t.source_id = x.source_id AND t.person_id = x.to_id
            WHERE x.from_type = 'person' AND x.to_type = 'person'
              AND x.association_type = 'family_of'
        ),
        home AS (
            SELECT DISTINCT m.entity_id, p.postcode || ' ' || regexp_replace(
                       lower(p.address), '[^a-z0-9]+', ' ', 'g') AS address_key
            FROM current_persons p JOIN graph_person_map m USING (source_id, person_id)
            WHERE p.postcode IS NOT NULL AND p.address IS NOT NULL
        ),
        pairs AS (
            SELECT a.entity_id AS adult, c.entity_id AS child,
                   'partner record ' || e.event_key AS via,
                   [a.record_key, c.record_key] AS records, e.source_id,
                   e.event_date::DATE AS date, e.police
            FROM graph_events e
            JOIN graph_involvements a USING (event_key)
            JOIN graph_involvements c USING (event_key)
            WHERE NOT e.police AND e.relevant AND NOT e.flag_marker
              AND a.role = 'associate' AND NOT coalesce(a.age < {s.child_age}, false)
              AND c.is_child AND list_contains({children}, c.role)
              AND a.entity_id <> c.entity_id
        )
        SELECT p.adult, p.child, p.via, unnest(p.records), p.source_id, p.date, p.police
        FROM pairs p SEMI JOIN victims v ON v.entity_id = p.child
        WHERE p.adult NOT IN (SELECT entity_id FROM child_side)
          AND NOT EXISTS (SELECT 1 FROM family f
                          WHERE (f.a = p.adult AND f.b = p.child)
                             OR (f.a = p.child AND f.b = p.adult))
          AND NOT EXISTS (SELECT 1 FROM home ha JOIN home hc USING (address_key)
                          WHERE ha.entity_id = p.adult AND hc.entity_id = p.child)
        """,
    )


def _evidence(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    linking, offending = _sql_list(LINKING_ROLES), _sql_list(OFFENDING_ROLES)
    knowing = _sql_list(KNOWING_ASSOCIATIONS)
    involved = _sql_list(s.involved_roles)
    assoc_types = _sql_list(s.associate_event_types)
    # Evidence of knowing an offender outside a shared meeting or referral (not a
    # household: see GraphSettings.associate_link_types).
    expand_links = _sql_list(s.associate_link_types)
    _timed(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE _evidence AS
        -- Co-involved in one event on the offending side.
        WITH inv AS (
            SELECT DISTINCT entity_id, record_key, source_id, event_key, role, event_date, police
            FROM graph_involvements WHERE list_contains({linking}, role)
        ),
        small AS (
            SELECT event_key FROM inv GROUP BY event_key
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {s.max_event_people}
        ),
        inv_s AS (SELECT * FROM inv SEMI JOIN small USING (event_key))
        SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, 'co_involved' AS link_type,
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
            WHERE list_contains({linking}, i.role)
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
    _child_associates(con, s)
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
    # Who is on the offending side: involved in, or facilitating, the exploitation of a child.
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE graph_involved AS
        SELECT i.entity_id,
               CASE WHEN bool_or(i.role = 'offender') THEN 'offender'
                    WHEN bool_or(i.role = 'suspect') THEN 'suspect'
                    WHEN bool_or(i.role = 'facilitator') THEN 'facilitator'
                    ELSE 'associate' END AS role,
               count(DISTINCT i.event_key) AS n_events,
               min(i.event_date) AS first_date, max(i.event_date) AS last_date
        FROM graph_involvements i JOIN graph_events e USING (event_key)
        WHERE e.relevant AND (list_contains({involved}, i.role)
              OR (i.role = 'associate' AND list_contains({assoc_types}, e.event_type)))
        GROUP BY i.entity_id
        UNION ALL
        SELECT emp, 'facilitator', 0, min(first_date), max(last_date) FROM (
            SELECT entity_id AS emp, NULL::DATE AS first_date, NULL::DATE AS last_date
            FROM graph_person_locations p
            WHERE via = 'employed_at' AND EXISTS (
                SELECT 1 FROM graph_events e
                WHERE e.location_key = p.location_key AND e.relevant)
        ) GROUP BY emp
        """,
    )
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE graph_involved AS
        SELECT entity_id,
               CASE WHEN bool_or(role = 'offender') THEN 'offender'
                    WHEN bool_or(role = 'suspect') THEN 'suspect'
                    WHEN bool_or(role = 'facilitator') THEN 'facilitator'
                    ELSE 'associate' END AS role,
               sum(n_events) AS n_events, min(first_date) AS first_date,
               max(last_date) AS last_date
        FROM graph_involved GROUP BY entity_id
        """,
    )
    # An associate in any event with an exploitation context (a strategy meeting, a
    # referral) who is known to someone already involved (an association other than
    # family, a shared phone or vehicle, the same event): the group's less visible members.
    # Family at a child's strategy meeting are not, unless linked to an offender.
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        WITH cand AS (
            SELECT i.entity_id, count(DISTINCT i.event_key) AS n_events,
                   min(i.event_date) AS first_date, max(i.event_date) AS last_date
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE e.relevant AND i.role = 'associate'
              AND i.entity_id NOT IN (SELECT entity_id FROM graph_involved)
            GROUP BY i.entity_id
        ),
        known AS (
            SELECT entity_a AS entity_id, entity_b AS other FROM graph_links
            WHERE list_contains({expand_links}, link_type) AND NOT family_only
            UNION ALL
            SELECT entity_b, entity_a FROM graph_links
            WHERE list_contains({expand_links}, link_type) AND NOT family_only
        )
        SELECT c.entity_id, 'associate', c.n_events, c.first_date, c.last_date
        FROM cand c SEMI JOIN (
            SELECT k.entity_id FROM known k JOIN graph_involved g ON g.entity_id = k.other
            WHERE g.role <> 'associate'
            UNION ALL
            SELECT adult FROM _child_associates
        ) x USING (entity_id)
        """,
    )
    # The person a sexually exploited child was with while missing is on the offending
    # side through that episode (which carries no exploitation context of its own).
    _timed(
        con,
        """
        INSERT INTO graph_involved
        SELECT adult, 'associate', count(DISTINCT via), min(date), max(date)
        FROM _child_associates
        WHERE via LIKE 'missing episode %'
          AND adult NOT IN (SELECT entity_id FROM graph_involved)
        GROUP BY adult
        """,
    )
    con.execute("DROP TABLE _child_associates")
    if s.linked_member_min_links > 0:
        _linked_members(con, s)
    _police_confirmed(con)


def _police_confirmed(con: duckdb.DuckDBPyConnection) -> None:
    """``graph_involved.police_confirmed``: some police record puts the person on the
    offending side (a suspect, offender, facilitator or associate in a police record with
    an exploitation context), or, for someone on it only through links (a linked member,
    an employee), some of those links rest on police evidence. Otherwise the person is
    there on partner intelligence alone: never to be presented as a police suspect."""
    linking = _sql_list(LINKING_ROLES)
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE graph_involved AS
        WITH by_record AS (
            SELECT DISTINCT i.entity_id FROM graph_involvements i
            JOIN graph_events e USING (event_key)
            WHERE e.police AND e.relevant AND list_contains({linking}, i.role)
        ),
        by_link AS (
            SELECT entity_a AS entity_id FROM graph_links WHERE police_evidence
            UNION SELECT entity_b FROM graph_links WHERE police_evidence
        )
        SELECT g.*, g.entity_id IN (SELECT entity_id FROM by_record)
               OR (g.n_events = 0 AND g.entity_id IN (SELECT entity_id FROM by_link))
                   AS police_confirmed
        FROM graph_involved g
        """,
    )


def _linked_members(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """People in no event on the offending side whom police link (an association other
    than family, a shared phone or vehicle) to several people who are: a group's members
    known only from its intelligence picture. Without them two members linked only
    through such a person are two strangers. The people counted are suspects, offenders,
    facilitators and associates; never another linked member. Nobody on the child side
    of an event is one."""
    linked = _sql_list(s.linked_member_link_types)
    # Associates count too: the associate named in an intelligence report about
    # exploitation is on the offending side as much as a suspect; never another linked
    # member (a chain of people known only through one another is no evidence).
    counted = "g.role <> 'linked'"
    # Someone on the child side of any event is never a linked member: an exploited
    # child is recorded as seen with, or an associate of, the men who exploit her.
    children = _sql_list(CHILD_ROLES)
    child_side = (
        "AND k.entity_id NOT IN (SELECT entity_id FROM graph_involvements "
        f"WHERE is_child OR list_contains({children}, role))"
    )
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        WITH k AS (
            SELECT entity_a AS entity_id, entity_b AS other FROM graph_links
            WHERE list_contains({linked}, link_type) AND NOT family_only
            UNION ALL
            SELECT entity_b, entity_a FROM graph_links
            WHERE list_contains({linked}, link_type) AND NOT family_only
        )
        SELECT k.entity_id, 'linked', 0, NULL::DATE, NULL::DATE
        FROM k JOIN graph_involved g ON g.entity_id = k.other AND {counted}
        WHERE k.entity_id NOT IN (SELECT entity_id FROM graph_involved) {child_side}
        GROUP BY k.entity_id
        HAVING count(DISTINCT k.other) >= {s.linked_member_min_links}
        """,
    )


def _nodes_edges(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_nodes AS
        SELECT entity_id AS node_id, 'person' AS node_type, label,
               to_json({'records': n_records, 'sources': sources, 'unidentified': unidentified})
                   AS properties
        FROM graph_entities
        UNION ALL
        SELECT object_key, object_type, value, to_json({'description': description})
        FROM graph_objects
        UNION ALL
        SELECT location_key, 'location', coalesce(name, postcode, location_key),
               to_json({'postcode': postcode, 'location_type': location_type,
                        'sources': sources})
        FROM graph_locations
        UNION ALL
        SELECT event_key, 'event', event_type || ' ' || coalesce(event_date::VARCHAR, ''),
               to_json({'event_type': event_type, 'date': event_date, 'offence': offence,
                        'cse_flag': cse_flag, 'area': area, 'relevant': relevant})
        FROM graph_events
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_edges AS
        SELECT entity_id AS src, event_key AS dst, 'involvement' AS edge_type, role AS subtype,
               1::BIGINT AS n_evidence, [source_id] AS sources, event_date AS first_date,
               event_date AS last_date, police AS police_evidence,
               to_json([{'records': [record_key], 'sources': [source_id]}]) AS evidence
        FROM graph_involvements
        UNION ALL
        SELECT entity_id, object_key, 'association', via, 1, [source_id], date, date, police,
               to_json([{'records': [record_key], 'sources': [source_id]}])
        FROM graph_person_objects
        UNION ALL
        SELECT entity_id, location_key, 'association', via, 1, [source_id], date, date, police,
               to_json([{'records': [record_key], 'sources': [source_id]}])
        FROM graph_person_locations
        UNION ALL
        SELECT event_key, location_key, 'occurred_at', NULL, 1, [source_id], event_date,
               event_date, police, to_json([{'records': [event_key], 'sources': [source_id]}])
        FROM graph_events WHERE location_key IS NOT NULL
        UNION ALL
        SELECT entity_a, entity_b, 'person_link', link_type, n_evidence, sources, first_date,
               last_date, police_evidence, evidence
        FROM graph_links
        """
    )


def _places(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    sightings(con)
    hotspots(con, s)


def build(
    con: duckdb.DuckDBPyConnection,
    settings: GraphSettings | None = None,
    seconds: dict[str, float] | None = None,
) -> None:
    """(Re)build every ``graph_*`` table from the current ingest and linkage tables.

    ``seconds``, when given, receives each step's wall-clock seconds (``build.<step>``);
    each step is also logged at INFO on the ``clearsight.graph`` logger.
    """
    s = settings or GraphSettings()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("entities", lambda: _entity_map(con)),
        ("locations", lambda: _locations(con)),
        ("events", lambda: _events(con, s)),
        ("objects", lambda: _objects(con)),
        ("person_locations", lambda: _person_locations(con)),
        ("incidents", lambda: link_incidents(con, s)),
        ("places", lambda: _places(con, s)),
        ("evidence", lambda: _evidence(con, s)),
        ("nodes_edges", lambda: _nodes_edges(con)),
    ]
    for name, step in steps:
        start = time.perf_counter()
        step()
        took = round(time.perf_counter() - start, 2)
        log.info("graph build %s: %.2f s", name, took)
        if seconds is not None:
            seconds[f"build.{name}"] = took
