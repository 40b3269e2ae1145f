"""The annual data return: validated against its dictionary, published without a disclosive
cell, ages out of range kept as data-quality errors, and the workbook's shape."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.returns import build_return
from clearsight.returns.compute import ReturnRow, compute_return
from clearsight.returns.dictionary import DictionaryError, load_dictionary
from clearsight.returns.publish import block_table, blocks, publish_return
from clearsight.returns.validate import ReturnInvalidError, validate
from clearsight.stats.disclosure import Grid, recoverable
from clearsight.stats.settings import load_settings
from clearsight.stats.table import NATIONAL_KEY
from tests.stats.store import AREAS, copy_of, full_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_of(full_store(), tmp_path_factory.mktemp("return"))


def _rows(db: Path) -> list[ReturnRow]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return compute_return(con, load_dictionary()).rows
    finally:
        con.close()


def _value(rows: list[ReturnRow], *key: str) -> int | str:
    area, measure, dimension, category = key
    for r in rows:
        if (r.area, r.measure, r.dimension, r.category, r.breakdown) == (
            area,
            measure,
            dimension,
            category,
            "all",
        ):
            return r.value
    raise KeyError(key)


def test_return_is_valid_and_adds_up(store: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    result = build_return(con, tmp_path / "r")
    con.close()
    rows = result.rows
    d = load_dictionary()
    validate(rows, d)
    offences = _value(rows, NATIONAL_KEY, "offences", "total", "total")
    victims = _value(rows, NATIONAL_KEY, "victims", "total", "total")
    suspects = _value(rows, NATIONAL_KEY, "suspects", "total", "total")
    assert isinstance(offences, int) and offences > 0
    assert isinstance(victims, int) and victims > 0
    assert isinstance(suspects, int) and suspects > 0
    # One total wherever two dimensions count the same people.
    for dim in ("age_band", "sex", "ethnicity", "nationality", "ethnicity_completeness"):
        assert _value(rows, NATIONAL_KEY, "suspects", dim, "total") == suspects
        assert _value(rows, NATIONAL_KEY, "victims", dim, "total") == victims
    assert {r.area for r in rows} == {*AREAS, NATIONAL_KEY}
    with (tmp_path / "r" / "return.csv").open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(rows)
    with (tmp_path / "r" / "dictionary.csv").open(encoding="utf-8") as handle:
        dictionary = {(r["kind"], r["code"]): r for r in csv.DictReader(handle)}
    assert dictionary[("not_collected", "disability")]["collected"] == "no"
    assert dictionary[("not_collected", "stated_vulnerabilities")]["collected"] == "no"
    assert ("category", "age_error") in dictionary
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "r" / "return.xlsx")
    assert book.sheetnames == [
        "About this return",
        "Offences",
        "Victims",
        "Suspects",
        "Data dictionary",
    ]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2", name
        assert book[name].max_row > 1, name


def test_validation_fails_loudly_on_an_unknown_code_or_a_broken_total(store: Path) -> None:
    rows = _rows(store)
    d = load_dictionary()
    bad_code = [*rows[:-1], ReturnRow(*[*vars(rows[-1]).values()][:3], "martian", "all", "all", 1)]
    with pytest.raises(ReturnInvalidError, match="unknown category 'martian'"):
        validate(bad_code, d)
    i = next(
        i
        for i, r in enumerate(rows)
        if r.dimension == "sex" and r.category == "female" and r.area == AREAS[0]
    )
    broken = list(rows)
    r = rows[i]
    assert isinstance(r.value, int)
    broken[i] = ReturnRow(
        r.area, r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category, r.value + 1
    )
    with pytest.raises(ReturnInvalidError, match="not the sum of its parts"):
        validate(broken, d)


def test_age_outside_0_to_25_is_a_data_quality_error_not_dropped(
    store: Path, tmp_path: Path
) -> None:
    before = _rows(store)
    victims = _value(before, NATIONAL_KEY, "victims", "total", "total")
    errors = _value(before, NATIONAL_KEY, "victims", "age_band", "age_error")
    db = copy_of(store, tmp_path)
    con = duckdb.connect(str(db))
    from clearsight.stats.base import prepare

    prepare(con)
    # A victim of a group-based offence given a date of birth 40 years before the offence.
    from clearsight.returns.compute import _offences_sql

    con.execute(_offences_sql(con))
    victim = con.execute(
        """SELECT m.source_id, m.person_id FROM st_involvements i
           JOIN rt_offences USING (source_id, event_id)
           JOIN st_map m ON m.entity_id = i.entity_id
           WHERE i.role = 'victim' ORDER BY 1, 2 LIMIT 1"""
    ).fetchall()
    assert victim
    changed = con.execute(
        "UPDATE persons SET date_of_birth = '1960-01-01' WHERE source_id = ? AND person_id = ?",
        list(victim[0]),
    ).fetchall()
    assert changed[0][0] >= 1
    con.close()
    after = _rows(db)
    assert _value(after, NATIONAL_KEY, "victims", "total", "total") == victims
    assert _value(after, NATIONAL_KEY, "victims", "age_band", "age_error") == int(errors) + 1
    validate(after, load_dictionary())


def test_published_return_has_no_disclosive_cell(store: Path, tmp_path: Path) -> None:
    rows = _rows(store)
    d = load_dictionary()
    s = load_settings()
    published = publish_return(rows, d, s.disclosure)
    validate(published, d, published=True)
    small = [
        r
        for r in published
        if r.area != NATIONAL_KEY
        and isinstance(r.value, int)
        and s.disclosure.suppress_min <= r.value <= s.disclosure.suppress_max
    ]
    assert small == []
    hidden_total = 0
    for (measure, dimension, breakdown), block in blocks(rows).items():
        table = block_table(d, measure, dimension, breakdown, block)
        shown = {
            (r.area, f"{r.breakdown_category}|{r.category}"): r.value
            for r in published
            if (r.measure, r.dimension, r.breakdown) == (measure, dimension, breakdown)
        }
        counts = table.count_columns()
        index = {c.key: i for i, c in enumerate(counts)}
        grid = Grid(
            values=[[int(r.values[c.key] or 0) for c in counts] for r in table.rows],
            groups=[
                ([index[m] for m in g.members], index[g.total] if g.total else None)
                for g in table.groups
            ],
            national_row=len(table.rows) - 1,
            exempt_rows=frozenset({len(table.rows) - 1}),
        )
        hidden = {
            (ri, index[c.key])
            for ri, r in enumerate(table.rows)
            for c in counts
            if shown[(r.key, c.key)] == "c"
        }
        hidden_total += len(hidden)
        assert recoverable(grid, hidden) == [], (measure, dimension, breakdown)
    assert hidden_total > 0  # the demo's small counts do need suppressing
    con = duckdb.connect(str(store), read_only=True)
    area = build_return(con, tmp_path / "wy", AREAS[0], published=True)
    con.close()
    mine = {
        (r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category): r.value
        for r in published
        if r.area == AREAS[0]
    }
    assert area.rows and all(
        mine[(r.measure, r.dimension, r.category, r.breakdown, r.breakdown_category)] == r.value
        for r in area.rows
    )


def test_cli(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app,
        ["return", "--db", str(store), "--out", str(tmp_path / "n"), "--national", "--published"],
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "n" / "return.xlsx").exists()
    both = runner.invoke(
        app,
        [
            "return",
            "--db",
            str(store),
            "--out",
            str(tmp_path / "x"),
            "--national",
            "--area",
            AREAS[0],
        ],
    )
    assert both.exit_code == 2 and "not both" in both.output
    unknown = runner.invoke(
        app, ["return", "--db", str(store), "--out", str(tmp_path / "y"), "--area", "kent"]
    )
    assert unknown.exit_code == 2 and "no data for area 'kent'" in unknown.output
    assert not (tmp_path / "y" / "return.csv").exists()


def test_a_bad_dictionary_names_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "dictionary.yaml"
    text = (Path(__file__).parents[2] / "src/clearsight/returns/dictionary.yaml").read_text()
    path.write_text(
        text.replace(
            "measures: [offences]\n    breakdowns: [all, stage]",
            "measures: [crimes]\n    breakdowns: [all, stage]",
        )
    )
    with pytest.raises(DictionaryError, match=r"dictionary\.yaml: dimensions\.setting"):
        load_dictionary(path)
