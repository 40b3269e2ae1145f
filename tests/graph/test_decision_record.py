"""The decision record and the evidence rule pack: every member of every network has the
rules and source records that put them there (``network_evidence``, exported with exactly
the contract columns), ``network show`` says it in words with names rather than entity
ids or raw dictionaries, and the rule pack is validated at load with errors naming the
file and the rule."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.graph.rules import RulePackError, default_rules, load_rules
from clearsight.graph.settings import LINK_TYPES


def test_every_member_has_its_decision_record(scon: duckdb.DuckDBPyConnection) -> None:
    members = scon.execute("SELECT network_id, entity_id FROM network_members").fetchall()
    assert members
    rules = default_rules()
    for network_id, entity_id in members:
        rows = scon.execute(
            "SELECT rule_id, strength, source_id, record_ids FROM network_evidence "
            "WHERE network_id = ? AND entity_id = ?",
            [network_id, entity_id],
        ).fetchall()
        assert rows, f"{entity_id} in {network_id} has no decision record"
        # Why on the offending side, and what ties them to the others.
        kinds = {rules[r[0]].kind for r in rows}
        assert kinds == {"membership", "link"}, (entity_id, rows)
        assert all(r[1] == rules[r[0]].strength and r[3] for r in rows)


def test_network_evidence_export_has_exactly_the_contract_columns(
    scenario_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "evidence.csv"
    result = CliRunner().invoke(
        app, ["export", "network-evidence", "--db", str(scenario_db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "network_id",
        "entity_id",
        "rule_id",
        "strength",
        "source_id",
        "record_ids",
        "first_date",
        "last_date",
    ]
    assert len(rows) > 1
    assert {r[2] for r in rows[1:]} >= {"offending_role", "co_involved"}


def test_network_show_is_in_words(scon: duckdb.DuckDBPyConnection, scenario_db: Path) -> None:
    network_id, _size = scon.execute(
        "SELECT network_id, size FROM networks ORDER BY size DESC LIMIT 1"
    ).fetchall()[0]
    result = CliRunner().invoke(app, ["network", "show", network_id, "--db", str(scenario_db)])
    assert result.exit_code == 0, result.output
    text = result.output
    # Names, not entity ids; no Python dictionaries.
    assert "alan alpha" in text and "amelia testchild" in text
    assert "wyp-police/" not in text and "{'" not in text and '{"' not in text
    for heading in ("Members", "Children offended against", "Places", "Links between members"):
        assert heading in text
    assert "Station Hotel" in text and "+447700900555" in text
    assert "police-confirmed" in text and "offending_role" in text


def test_incidents_and_hotspots_commands_run(scenario_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "incidents.csv"
    result = CliRunner().invoke(
        app, ["export", "incidents", "--db", str(scenario_db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[0].startswith("incident_id,source_id,event_id")
    result = CliRunner().invoke(app, ["network", "hotspots", "--db", str(scenario_db), "--json"])
    assert result.exit_code == 0, result.output


def test_the_rule_pack_covers_every_link_type() -> None:
    rules = default_rules()
    assert {r.id for r in rules.values() if r.kind == "link"} == set(LINK_TYPES)
    assert all(r.reason and 0 < r.strength <= 1 for r in rules.values())
    # A place never makes a group: bridging, and the weakest link.
    assert rules["shared_place"].bridging
    assert rules["shared_place"].strength < rules["shared_victim"].strength


PACK = """rules:
  - id: co_involved
    kind: link
    description: together
    records: [events]
    roles: [suspect]
    agencies: []
    strength: 1.0
    reason: IICSA
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("    reason: IICSA\n", "    reason: IICSA\n    colour: red\n"),
            "unknown field(s) colour",
        ),
        (("roles: [suspect]", "roles: [boyfriend]"), "unknown roles boyfriend"),
        (("strength: 1.0", "strength: 1.5"), "strength 1.5 is not in (0, 1]"),
        (("agencies: []", "agencies: [police-ish]"), "unknown agencies police-ish"),
        (("    reason: IICSA\n", ""), "missing field(s) reason"),
        (
            ("    reason: IICSA\n", "    reason: IICSA\n    pairs_with: [shared_place]\n"),
            "pairs_with is for bridging links only",
        ),
        (
            ("    reason: IICSA\n", "    reason: IICSA\n    pairs_with: [shared_colour]\n"),
            "unknown pairs_with shared_colour",
        ),
    ],
)
def test_a_bad_rule_is_an_error_naming_file_and_rule(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK.replace(*change))
    with pytest.raises(RulePackError) as caught:
        load_rules(path)
    assert "pack.yaml: rule co_involved" in str(caught.value)
    assert message in str(caught.value)
