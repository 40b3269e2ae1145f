from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from clearsight.definitions import DefinitionError, load_definitions, parse_definition
from tests.graph.conftest import scenario_db, scon  # noqa: F401  (fixtures)

BASE: dict[str, Any] = {
    "id": "test-def",
    "version": "1",
    "title": "t",
    "subject": "network",
    "source": {"citation": "c"},
    "text": "t",
    "criteria": [{"id": "two", "check": "min_members", "params": {"min": 2}}],
    "outcome": {"meets": {"all": ["two"]}},
}


def test_packaged_rules_load_with_citations() -> None:
    defs = {d.id: d for d in load_definitions()}
    assert set(defs) == {
        "iicsa-organised-network",
        "home-office-group-based-cse",
        "dfe-2017-cse",
        "hydrant-cocad",
    }
    assert defs["iicsa-organised-network"].source["section"] == "C.3"
    assert "whether identified or not" in defs["iicsa-organised-network"].text
    assert all(d.version and d.source["citation"] for d in defs.values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(colour="red"), "unknown field"),
        (lambda d: d["criteria"][0].update(check="guess"), "unknown check"),
        (lambda d: d["criteria"][0].update(weight=2), "unknown field"),
        (lambda d: d["criteria"].append(dict(d["criteria"][0])), "duplicate criterion"),
        (lambda d: d["outcome"].update(meets={"all": ["nope"]}), "unknown criteria"),
        (lambda d: d["criteria"][0]["params"].update(colour=1), "takes only"),
        (lambda d: d.update(subject="case"), "subject"),
        (lambda d: d["criteria"][0].update(check="child_under_age", params={}), "does not apply"),
        (lambda d: d.pop("source"), "missing field"),
    ],
)
def test_rule_faults_are_errors(change: Any, message: str) -> None:
    raw = copy.deepcopy(BASE)
    change(raw)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(raw)


def test_duplicate_definition_ids_are_errors(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(BASE))
    with pytest.raises(DefinitionError, match="duplicate definition id"):
        load_definitions(tmp_path)


def _results(con: duckdb.DuckDBPyConnection, definition: str) -> dict[str, tuple[Any, ...]]:
    rows = con.execute(
        "SELECT r.subject_id, r.status, r.definition_version, r.criteria, r.evidence, r.category "
        "FROM definition_results r WHERE definition_id = ?",
        [definition],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _network_of(con: duckdb.DuckDBPyConnection, entity: str) -> str:
    return str(
        con.execute(
            "SELECT network_id FROM network_members WHERE entity_id = ?", [entity]
        ).fetchall()[0][0]
    )


def test_iicsa_statuses(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    results = _results(scon, "iicsa-organised-network")
    abu, pq, df = (_network_of(scon, e) for e in ("wyp-police/A", "wyp-police/P", "wyp-police/D"))
    assert results[abu][0] == "meets" and results[pq][0] == "meets"
    # D and F share only a child: no evidence they know each other.
    assert results[df][0] == "possible"
    criteria = json.loads(results[df][2])
    assert criteria["known_to_one_another"]["met"] is False
    assert criteria["linked_by_shared_child"]["met"] is True
    assert results[abu][1] == "2022.2"
    evidence = json.loads(results[abu][3])
    # The unidentified male counts among the individuals.
    members = evidence["two_or_more_individuals"]["items"]
    assert any(m["unidentified"] for m in members)
    assert evidence["known_to_one_another"]["count"] >= 3


def test_home_office_accepts_shared_child(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    results = _results(scon, "home-office-group-based-cse")
    assert results[_network_of(scon, "wyp-police/D")][0] == "meets"


def test_dfe_child_cases(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    results = _results(scon, "dfe-2017-cse")
    # V1: 14, group of older men, alcohol and cigarettes, sexual activity.
    assert results["wyp-police/V1"][0] == "meets"
    # V3: nothing about exchange recorded: needs review.
    assert results["wyp-police/V3"][0] == "possible"
    assert json.loads(results["wyp-police/V3"][2])["exchange_or_advantage"]["met"] is None


def test_cocad_categories(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    results = _results(scon, "hydrant-cocad")
    assert results[_network_of(scon, "wyp-police/A")][4] == "child_sexual_exploitation"
    assert results[_network_of(scon, "wyp-police/D")][4] == "other"


def test_cse_flag_agreement(scon: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    rows = scon.execute(
        "SELECT source_id, cases, local_only, universal_only FROM cse_flag_agreement "
        "ORDER BY source_id"
    ).fetchall()
    police = next(r for r in rows if r[0] == "wyp-police")
    # E2 (rape of a child, flag "no") and E6/E7 (no flag) are universal only;
    # E4 (flag "yes", offender in a "possible" network, child case "possible") is local only.
    assert police[1:] == (6, 1, 3)
