from __future__ import annotations

import random
from typing import Any

import igraph as ig
import pytest

from clearsight.linkage.spark_backend import JARO_WINKLER_UDF, duckdb_to_spark

pytestmark = pytest.mark.spark


def test_translation_of_duckdb_conditions() -> None:
    arrays = frozenset({"fn_keys", "phones"})
    assert duckdb_to_spark("list_has_any(fn_keys_l, fn_keys_r)", arrays) == (
        "arrays_overlap(fn_keys_l, fn_keys_r)"
    )
    assert duckdb_to_spark('"fn1_l" = "fn1_r"') == "`fn1_l` = `fn1_r`"
    assert duckdb_to_spark("fn1_l[1] = fn1_r[1]") == (
        "substring(fn1_l, 1, 1) = substring(fn1_r, 1, 1)"
    )
    assert duckdb_to_spark("phones_l[1] = phones_r[2]", arrays) == (
        "element_at(phones_l, 1) = element_at(phones_r, 2)"
    )
    # Splink's bundled Spark Jaro-Winkler disagrees with DuckDB's; the translation calls
    # the UDF that gives DuckDB's figures (linkage.spark_backend).
    assert duckdb_to_spark("jaro_winkler_similarity(a_l, a_r) >= 0.9") == (
        f"{JARO_WINKLER_UDF}(a_l, a_r) >= 0.9"
    )


def test_components_match_igraph(spark: Any) -> None:
    from clearsight.spark.components import connected_components

    rnd = random.Random(7)
    n = 400
    # Random sparse edges plus a long path: the worst case for label propagation.
    edges = [(rnd.randrange(n), rnd.randrange(n)) for _ in range(220)]
    edges += [(i, i + 1) for i in range(100, 180)]
    nodes = spark.createDataFrame([(i,) for i in range(n)], "node long")
    result = dict(
        connected_components(spark.createDataFrame(edges, "src long, dst long"), nodes).collect()
    )
    membership = ig.Graph(n=n, edges=edges).connected_components().membership
    smallest: dict[int, int] = {}
    for v, c in enumerate(membership):
        smallest[c] = min(smallest.get(c, v), v)
    assert result == {v: smallest[membership[v]] for v in range(n)}
