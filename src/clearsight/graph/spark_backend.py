"""Network detection with its graph-wide step on Spark.

The one step that touches the whole offending-side graph, components over links of
people known to one another, runs in Spark (``clearsight.spark.components.connected_components``).
What follows works per component and stays local: the shared-child rule acts on the
graph of components, which is as small as the number of groups, and Leiden splits
only components of ``split_min_size`` or more people, each a few dozen vertices.
The graph build and the network tables are the DuckDB stage's own (``clearsight.graph``),
so both backends write the same tables from the same definitions.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from clearsight.graph.bridging import core_edges, join_bridged, paired_edges
from clearsight.graph.detect import Detection
from clearsight.graph.detect import detect as local_detect
from clearsight.graph.settings import GraphSettings
from clearsight.graph.summary import NetworksSummary


def knowing_components(
    spark: Any, n: int, edges: npt.NDArray[np.int64], knowing: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Component label of each of ``n`` vertices over the knowing edges, computed in Spark.

    Labels are each component's smallest vertex id, renumbered densely in that order, as
    igraph numbers components: the labelling does not depend on the engine.
    """
    from clearsight.spark.components import connected_components

    pairs = edges[knowing]
    rows = [(int(a), int(b)) for a, b in pairs.tolist()]
    edge_df = spark.createDataFrame(rows, "src long, dst long")
    labels = np.arange(n, dtype=np.int64)
    if rows:
        for node, component in connected_components(edge_df).collect():
            labels[int(node)] = int(component)
    _, dense = np.unique(labels, return_inverse=True)
    return np.asarray(dense, dtype=np.int64)


def detect(con: duckdb.DuckDBPyConnection, settings: GraphSettings, spark: Any) -> Detection:
    """``clearsight.graph.detect.detect`` with its components computed in Spark.

    The per-component steps (Leiden split, merge back) are the local module's own;
    only the graph-wide component step is Spark's.
    """

    def components(graph: Any, knowing: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        base = knowing_components(spark, graph.vcount(), edges, knowing)
        return join_bridged(base, edges, knowing, core_edges(graph), paired_edges(graph))

    return local_detect(con, settings, components)


def run(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings | None = None, spark: Any = None
) -> NetworksSummary:
    """``clearsight.graph.run`` with the Spark component step."""
    from clearsight.graph import summary
    from clearsight.spark.session import get_session

    session = spark or get_session()
    return summary.run(con, settings, detector=lambda c, s: detect(c, s, session))
