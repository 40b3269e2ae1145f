"""Extracts hold no clear identifier or key; import links forces; resolve is audited."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from clearsight.federation import export, import_extracts, load_key, resolve
from clearsight.federation.keys import FederationKeyError
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import areas_for, generate

KEY = b"test-federation-key-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="module")
def forces(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("fed")
    areas = areas_for(2)
    generate(tmp / "synth", areas, scale=0.3, seed=4)
    for area in areas:
        con = connect(tmp / f"{area}.duckdb")
        for folder in sorted((tmp / "synth" / "submissions").iterdir()):
            if folder.name.startswith(area + "-"):
                ingest(con, folder)
        export(con, KEY, tmp / f"{area}.json", force=area)
        con.close()
    return tmp, areas


def _identifiers(con: duckdb.DuckDBPyConnection) -> set[str]:
    values: set[str] = set()
    for row in con.execute(
        "SELECT forenames, surname, forenames_raw, surname_raw, date_of_birth, postcode, "
        "postcode_raw, nhs_number, nhs_number_raw, phones, phones_raw, emails "
        "FROM current_persons"
    ).fetchall():
        for v in row:
            items = v if isinstance(v, list) else [v]
            values.update(str(i).strip() for i in items if i is not None)
    for (v,) in con.execute("SELECT value FROM current_objects WHERE value IS NOT NULL").fetchall():
        values.add(str(v))
    # Event dates are exported on purpose; a baby's birth date may equal one of them.
    for (d,) in con.execute(
        "SELECT DISTINCT coalesce(occurred_date, reported_date)::VARCHAR FROM current_events"
    ).fetchall():
        if d:
            values.discard(d)
            values.discard(d[:7])
    # Short values ("al", "ng") and bare birth years occur inside hex tokens and event
    # dates by chance; neither identifies anyone.
    return {v for v in values if len(v) >= 4 and not (v.isdigit() and len(v) <= 4)}


def test_no_clear_identifier_or_key_in_extracts(forces: tuple[Path, list[str]]) -> None:
    tmp, areas = forces
    for area in areas:
        text = (tmp / f"{area}.json").read_text(encoding="utf-8").lower()
        con = connect(tmp / f"{area}.duckdb", read_only=True)
        values = _identifiers(con)
        con.close()
        assert len(values) > 100
        words = set(re.findall(r"[a-z0-9+@.'\-]+", text))
        # Whole values anywhere; short ones as whole words ("ther" is inside "other").
        leaked = sorted(
            v for v in values if v.lower() in words or (len(v) >= 6 and v.lower() in text)
        )
        assert not leaked, leaked[:10]
        assert KEY.decode().lower() not in text
        assert KEY not in (tmp / f"{area}.duckdb").read_bytes()


def test_import_links_forces_and_resolve_is_audited(forces: tuple[Path, list[str]]) -> None:
    tmp, areas = forces
    national = connect(tmp / "national.duckdb")
    summary = import_extracts(national, [tmp / f"{a}.json" for a in areas])
    assert summary.forces == sorted(areas)
    assert summary.cross_force_people >= 1
    force, person = national.execute(
        "SELECT force, person FROM fed_people WHERE national_id IN (SELECT national_id "
        "FROM fed_people GROUP BY 1 HAVING count(DISTINCT force) > 1) ORDER BY 1, 2 LIMIT 1"
    ).fetchall()[0]
    national.close()

    con = connect(tmp / f"{force}.duckdb")
    records = resolve(con, KEY, person, actor="analyst1", reason="joint operation")
    assert records and all(r.source_id.startswith(force) for r in records)
    audited = con.execute(
        "SELECT actor, target, reason FROM audit_log WHERE action = 'federate_resolve'"
    ).fetchall()
    assert audited == [("analyst1", person, "joint operation")]
    # Another force's store, or the wrong key, cannot resolve it.
    assert resolve(con, b"x" * 40, person, actor="analyst1", reason="check") == []
    con.close()
    other = next(a for a in areas if a != force)
    con = connect(tmp / f"{other}.duckdb")
    assert resolve(con, KEY, person, actor="analyst2", reason="check") == []
    con.close()


def test_key_from_environment_and_too_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARSIGHT_FEDERATION_KEY", KEY.decode())
    assert load_key() == KEY
    short = tmp_path / "k"
    short.write_text("short")
    with pytest.raises(FederationKeyError):
        load_key(short)
