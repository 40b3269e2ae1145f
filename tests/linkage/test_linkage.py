"""End-to-end behaviour of the linkage stage on a planted multi-agency fixture."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import duckdb
import pytest

from clearsight.linkage import (
    EXPORT_COLUMNS,
    LinkageError,
    decide,
    explain_entity,
    export_entities,
    review_list,
    run,
)
from clearsight.linkage.guards import (
    BIRTH_DATE_GUARD,
    NO_GUARDS,
    SIBLING_GUARD,
    TWIN_GUARD,
)
from clearsight.linkage.incremental import link_new
from clearsight.store import connect
from tests.linkage.conftest import Linked, copy_of, entity_of, partition, same_entity_pairs


def test_nickname_typo_and_transposed_birth_date_are_one_person(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    # Bethany Hughes 2011-03-04 / Beth Hughs 2011-04-03 / B. Hughes with an NHS number.
    ids = {entity_of(linked_con, k) for k in linked.fixture.named["bethany"]}
    assert len(ids) == 1


def test_offender_under_a_name_variant_is_one_person(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    ids = {entity_of(linked_con, k) for k in linked.fixture.named["offender"]}
    assert len(ids) == 1


def test_twins_sharing_surname_birth_date_postcode_and_phone_stay_apart(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    a1, b1, a2, b2 = (entity_of(linked_con, k) for k in linked.fixture.named["twins"])
    assert a1 == a2
    assert b1 == b2
    assert a1 != b1


def test_unidentified_persons_are_never_merged(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    for key in linked.fixture.named["unknowns"]:
        entity = entity_of(linked_con, key)
        n = linked_con.execute(
            "SELECT n_records FROM entities WHERE entity_id = ?", [entity]
        ).fetchall()[0][0]
        assert n == 1, key


def test_pairwise_quality_on_the_fixture(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    found: dict[str, list[str]] = {}
    truth: dict[str, list[str]] = {}
    for source_id, person_id, entity in linked_con.execute(
        "SELECT source_id, person_id, entity_id FROM person_entities"
    ).fetchall():
        key = f"{source_id}:{person_id}"
        found.setdefault(entity, []).append(key)
        truth.setdefault(linked.fixture.truth[(source_id, person_id)], []).append(key)
    predicted, actual = same_entity_pairs(found), same_entity_pairs(truth)
    true_positives = len(predicted & actual)
    assert true_positives / len(predicted) >= 0.98
    assert true_positives / len(actual) >= 0.95


def test_every_record_has_exactly_one_entity(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    n_records, n_distinct = linked_con.execute(
        "SELECT count(*), count(DISTINCT record_key) FROM person_entities"
    ).fetchall()[0]
    assert n_records == n_distinct == len(linked.fixture.truth)
    entities = linked_con.execute("SELECT sum(n_records) FROM entities").fetchall()[0][0]
    assert entities == n_records


def test_the_run_is_recorded_with_its_model(linked_con: duckdb.DuckDBPyConnection) -> None:
    row = linked_con.execute(
        "SELECT model_json, settings_hash, n_records, n_entities, status, finished_at "
        "FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    model_json, settings_hash, n_records, n_entities, status, finished_at = row
    assert '"comparisons"' in model_json and '"m_probability"' in model_json
    assert settings_hash and n_records and n_entities and finished_at
    assert status == "finished"


def test_explanation_lists_every_comparison_and_adds_up(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    entity = entity_of(linked_con, linked.fixture.named["bethany"][0])
    explanation = explain_entity(linked_con, entity)
    assert {r["record_key"] for r in explanation.records} == {
        f"{s}:{p}" for s, p in linked.fixture.named["bethany"]
    }
    assert explanation.links
    expected = [
        "prior",
        "forenames",
        "surname",
        "date_of_birth",
        "place",
        "phones",
        "emails",
        "nhs_number",
        "sex",
    ]
    # The fixture's sources are all of one area: the area tells no one apart,
    # so the design leaves it out (``design.choose``) and says so.
    assert any(n.startswith("area not compared") for n in linked.summary.notes)
    for link in explanation.links:
        assert [s.comparison for s in link.steps] == expected
        total = sum(s.match_weight + s.tf_adjustment for s in link.steps)
        assert total == pytest.approx(link.match_weight, abs=1e-6)
        assert all(s.level for s in link.steps[1:])


def test_unknown_entity_is_a_clear_error(linked_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LinkageError, match="no entity"):
        explain_entity(linked_con, "ENOPE")


def test_export_has_exactly_the_contract_columns(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = tmp_path / "entities.csv"
    n = export_entities(linked_con, out)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == EXPORT_COLUMNS == ("source_id", "person_id", "entity_id")
    assert len(rows) - 1 == n == len(linked.fixture.truth)
    assert {(r[0], r[1]) for r in rows[1:]} == set(linked.fixture.truth)


def test_review_list_is_near_the_threshold_and_undecided(
    linked_con: duckdb.DuckDBPyConnection,
) -> None:
    pairs = review_list(linked_con, limit=20)
    assert pairs
    threshold, low, high = linked_con.execute(
        "SELECT threshold, review_low, review_high FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    distances = [abs(p.evidence - threshold) for p in pairs]
    assert distances == sorted(distances)
    assert all(low <= p.evidence <= high for p in pairs)


def test_rerun_reproduces_partition_and_ids(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    before = partition(con)
    # Retrained: same records, same entities, same ids.
    run(con)
    assert partition(con) == before
    # The stored model alone reproduces the result without training.
    summary = run(con, model_json=linked.model_json)
    assert not summary.trained
    assert partition(con) == before
    con.close()


def _splink_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE starts_with(table_name, '__splink__')"
        ).fetchall()
    ]


def test_a_run_leaves_no_splink_tables_in_the_store(linked_con: duckdb.DuckDBPyConnection) -> None:
    # Splink's training samples and comparison vectors hold names and birth
    # dates; a run must not leave them beside the governed tables.
    assert _splink_tables(linked_con) == []


def test_leftovers_of_an_interrupted_run_are_dropped(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    con.execute(
        "CREATE TABLE __splink__df_comparison_vectors_0123456789 AS "
        "SELECT 'bethany' AS fn1_l, 'beth' AS fn1_r"
    )
    before = partition(con)
    run(con, model_json=linked.model_json)
    assert _splink_tables(con) == []
    assert partition(con) == before
    con.close()


def test_a_model_of_another_design_is_refused(linked: Linked, tmp_path: Path) -> None:
    # A model saved before postcode and address became one comparison: a
    # comparison this version does not have. (A model without a comparison is
    # legal: the design leaves out fields the data does not hold.)
    old = json.loads(linked.model_json)
    for c in old["comparisons"]:
        if c["output_column_name"] == "place":
            c["output_column_name"] = "postcode"
    con = copy_of(linked, tmp_path)
    with pytest.raises(LinkageError, match=r"other comparisons.*without --model"):
        run(con, model_json=json.dumps(old))
    con.close()


def test_link_new_on_a_store_linked_by_an_earlier_version_says_what_to_do(
    linked: Linked, tmp_path: Path
) -> None:
    """The store's last run holds a model of another design (the birth-date comparison of
    an earlier version, two levels short): ``link --new`` asks for one full run."""
    old = json.loads(linked.model_json)
    for c in old["comparisons"]:
        if c["output_column_name"] == "date_of_birth":
            c["comparison_levels"] = c["comparison_levels"][:-2]
    con = copy_of(linked, tmp_path)
    con.execute(
        "UPDATE link_runs SET model_json = ? WHERE run_id = (SELECT max(run_id) FROM link_runs)",
        [json.dumps(old)],
    )
    with pytest.raises(LinkageError, match=r"earlier version.*full 'clearsight link' once"):
        link_new(con)
    con.close()


def test_ids_survive_when_other_entities_change(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    before = partition(con)
    # A new source arrives holding one new person: no existing membership changes.
    con.execute(
        "INSERT INTO persons (source_id, batch_id, file, row_number, is_current, person_id, "
        "forenames, surname, date_of_birth, sex, postcode) VALUES "
        "('yjs', 2, 'persons.csv', 2, true, 'Y1', 'zebedee', 'quaxley', '2008-01-01', "
        "'male', 'HX1 1AA')"
    )
    run(con, model_json=linked.model_json)
    after = partition(con)
    assert {k: after[k] for k in before} == before
    assert after["yjs:Y1"] not in set(before.values())
    con.close()


def test_protected_characteristics_do_not_change_the_partition(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path)
    before = partition(con)
    # Shuffle ethnicity and nationality across records, then retrain and relink.
    con.execute(
        """
        CREATE TEMP TABLE shuffled AS
        WITH a AS (SELECT source_id, person_id, row_number() OVER (ORDER BY hash(person_id)) AS i
                   FROM persons),
             b AS (SELECT ethnicity_self_defined AS e, ethnicity_officer_defined AS o,
                          nationality AS n,
                          row_number() OVER (ORDER BY hash(person_id || 'shuffle')) AS i
                   FROM persons)
        SELECT a.source_id, a.person_id, b.e, b.o, b.n FROM a JOIN b USING (i)
        """
    )
    original = dict(
        con.execute("SELECT source_id || person_id, ethnicity_self_defined FROM persons").fetchall()
    )
    con.execute(
        "UPDATE persons p SET ethnicity_self_defined = s.e, ethnicity_officer_defined = s.o, "
        "nationality = s.n FROM shuffled s "
        "WHERE s.source_id = p.source_id AND s.person_id = p.person_id"
    )
    changed = con.execute(
        "SELECT count(*) FROM persons p JOIN shuffled s USING (source_id, person_id) "
        "WHERE p.ethnicity_self_defined IS DISTINCT FROM s.e"
    ).fetchall()[0][0]
    assert changed == 0
    now = dict(
        con.execute("SELECT source_id || person_id, ethnicity_self_defined FROM persons").fetchall()
    )
    assert sum(now[k] != original[k] for k in now) > len(now) / 2
    run(con)
    assert partition(con) == before
    model_json = con.execute(
        "SELECT model_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0][0]
    for protected in ("ethnicity", "nationality"):
        assert protected not in model_json
    con.close()


def test_analyst_decisions_are_enforced_and_logged(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    police, social_care, health = (f"{s}:{p}" for s, p in linked.fixture.named["bethany"])
    twin_a, twin_b = (f"{s}:{p}" for s, p in linked.fixture.named["twins"][:2])
    decide(con, police, social_care, accept=False, reason="different child", by="analyst1")
    decide(con, twin_b, twin_a, accept=True, reason="test must-link", by="analyst1")
    run(con, model_json=linked.model_json)
    after = partition(con)
    # Cannot-link holds even though both records link to the health record.
    assert after[police] != after[social_care]
    assert after[health] in (after[police], after[social_care])
    assert after[twin_a] == after[twin_b]
    # A later decision replaces the earlier one; the log keeps both.
    decide(con, police, social_care, accept=True, reason="confirmed same child", by="analyst2")
    run(con, model_json=linked.model_json)
    after = partition(con)
    assert after[police] == after[social_care] == after[health]
    log = con.execute(
        "SELECT decision, decided_by, reason FROM link_decisions ORDER BY decided_at"
    ).fetchall()
    assert [r[0] for r in log] == ["reject", "accept", "accept"]
    assert all(r[1] and r[2] for r in log)
    # Decided pairs leave the review list.
    assert all(
        {p.record_key_l, p.record_key_r} != {police, social_care} for p in review_list(con, 1000)
    )
    con.close()


def test_decisions_are_checked(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    police, social_care, _ = (f"{s}:{p}" for s, p in linked.fixture.named["bethany"])
    with pytest.raises(LinkageError, match="reason"):
        decide(con, police, social_care, accept=True, reason=" ")
    with pytest.raises(LinkageError, match="no current person record"):
        decide(con, police, "pol:NOPE", accept=True, reason="x")
    with pytest.raises(LinkageError, match="SOURCE_ID:PERSON_ID"):
        decide(con, police, "nope", accept=True, reason="x")
    con.close()


def test_no_pair_is_linked_on_a_refused_guard(linked_con: duckdb.DuckDBPyConnection) -> None:
    assert (
        linked_con.execute(
            "SELECT count(*) FROM link_pairs WHERE linked AND refused_because IS NOT NULL"
        ).fetchall()[0][0]
        == 0
    )
    refused = dict(
        linked_con.execute(
            "SELECT refused_because, count(*) FROM link_pairs GROUP BY ALL"
        ).fetchall()
    )
    # The fixture's twins: same surname, birth date and address, forenames differ.
    assert refused.get(TWIN_GUARD, 0) > 0


def test_a_store_with_one_person_links_trivially(tmp_path: Path) -> None:
    from tests.linkage.minisynth import build

    con = connect(tmp_path / "one.duckdb")
    build(con, n_people=0)
    con.execute("DELETE FROM persons WHERE person_id <> 'POL00001'")
    summary = run(con)
    assert summary.n_records == summary.n_entities == 1
    con.close()


def test_export_refuses_records_ingested_after_the_run(linked: Linked, tmp_path: Path) -> None:
    con = copy_of(linked, tmp_path)
    con.execute(
        "INSERT INTO persons (source_id, batch_id, file, row_number, is_current, person_id) "
        "VALUES ('yjs', 2, 'persons.csv', 2, true, 'LATE')"
    )
    with pytest.raises(LinkageError, match="run 'clearsight link'"):
        export_entities(con, tmp_path / "x.csv")
    con.close()


def test_fixture_pairs_helper() -> None:
    assert same_entity_pairs({"e": ["b", "a", "c"]}) == set(itertools.combinations("abc", 2))


def test_entity_ids_made_in_sql_equal_the_python_definition() -> None:
    from clearsight.linkage.clusters import ENTITY_ID_SQL, entity_id_for

    keys = ["police-wy:P000001", "csc-gm:Ñúñez-7", "health:Zoë/€/1", ""]
    con = duckdb.connect()
    got = con.execute(
        f"SELECT first_key, {ENTITY_ID_SQL} FROM unnest(?) AS t(first_key)", [keys]
    ).fetchall()
    assert dict(got) == {k: entity_id_for(k) for k in keys}


def test_pairs_a_guard_holds_back_go_to_review_with_the_reason(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    threshold = linked_con.execute(
        "SELECT threshold FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0][0]
    held = {
        (r[0], r[1])
        for r in linked_con.execute(
            "SELECT record_key_l, record_key_r FROM link_pairs "
            "WHERE refused_because = ? AND evidence > ? + 4",
            [TWIN_GUARD, threshold],
        ).fetchall()
    }
    # Twins score far above the threshold (outside the review band) and are held back.
    assert held
    queue = {(p.record_key_l, p.record_key_r): p for p in review_list(linked_con, 100_000)}
    assert held <= set(queue)
    assert all(queue[k].refused_because == TWIN_GUARD and not queue[k].linked for k in held)
    assert linked.summary.n_review >= len(held)


def _pair(
    con: duckdb.DuckDBPyConnection, a: tuple[str, str], b: tuple[str, str]
) -> tuple[str | None, bool, float]:
    """(refused_because, linked, evidence) of the scored pair of two records."""
    keys = sorted(f"{s}:{p}" for s, p in (a, b))
    rows = con.execute(
        "SELECT refused_because, linked, evidence FROM link_pairs "
        "WHERE record_key_l = ? AND record_key_r = ?",
        keys,
    ).fetchall()
    assert rows, f"pair {keys} was never scored"
    return rows[0][0], bool(rows[0][1]), float(rows[0][2])


def test_brothers_at_one_address_are_held_back_to_review_as_possible_siblings(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    adeel, aqeel = linked.fixture.named["brothers"]
    assert entity_of(linked_con, adeel) != entity_of(linked_con, aqeel)
    refused, is_linked, evidence = _pair(linked_con, adeel, aqeel)
    threshold = linked_con.execute(
        "SELECT threshold FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0][0]
    # The model alone would link them: it is the rule that holds them back.
    assert evidence >= threshold
    assert refused == SIBLING_GUARD and not is_linked
    queue = {(p.record_key_l, p.record_key_r): p for p in review_list(linked_con, 100_000)}
    key = tuple(sorted(f"{s}:{p}" for s, p in (adeel, aqeel)))
    assert queue[key].refused_because == SIBLING_GUARD


def test_one_discrepancy_at_one_address_still_links(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    police, typo, year = linked.fixture.named["one_discrepancy"]
    # A forename typing error with the same birth date; a birth year keyed
    # wrongly with the same forename: each one person's record.
    for other in (typo, year):
        refused, is_linked, _ = _pair(linked_con, police, other)
        assert refused is None and is_linked, other
    assert len({entity_of(linked_con, k) for k in (police, typo, year)}) == 1


def test_a_year_of_birth_one_out_is_no_sibling(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    # A forename typing error and a year one out (worked back from an age): the
    # sibling rule asks for years at least two apart, so the model weighs them.
    police, referral = linked.fixture.named["year_one_out"]
    refused, is_linked, _ = _pair(linked_con, police, referral)
    assert refused is None and is_linked


def test_an_estimated_year_of_birth_is_no_sibling(
    linked: Linked, linked_con: duckdb.DuckDBPyConnection
) -> None:
    police, estimated = linked.fixture.named["estimated"]
    refused, is_linked, _ = _pair(linked_con, police, estimated)
    assert refused is None and is_linked


def test_the_sibling_rule_is_a_guard_a_benchmark_can_switch_off(
    linked: Linked, tmp_path: Path
) -> None:
    con = copy_of(linked, tmp_path)
    run(con, model_json=linked.model_json, guards=NO_GUARDS)
    adeel, aqeel = linked.fixture.named["brothers"]
    refused, is_linked, _ = _pair(con, adeel, aqeel)
    assert refused is None and is_linked
    assert (
        con.execute(
            "SELECT count(*) FROM link_pairs WHERE refused_because IN (?, ?, ?)",
            [SIBLING_GUARD, TWIN_GUARD, BIRTH_DATE_GUARD],
        ).fetchall()[0][0]
        == 0
    )
    con.close()
