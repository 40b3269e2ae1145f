"""People tied to a network's premises who are not its members: lines of enquiry.

The employment rule (``graph/staff.py``) takes a member of staff into a group only when a
record ties them to one of its men: IICSA's "allowing their property to be used" (2022,
C.3) is knowing allowance, so working at, owning or living at premises where a child was
exploited is not membership. It is still what an analyst asks about next. The NWG's
guidance on hotels and the section 116 notices of the Anti-social Behaviour, Crime and
Policing Act 2014 are addressed to the people who run premises; contextual safeguarding
(Working Together to Safeguard Children 2023) looks at who controls a place where harm
happens. So for every place where a member's record of exploitation happened, the people
whom a record ties to the premises (employed there, owning it, living there) and who are
not members are listed beside the network, each with the record that ties them, whether
a record of exploitation there names them as its witness or reporter (a guardian, who may
be a witness rather than a suspect), and the networks they are members of elsewhere.

``network_place_people``: ``network_id, location_key, entity_id, via, source_id,
record_key, date, guardian, member_of`` (one row per record tying a person to a place,
so each reader applies the viewer's access to the record it shows).
"""

from __future__ import annotations

import duckdb

from clearsight.graph.statements import _sql_list
from clearsight.standard.roles import GUARDIAN_ROLES

# The associations that tie a person to premises (the standard's ``association_type``): a
# person who works at, owns or lives at a place. ``frequents`` is a sighting, listed with
# the place's hotspot (``place_sightings``), not a tie to the premises.
PREMISES_TIES: tuple[str, ...] = ("employed_at", "owns", "resides_at")


def write(con: duckdb.DuckDBPyConnection) -> None:
    """``network_place_people`` from ``network_locations`` (places where a member's record
    of exploitation happened: ``n_events`` > 0), ``graph_person_locations`` and the
    network's members. Children are never listed: a child living at a place is not a line
    of enquiry about the adults there."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE network_place_people AS
        WITH places AS (
            SELECT network_id, location_key FROM network_locations WHERE n_events > 0
        ),
        kids AS (SELECT DISTINCT entity_id FROM graph_involvements WHERE is_child),
        guardians AS (
            SELECT DISTINCT e.location_key, w.entity_id
            FROM graph_events e JOIN graph_involvements w USING (event_key)
            WHERE e.relevant AND list_contains({_sql_list(GUARDIAN_ROLES)}, w.role)
        ),
        memberships AS (
            SELECT entity_id, list(DISTINCT network_id ORDER BY network_id) AS member_of
            FROM network_members GROUP BY entity_id
        )
        SELECT p.network_id, p.location_key, pl.entity_id, pl.via, pl.source_id,
               pl.record_key, pl.date, g.entity_id IS NOT NULL AS guardian,
               coalesce(ms.member_of, []::VARCHAR[]) AS member_of
        FROM places p JOIN graph_person_locations pl USING (location_key)
        LEFT JOIN guardians g ON g.location_key = p.location_key AND g.entity_id = pl.entity_id
        LEFT JOIN memberships ms ON ms.entity_id = pl.entity_id
        WHERE list_contains({_sql_list(PREMISES_TIES)}, pl.via)
          AND pl.entity_id NOT IN (SELECT entity_id FROM kids)
          AND NOT EXISTS (
              SELECT 1 FROM network_members m
              WHERE m.network_id = p.network_id AND m.entity_id = pl.entity_id)
        ORDER BY p.network_id, p.location_key, pl.entity_id, pl.via, pl.record_key
        """
    )
