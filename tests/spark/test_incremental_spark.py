"""``clearsight link --new`` on Spark gives the entities DuckDB gives on the same store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearsight import linkage
from clearsight.ingest import ingest
from clearsight.linkage.cli import link_app
from clearsight.linkage.incremental import link_new
from clearsight.store import connect
from clearsight.synth import areas_for, generate

pytestmark = pytest.mark.spark

ENTITIES = "SELECT record_key, entity_id FROM person_entities ORDER BY record_key"


def test_link_new_on_spark_gives_the_duckdb_entities_and_ids(spark: Any, tmp_path: Path) -> None:
    generate(tmp_path / "synth", areas_for(1), scale=0.12, seed=5)
    folders = sorted((tmp_path / "synth" / "submissions").iterdir())
    assert len(folders) >= 2
    duck_path = tmp_path / "duck.duckdb"
    con = connect(duck_path)
    # Every source but the last, linked in full; the last arrives as a new submission.
    for folder in folders[:-1]:
        ingest(con, folder)
    linkage.run(con)
    ingest(con, folders[-1])
    con.close()
    spark_path = tmp_path / "spark.duckdb"
    shutil.copy(duck_path, spark_path)

    con = connect(duck_path)
    on_duckdb = link_new(con)
    duck_entities = con.execute(ENTITIES).fetchall()
    duck_pairs = con.execute(
        "SELECT record_key_l, record_key_r, round(match_weight, 6), linked FROM link_pairs "
        "WHERE run_id = ? ORDER BY 1, 2",
        [on_duckdb.run_id],
    ).fetchall()
    con.close()
    assert on_duckdb.n_links > 0 and duck_pairs

    # Through the command, as an analyst would run it.
    result = CliRunner().invoke(
        link_app, ["--new", "--backend", "spark", "--db", str(spark_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    con = connect(spark_path)
    run_id, backend, mode = con.execute(
        "SELECT run_id, backend, design_json->>'mode' FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    assert (backend, mode) == ("spark", "incremental")
    spark_pairs = con.execute(
        "SELECT record_key_l, record_key_r, round(match_weight, 6), linked FROM link_pairs "
        "WHERE run_id = ? ORDER BY 1, 2",
        [run_id],
    ).fetchall()
    # The same pairs scored alike, the same entities under the same ids.
    assert spark_pairs == duck_pairs
    assert con.execute(ENTITIES).fetchall() == duck_entities
    con.close()
