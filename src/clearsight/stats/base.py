"""The people, events and networks the statistics count, as temporary tables.

Each person entity, network and case has exactly one *primary area*: the area holding most
of its records (ties: first alphabetically). That keeps every count additive, so the
national row is the sum of the areas and disclosure control can reason about totals.
Stages not yet run (linkage, networks, definitions, language) are detected, never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from clearsight.stats.table import Provenance
from clearsight.store.sql import table_exists

# Events that count as exploitation context when the network stage has not been run.
SEXUAL_OFFENCE = r"(?i)sexual|rape|indecen|groom|exploit|prostitut|traffick|child sex"


def _nonempty(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    if not table_exists(con, name):
        return False
    return con.execute(f"SELECT count(*) > 0 FROM {name}").fetchall()[0][0] is True


@dataclass
class Context:
    """What the store holds, and the provenance every table states."""

    areas: list[str]
    linkage: bool
    graph: bool
    definitions: bool
    language: bool
    provenance: Provenance
    excluded: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _quote(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "''"


def prepare(con: duckdb.DuckDBPyConnection, exclude_sources: tuple[str, ...] = ()) -> Context:
    """Create the ``st_*`` temporary tables; works on a read-only connection."""
    if not table_exists(con, "sources"):
        raise ValueError("the store holds no data: run 'clearsight ingest' first")
    excluded = tuple(sorted(exclude_sources))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_sources AS
        SELECT s.source_id, s.organisation, s.agency_type, s.area, b.batch_id,
               b.extract_date, b.period_start, b.period_end
        FROM sources s JOIN batches b ON b.batch_id = s.current_batch_id
        WHERE s.source_id NOT IN ({_quote(excluded)})
        """
    )
    graph = _nonempty(con, "graph_person_map") and _nonempty(con, "graph_events")
    linkage = _nonempty(con, "person_entities")
    definitions = table_exists(con, "definition_results")
    language = table_exists(con, "language_findings")
    if graph:
        entity = "gm.entity_id"
        join = "LEFT JOIN graph_person_map gm USING (source_id, person_id)"
    elif linkage:
        entity = "pe.entity_id"
        join = "LEFT JOIN person_entities pe USING (source_id, person_id)"
    else:
        entity, join = "NULL", ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_map AS
        SELECT p.source_id, p.person_id,
               coalesce({entity}, p.source_id || ':' || p.person_id) AS entity_id,
               s.area, s.agency_type, p.sex, p.ethnicity_self_defined AS ethnicity,
               p.nationality, p.date_of_birth,
               CASE
                 WHEN length(p.date_of_birth) = 10 THEN TRY_CAST(p.date_of_birth AS DATE)
                 WHEN length(p.date_of_birth) = 7 THEN TRY_CAST(p.date_of_birth || '-15' AS DATE)
                 WHEN length(p.date_of_birth) = 4 THEN TRY_CAST(p.date_of_birth || '-07-01' AS DATE)
               END AS dob
        FROM current_persons p JOIN st_sources s USING (source_id) {join}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE st_entities AS
        WITH area_n AS (
            SELECT entity_id, area, count(*) AS n FROM st_map GROUP BY ALL
        ), primary_area AS (
            SELECT entity_id, area FROM area_n
            QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, area) = 1
        ), sex_n AS (
            SELECT entity_id, sex, count(*) AS n FROM st_map
            WHERE sex IS NOT NULL AND sex <> 'unknown' GROUP BY ALL
        ), main_sex AS (
            SELECT entity_id, sex FROM sex_n
            QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, sex) = 1
        )
        SELECT m.entity_id, any_value(a.area) AS area,
               list_sort(list_distinct(list(m.agency_type))) AS agency_types,
               coalesce(any_value(x.sex), 'unknown') AS sex,
               CASE WHEN bool_or(m.ethnicity IS NOT NULL AND m.ethnicity <> 'NS') THEN 'recorded'
                    WHEN bool_or(m.ethnicity = 'NS') THEN 'not_stated'
                    ELSE 'not_recorded' END AS ethnicity_status,
               bool_or(len(coalesce(m.nationality, [])) > 0) AS nationality_recorded,
               CASE WHEN bool_or(length(m.date_of_birth) = 10) THEN 'full'
                    WHEN bool_or(m.date_of_birth IS NOT NULL) THEN 'partial'
                    ELSE 'missing' END AS dob_status,
               min(m.dob) AS dob
        FROM st_map m JOIN primary_area a USING (entity_id) LEFT JOIN main_sex x USING (entity_id)
        GROUP BY m.entity_id
        """
    )
    if graph:
        relevant = "coalesce(g.relevant, false)"
        gjoin = "LEFT JOIN graph_events g USING (source_id, event_id)"
    else:
        relevant = (
            f"(e.cse_flag = 'yes' OR regexp_matches(coalesce(e.offence, ''), '{SEXUAL_OFFENCE}'))"
        )
        gjoin = ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_events AS
        SELECT e.source_id, e.event_id, e.event_type, e.reported_date, e.occurred_date,
               e.closed_date, e.related_event_id, e.cse_flag, e.status, e.outcome_code,
               e.specialist_unit, e.offence, e.narrative, s.area, s.agency_type,
               s.extract_date, {relevant} AS relevant
        FROM current_events e JOIN st_sources s USING (source_id) {gjoin}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE st_involvements AS
        SELECT m.entity_id, i.source_id, i.event_id, i.role, e.event_type, e.relevant,
               e.cse_flag, coalesce(e.occurred_date, e.reported_date) AS event_date,
               datediff('day', n.dob, coalesce(e.occurred_date, e.reported_date)) / 365.25 AS age
        FROM current_involvements i
        JOIN st_map m USING (source_id, person_id)
        JOIN st_events e USING (source_id, event_id)
        JOIN st_entities n ON n.entity_id = m.entity_id
        """
    )
    _people(con, graph, definitions)
    return Context(
        areas=[
            str(a)
            for (a,) in con.execute("SELECT DISTINCT area FROM st_sources ORDER BY 1").fetchall()
        ],
        linkage=linkage,
        graph=graph,
        definitions=definitions and _nonempty(con, "definition_results"),
        language=language,
        provenance=provenance(con, excluded),
        excluded=excluded,
    )


def _people(con: duckdb.DuckDBPyConnection, graph: bool, definitions: bool) -> None:
    """Children who are victims or at risk; suspects and offenders."""
    network_victims = (
        "SELECT entity_id FROM network_victims"
        if graph and table_exists(con, "network_victims")
        else "SELECT NULL::VARCHAR AS entity_id WHERE false"
    )
    dfe = (
        "SELECT subject_id AS entity_id, status FROM definition_results "
        "WHERE subject_type = 'child' AND definition_id = 'dfe-2017-cse'"
        if definitions
        else "SELECT NULL::VARCHAR AS entity_id, NULL::VARCHAR AS status WHERE false"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_children AS
        WITH child AS (
            -- Age when the exploitation concern arose: the first event with an
            -- exploitation context, else the latest record of the child.
            SELECT entity_id,
                   coalesce(min(age) FILTER (WHERE relevant OR cse_flag = 'yes'), max(age)) AS age,
                   bool_or(role = 'victim' AND relevant) AS relevant_victim,
                   bool_or(cse_flag = 'yes') AS flagged
            FROM st_involvements
            WHERE role IN ('victim', 'subject', 'missing_person') AND age < 18
            GROUP BY entity_id
        ), dfe AS ({dfe}), nv AS ({network_victims})
        SELECT c.entity_id, n.area, n.sex, n.ethnicity_status, n.agency_types, c.age,
               CASE WHEN c.entity_id IN (SELECT entity_id FROM nv)
                      OR c.entity_id IN (SELECT entity_id FROM dfe WHERE status = 'meets')
                      OR c.relevant_victim THEN 'victim'
                    ELSE 'at_risk' END AS status
        FROM child c JOIN st_entities n USING (entity_id)
        WHERE c.entity_id IN (SELECT entity_id FROM nv)
           OR c.entity_id IN (SELECT entity_id FROM dfe WHERE status IN ('meets', 'possible'))
           OR c.relevant_victim OR c.flagged
        """
    )
    involved = (
        "SELECT entity_id FROM graph_involved"
        if graph and table_exists(con, "graph_involved")
        else "SELECT DISTINCT entity_id FROM st_involvements "
        "WHERE relevant AND role IN ('suspect', 'offender', 'facilitator')"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_suspects AS
        WITH inv AS ({involved}),
        roles AS (
            SELECT entity_id, bool_or(role = 'offender') AS offender, min(age) AS age
            FROM st_involvements
            WHERE relevant AND role IN ('suspect', 'offender', 'facilitator')
            GROUP BY entity_id
        )
        SELECT n.entity_id, n.area, n.sex, n.ethnicity_status, n.agency_types,
               r.age,
                CASE WHEN coalesce(r.offender, false) THEN 'offender' ELSE 'suspect' END AS status
        FROM inv JOIN st_entities n USING (entity_id) LEFT JOIN roles r USING (entity_id)
        WHERE n.entity_id NOT IN (SELECT entity_id FROM st_children)
        """
    )
    if graph and table_exists(con, "networks"):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE st_networks AS
            WITH rec AS (
                SELECT r.network_id, s.area, count(*) AS n
                FROM network_records r JOIN st_sources s USING (source_id)
                WHERE r.role <> 'victim' GROUP BY ALL
            ), primary_area AS (
                SELECT network_id, area FROM rec
                QUALIFY row_number() OVER (PARTITION BY network_id ORDER BY n DESC, area) = 1
            )
            SELECT n.network_id, a.area, n.size, n.n_victims, n.detectable_police_only,
                   n.agency_types
            FROM networks n JOIN primary_area a USING (network_id)
            """
        )


def provenance(con: duckdb.DuckDBPyConnection, excluded: tuple[str, ...]) -> Provenance:
    definitions: tuple[str, ...] = ()
    if table_exists(con, "definition_results"):
        definitions = tuple(
            f"{d} {v}"
            for d, v in con.execute(
                "SELECT DISTINCT definition_id, definition_version "
                "FROM definition_results ORDER BY 1"
            ).fetchall()
        )
    row = con.execute(
        "SELECT min(extract_date), max(extract_date), min(period_start), max(period_end) "
        "FROM st_sources"
    ).fetchall()[0]
    assert row is not None
    lo, hi, start, end = row
    extracts = "" if lo is None else (str(lo) if lo == hi else f"{lo} to {hi}")
    included = tuple(
        str(s) for (s,) in con.execute("SELECT source_id FROM st_sources ORDER BY 1").fetchall()
    )
    return Provenance(
        definitions=definitions,
        extract_dates=extracts,
        period="" if start is None else f"{start} to {end}",
        sources_included=included,
        sources_excluded=excluded,
    )
