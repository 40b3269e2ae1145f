"""The Spark backend gives the DuckDB backend's entities and networks on the same input."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from clearsight import graph, linkage
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import areas_for, generate

pytestmark = pytest.mark.spark


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(itertools.combinations(sorted(members), 2))
    return out


def _f1(a: set[tuple[str, str]], b: set[tuple[str, str]]) -> float:
    if not a and not b:
        return 1.0
    both = len(a & b)
    return 2 * both / (len(a) + len(b))


def _grouped(con: Any, sql: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for key, group in con.execute(sql).fetchall():
        groups.setdefault(str(group), []).append(str(key))
    return groups


ENTITIES = "SELECT record_key, entity_id FROM person_entities"
# Networks compared by their member records, ids aside: ids may differ, members not.
NETWORKS = (
    "SELECT r.source_id || ':' || r.person_id, r.network_id FROM network_records r "
    "WHERE r.role <> 'victim'"
)


def test_spark_and_duckdb_give_same_entities_and_networks(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearsight.graph import spark_backend as spark_networks

    generate(tmp_path / "synth", areas_for(1), scale=0.12, seed=5)
    con = connect(tmp_path / "store.duckdb")
    for folder in sorted((tmp_path / "synth" / "submissions").iterdir()):
        ingest(con, folder)

    first = linkage.run(con)
    model_json = con.execute(
        "SELECT model_json FROM link_runs WHERE run_id = ?", [first.run_id]
    ).fetchall()[0][0]
    duck_entities = _grouped(con, ENTITIES)
    graph.run(con)
    duck_networks = _grouped(con, NETWORKS)

    # Same trained model: training samples pairs with each engine's own random numbers.
    second = linkage.run(con, backend="spark", model_json=model_json)
    assert second.n_records == first.n_records
    spark_entities = _grouped(con, ENTITIES)
    spark_networks.run(con, spark=spark)
    spark_nets = _grouped(con, NETWORKS)

    assert _f1(_pairs(duck_entities), _pairs(spark_entities)) >= 0.999
    assert sorted(map(sorted, duck_entities.values())) == sorted(
        map(sorted, spark_entities.values())
    )
    assert duck_networks, "the scenario must hold networks to compare"
    assert _f1(_pairs(duck_networks), _pairs(spark_nets)) >= 0.999

    # Intermediates written to disk instead of kept in memory: the same entities.
    monkeypatch.setenv("CLEARSIGHT_SPARK_LINEAGE", "parquet")
    linkage.run(con, backend="spark", model_json=model_json)
    on_disk = _grouped(con, ENTITIES)
    assert sorted(map(sorted, on_disk.values())) == sorted(map(sorted, spark_entities.values()))
    con.close()


def test_an_unknown_lineage_method_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from clearsight.spark.session import SparkOptions

    monkeypatch.setenv("CLEARSIGHT_SPARK_LINEAGE", "memory")
    with pytest.raises(ValueError, match="CLEARSIGHT_SPARK_LINEAGE='memory' is not one of"):
        SparkOptions()


def test_scratch_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from clearsight.spark.session import SparkOptions

    monkeypatch.delenv("CLEARSIGHT_SPARK_LOCAL_DIR", raising=False)
    assert SparkOptions().local_dir is None
    monkeypatch.setenv("CLEARSIGHT_SPARK_LOCAL_DIR", "/srv/spark-scratch")
    assert SparkOptions().local_dir == "/srv/spark-scratch"
