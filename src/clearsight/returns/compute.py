"""Compute the annual data return from the store: true (unrounded) counts.

One row per (area, measure, dimension, category, breakdown, breakdown category). Every
offence and person sits in exactly one area (people: the area of their index offence), so
the England and Wales row is the sum of the areas and disclosure control can reason about
totals. See dictionary.yaml for what each code means.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.returns.dictionary import Dictionary
from clearsight.stats.base import Context, prepare
from clearsight.stats.table import NATIONAL_KEY
from clearsight.store.sql import table_exists

# EU member states (ISO 3166-1 alpha-2), for the nationality grouping of the return.
EU = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    )
)
OFFENDING = ("suspect", "offender", "facilitator")
# s.15A Sexual Offences Act 2003 is committed by communication: an online or remote setting.
REMOTE_OFFENCE = r"(?i)sexual communication with a child|s\.?\s?15a\b"
ONLINE_OBJECTS = ("online_account", "email")
# Plausible ages at the offence (see dictionary.yaml, age_band): outside is a recording error.
VICTIM_AGE_RANGE = (0.0, 26.0)
SUSPECT_AGE_RANGE = (0.0, 101.0)
VICTIM_BANDS = (
    (0, 10, "age_0_9"),
    (10, 13, "age_10_12"),
    (13, 16, "age_13_15"),
    (16, 18, "age_16_17"),
    (18, 26, "age_18_25"),
)
SUSPECT_BANDS = (
    (0, 18, "age_under_18"),
    (18, 25, "age_18_24"),
    (25, 35, "age_25_34"),
    (35, 45, "age_35_44"),
    (45, 55, "age_45_54"),
    (55, 101, "age_55_100"),
)

Key = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class ReturnRow:
    area: str
    measure: str
    dimension: str
    category: str
    breakdown: str
    breakdown_category: str
    value: int | str


@dataclass
class ReturnData:
    """The return's rows (true counts) and what they were computed from."""

    rows: list[ReturnRow]
    areas: list[str]
    context: Context


def _quote(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v + "'" for v in values)


def _offences_sql(con: duckdb.DuckDBPyConnection) -> str:
    network = (
        "SELECT DISTINCT entity_id FROM network_members"
        if table_exists(con, "network_members")
        else "SELECT NULL::VARCHAR AS entity_id WHERE false"
    )
    online_objects = (
        f"""SELECT DISTINCT a.source_id, a.from_id AS event_id
            FROM current_associations a JOIN current_objects o
              ON o.source_id = a.source_id AND o.object_id = a.to_id
            WHERE a.from_type = 'event' AND a.to_type = 'object'
              AND o.object_type IN ({_quote(ONLINE_OBJECTS)})"""
        if table_exists(con, "current_associations") and table_exists(con, "current_objects")
        else "SELECT NULL::VARCHAR AS source_id, NULL::VARCHAR AS event_id WHERE false"
    )
    locations = (
        "SELECT source_id, location_id, location_type FROM current_locations"
        if table_exists(con, "current_locations")
        else "SELECT NULL::VARCHAR AS source_id, NULL::VARCHAR AS location_id, "
        "NULL::VARCHAR AS location_type WHERE false"
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE rt_offences AS
    WITH crime AS (
        SELECT s.*, e.location_id
        FROM st_events s JOIN current_events e USING (source_id, event_id)
        WHERE s.event_type = 'crime' AND s.relevant AND s.agency_type = 'police'
    ), offending AS (
        SELECT source_id, event_id, count(DISTINCT entity_id) AS n,
               bool_or(entity_id IN ({network})) AS in_network
        FROM st_involvements WHERE role IN ({_quote(OFFENDING)}) GROUP BY ALL
    ), follow AS (
        SELECT source_id, related_event_id AS crime_id,
               bool_or(event_type = 'arrest') AS arrested, bool_or(event_type = 'charge') AS charged
        FROM st_events WHERE related_event_id IS NOT NULL GROUP BY ALL
    ), court AS (
        SELECT DISTINCT ch.source_id, ch.related_event_id AS crime_id
        FROM st_events ch JOIN st_events co ON co.source_id = ch.source_id
             AND co.related_event_id = ch.event_id AND co.event_type = 'court_outcome'
        WHERE ch.event_type = 'charge'
    ), online AS ({online_objects}), loc AS ({locations})
    SELECT c.source_id, c.event_id, c.area, coalesce(c.occurred_date, c.reported_date) AS d,
           CASE WHEN l.location_type IS NOT NULL THEN l.location_type
                WHEN o.event_id IS NOT NULL
                  OR regexp_matches(coalesce(c.offence, ''), '{REMOTE_OFFENCE}') THEN 'online'
                ELSE 'not_recorded' END AS setting,
           CASE WHEN k.crime_id IS NOT NULL THEN 'court_outcome'
                WHEN coalesce(f.charged, false) OR c.outcome_code = 1 THEN 'charged'
                WHEN coalesce(f.arrested, false) THEN 'arrested'
                ELSE 'recorded' END AS stage,
           CASE WHEN c.outcome_code BETWEEN 1 AND 22 THEN 'oc_' || c.outcome_code
                WHEN c.status = 'closed' OR c.closed_date IS NOT NULL THEN 'closed_no_outcome'
                ELSE 'open' END AS outcome
    FROM crime c JOIN offending g USING (source_id, event_id)
    LEFT JOIN loc l ON l.source_id = c.source_id AND l.location_id = c.location_id
    LEFT JOIN online o ON o.source_id = c.source_id AND o.event_id = c.event_id
    LEFT JOIN follow f ON f.source_id = c.source_id AND f.crime_id = c.event_id
    LEFT JOIN court k ON k.source_id = c.source_id AND k.crime_id = c.event_id
    WHERE g.n >= 2 OR g.in_network
    """


def _people_sql(con: duckdb.DuckDBPyConnection) -> str:
    care_home = (
        """SELECT DISTINCT m.entity_id FROM current_associations a
           JOIN current_locations l ON l.source_id = a.source_id AND l.location_id = a.to_id
           JOIN st_map m ON m.source_id = a.source_id AND m.person_id = a.from_id
           WHERE a.from_type = 'person' AND a.to_type = 'location'
             AND a.association_type = 'resides_at' AND l.location_type = 'care_home'"""
        if table_exists(con, "current_associations") and table_exists(con, "current_locations")
        else "SELECT NULL::VARCHAR AS entity_id WHERE false"
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE rt_people AS
    WITH inv AS (
        SELECT i.entity_id, CASE WHEN i.role = 'victim' THEN 'victims' ELSE 'suspects' END
                   AS measure,
               o.area, o.d, o.source_id, o.event_id, o.stage, o.outcome, i.age
        FROM st_involvements i JOIN rt_offences o USING (source_id, event_id)
        WHERE i.role = 'victim' OR i.role IN ({_quote(OFFENDING)})
    ), ranked AS (
        SELECT * FROM inv
        WHERE measure = 'victims'
           OR entity_id NOT IN (SELECT entity_id FROM inv WHERE measure = 'victims')
        QUALIFY row_number() OVER (
            PARTITION BY entity_id ORDER BY d, source_id, event_id, age NULLS LAST) = 1
    ), sex_n AS (
        SELECT entity_id, sex, count(*) AS n FROM st_map
        WHERE sex IN ('female', 'male', 'other') GROUP BY ALL
    ), eth_n AS (
        SELECT entity_id, ethnicity, count(*) AS n FROM st_map
        WHERE ethnicity IS NOT NULL AND ethnicity <> 'NS' GROUP BY ALL
    ), top_sex AS (
        -- The value most often recorded; ties go to the first code, so the return is the
        -- same on every run.
        SELECT entity_id, sex FROM sex_n
        QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, sex) = 1
    ), top_eth AS (
        SELECT entity_id, ethnicity FROM eth_n
        QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, ethnicity) = 1
    ), attrs AS (
        SELECT entity_id, any_value(ts.sex) AS sex,
               bool_or(m.sex = 'unknown') AS sex_unknown,
               any_value(te.ethnicity) AS ethnicity,
               bool_or(m.ethnicity = 'NS') AS ethnicity_ns,
               list_distinct(flatten(list(coalesce(m.nationality, [])))) AS nationality,
               bool_or(m.agency_type = 'childrens_social_care') AS csc
        FROM st_map m LEFT JOIN top_sex ts USING (entity_id)
        LEFT JOIN top_eth te USING (entity_id) GROUP BY entity_id
    ), missing AS (
        SELECT DISTINCT entity_id FROM st_involvements
        WHERE role = 'missing_person' AND event_type = 'missing_episode'
    ), care AS ({care_home})
    SELECT r.entity_id, r.measure, r.area, r.stage, r.outcome, r.age, n.dob_status,
           a.sex, a.sex_unknown, a.ethnicity, a.ethnicity_ns, a.nationality, a.csc,
           r.entity_id IN (SELECT entity_id FROM missing) AS missing,
           r.entity_id IN (SELECT entity_id FROM care) AS care_home
    FROM ranked r JOIN st_entities n USING (entity_id) JOIN attrs a USING (entity_id)
    """


def _band(age: float | None, measure: str) -> str:
    if age is None:
        return "not_recorded"
    lo, hi = VICTIM_AGE_RANGE if measure == "victims" else SUSPECT_AGE_RANGE
    if age < lo or age >= hi:
        return "age_error"
    for a, b, code in VICTIM_BANDS if measure == "victims" else SUSPECT_BANDS:
        if a <= age < b:
            return code
    return "age_error"


def _nationality(codes: list[str] | None) -> str:
    found = {c.upper() for c in codes or [] if c}
    if not found:
        return "not_recorded"
    if "GB" in found:
        return "british"
    return "eu" if found & EU else "other"


def _person_categories(p: dict[str, Any]) -> dict[str, str]:
    """Each dimension's category for one person."""
    ethnicity = p["ethnicity"] or ("NS" if p["ethnicity_ns"] else "not_recorded")
    nationality = _nationality(p["nationality"])
    sex = p["sex"] or ("unknown" if p["sex_unknown"] else "not_recorded")
    yes_no = {True: "yes", False: "no"}
    return {
        "total": "total",
        "age_band": _band(p["age"], p["measure"]),
        "sex": sex,
        "ethnicity": ethnicity,
        "nationality": nationality,
        "ethnicity_completeness": (
            "recorded" if p["ethnicity"] else "not_stated" if p["ethnicity_ns"] else "not_recorded"
        ),
        "nationality_completeness": "not_recorded" if nationality == "not_recorded" else "recorded",
        "sex_completeness": "recorded" if p["sex"] else sex,
        "date_of_birth_completeness": {"missing": "not_recorded"}.get(
            str(p["dob_status"]), str(p["dob_status"])
        ),
        "missing_episode": yes_no[bool(p["missing"])],
        "known_to_childrens_social_care": yes_no[bool(p["csc"])],
        "lives_in_care_home": yes_no[bool(p["care_home"])],
    }


def _offence_categories(o: dict[str, Any]) -> dict[str, str]:
    setting = str(o["setting"])
    return {
        "total": "total",
        "setting": setting,
        "setting_completeness": "not_recorded" if setting == "not_recorded" else "recorded",
    }


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _count(
    d: Dictionary, measure: str, items: list[dict[str, Any]], categorise: Any
) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for item in items:
        cats = categorise(item)
        for dim in d.dimensions.values():
            if measure not in dim.measures:
                continue
            category = cats[dim.code]
            for by in dim.breakdowns:
                by_cat = "all" if by == "all" else str(item[by])
                for cat in {category, "total"}:
                    counts[(str(item["area"]), measure, dim.code, cat, by, by_cat)] += 1
    return counts


def compute_return(
    con: duckdb.DuckDBPyConnection, d: Dictionary, exclude_sources: tuple[str, ...] = ()
) -> ReturnData:
    """The return for every area and England and Wales: one area's return is its rows of
    this (``select``), so it is disclosure-controlled together with the others."""
    ctx = prepare(con, exclude_sources)
    con.execute(_offences_sql(con))
    con.execute(_people_sql(con))
    offences = _records(con, "SELECT * FROM rt_offences")
    people = _records(con, "SELECT * FROM rt_people")
    counts = _count(d, "offences", offences, _offence_categories)
    for measure in ("victims", "suspects"):
        counts += _count(
            d, measure, [p for p in people if p["measure"] == measure], _person_categories
        )
    areas = list(ctx.areas)
    rows: list[ReturnRow] = []
    for place in [*areas, NATIONAL_KEY]:
        for measure in d.measures:
            for dim in d.dimensions.values():
                if measure not in dim.measures:
                    continue
                for by in dim.breakdowns:
                    for by_cat in (c.code for c in d.breakdowns[by].categories):
                        for cat in dim.codes(measure) if dim.code != "total" else ["total"]:
                            if place == NATIONAL_KEY:
                                value = sum(
                                    counts[(a, measure, dim.code, cat, by, by_cat)] for a in areas
                                )
                            else:
                                value = counts[(place, measure, dim.code, cat, by, by_cat)]
                            rows.append(ReturnRow(place, measure, dim.code, cat, by, by_cat, value))
    _check_categorised(d, counts)
    return ReturnData(rows, areas, ctx)


def _check_categorised(d: Dictionary, counts: Counter[Key]) -> None:
    """A count under a code the dictionary does not hold would vanish from the return: fail."""
    for area, measure, dim, cat, by, by_cat in counts:
        dimension = d.dimensions[dim]
        if cat not in dimension.codes(measure) or by_cat not in {
            c.code for c in d.breakdowns[by].categories
        }:
            raise ValueError(
                f"return: {measure}/{dim} in {area} has code {cat!r} ({by}={by_cat!r}) that "
                "the dictionary does not define; add it to clearsight/returns/dictionary.yaml"
            )


def select(rows: list[ReturnRow], area: str | None, areas: list[str]) -> list[ReturnRow]:
    """One area's rows (``area``), or every row (None: the national return)."""
    if area is None:
        return rows
    if area not in areas:
        raise ValueError(f"no data for area {area!r}: areas are {', '.join(areas) or 'none'}")
    return [r for r in rows if r.area == area]
