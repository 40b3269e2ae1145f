"""Serving copies of what pages look up by key, built at start-up.

* Record tables sorted by their key: DuckDB skips row groups by their min/max, turning a
  25 ms scan of a million persons into a lookup of a few milliseconds.
* ``web_persons`` carries each record's entity in the latest linkage run, indexed too, so
  a person page finds an entity's records in one lookup.
* ``web_networks``: one row per network with everything its page and graph need (summary,
  member records with their areas and names, members, links, shared objects and places,
  definition results) as one JSON document, unfiltered: the page applies the viewer's
  access to it (``network_view.network_view``). A page then costs one small lookup, not a
  dozen joins, and ``NetworkCache`` keeps recently opened ones parsed in memory.

Only one process owns the store, so the data cannot change while the app runs: the
copies are rebuilt at start-up when ingest, linkage or networks have run since (a
signature of those tables is kept in ``web_serving``). Sealing is not baked in: pages
read ``sealed_records`` live.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from typing import Any

import duckdb

from clearsight.standard.roles import OFFENDING_ROLES
from clearsight.web.queries import ENTITY_NETWORKS_SQL, catalog, exists

log = logging.getLogger(__name__)

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
        " cse_flag, status, narrative, location_id,"
        # The raw value only when it carries a time (the timeline's clock): a bare date
        # adds nothing to ``occurred_date``, and NULLs cost the lookups nothing.
        " CASE WHEN occurred_date_raw LIKE '%:%' THEN occurred_date_raw END"
        " AS occurred_date_raw",
        "source_id, event_id",
    ),
}
SIGNATURE_VERSION = "12"
# The lookup key of each record copy, indexed (ART): ``IN`` lists on it are index scans.
KEYS = {
    "web_persons": "source_id || '/' || person_id",
    "web_involvements": "source_id || '/' || person_id",
    "web_events": "source_id || '/' || event_id",
}

# Tables whose content the serving copies are built from, beyond the record views: a
# cheap order-independent checksum of each goes into the signature.
_CHECKSUMS = {
    "networks": "network_id, size, n_victims",
    "network_records": "network_id, source_id, person_id, entity_id, role",
    "network_members": "network_id, entity_id, role, key_person_rank",
    "network_links": "network_id, entity_a, entity_b, link_type",
    "network_objects": "network_id, object_key",
    "network_locations": "network_id, location_key",
    "definition_results": "subject_id, definition_id, status",
    "graph_involvements": "entity_id, event_key, role",
    "graph_events": "event_key, relevant, event_date",
    "network_evidence": "network_id, entity_id, rule_id, source_id",
    "network_victims": "network_id, entity_id",
}
NETWORK_TABLES = ("networks", "network_records", "network_members", "network_links")
# ``graph_involvements`` ordered by entity (see ``refresh``).
GRAPH_INVOLVEMENTS = "web_graph_involvements"
GRAPH_EVENTS = "web_graph_events"


def _signature(con: duckdb.DuckDBPyConnection, names: frozenset[str]) -> str:
    parts = [SIGNATURE_VERSION]
    if "batches" in names:
        parts.append(str(con.execute("SELECT count(*), max(batch_id) FROM batches").fetchall()))
    if "person_entities" in names:
        parts.append(str(con.execute("SELECT max(run_id) FROM person_entities").fetchall()))
    for table, columns in _CHECKSUMS.items():
        if table in names:
            found = con.execute(f"SELECT count(*), sum(hash({columns})) FROM {table}").fetchall()
            parts.append(f"{table}:{found}")
    return "|".join(parts)


# A member at a place: associated with it (lives, works, frequents), or on the offending
# side of a record of exploitation there (``network_locations`` counts both; a member who
# does both keeps both, as every export draws them: ``exports/places.attach_places``).
_PLACE_USERS = f"""(
            SELECT entity_id, location_key, source_id FROM graph_person_locations
            UNION ALL
            SELECT i.entity_id, e.location_key, e.source_id
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE e.relevant AND e.location_key IS NOT NULL
              AND list_contains({list(OFFENDING_ROLES)}, i.role))"""

# What members share (objects, places), each with the members using it and the sources
# (and their areas) that hold it, so a page can apply the viewer's access to each: the
# tables each needs, and what each member's use of a thing is read from.
_SHARED_THINGS = (
    (
        "objs",
        ("object_key", "object_type", "value"),
        ("network_objects", "graph_person_objects", "object_key"),
        "graph_person_objects",
    ),
    (
        "locs",
        ("location_key", "location_type", "name", "postcode"),
        ("network_locations", "graph_person_locations", "location_key"),
        _PLACE_USERS,
    ),
)


def _shared_things_cte(
    cte: str, fields: tuple[str, ...], network_table: str, person_table: str, key: str
) -> str:
    """One list per network of the things in ``network_table`` its members use
    (``person_table``: a table or a parenthesised query of entity, thing and source)."""
    struct = ", ".join(f"'{f}': {f}" for f in fields)
    chosen = ", ".join(f"t.{f}" for f in fields)
    return f"""{cte} AS (
            SELECT network_id, list({{{struct}, 'users': users, 'holders': holders}}
                                    ORDER BY {key}) AS v
            FROM (SELECT t.network_id, {chosen},
                         list(DISTINCT p.entity_id ORDER BY p.entity_id) AS users,
                         list(DISTINCT {{'source_id': p.source_id, 'area': hs.area}}) AS holders
                  FROM {network_table} t JOIN {person_table} p USING ({key})
                  JOIN network_members m ON m.entity_id = p.entity_id
                   AND m.network_id = t.network_id
                  LEFT JOIN sources hs ON hs.source_id = p.source_id
                  GROUP BY ALL)
            GROUP BY network_id)"""


# Why each member is in the network (``graph/decision.py``): the decision record, with
# each evidence source's area, so a page shows record ids only to who may see them.
_EVIDENCE_CTE = """evid AS (
            SELECT ev.network_id,
                   list({'entity_id': ev.entity_id, 'rule_id': ev.rule_id,
                         'strength': ev.strength, 'source_id': ev.source_id, 'area': s.area,
                         'record_ids': ev.record_ids, 'first_date': ev.first_date,
                         'last_date': ev.last_date}
                        ORDER BY ev.entity_id, ev.strength DESC, ev.rule_id, ev.source_id) AS v
            FROM network_evidence ev LEFT JOIN sources s USING (source_id)
            GROUP BY ev.network_id)"""
# The events that tie each child offended against to members, and everyone of the network
# in them (as every export draws them, ``exports/places.attach_events``): on the page's
# graph no child is an isolated node either.
_CHILD_EVENTS_CTE = """cev AS (
            SELECT x.network_id,
                   list(DISTINCT {'event_key': e.event_key, 'event_type': e.event_type,
                                  'event_date': e.event_date, 'offence': e.offence,
                                  'source_id': e.source_id, 'area': s.area,
                                  'entity_id': i.entity_id, 'role': i.role}) AS v
            FROM (SELECT DISTINCT v.network_id, c.event_key FROM network_victims v
                  JOIN graph_involvements c ON c.entity_id = v.entity_id AND c.is_child
                  JOIN graph_involvements o ON o.event_key = c.event_key
                  JOIN network_members m ON m.entity_id = o.entity_id
                   AND m.network_id = v.network_id) x
            JOIN graph_events e ON e.event_key = x.event_key
            JOIN graph_involvements i ON i.event_key = x.event_key
            JOIN (SELECT network_id, entity_id FROM network_members
                  UNION SELECT network_id, entity_id FROM network_victims) people
              ON people.network_id = x.network_id AND people.entity_id = i.entity_id
            LEFT JOIN sources s ON s.source_id = e.source_id
            GROUP BY x.network_id)"""


def network_sql(names: frozenset[str], *, one: bool = False) -> str:
    """One JSON document per network (see the module docstring); with ``one``, only the
    network given as the single parameter (when the serving copy is not there)."""
    definitions = "NULL"
    ctes = []
    joins = []
    shared: dict[str, str] = {}
    for cte, fields, (network_table, person_table, key), uses in _SHARED_THINGS:
        reads_events = uses != person_table
        if {network_table, person_table} <= names and (
            not reads_events or {"graph_events", "graph_involvements"} <= names
        ):
            ctes.append(_shared_things_cte(cte, fields, network_table, uses, key))
            joins.append(f"LEFT JOIN {cte} ON {cte}.network_id = n.network_id")
            shared[cte] = f"{cte}.v"
    objects, locations = shared.get("objs", "NULL"), shared.get("locs", "NULL")
    if "definition_results" in names:
        ctes.append(
            """defs AS (
            SELECT subject_id AS network_id,
                   list({'definition_id': definition_id,
                         'definition_version': definition_version, 'status': status,
                         'category': category, 'criteria': criteria::VARCHAR,
                         'evidence': evidence::VARCHAR} ORDER BY definition_id) AS v
            FROM definition_results WHERE subject_type = 'network' GROUP BY ALL)"""
        )
        joins.append("LEFT JOIN defs ON defs.network_id = n.network_id")
        definitions = "defs.v"
    evidence, events = "NULL", "NULL"
    if {"network_evidence", "sources"} <= names:
        ctes.append(_EVIDENCE_CTE)
        joins.append("LEFT JOIN evid ON evid.network_id = n.network_id")
        evidence = "evid.v"
    if {"network_victims", "graph_involvements", "graph_events", "sources"} <= names:
        ctes.append(_CHILD_EVENTS_CTE)
        joins.append("LEFT JOIN cev ON cev.network_id = n.network_id")
        events = "cev.v"
    persons = "web_persons" if "web_persons" in names else "current_persons"
    return f"""
        WITH recs AS (
            SELECT r.network_id,
                   list({{'entity_id': r.entity_id, 'role': r.role, 'source_id': r.source_id,
                          'person_id': r.person_id, 'area': s.area,
                          'name': trim(coalesce(p.forenames, '') || ' '
                                       || coalesce(p.surname, ''))}}
                        ORDER BY r.source_id, r.person_id) AS v
            FROM network_records r JOIN sources s USING (source_id)
            LEFT JOIN {persons} p ON p.source_id = r.source_id AND p.person_id = r.person_id
            GROUP BY r.network_id),
        mems AS (
            SELECT network_id,
                   list({{'entity_id': entity_id, 'role': role, 'degree': degree,
                          'betweenness': betweenness, 'brokerage': brokerage,
                          'key_person_rank': key_person_rank, 'unidentified': unidentified,
                          'police_confirmed': police_confirmed}}
                        ORDER BY key_person_rank, entity_id) AS v
            FROM network_members GROUP BY network_id),
        links AS (
            SELECT network_id,
                   list({{'entity_a': entity_a, 'entity_b': entity_b, 'link_type': link_type}}
                        ORDER BY entity_a, entity_b, link_type) AS v
            FROM network_links GROUP BY network_id)
        {"".join(", " + c for c in ctes)}
        SELECT n.network_id,
               to_json({{'summary': n, 'records': coalesce(recs.v, []),
                         'members': coalesce(mems.v, []), 'links': coalesce(links.v, []),
                         'objects': {objects}, 'locations': {locations},
                         'definitions': {definitions}, 'evidence': {evidence},
                         'events': {events}}})::VARCHAR AS payload
        FROM networks n
        LEFT JOIN recs ON recs.network_id = n.network_id
        LEFT JOIN mems ON mems.network_id = n.network_id
        LEFT JOIN links ON links.network_id = n.network_id
        {" ".join(joins)}
        {"WHERE n.network_id = ?" if one else "ORDER BY n.network_id"}
    """


def refresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the serving copies when stale; True when it did."""
    _check_explanations(con)
    names = catalog(con)
    if not all(source in names for source, _c, _k in SERVING.values()):
        return False
    signature = _signature(con, names)
    wanted = set(SERVING)
    if all(t in names for t in NETWORK_TABLES):
        wanted.add("web_networks")
    if "web_serving" in names and wanted <= names:
        stored = con.execute("SELECT signature FROM web_serving").fetchall()
        if stored and stored[0][0] == signature:
            return False
    con.begin()
    try:
        for table, (source, columns, key) in SERVING.items():
            select = f"SELECT {columns} FROM {source}"
            if table == "web_persons":
                # Each record's entity in the latest linkage run, NULL when not linked.
                entity = "NULL::VARCHAR"
                if "person_entities" in names:
                    entity = "pe.entity_id"
                    select += (
                        " LEFT JOIN (SELECT source_id AS pe_s, person_id AS pe_p, entity_id"
                        " FROM person_entities"
                        " WHERE run_id = (SELECT max(run_id) FROM person_entities)) pe"
                        " ON pe.pe_s = source_id AND pe.pe_p = person_id"
                    )
                select = select.replace(
                    f"SELECT {columns}", f"SELECT {columns}, {entity} AS entity_id", 1
                )
            select = select.replace("SELECT ", f"SELECT {KEYS[table]} AS k, ", 1)
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {select} ORDER BY {key}")
            con.execute(f"CREATE INDEX {table}_k ON {table} (k)")
        if "person_entities" in names:
            con.execute("CREATE INDEX web_persons_entity ON web_persons (entity_id)")
        if "web_networks" in wanted:
            # Indexed and uncompressed: DuckDB would pick ZSTD for documents this long, and a
            # lookup would then decompress a whole segment of them (20-50 ms, not 0.5).
            con.execute(
                "CREATE OR REPLACE TABLE web_networks (network_id VARCHAR,"
                " payload VARCHAR USING COMPRESSION uncompressed)"
            )
            con.execute(f"INSERT INTO web_networks {network_sql(names)}")
            con.execute("CREATE INDEX web_networks_k ON web_networks (network_id)")
        if "graph_involvements" in names:
            # The network stage's involvements ordered and indexed by entity: a chart asks
            # for a few entities' events, which are then index lookups in a few row
            # groups instead of a scan of millions of rows.
            con.execute(
                f"CREATE OR REPLACE TABLE {GRAPH_INVOLVEMENTS} AS"
                " SELECT * FROM graph_involvements ORDER BY entity_id"
            )
            con.execute(f"CREATE INDEX {GRAPH_INVOLVEMENTS}_e ON {GRAPH_INVOLVEMENTS} (entity_id)")
            wanted.add(GRAPH_INVOLVEMENTS)
        if "graph_events" in names:
            # And its events by key, indexed: the few events of those entities are then
            # index lookups.
            con.execute(
                f"CREATE OR REPLACE TABLE {GRAPH_EVENTS} AS"
                " SELECT * FROM graph_events ORDER BY event_key"
            )
            con.execute(f"CREATE INDEX {GRAPH_EVENTS}_k ON {GRAPH_EVENTS} (event_key)")
            wanted.add(GRAPH_EVENTS)
        # Copies another signature built and this one would not: stale, so dropped.
        for stale in ("web_entities", "web_networks", GRAPH_INVOLVEMENTS, GRAPH_EVENTS):
            # web_entities: an older layout
            if stale not in wanted:
                con.execute(f"DROP TABLE IF EXISTS {stale}")
        con.execute("CREATE OR REPLACE TABLE web_serving AS SELECT ? AS signature", [signature])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True


def _check_explanations(con: duckdb.DuckDBPyConnection) -> None:
    """Say so when the linkage stage's per-entity explanations (``entity_explanations``)
    are missing or older than its latest run: the app only reads them (the stage is their
    one writer), and a person page then explains the entity from the run's own tables, a
    scan instead of one indexed lookup."""
    from clearsight.linkage.explain import explanations_current

    if explanations_current(con) is False:
        log.warning(
            "linkage explanations are missing or older than the latest linkage run (a store "
            "analysed by an older version): person pages build each explanation from the "
            "run's tables, more slowly; 'clearsight analyse --stage linkage' writes them"
        )


# Indexed serving tables and their key column, touched once at start-up.
_INDEXED = (
    ("web_persons", "k"),
    ("web_persons", "entity_id"),
    ("web_involvements", "k"),
    ("web_events", "k"),
    ("web_networks", "network_id"),
    ("entity_explanations", "entity_id"),
    ("web_graph_events", "event_key"),
    ("web_graph_involvements", "entity_id"),
)


def warm_up(con: duckdb.DuckDBPyConnection, entity_networks: EntityNetworks) -> None:
    """Pay at start-up what the first pages would: the entity-to-network map, and one
    lookup through each index (DuckDB loads an index's top nodes on first use)."""
    names = catalog(con)
    entity_networks.load(con, names)
    for table, key in _INDEXED:
        if table not in names:
            continue
        sql = f"SELECT {key} FROM {table} WHERE {key} IS NOT NULL LIMIT 1"
        found = con.execute(sql).fetchall()
        if found:
            con.execute(f"SELECT * FROM {table} WHERE {key} = ?", [found[0][0]]).fetchall()


class EntityNetworks:
    """Every entity's networks (``queries.entity_networks``) in memory, read once: the
    network tables cannot change while the app holds the store (as for ``web_networks``),
    and a person page would otherwise join them per request. Tens of thousands of rows
    at a million persons."""

    def __init__(self) -> None:
        self._by_entity: dict[str, list[dict[str, Any]]] | None = None
        self._lock = threading.Lock()

    def __call__(self, con: duckdb.DuckDBPyConnection, entity_id: str) -> list[dict[str, Any]]:
        by_entity = self._by_entity
        if by_entity is None:
            by_entity = self.load(con, catalog(con))
        return [dict(r) for r in by_entity.get(entity_id, [])]

    def load(
        self, con: duckdb.DuckDBPyConnection, names: frozenset[str]
    ) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            if self._by_entity is None:
                self._by_entity = self._read(con, names)
            return self._by_entity

    @staticmethod
    def _read(
        con: duckdb.DuckDBPyConnection, names: frozenset[str]
    ) -> dict[str, list[dict[str, Any]]]:
        if not {"network_members", "network_victims", "networks"} <= names:
            return {}
        cur = con.execute(f"{ENTITY_NETWORKS_SQL} ORDER BY n.network_id")
        columns = [d[0] for d in cur.description]
        by_entity: dict[str, list[dict[str, Any]]] = {}
        for row in cur.fetchall():
            found = dict(zip(columns, row, strict=True))
            by_entity.setdefault(str(found.pop("entity_id")), []).append(found)
        return by_entity


class NetworkCache:
    """Parsed ``web_networks`` documents, the most recently used few hundred kept."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[str, dict[str, Any] | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, con: duckdb.DuckDBPyConnection, network_id: str) -> dict[str, Any] | None:
        with self._lock:
            if network_id in self._items:
                self._items.move_to_end(network_id)
                return self._items[network_id]
        if exists(con, "web_networks"):
            sql = "SELECT network_id, payload FROM web_networks WHERE network_id = ?"
        elif all(exists(con, t) for t in NETWORK_TABLES):
            sql = network_sql(catalog(con), one=True)
        else:
            return None
        found = con.execute(sql, [network_id]).fetchall()
        doc: dict[str, Any] | None = json.loads(str(found[0][1])) if found else None
        with self._lock:
            self._items[network_id] = doc
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return doc
