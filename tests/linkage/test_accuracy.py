"""Measured review: a sampled queue, decisions as labels, precision and recall per pair of
sources from Splink's labels-based accuracy analysis, and entities flagged by size and
density."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from clearsight.linkage import decide, model, review_list
from clearsight.linkage.accuracy import MIN_LABELS, accuracy, prediction_errors
from clearsight.linkage.cli import link_app
from clearsight.linkage.entity_review import (
    LOOSE_DENSITY,
    MAX_RECORDS_PER_SOURCE,
    flagged_entities,
)
from clearsight.linkage.review import MEASUREMENT_REASON, measurement_sample
from clearsight.store import connect
from tests.linkage.conftest import Linked, copy_of

runner = CliRunner()


def _truth(linked: Linked, key: str) -> str:
    source, _, person = key.partition(":")
    return linked.fixture.truth[(source, person)]


def test_the_sample_is_drawn_per_pair_of_sources_across_the_band_and_is_reproducible(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path, "sample.duckdb")
    threshold, low, high = con.execute(
        "SELECT threshold, review_low, review_high FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    held_back = [p for p in review_list(con, 100_000) if p.refused_because]
    drawn = measurement_sample(con, per_source_pair=20, seed=5)
    assert drawn.pairs and drawn.sampled == len(drawn.pairs) and drawn.decided == 0
    per_pair: dict[str, int] = {}
    for p in drawn.pairs:
        assert low <= p.evidence <= high
        assert p.reason == MEASUREMENT_REASON and p.stratum
        sources = p.stratum.split(",")[0]
        per_pair[sources] = per_pair.get(sources, 0) + 1
    assert max(per_pair.values()) <= 20
    # Where each side of the threshold holds a fifth of a pair of sources' band or more,
    # the sample, in proportion, holds pairs of both sides.
    band = con.execute(
        "SELECT least(source_id_l, source_id_r) || ' / ' || greatest(source_id_l, source_id_r), "
        "count(*) FILTER (WHERE evidence < ?), count(*) FILTER (WHERE evidence >= ?) "
        "FROM link_pairs WHERE evidence BETWEEN ? AND ? GROUP BY 1",
        [threshold, threshold, low, high],
    ).fetchall()
    both = [s for s, below, above in band if min(below, above) >= (below + above) / 5]
    assert both
    for sources in both:
        sides = {p.evidence >= threshold for p in drawn.pairs if p.stratum.startswith(sources)}
        assert sides == {True, False}
    # The same seed draws the same pairs; another seed, others.
    keys = [(p.record_key_l, p.record_key_r) for p in drawn.pairs]
    assert [(p.record_key_l, p.record_key_r) for p in measurement_sample(con, 20, 5).pairs] == keys
    assert [(p.record_key_l, p.record_key_r) for p in measurement_sample(con, 20, 6).pairs] != keys
    # A decision takes its pair out of the list, not out of the sample.
    first = drawn.pairs[0]
    decide(con, first.record_key_l, first.record_key_r, accept=True, reason="same", by="t")
    again = measurement_sample(con, 20, 5)
    assert (again.sampled, again.decided) == (drawn.sampled, 1)
    assert (first.record_key_l, first.record_key_r) not in {
        (p.record_key_l, p.record_key_r) for p in again.pairs
    }
    # Every drawn pair is recorded, once; the held-back pairs stay in the review list.
    recorded = con.execute(
        "SELECT count(*), count(DISTINCT (record_key_l, record_key_r)) FROM link_review_samples "
        "WHERE seed = 5"
    ).fetchall()[0]
    assert recorded == (drawn.sampled, drawn.sampled)
    assert {(p.record_key_l, p.record_key_r) for p in held_back} <= {
        (p.record_key_l, p.record_key_r) for p in review_list(con, 100_000)
    }
    con.close()


def test_labels_give_splinks_precision_and_recall_per_pair_of_sources(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path, "labels.duckdb")
    assert accuracy(con) == []
    # One pair of sources labelled in full from the truth (enough labels for a figure),
    # another with a few labels only.
    counts = con.execute(
        "SELECT source_id_l, source_id_r, count(*) FROM link_pairs "
        "WHERE source_id_l <> source_id_r GROUP BY ALL ORDER BY 3 DESC"
    ).fetchall()
    assert counts and counts[0][2] >= MIN_LABELS
    (big_l, big_r, _), (few_l, few_r, _) = counts[0], counts[-1]
    threshold, model_json = con.execute(
        "SELECT threshold, model_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    prior = model.prior_weight(json.loads(model_json))
    pairs = con.execute(
        "SELECT record_key_l, record_key_r, match_weight, source_id_l, source_id_r "
        "FROM link_pairs WHERE (source_id_l, source_id_r) IN ((?, ?), (?, ?))",
        [big_l, big_r, few_l, few_r],
    ).fetchall()
    few_done = 0
    expected = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for left, right, weight, sl, sr in pairs:
        if (sl, sr) == (few_l, few_r):
            if few_done == 3:
                continue
            few_done += 1
        same = _truth(linked, left) == _truth(linked, right)
        decide(con, left, right, accept=same, reason="from the truth", by="t")
        if (sl, sr) == (big_l, big_r):
            # What the model's stored score says at the threshold, independent of Splink's
            # re-scoring in the accuracy analysis.
            scored = weight >= threshold + prior
            expected[("t" if scored == same else "f") + ("p" if scored else "n")] += 1
    rows = {(r.source_l, r.source_r): r for r in accuracy(con)}
    big = rows[tuple(sorted((big_l, big_r)))]
    assert (big.tp, big.fp, big.fn, big.tn) == tuple(expected.values())
    assert big.labelled == sum(expected.values()) == big.accepted + big.rejected
    assert big.precision.labels == big.tp + big.fp >= MIN_LABELS
    assert big.precision.value == round(big.tp / (big.tp + big.fp), 4)
    assert big.precision.low is not None and big.precision.high is not None
    assert big.precision.low <= big.precision.value <= big.precision.high
    assert big.recall.labels == big.tp + big.fn
    few = rows[tuple(sorted((few_l, few_r)))]
    assert few.labelled == 3 and few.precision.value is None and few.recall.value is None
    assert "too few labels" in few.precision.note and f"of the {MIN_LABELS}" in few.recall.note
    # The labels the score gets wrong, by Splink's prediction errors: as many as it counted,
    # and a pair the score links that an analyst rejected among them.
    other = con.execute(
        "SELECT record_key_l, record_key_r FROM link_pairs WHERE evidence >= ? "
        "AND (source_id_l, source_id_r) NOT IN ((?, ?), (?, ?)) ORDER BY evidence DESC LIMIT 1",
        [threshold, big_l, big_r, few_l, few_r],
    ).fetchall()
    assert other
    decide(con, other[0][0], other[0][1], accept=False, reason="analyst says not", by="t")
    errors = prediction_errors(con)
    assert (other[0][0], other[0][1], "false positive") in {
        (e.record_key_l, e.record_key_r, e.error) for e in errors
    }
    wrong = [e for e in errors if (e.source_l, e.source_r) == tuple(sorted((big_l, big_r)))]
    assert sum(e.error == "false positive" for e in wrong) == big.fp
    assert sum(e.error == "false negative" for e in wrong) == big.fn
    labels = {
        (left, right): bool(score)
        for left, right, score in con.execute(
            "SELECT record_key_l, record_key_r, clerical_match_score FROM link_labels"
        ).fetchall()
    }
    for e in errors:
        assert (e.error == "false negative") == labels[(e.record_key_l, e.record_key_r)]
        assert (e.evidence >= threshold) == (e.error == "false positive")
    # Splink's intermediates and the scoring input do not stay in the store.
    assert not con.execute(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_name LIKE '__splink__%' OR table_name IN ('link_input', '_link_labels_pair')"
    ).fetchall()
    con.close()


def test_the_as_linked_verdict_is_read_without_the_decisions(
    linked: Linked, tmp_path: Path
) -> None:
    db = tmp_path / "verdict.duckdb"
    shutil.copy(linked.path, db)
    con = connect(db)
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
    assert (row.labelled, row.accepted, row.rejected, row.sampled) == (3, 2, 1, 0)
    assert (row.linked_accepted, row.linked_rejected, row.unlinked_accepted) == (1, 1, 1)
    assert row.tp + row.fp + row.fn + row.tn == 3
    con.close()

    # A run that obeys the decisions does not change the estimate.
    result = runner.invoke(link_app, ["--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(link_app, ["accuracy", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    (after,) = [
        r for r in json.loads(result.stdout) if {r["source_l"], r["source_r"]} == set(sources)
    ]
    assert (after["linked_accepted"], after["linked_rejected"], after["unlinked_accepted"]) == (
        1,
        1,
        1,
    )
    assert after["linked_precision"]["value"] is None
    assert "too few labels" in after["linked_precision"]["note"]
    result = runner.invoke(link_app, ["accuracy", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "too few" in result.stdout
    result = runner.invoke(link_app, ["accuracy", "--errors", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    for e in json.loads(result.stdout):
        assert e["error"] in ("false positive", "false negative")


def test_entities_are_flagged_by_density_and_by_records_of_one_source(
    linked: Linked, tmp_path: Path
) -> None:
    db = tmp_path / "flags.duckdb"
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
    # Three records of one source, each from another entity, put in one entity.
    three = [
        k
        for (k,) in con.execute(
            "SELECT record_key FROM person_entities WHERE source_id = 'pol' "
            "AND entity_id <> ? ORDER BY record_key LIMIT 3",
            [entity],
        ).fetchall()
    ]
    assert len(three) == 3
    con.execute(
        "UPDATE person_entities SET entity_id = 'ETHREE' WHERE record_key IN (SELECT unnest(?))",
        [three],
    )
    con.execute(
        "INSERT INTO entities (entity_id, n_records, n_sources, run_id) VALUES ('ETHREE', 3, 1, 1)"
    )
    found = {e.entity_id: e for e in flagged_entities(con, limit=10_000)}
    assert entity in found
    assert (found[entity].n_records, found[entity].direct_links) == (n, 0)
    assert any("held together by chains" in r for r in found[entity].reasons)
    assert found["ETHREE"].most_from_one_source == 3 > MAX_RECORDS_PER_SOURCE
    assert any("3 records from pol" in r for r in found["ETHREE"].reasons)
    # Every flagged entity is what the rules say, and says why.
    for e in found.values():
        direct = con.execute(
            "SELECT count(*) FROM link_pairs p JOIN person_entities a "
            "ON a.record_key = p.record_key_l JOIN person_entities b "
            "ON b.record_key = p.record_key_r WHERE p.linked AND a.entity_id = ? "
            "AND b.entity_id = ?",
            [e.entity_id, e.entity_id],
        ).fetchall()[0][0]
        pairs = e.n_records * (e.n_records - 1) / 2
        assert e.n_records >= 3 and direct == e.direct_links and e.reasons
        assert (direct < LOOSE_DENSITY * pairs) or e.most_from_one_source > MAX_RECORDS_PER_SOURCE
    # Splink's intermediates do not stay in the store.
    assert not con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name LIKE '__splink__%'"
    ).fetchall()
    con.close()

    result = runner.invoke(
        link_app, ["review", "--entities", "--limit", "10000", "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert {e["entity_id"] for e in listed} == set(found)
    assert all(e["reasons"] for e in listed)


def test_review_with_a_sample_lists_both_in_json(linked: Linked, tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    shutil.copy(linked.path, db)
    args = ["review", "--sample", "3", "--seed", "9", "--db", str(db)]
    result = runner.invoke(link_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["review"] and out["sample"]["pairs"]
    assert out["sample"]["seed"] == 9
    assert {p["reason"] for p in out["sample"]["pairs"]} == {MEASUREMENT_REASON}
    result = runner.invoke(link_app, args)
    assert result.exit_code == 0, result.output
    assert "Sampled for measurement" in result.stdout
    result = runner.invoke(link_app, ["review", "--sample", "0", "--db", str(db)])
    assert result.exit_code == 2
    assert "at least one pair" in result.output


def test_accuracy_reads_a_store_linked_before_the_sibling_rule_read_only(
    linked: Linked, tmp_path: Path
) -> None:
    db = tmp_path / "older.duckdb"
    shutil.copy(linked.path, db)
    con = connect(db)
    (left, right), *_ = con.execute(
        "SELECT record_key_l, record_key_r FROM link_pairs "
        "WHERE linked AND source_id_l <> source_id_r ORDER BY evidence DESC LIMIT 1"
    ).fetchall()
    decide(con, left, right, accept=True, reason="same child", by="t")
    before = accuracy(con)
    assert before
    # An earlier version kept no full-date flags beside the levels.
    con.execute("ALTER TABLE link_pairs DROP COLUMN dob_full_l")
    con.execute("ALTER TABLE link_pairs DROP COLUMN dob_full_r")
    con.close()
    result = runner.invoke(link_app, ["accuracy", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    after = json.loads(result.stdout)
    assert [(r["source_l"], r["source_r"], r["linked_accepted"]) for r in after] == [
        (r.source_l, r.source_r, r.linked_accepted) for r in before
    ]
