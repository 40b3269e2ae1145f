"""The POLE graph in set-based SQL: nodes, edges and the evidence behind every link.

Persons are resolved entities (the linkage stage's ``person_entities``; without it each
record is its own entity). Objects are the same object across sources when their cleaned
value is the same; locations when their cleaned postcode, name and type are. Every
person–person link keeps the records, sources and dates it rests on.

Protected characteristics (ethnicity, nationality, religion, sex) are never selected here,
so nothing downstream (detection, key people, ordering) can depend on them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import duckdb

from clearsight.children import child_in_event_sql
from clearsight.graph.incidents import link_incidents
from clearsight.graph.links import person_links
from clearsight.graph.offending_side import offending_side
from clearsight.graph.places import hotspots, sightings
from clearsight.graph.settings import (
    CHILD_ROLES,
    OBJECT_TYPES,
    OFFENDING_ROLES,
    GraphSettings,
)
from clearsight.graph.statements import _sql_list, _timed, log, table_exists
from clearsight.standard.places import location_key_sql

__all__ = ["_sql_list", "_timed", "build", "log", "table_exists"]

# Names agencies write when they do not know who someone is.
_UNIDENTIFIED = (
    r"^(unknown|unk|unkn|nk|n k|unidentified|unnamed|anon|anonymous|not known|"
    r"male|female|man|woman|boy|girl|person|x+|tbc|\s)*$"
)


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
    placeholder = (
        "regexp_matches(lower(trim(coalesce(p.forenames, '') || ' ' "
        f"|| coalesce(p.surname, ''))), '{_UNIDENTIFIED}')"
    )
    # Unidentified means the agency could not name the person: a blank or a placeholder
    # where it records names. A source that names nobody (every name column is optional in
    # the standard; a partner may share its own references only) has not said that: its
    # records are people it knows, identified by its own ids.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE graph_person_map AS
        WITH naming AS (
            SELECT p.source_id, bool_or(NOT {placeholder}) AS names_people
            FROM current_persons p GROUP BY p.source_id
        )
        SELECT p.source_id, p.person_id, p.source_id || ':' || p.person_id AS record_key,
               {entity_expr} AS entity_id, s.agency_type, s.area,
               s.agency_type = 'police' AS police,
               {placeholder} AND naming.names_people AS unidentified,
               CASE length(p.date_of_birth)
                   WHEN 4 THEN try_cast(p.date_of_birth || '-07-01' AS DATE)
                   WHEN 7 THEN try_cast(p.date_of_birth || '-15' AS DATE)
                   ELSE try_cast(p.date_of_birth AS DATE) END AS dob,
               trim(coalesce(p.forenames, '') || ' ' || coalesce(p.surname, '')) AS name
        FROM current_persons p JOIN sources s USING (source_id)
        JOIN naming USING (source_id) {entity}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE graph_entities AS
        SELECT entity_id,
               -- A person its source knows by id alone is labelled by that id.
               coalesce(min(nullif(name, '')) FILTER (WHERE NOT unidentified),
                        min(record_key) FILTER (WHERE NOT unidentified),
                        'unidentified') AS label,
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
        f"""
        CREATE OR REPLACE TABLE graph_source_locations AS
        SELECT source_id, location_id, postcode, name, location_type,
            {location_key_sql()} AS location_key
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
    presence = s.presence_note_pattern.replace("'", "''")
    children = _sql_list(CHILD_ROLES)
    offending = _sql_list(OFFENDING_ROLES)
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
               {flag_marker} AS flag_marker, {child_offence} AS child_offence,
               {
            f"coalesce(regexp_matches(lower(e.narrative), '{presence}'), false)"
            if s.presence_note_pattern
            else "false"
        } AS presence_worded
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
               age, {child_in_event_sql(s)} AS is_child
        FROM i
        """
    )
    # Exploitation context: a sexual offence, an exploitation flag or wording. A child
    # victim of a non-sexual crime is safeguarding, not evidence of exploitation. A
    # presence note: who was present at a place, worded so (``presence_note_pattern``),
    # naming no child and nobody suspected: a sighting, not co-offending.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE graph_events AS
        WITH c AS (SELECT event_key, bool_or(is_child) AS has_child,
                          bool_or(list_contains({children}, role)
                                  OR list_contains({offending}, role)) AS names_harm
                   FROM graph_involvements GROUP BY event_key)
        SELECT e.event_key, e.source_id, e.event_id, e.event_type, e.event_date,
               e.reported_date, e.area, e.agency_type, e.police, e.location_key, e.postcode,
               e.offence, e.cse_flag, e.sexual OR ih.event_key IS NOT NULL AS sexual,
               coalesce(c.has_child, false) AS has_child,
               e.sexual OR ih.event_key IS NOT NULL AS relevant,
               e.flag_marker OR coalesce(ih.flag_marker, false) AS flag_marker,
               e.presence_worded AND NOT coalesce(c.names_harm, false) AS presence_note
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


def _evidence(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    person_links(con, s)
    offending_side(con, s)


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
        ("places", lambda: sightings(con)),
        ("evidence", lambda: _evidence(con, s)),
        # After the offending side is known: hotspots count the adults on it.
        ("hotspots", lambda: hotspots(con, s)),
        ("nodes_edges", lambda: _nodes_edges(con)),
    ]
    for name, step in steps:
        start = time.perf_counter()
        step()
        took = round(time.perf_counter() - start, 2)
        log.info("graph build %s: %.2f s", name, took)
        if seconds is not None:
            seconds[f"build.{name}"] = took
