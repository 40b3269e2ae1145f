"""Incremental linking and stable entity ids: a person keeps their id; changes are recorded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from clearsight.linkage import LinkageError, run
from clearsight.linkage.incremental import link_new
from clearsight.store import connect
from tests.linkage.conftest import Linked, copy_of, entity_of, partition


def _add_person(con: duckdb.DuckDBPyConnection, source: str, pid: str, **values: object) -> None:
    columns = ["source_id", "batch_id", "file", "row_number", "is_current", "person_id", *values]
    con.execute(
        f"INSERT INTO persons ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [source, 99, "persons.csv", 2, True, pid, *values.values()],
    )


def test_a_new_record_about_a_known_child_joins_her_entity(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    before = partition(con)
    beth = entity_of(con, linked.fixture.named["bethany"][0])
    # A school's record of Bethany, and a child nobody has recorded before. The
    # key "AAA:1" sorts before every existing key: the entity id must not move.
    _add_person(
        con,
        "aaa",
        "1",
        forenames="bethany",
        surname="hughes",
        date_of_birth="2011-03-04",
        sex="female",
        postcode="LS9 7QT",
    )
    _add_person(
        con,
        "aaa",
        "2",
        forenames="zebedee",
        surname="quaxley",
        date_of_birth="2008-01-01",
        sex="male",
        postcode="HX1 1AA",
    )
    summary = link_new(con)
    assert summary.n_links > 0 and not summary.trained
    after = partition(con)
    assert after["aaa:1"] == beth
    assert after["aaa:2"] not in set(before.values())
    # Every existing record keeps its entity and id.
    assert {k: after[k] for k in before} == before
    # The incremental run is recorded with its base run and the new records.
    mode = con.execute(
        "SELECT design_json->>'mode', (design_json->>'new_records')::INT FROM link_runs "
        "WHERE run_id = ?",
        [summary.run_id],
    ).fetchall()[0]
    assert mode == ("incremental", 2)

    # A full run afterwards agrees, ids included.
    run(con, model_json=linked.model_json)
    assert partition(con) == after
    con.close()


def test_a_merge_keeps_one_id_and_is_recorded_with_its_reason(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path)
    a, b = linked.fixture.named["twins"][0], linked.fixture.named["twins"][1]
    ea, eb = entity_of(con, a), entity_of(con, b)
    assert ea != eb
    # An analyst decides the two are one person (say, one child recorded under two names).
    from clearsight.linkage import decide

    decide(con, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", accept=True, reason="same child", by="t")
    summary = run(con, model_json=linked.model_json)
    merged = entity_of(con, a)
    assert entity_of(con, b) == merged and merged in (ea, eb)
    changes = con.execute(
        "SELECT change, entity_id, other_entity_id, reason, changed_at FROM entity_changes "
        "WHERE run_id = ?",
        [summary.run_id],
    ).fetchall()
    assert changes
    (change,) = [c for c in changes if {c[1], c[2]} == {ea, eb}]
    assert change[0] == "merge" and change[1] == merged and change[3] and change[4]

    # Undoing it is a split, also recorded; the kept id stays with the larger part.
    decide(con, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", accept=False, reason="twins", by="t")
    summary = run(con, model_json=linked.model_json)
    assert entity_of(con, a) != entity_of(con, b)
    splits = con.execute(
        "SELECT entity_id, reason FROM entity_changes WHERE run_id = ? AND change = 'split'",
        [summary.run_id],
    ).fetchall()
    assert splits and all(e == merged for e, _ in splits)
    assert any("rejected by analyst" in r for _, r in splits)
    # The retired id is not given to anyone else.
    assert len(set(partition(con).values())) == len(
        con.execute("SELECT DISTINCT entity_id FROM person_entities").fetchall()
    )
    con.close()


def test_link_new_needs_a_trained_run(tmp_path: Path) -> None:
    from tests.linkage.minisynth import build

    con = connect(tmp_path / "fresh.duckdb")
    build(con, n_people=20)
    with pytest.raises(LinkageError, match="run 'clearsight link' first"):
        link_new(con)
    con.close()


def test_link_new_applies_new_decisions_and_departed_records_to_the_entities_they_touch(
    linked: Linked, tmp_path: Path
) -> None:
    """Scoped clustering: only touched entities are clustered again, and they are whole."""
    from clearsight.linkage import decide

    con = copy_of(linked, tmp_path)
    before = partition(con)
    by_entity: dict[str, list[str]] = {}
    for key, entity in before.items():
        by_entity.setdefault(entity, []).append(key)
    groups = sorted((sorted(keys) for keys in by_entity.values() if len(keys) >= 3), key=str)
    assert len(groups) >= 2
    split_me, shrink_me = groups[0], groups[1]
    # An analyst says two records of one entity are two people; a record of
    # another entity is withdrawn by its source.
    decide(con, split_me[0], split_me[1], accept=False, reason="two children", by="t")
    source, person = shrink_me[0].split(":", 1)
    con.execute(
        "UPDATE persons SET is_current = false WHERE source_id = ? AND person_id = ?",
        [source, person],
    )
    _add_person(con, "aaa", "9", forenames="zebedee", surname="quaxley", date_of_birth="2008-02-03")
    summary = link_new(con)
    after = partition(con)
    assert after[split_me[0]] != after[split_me[1]]
    assert shrink_me[0] not in after
    # Entities no decision, departure or new record touched are exactly as before.
    touched = {before[k] for k in (*split_me, *shrink_me)}
    untouched = {k: e for k, e in before.items() if e not in touched}
    assert untouched and {k: after[k] for k in untouched} == untouched
    # The entities table agrees with the records, every row of the latest run.
    rows = con.execute(
        "SELECT e.entity_id, e.n_records, count(pe.record_key), min(e.run_id), min(pe.run_id) "
        "FROM entities e LEFT JOIN person_entities pe USING (entity_id) GROUP BY ALL"
    ).fetchall()
    assert rows and all(n == m for _, n, m, _, _ in rows)
    assert {r for *_, r_e, r_p in rows for r in (r_e, r_p)} == {summary.run_id}
    assert {e for e, *_ in rows} == set(after.values())
    splits = con.execute(
        "SELECT reason FROM entity_changes WHERE run_id = ? AND change = 'split'",
        [summary.run_id],
    ).fetchall()
    assert any("rejected by analyst: two children" in r for (r,) in splits)
    # A full run afterwards gives the same partition.
    run(con, model_json=linked.model_json)
    assert partition(con) == after
    con.close()


def test_link_new_refuses_a_model_or_threshold(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearsight.linkage.cli import link_app

    result = CliRunner().invoke(
        link_app, ["--new", "--threshold", "12", "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code == 2
    assert "--new links with the last run's model and threshold" in result.output
