"""Connected components in Spark without GraphFrames: alternating large-star / small-star.

GraphFrames' JVM library cannot be fetched everywhere Clearsight runs, so components
come from plain DataFrame joins (Kiveris et al., "Connected Components in MapReduce and
Beyond", 2014). Each round is a constant number of shuffles and the number of rounds
grows with the logarithm of the component diameter, unlike min-label propagation,
which needs as many rounds as the longest shortest path.

Every node ends labelled with the smallest node id of its component, so the result is
a function of the edges alone, whatever the partitioning.
"""

from __future__ import annotations

from typing import Any

MAX_ROUNDS = 100


def _large_star(edges: Any) -> Any:
    """Each node's larger neighbours attach to the smallest of its neighbourhood (itself
    included)."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    both = edges.select("src", "dst").union(edges.select(F.col("dst").alias("src"), "src"))
    m = both.groupBy("src").agg(F.least(F.min("dst"), F.first("src")).alias("m"))
    return (
        both.join(m, "src")
        .where(F.col("dst") > F.col("src"))
        .select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        .distinct()
    )


def _small_star(edges: Any) -> Any:
    """Each node's smaller-or-equal neighbours (and itself) attach to the smallest of them."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    # Orient every edge from the larger id to the smaller.
    oriented = edges.select(
        F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst")
    ).where(F.col("src") != F.col("dst"))
    m = oriented.groupBy("src").agg(F.min("dst").alias("m"))
    joined = oriented.join(m, "src")
    return (
        joined.select(F.col("dst").alias("src"), F.col("m").alias("dst"))
        .union(joined.select("src", F.col("m").alias("dst")))
        .where(F.col("src") != F.col("dst"))
        .distinct()
    )


def connected_components(edges: Any, nodes: Any | None = None) -> Any:
    """``(node, component)`` for every node, ``component`` the smallest id in it.

    ``edges`` has integer columns ``src`` and ``dst``; ``nodes`` (column ``node``) adds
    isolated nodes, each its own component.
    """
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

    current = (
        edges.select(F.least("src", "dst").alias("src"), F.greatest("src", "dst").alias("dst"))
        .where(F.col("src") != F.col("dst"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        after = _small_star(_large_star(current)).localCheckpoint()
        # Converged when a round changes no edge: one job over the symmetric difference.
        changed = (
            after.withColumn("_new", F.lit(1))
            .join(current.withColumn("_old", F.lit(1)), ["src", "dst"], "full_outer")
            .where(F.col("_new").isNull() | F.col("_old").isNull())
            .limit(1)
            .count()
        )
        current = after
        if changed == 0:
            break
    else:  # pragma: no cover - a component diameter beyond 2**100
        raise RuntimeError("connected components did not converge")
    # At the fixed point every edge joins a node to its component's smallest id.
    labels = (
        current.select(
            F.greatest("src", "dst").alias("node"), F.least("src", "dst").alias("component")
        )
        .groupBy("node")
        .agg(F.min("component").alias("component"))
    )
    roots = labels.select(F.col("component").alias("node")).distinct()
    labelled = labels.union(roots.select("node", F.col("node").alias("component")))
    if nodes is not None:
        labelled = (
            nodes.select("node")
            .join(labelled, "node", "left")
            .select("node", F.coalesce("component", "node").alias("component"))
        )
    return labelled.groupBy("node").agg(F.min("component").alias("component"))
