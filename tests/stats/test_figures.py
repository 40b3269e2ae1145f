"""The national picture over a real store: counts, data quality, timeliness, degradation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.stats import compute
from clearsight.stats.cli import stats_app
from clearsight.stats.disclosure import (
    SUPPRESSED,
    Grid,
    known_zeros,
    primary,
    publish,
    recoverable,
)
from clearsight.stats.settings import load_settings
from clearsight.stats.table import NATIONAL_KEY, StatTable
from tests.stats.store import AREAS, full_store, ingest_only_store


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(full_store()), read_only=True)
    yield c
    c.close()


def test_every_table_has_areas_and_an_additive_national_row(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    assert picture.context.areas == sorted(AREAS)
    for table in picture.tables.values():
        if table.unavailable:
            continue
        national = table.rows[-1]
        assert national.national and national.key == NATIONAL_KEY
        if table.additive:
            for c in table.count_columns():
                assert national.values[c.key] == sum(r.values[c.key] for r in table.rows[:-1])  # type: ignore[misc]


def test_scale_and_networks_are_counted(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    scale = picture.tables["scale"].row(NATIONAL_KEY).values
    assert int(scale["victims"]) > 0 and int(scale["suspects"]) > 0  # type: ignore[arg-type]
    networks = picture.tables["networks"]
    assert networks.unavailable is None
    n = networks.row(NATIONAL_KEY).values
    assert n["networks"] == con.execute("SELECT count(*) FROM networks").fetchall()[0][0]


def test_ethnicity_not_stated_and_not_recorded_are_separate(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    for who in ("victims", "suspects"):
        row = picture.tables[f"ethnicity_{who}"].row(NATIONAL_KEY).values
        assert row["recorded"] + row["not_stated"] + row["not_recorded"] == row["total"]  # type: ignore[operator]
    # The synthetic police data, like the national audit, leaves most suspects'
    # ethnicity unrecorded.
    suspects = picture.tables["ethnicity_suspects"].row(NATIONAL_KEY).values
    assert float(suspects["pct_not_recorded"]) > 40  # type: ignore[arg-type]
    records = picture.tables["record_completeness"].row(NATIONAL_KEY).values
    total = con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0]
    assert records["eth_records"] == total
    ns = con.execute(
        "SELECT count(*) FROM current_persons WHERE ethnicity_self_defined = 'NS'"
    ).fetchall()[0][0]
    assert records["eth_not_stated"] == ns


def test_timeliness_matches_a_direct_count(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    table = picture.tables["timeliness_recorded_to_charge"]
    assert any("248" in note for note in table.notes)
    expected = con.execute(
        """
        SELECT count(*) FROM st_events c JOIN st_events ch
          ON ch.source_id = c.source_id AND ch.related_event_id = c.event_id
             AND ch.event_type = 'charge'
        WHERE c.event_type = 'crime' AND c.relevant AND c.agency_type = 'police'
          AND ch.reported_date >= c.reported_date
        """
    ).fetchall()[0][0]
    assert table.row(NATIONAL_KEY).values["n"] == expected
    opened = picture.tables["open_investigations"].row(NATIONAL_KEY).values
    assert int(opened["older"]) <= int(opened["open"])  # type: ignore[arg-type]


def test_no_published_subnational_small_count(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    s = picture.settings.disclosure
    small = 0
    for raw in picture.tables.values():
        if raw.unavailable or not raw.controlled:
            continue
        out = publish(raw, s)
        for r_raw, r_pub in zip(raw.rows, out.rows, strict=True):
            if r_raw.national:
                continue
            for c in raw.count_columns():
                true = r_raw.values[c.key]
                if isinstance(true, int) and 1 <= true <= 7:
                    small += 1
                    assert r_pub.values[c.key] == SUPPRESSED, (raw.name, r_raw.key, c.key)
    assert small, "the store gave no small count to suppress: the test checked nothing"


def _grid_and_hidden(raw: StatTable, out: StatTable) -> tuple[Grid, set[tuple[int, int]]]:
    counts = raw.count_columns()
    index = {c.key: i for i, c in enumerate(counts)}
    national = [i for i, r in enumerate(raw.rows) if r.national]
    grid = Grid(
        values=[
            [None if r.values[c.key] is None else int(r.values[c.key]) for c in counts]  # type: ignore[arg-type]
            for r in raw.rows
        ],
        groups=[
            ([index[m] for m in g.members], index[g.total] if g.total else None) for g in raw.groups
        ],
        national_row=national[0] if raw.additive and national else None,
        exempt_rows=frozenset(national),
    )
    hidden = {
        (ri, index[c.key])
        for ri, r in enumerate(out.rows)
        for c in counts
        if r.values[c.key] == SUPPRESSED
    }
    return grid, hidden


def test_no_published_table_has_a_disclosive_cell(con: duckdb.DuckDBPyConnection) -> None:
    """0 disclosive cells: no small count shown below national level, no suppressed cell
    recoverable from the published totals, no known zero hidden, no secondary cell hidden
    that protection does not need."""
    picture = compute(con)
    s = picture.settings.disclosure
    checked = hidden_cells = 0
    for raw in picture.tables.values():
        if raw.unavailable or not raw.controlled:
            continue
        out = publish(raw, s)
        grid, hidden = _grid_and_hidden(raw, out)
        assert recoverable(grid, hidden) == [], raw.name
        assert not hidden & known_zeros(grid), raw.name
        for cell in hidden - primary(grid, s):
            assert recoverable(grid, hidden - {cell}), (raw.name, cell, "hidden but not needed")
        checked += 1
        hidden_cells += len(hidden)
    assert checked >= 15 and hidden_cells > 0


def test_percentages_are_computed_from_unrounded_counts(con: duckdb.DuckDBPyConnection) -> None:
    picture = compute(con)
    raw = picture.tables["ethnicity_suspects"]
    out = publish(raw, picture.settings.disclosure)
    true = raw.row(NATIONAL_KEY).values
    shown = out.row(NATIONAL_KEY).values["pct_not_recorded"]
    assert isinstance(true["not_recorded"], int) and isinstance(true["total"], int)
    assert shown == round(100 * true["not_recorded"] / true["total"], 1)


def test_settings_override(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yaml"
    path.write_text("disclosure: {suppress_max: 9}\ntimeliness: {open_older_than_days: 90}\n")
    s = load_settings(path)
    assert s.disclosure.suppress_max == 9 and s.timeliness.open_older_than_days == 90
    assert s.disclosure.rounding_base == 5


def test_degrades_without_later_stages() -> None:
    con = duckdb.connect(str(ingest_only_store()), read_only=True)
    picture = compute(con)
    con.close()
    assert picture.tables["networks"].unavailable
    assert picture.tables["cse_flag_agreement"].unavailable
    assert picture.tables["language"].unavailable
    assert picture.tables["scale"].unavailable is None
    assert any("Linkage has not been run" in n for n in picture.tables["scale"].notes)


def test_cli_show_json_and_open_list() -> None:
    runner = CliRunner()
    db = str(full_store())
    result = runner.invoke(
        stats_app, ["show", "--db", db, "--json", "--published", "--area", "west-yorkshire"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["provenance"]["extract_dates"] == "2025-10-01"
    scale = next(t for t in doc["tables"] if t["name"] == "scale")
    assert [r["key"] for r in scale["rows"]] == ["west-yorkshire", NATIONAL_KEY]
    result = runner.invoke(
        stats_app, ["timeliness", "--db", db, "--open", "--older-than", "30", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert all(case["age_days"] > 30 for case in json.loads(result.output))
    result = runner.invoke(stats_app, ["quality", "--db", db])
    assert result.exit_code == 0 and "Self-defined ethnicity of suspects" in result.output
