"""Serving copies of the tables pages look up by key, sorted by that key.

DuckDB has no secondary indexes worth the name for this; sorted storage lets it skip
row groups by their min/max, turning a 25 ms scan of a million persons into a lookup of a
few milliseconds. Only one process owns the store, so the data cannot change while the
app runs: the copies are rebuilt at start-up when ingest or linkage has run since.
"""

from __future__ import annotations

import duckdb

from clearsight.web.queries import catalog

# Narrow on purpose: a lookup still decompresses a whole row group of every column it
# reads, so the raw and extra columns would triple its cost.
SERVING = {
    "web_persons": (
        "current_persons",
        "source_id, person_id, forenames, surname, aliases, date_of_birth, sex,"
        " ethnicity_self_defined, ethnicity_officer_defined, nationality, postcode, address,"
        " phones, emails, nhs_number",
        "source_id, person_id",
    ),
    "web_involvements": (
        "current_involvements",
        "source_id, person_id, event_id, role",
        "source_id, person_id",
    ),
    "web_events": (
        "current_events",
        "source_id, event_id, event_type, occurred_date, reported_date, closed_date, offence,"
        " cse_flag, status, narrative",
        "source_id, event_id",
    ),
}
SIGNATURE_VERSION = "2"


def _signature(con: duckdb.DuckDBPyConnection, names: frozenset[str]) -> str:
    parts = [SIGNATURE_VERSION]
    if "batches" in names:
        parts.append(str(con.execute("SELECT count(*), max(batch_id) FROM batches").fetchall()))
    if "person_entities" in names:
        parts.append(str(con.execute("SELECT max(run_id) FROM person_entities").fetchall()))
    return "|".join(parts)


def refresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the serving copies when stale; True when it did."""
    names = catalog(con)
    if not all(source in names for source, _c, _k in SERVING.values()):
        return False
    signature = _signature(con, names)
    if "web_serving" in names and all(t in names for t in SERVING):
        stored = con.execute("SELECT signature FROM web_serving").fetchall()
        if stored and stored[0][0] == signature:
            return False
    con.begin()
    try:
        for table, (source, columns, key) in SERVING.items():
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {columns} FROM {source} ORDER BY {key}"
            )
        con.execute("CREATE OR REPLACE TABLE web_serving AS SELECT ? AS signature", [signature])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True
