"""Facts about each subject, gathered in bulk from the graph and network tables.

A network's facts: its members and roles, the links among them with evidence, their
involvement in events with children, family or household links to the network's
children, the places used and the narratives of the events. A child's facts: the events
where the child is a victim or subject, with ages, offenders and narratives.
No protected characteristic is selected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb

from clearsight.standard.roles import CHILD_ROLES, OFFENDING_ROLES
from clearsight.store.sql import sql_list


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            yield dict(zip(columns, row, strict=True))


def _group(
    con: duckdb.DuckDBPyConnection, sql: str, key: str = "network_id"
) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(con, sql):
        grouped.setdefault(str(row.pop(key)), []).append(row)
    return grouped


def network_facts(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, dict[str, Any]]]:
    offending = sql_list(OFFENDING_ROLES)
    members = _group(
        con,
        "SELECT network_id, entity_id, role, unidentified FROM network_members "
        "ORDER BY network_id, entity_id",
    )
    links = _group(
        con,
        "SELECT network_id, entity_a, entity_b, link_type, n_evidence, "
        "json_extract(evidence, '$[0]')::VARCHAR AS first_evidence FROM network_links "
        "ORDER BY network_id, entity_a, entity_b, link_type",
    )
    involvement = _group(
        con,
        f"""
        SELECT nm.network_id, i.entity_id, i.event_key, i.role, e.sexual, e.has_child,
               e.offence, e.cse_flag
        FROM network_members nm JOIN graph_involvements i USING (entity_id)
        JOIN graph_events e USING (event_key)
        WHERE e.relevant AND list_contains({offending}, i.role)
        ORDER BY 1, 2, 3
        """,
    )
    family = _group(
        con,
        """
        -- Each link once per direction, then joined on the child and the member: an
        -- equi-join (an OR in the join condition was a nested loop over victims x members).
        WITH l AS (
            SELECT entity_a, entity_b, link_type, evidence FROM graph_links
            WHERE link_type = 'same_address'
               OR (link_type = 'association'
                   AND json_extract_string(evidence, '$[*].via')::VARCHAR LIKE '%family_of%')
        ),
        fl AS (
            SELECT entity_a AS member, entity_b AS child, link_type, evidence FROM l
            UNION ALL
            SELECT entity_b, entity_a, link_type, evidence FROM l
        )
        SELECT nv.network_id, fl.member, nv.entity_id AS child, fl.link_type,
               json_extract(fl.evidence, '$[0]')::VARCHAR AS first_evidence
        FROM network_victims nv JOIN fl ON fl.child = nv.entity_id
        JOIN network_members nm ON nm.network_id = nv.network_id AND nm.entity_id = fl.member
        ORDER BY 1, 2, 3
        """,
    )
    places = _group(
        con,
        "SELECT network_id, location_key, location_type, uses FROM network_locations "
        "ORDER BY network_id, location_key",
    )
    narratives = _group(
        con,
        f"""
        SELECT DISTINCT nm.network_id, e.source_id || ':' || e.event_id AS event_key,
               e.narrative
        FROM network_members nm JOIN graph_involvements i USING (entity_id)
        JOIN current_events e ON e.source_id || ':' || e.event_id = i.event_key
        WHERE e.narrative IS NOT NULL AND list_contains({offending}, i.role)
        ORDER BY 1, 2
        """,
    )
    for network_id in sorted(members):
        yield (
            network_id,
            {
                "members": members[network_id],
                "links": links.get(network_id, []),
                "involvement": involvement.get(network_id, []),
                "family": family.get(network_id, []),
                "places": places.get(network_id, []),
                "narratives": narratives.get(network_id, []),
            },
        )


def child_facts(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every child who is a victim or subject of an event with a child or sexual offence."""
    children = sql_list(CHILD_ROLES)
    offending = sql_list(OFFENDING_ROLES)
    events = _group(
        con,
        f"""
        WITH c AS (
            SELECT i.entity_id, i.event_key, i.role, i.age, e.sexual, e.offence, e.cse_flag,
                   e.event_date
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE list_contains({children}, i.role) AND e.relevant
              AND (i.is_child OR i.age IS NULL)
        ),
        o AS (
            SELECT event_key,
                   list({{'entity_id': entity_id, 'age': age}} ORDER BY entity_id) AS offenders
            FROM graph_involvements WHERE list_contains({offending}, role)
            GROUP BY event_key
        )
        SELECT c.entity_id, c.event_key, c.role, c.age, c.sexual, c.offence, c.cse_flag,
               coalesce(o.offenders, []) AS offenders, ev.narrative
        FROM c LEFT JOIN o USING (event_key)
        JOIN current_events ev ON ev.source_id || ':' || ev.event_id = c.event_key
        ORDER BY c.entity_id, c.event_date, c.event_key
        """,
        key="entity_id",
    )
    for entity_id, rows in events.items():
        yield entity_id, {"events": rows}
