"""Legal but unusual submissions (tests/robustness/cases.py) through the whole product
path with the real CLI: ingest, analyse, every export and report, the listings and the
web pages. Legal input loads every row, or quarantines it with its reason, and no command
ends in a traceback."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from tests.cli.terminal import CLI
from tests.robustness import product
from tests.robustness.cases import LONG_NARRATIVE, SHAPES
from tests.robustness.conftest import Store

# The only row the shapes store may quarantine: an association naming, as a person, an id
# that is an object's (cases.crossed_associations). Everything else is legal and loads.
QUARANTINED = {("cs-assoc", "associations.csv", 3, "from_id", "dangling_reference")}


def _rows(store: Store, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(store.db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_every_row_is_loaded_or_quarantined(shapes: Store, case: str) -> None:
    assert shapes.ingest is not None and shapes.ingest.ok, product.summary(shapes.ingest)
    summaries = shapes.summaries[case]
    assert summaries
    for summary, written in zip(summaries, shapes.written[case], strict=True):
        assert summary["status"] == "loaded", summary
        files = {f["file"]: f for f in summary["files"]}
        assert set(files) == {f"{t}.csv" for t in written.rows}
        for table, n in written.rows.items():
            f = files[f"{table}.csv"]
            assert f["rows_read"] == n, (table, f)
            assert f["rows_loaded"] + f["rows_quarantined"] == n, (table, f)


def test_quarantine_names_file_row_column_and_reason(shapes: Store) -> None:
    rows = _rows(
        shapes,
        "SELECT source_id, file, row_number, column_name, reason_code, reason FROM quarantine",
    )
    assert {r[:5] for r in rows} == QUARANTINED
    assert all(r[5] for r in rows)


def test_current_rows_match_the_latest_extract(shapes: Store) -> None:
    counts = dict(_rows(shapes, "SELECT source_id, count(*) FROM current_persons GROUP BY 1"))
    for case, written in shapes.written.items():
        latest = written[-1]
        assert counts[latest.source_id] == latest.rows["persons"], case
    # The earlier extract of cs-again is history, not deleted.
    history = _rows(
        shapes, "SELECT count(*) FROM persons WHERE source_id = 'cs-again' AND NOT is_current"
    )
    assert history == [(shapes.written["second_extract"][0].rows["persons"],)]


def _person(shapes: Store, source: str, pid: str) -> tuple[object, ...]:
    (row,) = _rows(
        shapes,
        "SELECT forenames, surname, date_of_birth, phones, postcode, aliases, address "
        "FROM current_persons WHERE source_id = ? AND person_id = ?",
        [source, pid],
    )
    return row


def test_values_are_read_as_the_agency_meant(shapes: Store) -> None:
    # Upper-case, shuffled headers with a BOM and CRLF: every column found.
    assert _person(shapes, "cs-format", "FV1")[:2] == ("bethany", "hughes")
    address = _person(shapes, "cs-format", "FV1")[6]
    assert address == 'Flat 3, "The Maltings",\nKirkstall Road, Leeds'
    (narrative,) = _rows(shapes, "SELECT narrative FROM current_events WHERE event_id = 'FE1'")[0]
    assert narrative == 'Line one, with a comma.\r\nLine two: "quoted".\nThree.'
    # Names: folded, split from "SURNAME, Forenames"; the long narrative whole.
    assert _person(shapes, "cs-names", "I6")[:2] == ("jan piotr", "kowalski")
    assert _person(shapes, "cs-names", "I1")[:2] == ("gwenllian wyn", "ysgol price")
    assert _person(shapes, "cs-names", "I4")[:2] == ("isil", "sahin")
    assert _rows(shapes, "SELECT narrative FROM current_events WHERE event_id = 'IE1'") == [
        (LONG_NARRATIVE,)
    ]
    # Partial and zoned dates of birth.
    assert [_person(shapes, "cs-dates", p)[2] for p in ("D1", "D2", "D5")] == [
        "2010",
        "2011-02",
        "2009-06-30",
    ]
    # Untidy lists and postcodes.
    assert _person(shapes, "cs-lists", "LV1")[3:6] == (["+447700900123"], "LS1 4AB", ["bee", "b"])
    assert _person(shapes, "cs-lists", "LS1")[3] is None
    # Invisible characters from spreadsheets: a zero-width space does not split a name.
    assert _person(shapes, "cs-habits", "WV1")[:2] == ("bethany", "hughes")
    assert _person(shapes, "cs-habits", "WV1")[4] == "LS1 4AB"
    # A later extract replaces the earlier one.
    assert _person(shapes, "cs-again", "XV1")[1] == "hughes ward"


def test_warnings_keep_the_row_and_say_why(shapes: Store) -> None:
    found = {
        (r[0], r[1], r[2])
        for r in _rows(shapes, "SELECT source_id, row_number, reason_code FROM value_warnings")
    }
    assert {
        ("cs-dates", 4, "date_after_extract"),
        ("cs-dates", 5, "placeholder_date"),  # 1900-01-01: a system default
        ("cs-names", 11, "value_too_long"),
        ("cs-names", 7, "name_split"),
        ("cs-chains", 6, "dangling_reference"),
    } <= found


def test_analyse_runs_every_stage(shapes: Store) -> None:
    assert shapes.analysed is not None and shapes.analysed.ok, product.summary(shapes.analysed)
    stages = [s["stage"] for s in json.loads(shapes.analysed.out)]
    assert stages == ["linkage", "networks", "definitions", "review"]
    (records,) = _rows(shapes, "SELECT count(*) FROM current_persons")[0]
    (entities,) = _rows(shapes, "SELECT count(DISTINCT record_key) FROM person_entities")[0]
    assert records == entities
    assert _rows(shapes, "SELECT count(*) FROM networks")[0][0] > 0


@pytest.mark.parametrize("label", product.EXPORT_LABELS)
def test_every_export_and_report(shapes: Store, label: str) -> None:
    network = product.first_network(shapes.db)
    assert network is not None
    command = product.export_commands(shapes.out, network)[label]
    ran = product.run(shapes.db, *command)
    assert ran.ok, product.summary(ran)
    written = product.written_by(command)
    assert written.exists()
    assert written.is_dir() or written.stat().st_size > 0


def test_every_listing(shapes: Store) -> None:
    network = product.first_network(shapes.db)
    entities = product.entity_ids(shapes.db)
    assert entities
    failed = [
        product.summary(ran)
        for command in [*product.listing_commands(network, entities[0]), ["link", "--new"]]
        if not (ran := product.run(shapes.db, *command)).ok
    ]
    assert not failed, "\n".join(failed)


def test_reports_per_area_and_the_pdf(shapes: Store) -> None:
    areas = [str(r[0]) for r in _rows(shapes, "SELECT DISTINCT area FROM sources ORDER BY 1")]
    assert len(areas) > 5
    for area in areas:  # south-wales holds persons only; dyfed-powys the long names
        ran = product.run(shapes.db, "report", "--area", area, "--out", str(shapes.out / area))
        assert ran.ok, product.summary(ran)
        assert (shapes.out / area / "problem-profile.html").stat().st_size > 0
    ran = product.run(
        shapes.db, "report", "--area", "dyfed-powys", "--pdf", "--out", str(shapes.out / "pdf")
    )
    assert ran.ok, product.summary(ran)
    assert list((shapes.out / "pdf").glob("*.pdf"))


def test_web_pages(shapes: Store) -> None:
    pages = product.walk_pages(shapes.db)
    broken = [p for p in pages if p.crash or p.status >= 500]
    assert not broken, [(p.user, p.url, p.status, p.crash) for p in broken]
    people = [p for p in pages if p.url.startswith("/person/") and p.user.startswith("analyst")]
    networks = [p for p in pages if p.url.startswith("/network/") and p.status == 200]
    assert people and all(p.status == 200 for p in people)
    assert networks
    hostile = [p for p in people if p.user == "analyst-sussex"]
    assert hostile and not [p.url for p in pages if p.raw_markup]


def test_the_installed_command_line_prints_no_traceback(shapes: Store) -> None:
    """The same export through the real entry point, in its own process."""
    done = subprocess.run(
        [
            CLI,
            "export",
            "networks",
            "--db",
            str(shapes.db),
            "--out",
            str(shapes.out / "subprocess-networks.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_exports_neutralise_formula_cells(shapes: Store) -> None:
    """An id or value starting with '=' or '@' (cases.hostile_text) is text in every CSV."""
    import csv

    out = shapes.out / "formula"
    out.mkdir(exist_ok=True)
    for name in ("entities", "networks"):
        ran = product.run(shapes.db, "export", name, "--out", str(out / f"{name}.csv"))
        assert ran.ok, product.summary(ran)
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert "'=QS1" in cells
        assert not [c for c in cells if c[:1] in ("=", "@", "+") and not c[1:].isdigit()]


def test_python_dash_m_is_the_same_command_line(shapes: Store) -> None:
    """``python -m clearsight`` (as the house's own briefs run it) works like the script."""
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "clearsight", "status", "--json", "--db", str(shapes.db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)
