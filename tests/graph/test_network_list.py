"""``clearsight network list`` at 80 columns keeps whole network ids; ``--ids`` gives them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.store import connect


def _ids(db: Path) -> list[str]:
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT network_id FROM networks ORDER BY size DESC, network_id")
        return [str(r[0]) for r in rows.fetchall()]
    finally:
        con.close()


def test_network_list_fits_80_columns_with_whole_ids(scenario_db: Path) -> None:
    ids = _ids(scenario_db)
    assert ids
    result = CliRunner().invoke(
        app, ["network", "list", "--db", str(scenario_db)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, result.output
    for network_id in ids:
        assert network_id in lines


def test_network_list_ids_prints_every_id_alone(scenario_db: Path) -> None:
    result = CliRunner().invoke(app, ["network", "list", "--db", str(scenario_db), "--ids"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == _ids(scenario_db)


def test_network_list_partner_only_gives_exactly_those(scenario_db: Path) -> None:
    """``--partner-only``: the networks police data alone does not find, and no other."""
    con = connect(scenario_db, read_only=True)
    try:
        rows = con.execute(
            "SELECT network_id, partner_only FROM networks ORDER BY size DESC, network_id"
        ).fetchall()
    finally:
        con.close()
    expected = [str(n) for n, partner_only in rows if partner_only]
    assert len(expected) < len(rows), "the scenario store has a network police data finds"
    result = CliRunner().invoke(
        app, ["network", "list", "--db", str(scenario_db), "--ids", "--partner-only"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == expected
