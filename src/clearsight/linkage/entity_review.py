"""Entities flagged for review by their size and density, each with why.

The measures are Splink's graph metrics (``linker.clustering.compute_graph_metrics``)
over the links that hold each entity together: its records (nodes), the pairs of
them that link directly (edges), the density (edges over all possible pairs),
and the bridges (links whose loss would split the entity, from igraph). Only
entities of three or more records are measured: one or two records cannot be
held together by a chain, nor hold too many records of one source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from clearsight.linkage import tables

# An entity whose records link directly in fewer than half of their pairs holds
# together through chains: the shape of two people joined by a third record
# (two cliques and one bridge), which single linkage makes and which a reader of
# the entity should check. A person's own records mostly link each other: a
# chain of three (two of three pairs) or four (three of six) is not flagged.
LOOSE_DENSITY = 0.5
# An agency keeps one record of a person (a force's nominal record, the
# children's services person record, the patient record under one NHS number,
# the pupil record under one UPN); a second record of the same person is a
# duplicate raised before the first was found, which happens. A third means the
# agency missed its own duplicate twice: more records of one source than this
# in one entity is more often two people merged than one person thrice recorded.
MAX_RECORDS_PER_SOURCE = 2

_NODES = "_entity_review_nodes"
_EDGES = "_entity_review_edges"


@dataclass(frozen=True)
class FlaggedEntity:
    """An entity of the latest run flagged for review, with every reason that applies."""

    entity_id: str
    n_records: int
    n_sources: int
    # Pairs of its records that link directly (or an analyst accepted), their
    # share of all its pairs, and how many of them are bridges.
    direct_links: int
    density: float
    bridges: int
    # Most records the entity holds from any one source, and that source.
    most_from_one_source: int
    source: str
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def flagged_entities(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[FlaggedEntity]:
    """Entities of the latest run to review, largest first, then the loosest."""
    tables.ensure_tables(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_NODES} AS
        SELECT pe.record_key, pe.entity_id AS cluster_id, pe.source_id
        FROM person_entities pe JOIN entities e USING (entity_id)
        WHERE e.n_records >= 3
        """
    )
    if not con.execute(f"SELECT 1 FROM {_NODES} LIMIT 1").fetchall():
        return []
    # The links inside each entity: those the run made and those analysts accepted.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_EDGES} AS
        WITH links AS (
            SELECT record_key_l, record_key_r FROM link_pairs WHERE linked
            UNION
            SELECT record_key_l, record_key_r FROM current_link_decisions
            WHERE decision = 'accept'
        )
        SELECT k.record_key_l, k.record_key_r, 1.0::DOUBLE AS match_probability
        FROM links k
        JOIN {_NODES} a ON a.record_key = k.record_key_l
        JOIN {_NODES} b ON b.record_key = k.record_key_r
        WHERE a.cluster_id = b.cluster_id
        """
    )
    try:
        metrics = _graph_metrics(con)
    finally:
        for scratch in (_NODES, _EDGES):
            con.execute(f"DROP TABLE IF EXISTS {scratch}")
    out = []
    for entity_id, n, n_sources, edges, density, bridges, most, source in metrics:
        reasons = []
        if most > MAX_RECORDS_PER_SOURCE:
            reasons.append(
                f"{most} records from {source}: an agency keeps one record of a person, "
                f"and a duplicate now and then"
            )
        if density < LOOSE_DENSITY:
            reasons.append(
                f"held together by chains: {edges} of its {n * (n - 1) // 2} pairs link "
                f"directly (density {density:.2f})"
                + (f", {bridges} of them bridges" if bridges else "")
            )
        if reasons:
            out.append(
                FlaggedEntity(
                    str(entity_id),
                    int(n),
                    int(n_sources),
                    int(edges),
                    round(float(density), 4),
                    int(bridges),
                    int(most),
                    str(source),
                    reasons,
                )
            )
    out.sort(key=lambda e: (-e.n_records, e.density, e.entity_id))
    return out[:limit]


def _graph_metrics(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Per entity of three or more records: size, sources, links, density, bridges and the
    most records from one source, from Splink's graph metrics."""
    from splink import DuckDBAPI, Linker, SettingsCreator

    before = _splink_relations(con)
    api = DuckDBAPI(connection=con)
    nodes = api.register(_NODES, dataset_display_name=_NODES)
    linker = Linker(
        nodes,
        SettingsCreator(link_type="dedupe_only", unique_id_column_name="record_key"),
        log_level="ERROR",
    )
    predict = linker.table_management.register_table_predict(api.register(_EDGES))
    graph = linker.clustering.compute_graph_metrics(predict, nodes, threshold_match_probability=1.0)
    try:
        return con.execute(
            f"""
            WITH bridges AS (
                SELECT n.cluster_id, count(*) AS n FROM {graph.edges.physical_name} g
                JOIN {_NODES} n ON n.record_key = g.composite_unique_id_l
                WHERE g.is_bridge GROUP BY n.cluster_id
            ),
            per_source AS (
                SELECT cluster_id, source_id, count(*) AS k FROM {_NODES}
                GROUP BY cluster_id, source_id
                QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY k DESC, source_id) = 1
            )
            SELECT c.cluster_id, c.n_nodes,
                   (SELECT count(DISTINCT source_id) FROM {_NODES} x
                    WHERE x.cluster_id = c.cluster_id),
                   c.n_edges::BIGINT, c.density, coalesce(b.n, 0), s.k, s.source_id
            FROM {graph.clusters.physical_name} c
            LEFT JOIN bridges b USING (cluster_id)
            JOIN per_source s USING (cluster_id)
            """
        ).fetchall()
    finally:
        api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        # The bridges igraph found are registered as a data frame Splink does not
        # list among its own tables; nothing of this call stays in the connection.
        for name, kind in _splink_relations(con) - before:
            if kind == "VIEW":
                con.unregister(name)
            else:
                con.execute(f'DROP TABLE IF EXISTS "{name}"')


def _splink_relations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE starts_with(table_name, ?)",
            [tables.SPLINK_PREFIX],
        ).fetchall()
    }
