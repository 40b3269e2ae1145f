"""Analysts' decisions as labels: the model's precision and recall per pair of sources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from clearsight.linkage import decide
from clearsight.linkage.accuracy import accuracy
from clearsight.linkage.cli import link_app
from clearsight.store import connect
from tests.linkage.conftest import Linked

runner = CliRunner()


def test_decisions_estimate_precision_and_recall_against_the_models_own_verdict(
    linked: Linked, tmp_path: Path
) -> None:
    db = tmp_path / "labels.duckdb"
    shutil.copy(linked.path, db)
    con = connect(db)
    assert accuracy(con) == []
    # Two pairs of one pair of sources the model links, one it scored and did not link.
    linked_pairs = con.execute(
        "SELECT record_key_l, record_key_r, source_id_l, source_id_r FROM link_pairs "
        "WHERE linked AND source_id_l <> source_id_r ORDER BY evidence DESC"
    ).fetchall()
    assert linked_pairs
    sources = (linked_pairs[0][2], linked_pairs[0][3])
    same = [p for p in linked_pairs if (p[2], p[3]) == sources]
    assert len(same) >= 2
    # A pair no rule proposed (or scored below the review band) is one the model
    # would not link: two records of those sources in two entities, never scored.
    unlinked = con.execute(
        "SELECT least(a.record_key, b.record_key), greatest(a.record_key, b.record_key) "
        "FROM person_entities a JOIN person_entities b ON a.entity_id <> b.entity_id "
        "WHERE a.source_id = ? AND b.source_id = ? AND NOT EXISTS (SELECT 1 FROM link_pairs p "
        "WHERE p.record_key_l = least(a.record_key, b.record_key) "
        "AND p.record_key_r = greatest(a.record_key, b.record_key)) "
        "ORDER BY 1, 2 LIMIT 1",
        list(sources),
    ).fetchall()
    assert unlinked
    decide(con, same[0][0], same[0][1], accept=True, reason="same child", by="t")
    decide(con, same[1][0], same[1][1], accept=False, reason="brothers", by="t")
    decide(con, unlinked[0][0], unlinked[0][1], accept=True, reason="same child", by="t")
    (row,) = [r for r in accuracy(con) if {r.source_l, r.source_r} == set(sources)]
    assert (row.labelled, row.accepted, row.rejected) == (3, 2, 1)
    assert (row.linked_accepted, row.linked_rejected, row.unlinked_accepted) == (1, 1, 1)
    assert row.precision == 0.5 and row.recall == 0.5
    con.close()

    # A run that obeys the decisions does not change the estimate: the model's
    # verdict is read without them.
    result = runner.invoke(link_app, ["--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(link_app, ["accuracy", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    (after,) = [r for r in rows if {r["source_l"], r["source_r"]} == set(sources)]
    assert (after["precision"], after["recall"]) == (0.5, 0.5)


def test_entities_held_together_by_chains_are_flagged_for_review(
    linked: Linked, tmp_path: Path
) -> None:
    from clearsight.linkage.accuracy import LOOSE_DENSITY, loose_entities

    db = tmp_path / "loose.duckdb"
    shutil.copy(linked.path, db)
    con = connect(db)
    big = con.execute(
        "SELECT entity_id, n_records FROM entities WHERE n_records >= 4 "
        "ORDER BY n_records DESC, entity_id LIMIT 1"
    ).fetchall()
    assert big
    entity, n = big[0]
    keys = [
        k
        for (k,) in con.execute(
            "SELECT record_key FROM person_entities WHERE entity_id = ? ORDER BY record_key",
            [entity],
        ).fetchall()
    ]
    # Its records held together by nothing direct (as if through other records only).
    con.execute(
        "UPDATE link_pairs SET linked = false WHERE record_key_l IN (SELECT unnest(?)) "
        "AND record_key_r IN (SELECT unnest(?))",
        [keys, keys],
    )
    found = {e.entity_id: e for e in loose_entities(con, limit=10_000)}
    assert entity in found
    assert (found[entity].n_records, found[entity].direct_links) == (n, 0)
    # Every flagged entity is what the rule says: three or more records, fewer
    # than half of their pairs linked directly.
    for e in found.values():
        direct = con.execute(
            "SELECT count(*) FROM link_pairs p JOIN person_entities a "
            "ON a.record_key = p.record_key_l JOIN person_entities b "
            "ON b.record_key = p.record_key_r WHERE p.linked AND a.entity_id = ? "
            "AND b.entity_id = ?",
            [e.entity_id, e.entity_id],
        ).fetchall()[0][0]
        pairs = e.n_records * (e.n_records - 1) / 2
        assert e.n_records >= 3 and direct == e.direct_links < LOOSE_DENSITY * pairs
    con.close()

    result = runner.invoke(
        link_app, ["review", "--entities", "--limit", "10000", "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert {e["entity_id"] for e in listed} == set(found)
