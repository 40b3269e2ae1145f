"""Graph speed at scale: ``benchmarks/networks.py scale`` (store tables of the given size
written straight in SQL, no ingest, no truth), then graph build and detection timed."""

from __future__ import annotations

import time
from pathlib import Path

from clearsight import graph
from clearsight.definitions import evaluate_all
from clearsight.store import connect


def _peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scale(persons: int, events: int, work: Path) -> None:
    """Store tables of the given size, generated in SQL: background crime and referrals,
    plus planted groups of four to six offending together against children."""
    con = connect(work / "scale.duckdb")
    start = time.perf_counter()
    con.execute(
        """
        CREATE OR REPLACE TABLE sources AS
        SELECT * FROM (VALUES ('police', 'P', 'police', 'west-yorkshire', 1),
                              ('csc', 'C', 'childrens_social_care', 'west-yorkshire', 1))
            t(source_id, organisation, agency_type, area, current_batch_id)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE current_persons AS
        SELECT CASE WHEN i % 5 = 0 THEN 'csc' ELSE 'police' END AS source_id,
               'P' || i AS person_id, 'f' || (i % 5000) AS forenames, 's' || (i % 20000) AS surname,
               (CASE WHEN i % 3 = 0 THEN 2008 + i % 8 ELSE 1960 + i % 40 END)::VARCHAR
                   AS date_of_birth,
               CASE WHEN i % 2 = 0 THEN 'male' ELSE 'female' END AS sex,
               'W1' AS ethnicity_self_defined, NULL AS ethnicity_officer_defined,
               ['GB'] AS nationality,
               'LS' || (i % 90 + 1) || ' ' || (i % 9) || 'AB' AS postcode,
               CASE WHEN i % 7 = 0 THEN (i // 3) || ' High Street' END AS address,
               CASE WHEN i % 4 = 0 THEN ['+447700' || lpad(((i * 7) % 999983)::VARCHAR, 6, '0')]
                    ELSE [] END AS phones,
               []::VARCHAR[] AS emails
        FROM range({persons}) r(i)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE current_events AS
        SELECT CASE WHEN i % 5 = 1 THEN 'csc' ELSE 'police' END AS source_id, 'E' || i AS event_id,
               CASE WHEN i % 5 = 1 THEN 'referral' ELSE 'crime' END AS event_type,
               DATE '2023-01-01' + (i % 900)::INTEGER AS reported_date,
               NULL::DATE AS occurred_date, NULL AS related_event_id, NULL AS location_id,
               NULL AS postcode,
               CASE WHEN i % 20 = 0 THEN 'Sexual activity with a child' ELSE 'Theft' END
                   AS offence,
               CASE WHEN i % 40 = 0 THEN 'yes' ELSE 'no' END AS cse_flag,
               NULL AS narrative
        FROM range({events}) r(i)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE current_involvements AS
        -- Every involvement points at a person of the event's own source: persons with
        -- index % 5 = 0 are social care records, the rest police; events with i % 5 = 1
        -- are social care referrals, the rest police crimes (so the planted sexual
        -- events, i % 20 = 0, are police crimes against planted police offenders).
        WITH e AS (SELECT i, CASE WHEN i % 5 = 1 THEN 'csc' ELSE 'police' END AS s,
                          hash(i * 7) % {persons} AS x, hash(i * 13) % {persons} AS y
                   FROM range({events}) r(i))
        -- A child victim and one or two suspects; a sexual event's suspects come from a
        -- planted group of five (so groups are co-offending), others are random.
        SELECT s AS source_id, 'E' || i AS event_id,
               'P' || ((hash(i) % ({persons} // 15)) * 15
                       + CASE s WHEN 'csc' THEN 0 ELSE 3 END) AS person_id,
               'victim' AS role FROM e
        UNION ALL
        SELECT s, 'E' || i, 'P' || (CASE WHEN i % 20 = 0
                THEN ((i // 20) % ({persons} // 50)) * 50 + 1 + (i // 1000) % 5 * 5
                WHEN s = 'csc' THEN x // 5 * 5
                WHEN x % 5 = 0 THEN x + 1 ELSE x END), 'suspect' FROM e
        UNION ALL
        SELECT s, 'E' || i, 'P' || (CASE WHEN i % 20 = 0
                THEN ((i // 20) % ({persons} // 50)) * 50 + 1 + (i // 3000) % 5 * 5
                WHEN s = 'csc' THEN y // 5 * 5
                WHEN y % 5 = 0 THEN y + 1 ELSE y END), 'suspect'
        FROM e WHERE i % 2 = 0
        """
    )
    for table in ("objects", "locations", "associations"):
        columns = {
            "objects": "source_id VARCHAR, object_id VARCHAR, object_type VARCHAR, "
            "value VARCHAR, description VARCHAR",
            "locations": "source_id VARCHAR, location_id VARCHAR, location_type VARCHAR, "
            "name VARCHAR, address VARCHAR, postcode VARCHAR, latitude DOUBLE, longitude DOUBLE",
            "associations": "source_id VARCHAR, from_type VARCHAR, from_id VARCHAR, "
            "to_type VARCHAR, to_id VARCHAR, association_type VARCHAR, start_date DATE, "
            "end_date DATE",
        }[table]
        con.execute(f"CREATE OR REPLACE TABLE current_{table} ({columns})")
    con.execute(
        f"""
        INSERT INTO current_associations
        SELECT 'police', 'person', 'P' || (i * 50 + 1), 'person', 'P' || (i * 50 + 6),
               'associate_of', NULL, NULL FROM range({persons} // 50) r(i)
        """
    )
    counts = con.execute(
        "SELECT (SELECT count(*) FROM current_persons), (SELECT count(*) FROM current_events), "
        "(SELECT count(*) FROM current_involvements)"
    ).fetchall()[0]
    print(f"generated {counts} in {time.perf_counter() - start:.1f} s")
    orphans = con.execute(
        "SELECT count(*) FROM current_involvements i ANTI JOIN current_persons p "
        "USING (source_id, person_id)"
    ).fetchall()[0][0]
    assert orphans == 0, f"{orphans} involvements point at no person of their source"
    start = time.perf_counter()
    summary = graph.run(con)
    evaluate_all(con)
    print(f"graph + detection + definitions: {time.perf_counter() - start:.1f} s")
    print(summary.as_dict())
    print(f"peak RSS {_peak_rss_mib():,.0f} MiB")
