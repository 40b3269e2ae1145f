"""The linkage commands, and the features the model compares."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
from typer import Typer
from typer.testing import CliRunner

from clearsight.linkage.cli import entity_app, export_entities_command, link_app
from clearsight.linkage.features import INPUT_TABLE, RARE_SURNAME_MAX, build_input
from tests.linkage.conftest import Linked, persons_store

runner = CliRunner()


def _export_app() -> Typer:
    app = Typer()
    app.command("entities")(export_entities_command)
    return app


def _root() -> Typer:
    # As the root CLI registers them: a group with one command stays a group.
    app = Typer()
    app.add_typer(entity_app, name="entity")
    app.add_typer(link_app, name="link")
    return app


def test_link_refuses_an_unknown_backend(linked: Linked, tmp_path: Path) -> None:
    result = runner.invoke(link_app, ["--db", str(linked.path), "--backend", "hadoop"])
    assert result.exit_code == 2
    assert "unknown backend 'hadoop'" in result.output


def test_link_review_decide_show_export(linked: Linked, tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    shutil.copy(linked.path, db)
    result = runner.invoke(link_app, ["--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["n_records"] == len(linked.fixture.truth)
    # The run is a "combination" of records about people: audited, with its backend.
    con = duckdb.connect(str(db), read_only=True)
    (action, details), *_ = con.execute(
        "SELECT action, details FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchall()
    con.close()
    assert action == "linkage_run"
    assert json.loads(details)["run_id"] == summary["run_id"]
    assert json.loads(details)["backend"] == "duckdb"
    # Each entity's explanation is written for the run, one row per entity.
    con = duckdb.connect(str(db), read_only=True)
    explained, entities, runs = con.execute(
        "SELECT (SELECT count(*) FROM entity_explanations), (SELECT count(*) FROM entities), "
        "(SELECT list(DISTINCT run_id) FROM entity_explanations)"
    ).fetchall()[0]
    con.close()
    assert explained == entities > 0
    assert runs == [summary["run_id"]]

    result = runner.invoke(link_app, ["review", "--db", str(db), "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)[0]
    result = runner.invoke(
        link_app,
        [
            "decide",
            pair["record_key_l"],
            pair["record_key_r"],
            "--reject",
            "--reason",
            "no",
            "--by",
            "tester",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "reject" in result.stdout

    key = linked.fixture.named["bethany"][0]
    con = duckdb.connect(str(db), read_only=True)
    entity = con.execute(
        "SELECT entity_id FROM person_entities WHERE source_id = ? AND person_id = ?", list(key)
    ).fetchall()[0][0]
    con.close()
    result = runner.invoke(_root(), ["entity", "show", entity, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert len(shown["records"]) == 3 and shown["links"]
    result = runner.invoke(_root(), ["entity", "show", entity, "--db", str(db)])
    assert result.exit_code == 0 and "date_of_birth" in result.stdout

    out = tmp_path / "entities.csv"
    result = runner.invoke(_export_app(), ["--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["source_id", "person_id", "entity_id"]


def test_errors_are_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = runner.invoke(_root(), ["entity", "show", "E1", "--db", str(missing)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = runner.invoke(link_app, ["--db", str(empty)])
    assert result.exit_code == 2 and "ingest" in result.output
    result = runner.invoke(link_app, ["decide", "a:1", "b:2", "--db", str(empty)])
    assert result.exit_code == 2 and "--accept or --reject" in result.output


def _features(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    con = persons_store(rows)
    build_input(con)
    cur = con.execute(f"SELECT * FROM {INPUT_TABLE} ORDER BY person_id")
    names = [d[0] for d in cur.description]
    return {r[2]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def test_features_from_person_records() -> None:
    f = _features(
        [
            {
                "forenames": "beth",
                "surname": "o'neil",
                "date_of_birth": "2011-04-03",
                "postcode": "LS9 7QT",
                "aliases": ["Bee Smith"],
            },
            {"forenames": "unknown male", "surname": None},
            {"forenames": None, "surname": "UNKNOWN", "date_of_birth": "1990"},
            {
                "forenames": "B.",
                "surname": "hughes",
                "date_of_birth": "2011-03",
                "phones": [],
                "sex": "unknown",
            },
            {"forenames": "Male", "surname": None},
        ]
    )
    beth = f["0"]
    assert beth["fn1"] == "beth"
    # Both groups beth belongs to (the maintained table may add more).
    assert {"bethany", "elizabeth"} <= set(beth["fn_keys"])  # type: ignore[arg-type]
    assert beth["sn"] == "oneil" and beth["sn_code"]
    assert beth["dob_swapped"] == "2011-03-04" and beth["dob_y"] == 2011
    assert (beth["pc_sector"], beth["pc_district"]) == ("LS9 7", "LS9")
    assert "smith" in beth["name_keys"]  # type: ignore[operator]
    assert not beth["is_unknown"]
    assert f["1"]["is_unknown"] and f["1"]["fn1"] is None
    assert f["2"]["is_unknown"] and f["2"]["sn"] is None and f["2"]["dob_ym"] is None
    assert f["3"]["fn1"] == "b" and f["3"]["dob"] is None and f["3"]["dob_ym"] == "2011-03"
    assert f["3"]["phones"] is None and f["3"]["sex"] is None
    assert f["4"]["is_unknown"]


def test_every_forename_is_kept_where_two_or_more_are_written_out() -> None:
    f = _features(
        [
            {"forenames": "Muhammad Amir", "surname": "Shah-Khan"},
            {"forenames": "MUHAMMAD", "surname": "SHAH-KHAN"},
            # A second forename given as an initial is no second name's evidence.
            {"forenames": "John A.", "surname": "Hughes"},
            {"forenames": "John A. Paul", "surname": "Hughes"},
        ]
    )
    assert f["0"]["fn_full"] == "muhammad amir" and f["0"]["fn1"] == "muhammad"
    assert f["1"]["fn_full"] is None
    assert f["2"]["fn_full"] is None and f["2"]["fn1"] == "john"
    assert f["3"]["fn_full"] == "john paul"


def test_an_outward_code_alone_is_compared_as_its_district() -> None:
    # Ingest empties "BD21" (not a postcode) and keeps what was written in postcode_raw.
    f = _features(
        [
            {"forenames": "amy", "postcode": None, "postcode_raw": "bd 21"},
            {"forenames": "amy", "postcode": "BD21 5NB", "postcode_raw": "BD215NB"},
            {"forenames": "amy", "postcode": None, "postcode_raw": "Keighley"},
        ]
    )
    assert (f["0"]["postcode"], f["0"]["pc_district"], f["0"]["pc_sector"]) == (None, "BD21", None)
    assert f["0"]["pc_outward_only"] and not f["1"]["pc_outward_only"]
    assert f["1"]["pc_district"] == "BD21"
    # A word that is no outward code names no district.
    assert f["2"]["pc_district"] is None and not f["2"]["pc_outward_only"]


def test_only_a_rare_surname_is_a_blocking_key() -> None:
    common = [{"forenames": "jo", "surname": "smith"}] * (RARE_SURNAME_MAX + 1)
    rare = [
        {"forenames": "paige", "surname": "haaigh"},
        {"forenames": "paigk", "surname": "haaigh"},
    ]
    f = _features(common + rare)
    assert {row["sn_rare"] for row in f.values() if row["sn"] == "smith"} == {None}
    assert {row["sn_rare"] for row in f.values() if row["sn"] == "haaigh"} == {"haaigh"}


def test_protected_characteristics_are_not_linkage_inputs() -> None:
    f = _features([{"forenames": "a", "ethnicity_self_defined": "W1", "nationality": ["GB"]}])
    columns = set(next(iter(f.values())))
    assert not {c for c in columns if "ethnic" in c or "national" in c}


def _swapped(fn_l: str, sn_l: str, fn_r: str, sn_r: str) -> bool:
    from clearsight.linkage.comparisons import SWAPPED

    con = duckdb.connect()
    row = con.execute(
        f"SELECT coalesce({SWAPPED}, false) FROM (SELECT ? AS fn1_l, ? AS sn1_l, "
        "? AS fn1_r, ? AS sn1_r)",
        [fn_l, sn_l, fn_r, sn_r],
    ).fetchall()
    con.close()
    return bool(row[0][0])


def test_swapped_names_need_more_than_a_first_letter() -> None:
    assert _swapped("john", "smith", "smith", "john")
    assert _swapped("john", "smith", "smith", "jon")  # the other cross a typing error
    assert _swapped("j", "smith", "smith", "john")  # an initial
    # One cross equal, the other sharing only its first letter: two people.
    assert not _swapped("ali", "harris", "hussain", "ali")
    assert not _swapped("hirans", "paige", "paige", "hith")
    assert not _swapped("thomas", "green", "john", "thomas")
