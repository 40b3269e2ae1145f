"""Places (contextual safeguarding): who was seen where and when, the hotspots where
several children and several adults appear over time, and the ``shared_place`` link.

A sighting is a person at a location: on either side of an event that happened there, or
recorded as frequenting it (``frequents``), living there (``resides_at``) or employed there
(``employed_at``). A **hotspot** is a place where at least ``hotspot_min_children``
children and ``hotspot_min_adults`` adults have been seen (Firmin's contextual
safeguarding, adopted in Working Together to Safeguard Children 2023: harm outside the
home happens in places, and a place where several children meet adults is where to look).

``shared_place``: two people both on the offending side of records at one place, or both
frequenting it (not living there: ``same_address``; not employed there: the employment
rule). Its strength is the rule pack's (low), and **it never puts two people in one group
by itself**: detection drops a link resting only on a place, and a place adds its
strength only to a pair linked by other evidence (two men seen at one busy hotel are not
a network).
"""

from __future__ import annotations

import duckdb

from clearsight.graph.settings import LINKING_ROLES, GraphSettings
from clearsight.graph.statements import _sql_list

SHARED_PLACE = "shared_place"


def sightings(con: duckdb.DuckDBPyConnection) -> None:
    """``place_sightings``: one row per person seen at a place, with how and when. A person
    is a ``child`` there when some record counts them a child (``graph_involvements``)."""
    con.execute(
        """
        CREATE OR REPLACE TABLE place_sightings AS
        WITH kids AS (SELECT DISTINCT entity_id FROM graph_involvements WHERE is_child),
        seen AS (
            SELECT e.location_key, i.entity_id, 'event ' || e.event_key || ' as ' || i.role
                       AS how, i.role, e.event_key, i.record_key, i.source_id,
                   i.event_date AS date, e.relevant
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE e.location_key IS NOT NULL
            UNION ALL
            SELECT location_key, entity_id, via, via, NULL, record_key, source_id, date, false
            FROM graph_person_locations
            WHERE via IN ('frequents', 'resides_at', 'employed_at')
        )
        SELECT s.*, s.entity_id IN (SELECT entity_id FROM kids) AS child FROM seen s
        """
    )


# How hotspots are ranked wherever they are listed (the table, the web page, the
# command's top N): where exploitation was recorded first, then where adults on the
# offending side meet children, then the most children. A table has no order of its own,
# so every reader sorts by this.
HOTSPOT_ORDER = "n_exploitation_events DESC, n_offending_adults DESC, n_children DESC, location_key"


def hotspots(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """``place_hotspots``: places where at least ``hotspot_min_children`` children and
    ``hotspot_min_adults`` adults were seen, with who, how often and when."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE place_hotspots AS
        WITH p AS (
            SELECT location_key,
                   count(DISTINCT entity_id) FILTER (WHERE child) AS n_children,
                   count(DISTINCT entity_id) FILTER (WHERE NOT child) AS n_adults,
                   -- Adults on the offending side anywhere: where children meet them.
                   count(DISTINCT entity_id) FILTER (
                       WHERE NOT child
                         AND entity_id IN (SELECT entity_id FROM graph_involved))
                       AS n_offending_adults,
                   count(DISTINCT event_key) AS n_events,
                   count(DISTINCT event_key) FILTER (WHERE relevant) AS n_exploitation_events,
                   min(date) AS first_date, max(date) AS last_date,
                   list_sort(list_distinct(list(source_id))) AS sources
            FROM place_sightings GROUP BY location_key
        )
        SELECT p.location_key, l.name, l.postcode, l.location_type, p.n_children, p.n_adults,
               p.n_offending_adults, p.n_events, p.n_exploitation_events, p.first_date,
               p.last_date, p.sources
        FROM p JOIN graph_locations l USING (location_key)
        WHERE p.n_children >= {int(s.hotspot_min_children)}
          AND p.n_adults >= {int(s.hotspot_min_adults)}
        ORDER BY {HOTSPOT_ORDER}
        """
    )


def shared_place_evidence(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> str:
    """The ``INSERT INTO _evidence`` statement for ``shared_place`` links (see module)."""
    linking = _sql_list(LINKING_ROLES)
    return f"""
        INSERT INTO _evidence
        WITH seen AS (
            SELECT DISTINCT location_key, entity_id, record_key, source_id, how, event_key, date,
                   source_id IN (SELECT source_id FROM sources WHERE agency_type = 'police')
                       AS police
            FROM place_sightings
            WHERE NOT child AND (how = 'frequents'
                  OR (relevant AND list_contains({linking}, role)))
        ),
        ok AS (
            SELECT location_key FROM seen GROUP BY location_key
            HAVING count(DISTINCT entity_id) BETWEEN 2 AND {int(s.max_event_people)}
        ),
        s2 AS (SELECT * FROM seen SEMI JOIN ok USING (location_key))
        SELECT a.entity_id, b.entity_id, '{SHARED_PLACE}',
               a.location_key || ' (' || a.how || '; ' || b.how || ')',
               list_distinct([a.record_key, b.record_key]),
               list_distinct([a.source_id, b.source_id]), least(a.date, b.date),
               a.police AND b.police
        FROM s2 a JOIN s2 b ON a.location_key = b.location_key AND a.entity_id < b.entity_id
        -- Two people in one event there are co-involved already, but for a presence note.
        WHERE a.event_key IS NULL OR b.event_key IS NULL OR a.event_key <> b.event_key
           OR a.event_key IN (SELECT event_key FROM graph_events WHERE presence_note)
    """
