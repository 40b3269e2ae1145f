"""One incident, several records: the police crime, the social care referral and the
hospital attendance about one episode, each with its own event id and its own subset of
the people, linked into one incident with a score and an explanation.

Stated rules (deterministic; each pair of records must meet the first three and one of
the last two):

1. **the same child**: both records name the same resolved child on the child side
   (victim, subject or missing person): each agency's record is about her (a child when
   any record counts her one: agencies record dates of birth differently);
2. **different sources**: agencies record an episode once each; a source's own records
   of one episode are its own business (an arrest follows its crime by
   ``related_event_id``);
3. **within the window**: event dates (occurred, else reported) at most
   ``incident_window_days`` apart: a referral to children's social care is decided on
   within one working day and a child is seen at hospital the same or the next day
   (Working Together to Safeguard Children 2023), while a partner's reported date can
   trail the police's occurred date by days;
4. **the same people**: another person (not the child) in both records, in a role other
   than reporting person in each: the adults she was with, not the parent or carer who
   reports every episode about her; or
5. **the same place**: the same location, or the same postcode, with the records at most
   ``incident_place_only_days`` apart (a hospital sees her the same or the next day; a
   child seen at one hotel or from one home days apart is a pattern of episodes at a
   place, not one episode).

Only records of an occurrence count (crime, incident, intelligence, missing episode,
referral, health attendance, education concern, other), not an arrest, charge or court
outcome, which follow a crime by ``related_event_id``. A strategy meeting counts only
when it records the date of the occurrence it considers (``occurred_date``): the
strategy discussion Working Together (2023) requires when a child may be suffering
significant harm is then social care's record of that episode, dated by it; a meeting
with only its own date is about the child, not about one episode.

The score is the mean of four agreements, each 0 to 1: the child (1), the dates (1 on
the same day, falling to 0 at one day beyond the window), the people (1 when another
person is in both) and the place (1 when the same). Records joined through others are
one incident (connected pairs). A record of an incident another record of which has an
exploitation context (a flag or wording, not a flag marker alone) has it too: one episode,
one context, as an arrest has its crime's. People on the offending side in different records of one
incident are then co-present (a ``same_incident`` link, as strong as being in one event).
"""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

from clearsight.graph.settings import CHILD_ROLES, GraphSettings
from clearsight.graph.statements import _sql_list
from clearsight.partition import groups

# Event types that record an occurrence (rule of the module docstring).
OCCURRENCE_TYPES: tuple[str, ...] = (
    "crime",
    "incident",
    "intelligence",
    "missing_episode",
    "referral",
    "health_attendance",
    "education_concern",
    "other",
)


_PAIRS = """
    WITH ev AS (
        SELECT g.event_key, g.source_id, g.event_date, g.location_key, g.postcode
        FROM graph_events g
        WHERE g.event_date IS NOT NULL
          AND (list_contains({types}, g.event_type)
               OR (g.event_type = 'strategy_meeting' AND EXISTS (
                   SELECT 1 FROM current_events c
                   WHERE c.source_id = g.source_id AND c.event_id = g.event_id
                     AND c.occurred_date IS NOT NULL)))
    ),
    -- The child side of each record, a person some record counts a child: agencies
    -- record her date of birth differently, and one record's date can make her 18.
    kids AS (
        SELECT DISTINCT i.event_key, i.entity_id FROM graph_involvements i
        SEMI JOIN ev USING (event_key)
        WHERE list_contains({children}, i.role)
          AND i.entity_id IN (SELECT entity_id FROM graph_involvements WHERE is_child)
    ),
    people AS (
        SELECT DISTINCT i.event_key, i.entity_id FROM graph_involvements i
        SEMI JOIN ev USING (event_key)
        WHERE i.role <> 'reporting_person'
    ),
    -- Each child's records in buckets of window + 1 days: two records within the window
    -- are in one bucket or the next, so a child in many records is not paired with all.
    ke AS (
        SELECT k.entity_id, k.event_key, e.source_id, e.event_date,
               date_diff('day', DATE '1970-01-01', e.event_date) // ({window} + 1) AS bucket
        FROM kids k JOIN ev e USING (event_key)
    ),
    near AS (
        SELECT a.*, b.event_key AS other_key, b.source_id AS other_source,
               b.event_date AS other_date
        FROM ke a JOIN ke b ON a.entity_id = b.entity_id AND a.bucket = b.bucket
        WHERE a.event_key < b.event_key
        UNION ALL
        SELECT a.*, b.event_key, b.source_id, b.event_date
        FROM ke a JOIN ke b ON a.entity_id = b.entity_id AND b.bucket = a.bucket + 1
    ),
    cand AS (
        SELECT least(event_key, other_key) AS ea, greatest(event_key, other_key) AS eb,
               min(entity_id) AS child
        FROM near
        WHERE source_id <> other_source
          AND abs(date_diff('day', event_date, other_date)) <= {window}
        GROUP BY ALL
    ),
    shared AS (
        SELECT c.ea, c.eb, list_sort(list(DISTINCT ge.label)) AS others
        FROM cand c
        JOIN people pa ON pa.event_key = c.ea
        JOIN people pb ON pb.event_key = c.eb AND pb.entity_id = pa.entity_id
        JOIN graph_entities ge ON ge.entity_id = pa.entity_id
        WHERE NOT EXISTS (SELECT 1 FROM kids k
                          WHERE k.entity_id = pa.entity_id AND k.event_key IN (c.ea, c.eb))
        GROUP BY ALL
    )
    SELECT c.ea, c.eb, ce.label AS child, coalesce(s.others, []) AS others,
           abs(date_diff('day', a.event_date, b.event_date)) AS gap_days,
           (a.location_key IS NOT NULL AND a.location_key = b.location_key)
             OR (a.postcode IS NOT NULL AND a.postcode = b.postcode) AS same_place,
           coalesce(l.name, a.postcode, a.location_key) AS place
    FROM cand c JOIN ev a ON a.event_key = c.ea JOIN ev b ON b.event_key = c.eb
    JOIN graph_entities ce ON ce.entity_id = c.child
    LEFT JOIN graph_locations l ON l.location_key = a.location_key
    LEFT JOIN shared s USING (ea, eb)
    WHERE len(coalesce(s.others, [])) > 0
       OR (((a.location_key IS NOT NULL AND a.location_key = b.location_key)
            OR (a.postcode IS NOT NULL AND a.postcode = b.postcode))
           AND abs(date_diff('day', a.event_date, b.event_date)) <= {place_days})
    ORDER BY c.ea, c.eb
"""


def _score(gap_days: int, shared_people: bool, same_place: bool, window: int) -> float:
    dates = max(0.0, 1.0 - gap_days / (window + 1))
    return round((1.0 + dates + float(shared_people) + float(same_place)) / 4, 4)


def _explain(
    ea: str, eb: str, child: str, others: list[str], gap: int, same_place: bool, place: str
) -> str:
    parts = [f"{ea} and {eb}: the same child {child}", f"{gap} day(s) apart"]
    if others:
        parts.append("both name " + ", ".join(others))
    if same_place:
        parts.append(f"both at {place}")
    return "; ".join(parts)


def link_incidents(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """Write ``incidents`` and ``incident_records`` (see the module docstring)."""
    window = int(s.incident_window_days)
    rows = con.execute(
        _PAIRS.format(
            types=_sql_list(OCCURRENCE_TYPES),
            children=_sql_list(CHILD_ROLES),
            window=window,
            place_days=int(s.incident_place_only_days),
        )
    ).fetchall()
    # Per record: its best-scoring pair (score, partner, explanation).
    best: dict[str, tuple[float, str, str]] = {}
    for ea, eb, child, others, gap, same_place, place in rows:
        score = _score(int(gap), bool(others), bool(same_place), window)
        why = _explain(ea, eb, child, list(others), int(gap), bool(same_place), str(place))
        for key, other in ((ea, eb), (eb, ea)):
            if key not in best or (score, other) > (best[key][0], best[key][1]):
                best[key] = (score, other, why)
    incident_of: dict[str, str] = {}
    for members in groups(sorted(best), ((ea, eb) for ea, eb, *_ in rows)):
        digest = hashlib.sha1("\n".join(sorted(members)).encode()).hexdigest()[:12]
        for key in members:
            incident_of[key] = f"I-{digest}"
    keys = sorted(best)
    con.register(
        "_incident_arrow",
        pa.table(
            {
                "incident_id": pa.array([incident_of[k] for k in keys], pa.string()),
                "event_key": pa.array(keys, pa.string()),
                "linked_to": pa.array([best[k][1] for k in keys], pa.string()),
                "score": pa.array([best[k][0] for k in keys], pa.float64()),
                "explanation": pa.array([best[k][2] for k in keys], pa.string()),
            }
        ),
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE incident_records AS
        SELECT r.incident_id, r.event_key, e.source_id, e.event_id, e.event_type,
               e.agency_type, e.area, e.event_date, r.linked_to, r.score, r.explanation
        FROM _incident_arrow r JOIN graph_events e USING (event_key)
        ORDER BY r.incident_id, e.event_date, r.event_key
        """
    )
    con.unregister("_incident_arrow")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE incidents AS
        WITH kids AS (
            SELECT r.incident_id, list_sort(list(DISTINCT i.entity_id)) AS children
            FROM incident_records r JOIN graph_involvements i USING (event_key)
            WHERE i.is_child AND list_contains({_sql_list(CHILD_ROLES)}, i.role)
            GROUP BY r.incident_id
        )
        SELECT r.incident_id, count(*) AS n_records,
               list_sort(list_distinct(list(r.source_id))) AS sources,
               list_sort(list_distinct(list(r.agency_type))) AS agency_types,
               k.children, min(r.event_date) AS first_date, max(r.event_date) AS last_date,
               round(min(r.score), 4) AS score,
               string_agg(DISTINCT r.explanation, ' | ' ORDER BY r.explanation)
                   AS explanation
        FROM incident_records r JOIN kids k USING (incident_id)
        GROUP BY r.incident_id, k.children ORDER BY r.incident_id
        """
    )
    # One episode has one context: a record of an incident another agency recorded as
    # exploitation (a flag or wording, not a flag marker alone) carries it too, as an
    # arrest carries its crime's.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _incident_context AS
        SELECT r.event_key FROM incident_records r
        JOIN (SELECT DISTINCT r2.incident_id FROM incident_records r2
              JOIN graph_events e USING (event_key)
              WHERE e.relevant AND NOT e.flag_marker) c USING (incident_id)
        JOIN graph_events e ON e.event_key = r.event_key
        WHERE NOT e.relevant;
        UPDATE graph_events SET relevant = true, sexual = true
        WHERE event_key IN (SELECT event_key FROM _incident_context);
        UPDATE graph_involvements SET sexual = true
        WHERE event_key IN (SELECT event_key FROM _incident_context);
        DROP TABLE _incident_context;
        """
    )
