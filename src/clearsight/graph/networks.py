"""Network tables: members with key-people measures, victims, objects, places, evidence."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from clearsight.graph import forenames, place_people
from clearsight.graph.build import _sql_list, _timed, table_exists
from clearsight.graph.decision import write_network_evidence
from clearsight.graph.detect import Detection
from clearsight.graph.ids import assign_ids
from clearsight.graph.key_people import measure, rank
from clearsight.graph.lone_offenders import LONE_OFFENDER
from clearsight.graph.overlap import other_network_record
from clearsight.graph.peer_groups import PEER_GROUP
from clearsight.graph.settings import KNOWING_LINK_TYPES, OFFENDING_ROLES, GraphSettings


def _previous(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    if not table_exists(con, "network_records"):
        return {}
    previous: dict[str, list[str]] = {}
    for network_id, key in con.execute(
        "SELECT network_id, source_id || ':' || person_id FROM network_records "
        "WHERE role <> 'victim'"
    ).fetchall():
        previous.setdefault(str(network_id), []).append(str(key))
    return previous


def write(
    con: duckdb.DuckDBPyConnection,
    detection: Detection,
    settings: GraphSettings | None = None,
) -> int:
    """Write the ``network*`` tables for ``detection``; returns the number of networks."""
    s = settings or GraphSettings()
    people = measure(detection.graph, s.betweenness_exact_max, s.betweenness_cutoff)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "net",
            "entity_id",
            "degree",
            "betweenness",
            "brokerage",
            "key_person_rank",
            "split_from",
        )
    }
    for index, members in enumerate(detection.networks):
        ranks = rank(detection.entities, people, members)
        for v in members:
            rows["net"].append(index)
            rows["entity_id"].append(detection.entities[v])
            rows["degree"].append(people.degree[v])
            rows["betweenness"].append(people.betweenness[v])
            rows["brokerage"].append(people.brokerage[v])
            rows["key_person_rank"].append(ranks[v])
            split = detection.split_from[index]
            rows["split_from"].append(None if split is None else f"component-{split}")
    members_arrow = pa.table(
        {
            "net": pa.array(rows["net"], pa.int64()),
            "entity_id": pa.array(rows["entity_id"], pa.string()),
            "degree": pa.array(rows["degree"], pa.int64()),
            "betweenness": pa.array(rows["betweenness"], pa.float64()),
            "brokerage": pa.array(rows["brokerage"], pa.int64()),
            "key_person_rank": pa.array(rows["key_person_rank"], pa.int64()),
            "split_from": pa.array(rows["split_from"], pa.string()),
        }
    )
    con.register("_members_arrow", members_arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE _members AS SELECT * FROM _members_arrow")
    con.unregister("_members_arrow")

    keys: dict[int, list[str]] = {}
    for net, key in con.execute(
        "SELECT m.net, p.record_key FROM _members m JOIN graph_person_map p USING (entity_id)"
    ).fetchall():
        keys.setdefault(int(net), []).append(str(key))
    nets = list(range(len(detection.networks)))
    ids, carried = assign_ids([keys.get(n, []) for n in nets], _previous(con))
    con.register(
        "_ids_arrow",
        pa.table(
            {
                "net": pa.array(nets, pa.int64()),
                "network_id": pa.array(ids, pa.string()),
                "carried_over": pa.array(carried, pa.bool_()),
            }
        ),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _ids AS SELECT * FROM _ids_arrow")
    con.unregister("_ids_arrow")
    _write_tables(con, detection.police_networks)
    forenames.write_joins(con, detection.forename_joins)
    write_network_evidence(con, s)
    con.execute("DROP TABLE _members; DROP TABLE _ids")
    _write_duplicates(con, detection.possible_duplicates)
    _write_lone_offenders(con, detection.lone_offenders)
    _write_peer_groups(con, detection.peer_groups)
    place_people.write(con)
    return len(nets)


def _write_peer_groups(con: duckdb.DuckDBPyConnection, groups: list[list[str]]) -> None:
    """``network_peer_groups``: each peer group of children set apart (``peer_groups.py``),
    one row per child with the group's number and the reason, so the analyst sees why
    they are in no network (and who is at risk together)."""
    con.register(
        "_peer_arrow",
        pa.table(
            {
                "peer_group": pa.array(
                    [i + 1 for i, g in enumerate(groups) for _ in g], pa.int64()
                ),
                "entity_id": pa.array([e for g in groups for e in g], pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE network_peer_groups AS "
        "SELECT p.peer_group, p.entity_id, e.label, ? AS reason FROM _peer_arrow p "
        "JOIN graph_entities e ON e.entity_id = p.entity_id "
        "ORDER BY p.peer_group, p.entity_id",
        [PEER_GROUP],
    )
    con.unregister("_peer_arrow")


def _write_lone_offenders(con: duckdb.DuckDBPyConnection, apart: list[tuple[str, str]]) -> None:
    """``network_lone_offenders``: each person set apart from the network a shared child
    held him in (``lone_offenders.py``), with a member of it and the reason, so the
    analyst sees why he is in no network."""
    con.register(
        "_lone_arrow",
        pa.table(
            {
                "entity_id": pa.array([e for e, _ in apart], pa.string()),
                "with_entity_id": pa.array([w for _, w in apart], pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TABLE network_lone_offenders AS "
        "SELECT d.entity_id, e.label, d.with_entity_id, w.label AS with_label, "
        "? AS reason FROM _lone_arrow d "
        "JOIN graph_entities e ON e.entity_id = d.entity_id "
        "JOIN graph_entities w ON w.entity_id = d.with_entity_id "
        "ORDER BY d.entity_id",
        [LONE_OFFENDER],
    )
    con.unregister("_lone_arrow")


def _write_duplicates(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str, str]]) -> None:
    """``network_possible_duplicates``: two people found only with each other who may be
    one person (alike by name and date of birth, or one of them unidentified with nothing
    but a shared child or place between them), with the reason and the links between
    them, for the linkage review rather than as a network."""
    con.register(
        "_dup_arrow",
        pa.table(
            {
                "entity_a": pa.array([a for a, _, _ in pairs], pa.string()),
                "entity_b": pa.array([b for _, b, _ in pairs], pa.string()),
                "reason": pa.array([r for _, _, r in pairs], pa.string()),
            }
        ),
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE network_possible_duplicates AS
        SELECT d.entity_a, d.entity_b, ea.label AS label_a, eb.label AS label_b,
               ea.dob AS dob_a, eb.dob AS dob_b,
               list_sort(list(DISTINCT l.link_type)) AS link_types,
               list_sort(list_distinct(flatten(list(l.record_keys)))) AS record_keys,
               d.reason
        FROM _dup_arrow d
        JOIN graph_entities ea ON ea.entity_id = d.entity_a
        JOIN graph_entities eb ON eb.entity_id = d.entity_b
        LEFT JOIN graph_links l ON l.entity_a = d.entity_a AND l.entity_b = d.entity_b
        GROUP BY ALL ORDER BY d.entity_a, d.entity_b
        """
    )
    con.unregister("_dup_arrow")


def _write_tables(con: duckdb.DuckDBPyConnection, police_networks: list[list[str]]) -> None:
    _write_members(con)
    _write_evidence(con)
    _write_networks(con)
    _police_only(con, police_networks)


def _write_members(con: duckdb.DuckDBPyConnection) -> None:
    """Who is in each network (``network_members``), the children its members offended
    against (``network_victims``) and the source records of both (``network_records``)."""
    offending = _sql_list(OFFENDING_ROLES)
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE network_members AS
        SELECT i.network_id, m.entity_id, g.role, e.unidentified, m.degree, m.betweenness,
               m.brokerage, m.key_person_rank, g.police_confirmed
        FROM _members m JOIN _ids i USING (net) JOIN graph_involved g USING (entity_id)
        JOIN graph_entities e USING (entity_id)
        ORDER BY i.network_id, m.key_person_rank
        """,
    )
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE network_victims AS
        SELECT nm.network_id, v.entity_id, count(DISTINCT v.event_key) AS n_events,
               min(v.event_date) AS first_date, max(v.event_date) AS last_date
        FROM network_members nm
        JOIN graph_involvements o ON o.entity_id = nm.entity_id
             AND list_contains({offending}, o.role)
        JOIN graph_involvements v ON v.event_key = o.event_key AND v.is_child
        WHERE NOT EXISTS (SELECT 1 FROM network_members x
                          WHERE x.network_id = nm.network_id AND x.entity_id = v.entity_id)
          -- A member of two networks: his record with the other group's men is theirs.
          AND NOT {other_network_record("nm", "o.event_key", offending)}
        GROUP BY nm.network_id, v.entity_id
        """,
    )
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE network_records AS
        SELECT nm.network_id, p.source_id, p.person_id, p.entity_id, nm.role
        FROM network_members nm JOIN graph_person_map p USING (entity_id)
        UNION ALL
        SELECT nv.network_id, p.source_id, p.person_id, p.entity_id, 'victim'
        FROM network_victims nv JOIN graph_person_map p USING (entity_id)
        ORDER BY 1, 2, 3
        """,
    )


def _write_evidence(con: duckdb.DuckDBPyConnection) -> None:
    """What holds each network together: the links between its members
    (``network_links``), the objects and the places they share (``network_objects``,
    ``network_locations``)."""
    offending = _sql_list(OFFENDING_ROLES)
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE network_links AS
        SELECT a.network_id, l.*
        FROM graph_links l
        JOIN network_members a ON a.entity_id = l.entity_a
        JOIN network_members b ON b.entity_id = l.entity_b AND b.network_id = a.network_id
        """,
    )
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE network_objects AS
        SELECT nm.network_id, po.object_key, o.object_type, o.value,
               count(DISTINCT po.entity_id) AS n_members,
               list_sort(list_distinct(list(po.source_id))) AS sources
        FROM network_members nm JOIN graph_person_objects po USING (entity_id)
        JOIN graph_objects o USING (object_key)
        GROUP BY ALL
        """,
    )
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE network_locations AS
        WITH uses AS (
            SELECT nm.network_id, e.location_key, 'event ' || i.role AS how, e.event_key
            FROM network_members nm JOIN graph_involvements i USING (entity_id)
            JOIN graph_events e USING (event_key)
            WHERE e.relevant AND e.location_key IS NOT NULL
              AND list_contains({offending}, i.role)
              AND NOT {other_network_record("nm", "i.event_key", offending)}
            UNION ALL
            SELECT nm.network_id, pl.location_key, pl.via, NULL
            FROM network_members nm JOIN graph_person_locations pl USING (entity_id)
        )
        SELECT u.network_id, u.location_key, l.postcode, l.name, l.location_type,
               list_sort(list_distinct(list(u.how))) AS uses,
               count(DISTINCT u.event_key) AS n_events
        FROM uses u JOIN graph_locations l USING (location_key)
        GROUP BY ALL
        """,
    )


def _write_networks(con: duckdb.DuckDBPyConnection) -> None:
    """One row per network (``networks``): its size, span, density, sources and areas."""
    knowing = _sql_list(KNOWING_LINK_TYPES)
    offending = _sql_list(OFFENDING_ROLES)
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE networks AS
        WITH several AS (
            SELECT entity_id FROM network_members GROUP BY entity_id HAVING count(*) > 1
        ),
        -- A member of two networks: his dates in each are those of his records there (a
        -- record he made with the other group's men is theirs).
        own AS (
            SELECT nm.network_id, nm.entity_id, min(i.event_date) AS first_date,
                   max(i.event_date) AS last_date
            FROM network_members nm JOIN several USING (entity_id)
            JOIN graph_involvements i USING (entity_id) JOIN graph_events e USING (event_key)
            WHERE e.relevant AND list_contains({offending}, i.role)
              AND NOT {other_network_record("nm", "i.event_key", offending)}
            GROUP BY ALL
        ),
        m AS (
            SELECT nm.network_id, count(*) AS size,
                   count(*) FILTER (WHERE nm.unidentified) AS n_unidentified,
                   count(*) FILTER (WHERE NOT nm.police_confirmed) AS n_intelligence_only,
                   min(coalesce(o.first_date, g.first_date)) AS first_date,
                   max(coalesce(o.last_date, g.last_date)) AS last_date
            FROM network_members nm JOIN graph_involved g USING (entity_id)
            LEFT JOIN own o USING (network_id, entity_id)
            GROUP BY nm.network_id
        ),
        l AS (
            SELECT network_id,
                   count(DISTINCT (entity_a, entity_b)) AS n_pairs,
                   count(DISTINCT (entity_a, entity_b))
                       FILTER (WHERE list_contains({knowing}, link_type)) AS n_knowing_pairs,
                   list_sort(list_distinct(list(link_type))) AS link_types,
                   min(first_date) AS first_date, max(last_date) AS last_date
            FROM network_links GROUP BY network_id
        ),
        src AS (
            SELECT network_id, source_id FROM network_records
            UNION SELECT network_id, unnest(sources) FROM network_links
        ),
        r AS (
            SELECT src.network_id, list_sort(list_distinct(list(src.source_id))) AS sources,
                   list_sort(list_distinct(list(s.area))) AS areas,
                   list_sort(list_distinct(list(s.agency_type))) AS agency_types
            FROM src JOIN sources s USING (source_id) GROUP BY src.network_id
        ),
        v AS (SELECT network_id, count(*) AS n_victims FROM network_victims GROUP BY ALL)
        SELECT i.network_id, m.size, m.n_unidentified, coalesce(v.n_victims, 0) AS n_victims,
               l.n_pairs, l.n_knowing_pairs,
               round(2.0 * l.n_pairs / (m.size * (m.size - 1)), 4) AS density,
               least(m.first_date, l.first_date) AS first_date,
               greatest(m.last_date, l.last_date) AS last_date,
               date_diff('day', least(m.first_date, l.first_date),
                         greatest(m.last_date, l.last_date)) AS timespan_days,
               r.sources, r.agency_types, r.areas,
               l.link_types, NULL::BOOLEAN AS detectable_police_only,
               NULL::DOUBLE AS police_only_coverage,
               (SELECT any_value(split_from) FROM _members mm WHERE mm.net = i.net)
                   AS split_from,
               i.carried_over, m.n_intelligence_only, NULL::BOOLEAN AS partner_only
        FROM _ids i JOIN m USING (network_id) LEFT JOIN l USING (network_id)
        JOIN r USING (network_id) LEFT JOIN v USING (network_id)
        ORDER BY i.network_id
        """,
    )


def _police_only(con: duckdb.DuckDBPyConnection, police_networks: list[list[str]]) -> None:
    """Would police data alone find this network? Detection rerun on police sources only
    (people involved through police events, links with police evidence) must give a
    network whose members have Jaccard >= 0.5 with this one's (the benchmark's match);
    ``police_only_coverage`` is the best such Jaccard."""
    members: dict[str, set[str]] = {}
    for network_id, entity_id in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        members.setdefault(str(network_id), set()).add(str(entity_id))
    # Each police network once per network (not once per shared member: quadratic in a
    # large network).
    police_sets = [set(p) for p in police_networks]
    owner: dict[str, list[int]] = {}
    for index, found in enumerate(police_sets):
        for entity in found:
            owner.setdefault(entity, []).append(index)
    rows = []
    for network_id, ms in members.items():
        candidates = {i for m in ms for i in owner.get(m, [])}
        best = max(
            (len(ms & police_sets[i]) / len(ms | police_sets[i]) for i in candidates),
            default=0.0,
        )
        rows.append((network_id, best >= 0.5, round(best, 4)))
    con.register(
        "_police_arrow",
        pa.table(
            {
                "network_id": pa.array([r[0] for r in rows], pa.string()),
                "detectable": pa.array([r[1] for r in rows], pa.bool_()),
                "coverage": pa.array([r[2] for r in rows], pa.float64()),
            }
        ),
    )
    con.execute(
        "UPDATE networks n SET detectable_police_only = p.detectable, "
        "police_only_coverage = p.coverage, partner_only = NOT p.detectable "
        "FROM _police_arrow p WHERE p.network_id = n.network_id"
    )
    con.unregister("_police_arrow")
