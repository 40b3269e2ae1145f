"""A model from the data present: partners' records with other fields link, or fail clearly."""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import duckdb
import pytest

from clearsight.linkage import LinkageError, model, run
from clearsight.linkage.features import INPUT_TABLE, build_input
from clearsight.linkage.pipeline import STAGES
from clearsight.store import connect
from tests.linkage import minisynth


def _store(
    tmp_path: Path, n_people: int = 400
) -> tuple[duckdb.DuckDBPyConnection, minisynth.Fixture]:
    con = connect(tmp_path / "store.duckdb")
    return con, minisynth.build(con, n_people=n_people, seed=11)


def _pair_scores(
    con: duckdb.DuckDBPyConnection, fx: minisynth.Fixture, keep: set[tuple[str, str]] | None = None
) -> tuple[float, float]:
    """Pairwise precision and recall of the entities over the records in ``keep`` (all)."""
    entity = {
        (s, p): e
        for s, p, e in con.execute(
            "SELECT source_id, person_id, entity_id FROM person_entities"
        ).fetchall()
    }
    records = sorted(k for k in entity if keep is None or k in keep)
    true = {(a, b) for a, b in combinations(records, 2) if fx.truth[a] == fx.truth[b]}
    found = {(a, b) for a, b in combinations(records, 2) if entity[a] == entity[b]}
    assert true and found
    return len(true & found) / len(found), len(true & found) / len(true)


def test_names_birth_date_and_free_text_address_only_link(tmp_path: Path) -> None:
    """A children's services extract: names, date of birth, one address line with the postcode."""
    con, fx = _store(tmp_path)
    con.execute(
        "UPDATE persons SET address = '12 ' || lower(split_part(postcode, ' ', 2)) "
        "|| ' street, leeds ' || postcode, postcode = NULL, nhs_number = NULL, "
        "phones = NULL, emails = NULL"
    )
    build_input(con)
    extracted = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE postcode IS NOT NULL) FROM {INPUT_TABLE} "
        "WHERE address IS NOT NULL"
    ).fetchall()[0]
    # Every address line holds a postcode, read out of the free text.
    assert extracted[0] > 0 and extracted[0] == extracted[1]
    con.execute(f"DROP TABLE {INPUT_TABLE}")

    summary = run(con)
    assert summary.n_links > 0
    notes = "\n".join(summary.notes)
    for absent in ("nhs_number", "phones", "emails"):
        assert f"{absent} not compared: not recorded by any source" in notes
    design = json.loads(
        con.execute(
            "SELECT design_json FROM link_runs WHERE run_id = ?", [summary.run_id]
        ).fetchall()[0][0]
    )
    assert design["compared"][:4] == ["forenames", "surname", "date_of_birth", "place"]
    assert "nhs_number" in design["skipped"]
    # Where the time went, kept with the run and in the summary: every stage, wall and CPU.
    assert design["stages"] == summary.stages
    for stage in STAGES:
        assert summary.stages[stage] >= 0 and summary.stages[f"{stage} (cpu)"] >= 0
    assert sum(summary.stages[stage] for stage in STAGES) <= summary.seconds
    # No training rule blocked on a field nobody holds.
    assert design["em_rules"] and all("nhs_number" not in r for r in design["em_rules"])
    model = json.loads(
        con.execute(
            "SELECT model_json FROM link_runs WHERE run_id = ?", [summary.run_id]
        ).fetchall()[0][0]
    )
    assert "nhs_number" not in {c["output_column_name"] for c in model["comparisons"]}
    precision, recall = _pair_scores(con, fx)
    assert precision >= 0.95 and recall >= 0.8
    con.close()


def test_two_sources_with_different_fields_link_and_missing_is_neutral(tmp_path: Path) -> None:
    """Police hold no NHS number or email; social care no birth date or phone."""
    con, fx = _store(tmp_path)
    con.execute("UPDATE persons SET nhs_number = NULL, emails = NULL WHERE source_id = 'pol'")
    con.execute("UPDATE persons SET date_of_birth = NULL, phones = NULL WHERE source_id = 'csc'")
    summary = run(con)
    assert summary.n_links > 0
    # A police record and a social-care record never compare birth dates: the
    # missing date is the null level, weighing nothing, in every such pair.
    rows = con.execute(
        "SELECT DISTINCT gamma_date_of_birth, mw_date_of_birth FROM link_pairs "
        "WHERE 'csc' IN (source_id_l, source_id_r)"
    ).fetchall()
    assert rows and rows == [(-1, 0.0)]
    both = {k for k in fx.truth if k[0] in ("pol", "csc")}
    precision, recall = _pair_scores(con, fx, both)
    assert precision >= 0.95 and recall >= 0.75
    con.close()


def test_nothing_linkable_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    """First names only: nothing tells two people apart (issue 18 item 1: stop with a clear
    error naming the sources and fields, and write nothing partial)."""
    con, _ = _store(tmp_path, n_people=60)
    con.execute(
        "UPDATE persons SET surname = NULL, date_of_birth = NULL, postcode = NULL, "
        "address = NULL, phones = NULL, emails = NULL, nhs_number = NULL"
    )
    with pytest.raises(LinkageError) as caught:
        run(con)
    message = str(caught.value)
    assert message.startswith("nothing linkable")
    # It names every source and what each holds.
    for source, _ in minisynth.SOURCES:
        assert re.search(rf"{source}: forenames\b", message)
    for table in ("link_runs", "person_entities", "entities"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0
    assert not con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'link_input'"
    ).fetchall()[0][0]
    con.close()


def test_nothing_linkable_names_held_fields_left_out(tmp_path: Path) -> None:
    """Every record the same name and birth date: the fields are held, but tell no one
    apart, and the error says so rather than seeming to list enough fields."""
    con, _ = _store(tmp_path, n_people=30)
    con.execute(
        "UPDATE persons SET forenames = 'john', surname = 'smith', date_of_birth = '1990-01-01',"
        " postcode = NULL, address = NULL, phones = NULL, emails = NULL, nhs_number = NULL"
    )
    with pytest.raises(LinkageError, match="surname not compared: one value for every record"):
        run(con)
    assert con.execute("SELECT count(*) FROM link_runs").fetchall()[0][0] == 0
    con.close()


def test_a_field_below_the_fill_rate_is_left_out_and_said(tmp_path: Path) -> None:
    con, _ = _store(tmp_path)
    # Emails on five records of the whole store: an occasional entry, not evidence.
    con.execute(
        "UPDATE persons SET emails = NULL WHERE person_id NOT IN "
        "(SELECT person_id FROM persons WHERE emails IS NOT NULL ORDER BY person_id LIMIT 5)"
    )
    summary = run(con)
    (note,) = [n for n in summary.notes if n.startswith("emails not compared")]
    assert "below the 1%" in note
    con.close()


def test_a_first_of_january_birth_date_compares_as_its_year(tmp_path: Path) -> None:
    """1 January is what agencies record when only the year is known (estimated ages)."""
    con, _ = _store(tmp_path, n_people=10)
    con.execute(
        "UPDATE persons SET date_of_birth = '2009-01-01' WHERE person_id = "
        "(SELECT min(person_id) FROM persons)"
    )
    build_input(con)
    row = con.execute(
        f"SELECT dob, dob_ym, dob_y, dob_y_partial FROM {INPUT_TABLE} i JOIN persons p "
        "ON i.record_key = p.source_id || ':' || p.person_id "
        "WHERE p.date_of_birth = '2009-01-01'"
    ).fetchall()
    assert row == [(None, None, 2009, 2009)]
    con.close()


def test_a_small_store_trains_on_the_rules_it_has(tmp_path: Path) -> None:
    """A submission too small for a training rule of 200 pairs still trains on the rules it
    offers (rough estimates, said so) and links: Splink's starting values link nothing."""
    from clearsight.ingest import ingest
    from clearsight.linkage import run
    from clearsight.store import connect
    from clearsight.synth import generate

    generate(tmp_path / "d", ["west-yorkshire", "greater-manchester"], scale=0.05, seed=11)
    con = connect(tmp_path / "s.duckdb")
    for folder in sorted((tmp_path / "d" / "submissions").iterdir()):
        ingest(con, folder)
    summary = run(con)
    design = con.execute("SELECT design_json FROM link_runs ORDER BY run_id DESC LIMIT 1")
    notes = " ".join(json.loads(design.fetchall()[0][0])["notes"])
    con.close()
    assert "rough estimates" in notes
    assert summary.n_entities < summary.n_records * 0.9


def test_a_year_only_that_agrees_counts_for_the_pair(tmp_path: Path) -> None:
    """A partner records names and a year of birth only; the birth date trains on pairs that
    hold no year-only date. The year-only levels are weighed from the share of such dates,
    not left at EM's floor: a year that agrees is evidence for the pair, one out less so;
    every comparison stays in the model."""
    con, fx = _store(tmp_path)
    con.execute(
        "UPDATE persons SET date_of_birth = date_of_birth[1:4], postcode = NULL, "
        "phones = NULL, emails = NULL, nhs_number = NULL WHERE source_id = 'edu'"
    )
    run(con)
    design_json, model_json = con.execute(
        "SELECT design_json, model_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    design = json.loads(design_json)
    assert 0 < design["year_only_share"] < 1
    assert any("hold a year only" in note for note in design["notes"])
    compared = [c["output_column_name"] for c in json.loads(model_json)["comparisons"]]
    assert {"forenames", "surname", "date_of_birth"} <= set(compared)
    weights = dict(
        con.execute(
            "SELECT gamma_date_of_birth, max(mw_date_of_birth) FROM link_pairs "
            "GROUP BY gamma_date_of_birth"
        ).fetchall()
    )
    assert weights[model.DOB_PARTIAL_YEAR] > weights[model.DOB_PARTIAL_WITHIN_YEAR] > 0
    assert weights[model.DOB_EXACT] > weights[model.DOB_PARTIAL_YEAR]
    with_edu = {k for k in fx.truth if k[0] in ("edu", "pol")}
    precision, _ = _pair_scores(con, fx, with_edu)
    assert precision >= 0.95
    con.close()


def test_an_em_session_that_fails_is_trained_on_another_rule(tmp_path: Path) -> None:
    """Every agency holds each person's one mobile number, so no pair of one person's records
    shows two different phones: EM drives that level's m to zero and Splink refuses the
    session. The run still links: what the session trains is trained on the next rule that
    can (``model.train``), the run log says so, and every comparison stays in the model."""
    con, fx = _store(tmp_path)
    con.executemany(
        "UPDATE persons SET phones = ['07' || lpad((hash(?) % 1000000000)::VARCHAR, 9, '0')] "
        "WHERE source_id = ? AND person_id = ?",
        [(person, source, record) for (source, record), person in fx.truth.items()],
    )
    summary = run(con)
    notes = "\n".join(summary.notes)
    failed = re.search(r"EM on (.+) failed \(a level's m fell to zero\); (.+) trained on", notes)
    assert failed, notes
    replaced = re.search(r"EM on (.+) trains in its place", notes)
    assert replaced and replaced.group(1) != failed.group(1), notes
    trained = json.loads(
        con.execute("SELECT model_json FROM link_runs ORDER BY run_id DESC LIMIT 1").fetchall()[0][
            0
        ]
    )
    by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    assert {"forenames", "surname", "date_of_birth", "phones"} <= set(by_name)
    # The failed session's comparisons were trained elsewhere: a phone that agrees is
    # evidence for the pair, not left at a starting value of no weight.
    shared, *_, differ = [
        level for level in by_name["phones"]["comparison_levels"] if not level.get("is_null_level")
    ]
    assert shared["m_probability"] > 100 * shared["u_probability"]
    assert differ["m_probability"] < differ["u_probability"]
    precision, recall = _pair_scores(con, fx)
    assert precision >= 0.95 and recall >= 0.8
    con.close()


def test_a_town_alone_that_agrees_counts_for_the_pair(tmp_path: Path) -> None:
    """A partner records names and a town only ("leeds"); the place trains on pairs that
    agree on a full birth date, which such records seldom hold. The town level is weighed
    from the share of records holding a town alone, not left where EM put it: a town that
    agrees is evidence for the pair, less than one home shared."""
    con, fx = _store(tmp_path)
    town = (
        "CASE WHEN postcode LIKE 'LS%' THEN 'leeds' WHEN postcode LIKE 'BD%' THEN 'bradford' "
        "WHEN postcode LIKE 'HX%' THEN 'halifax' WHEN postcode LIKE 'WF%' THEN 'wakefield' "
        "WHEN postcode LIKE 'M%' THEN 'manchester' WHEN postcode LIKE 'OL%' THEN 'oldham' "
        "ELSE 'sheffield' END"
    )
    con.execute(f"UPDATE persons SET address = '12 high street, ' || {town}")
    con.execute(
        f"UPDATE persons SET address = {town}, postcode = NULL, phones = NULL, emails = NULL, "
        "nhs_number = NULL WHERE source_id = 'edu'"
    )
    run(con)
    design_json = con.execute(
        "SELECT design_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0][0]
    design = json.loads(design_json)
    assert 0 < design["town_only_share"] < 1
    assert any("hold a town alone" in note for note in design["notes"])
    weights = dict(
        con.execute(
            "SELECT gamma_place, max(mw_place) FROM link_pairs GROUP BY gamma_place"
        ).fetchall()
    )
    assert model.PLACE_TOWN_ONLY in weights
    assert weights[model.PLACE_TOWN_ONLY] > 1
    home = max(weights[level] for level in model.PLACE_SAME_ADDRESS if level in weights)
    assert home > weights[model.PLACE_TOWN_ONLY]
    with_edu = {k for k in fx.truth if k[0] in ("edu", "pol")}
    precision, _ = _pair_scores(con, fx, with_edu)
    assert precision >= 0.95
    con.close()
