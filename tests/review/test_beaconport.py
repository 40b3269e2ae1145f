"""Operation Beaconport: the criteria, the ranking (rape first, then new linked
intelligence), the criminalised-victim flag, and the export's shape."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.review.beaconport import Case, load_criteria, select_cases
from clearsight.review.export import BEACONPORT_COLUMNS
from tests.stats.store import copy_of, full_store


def _cases(db: Path) -> list[Case]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return select_cases(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def pack_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The statistics store with its exploitation crimes of two or more suspects (up to
    three) closed with no further action inside the operation's window: the pack's cases
    exist by construction, whatever dates the generator drew."""
    db = copy_of(full_store(), tmp_path_factory.mktemp("beaconport"))
    con = duckdb.connect(str(db))
    try:
        crimes = con.execute(
            """
            SELECT e.source_id, e.event_id
            FROM events e JOIN involvements i USING (source_id, event_id)
            JOIN person_entities p ON p.source_id = i.source_id AND p.person_id = i.person_id
            JOIN sources s ON s.source_id = e.source_id
            WHERE e.is_current AND i.is_current AND s.agency_type = 'police'
              AND e.event_type = 'crime' AND e.offence LIKE '%Sexual Offences Act%'
            GROUP BY ALL
            HAVING count(DISTINCT p.entity_id)
                       FILTER (WHERE i.role IN ('suspect', 'offender', 'facilitator')) >= 2
               AND count(*) FILTER (WHERE i.role = 'victim') >= 1
            ORDER BY ALL LIMIT 3
            """
        ).fetchall()
        assert len(crimes) >= 2, "the store holds exploitation crimes with two suspects"
        for source_id, event_id in crimes:
            con.execute(
                "UPDATE events SET status = 'closed', closed_date = DATE '2024-06-30', "
                "outcome_code = 15 WHERE source_id = ? AND event_id = ? AND is_current",
                [source_id, event_id],
            )
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def baseline(pack_store: Path) -> list[Case]:
    cases = _cases(pack_store)
    assert len(cases) >= 2
    return cases


def test_every_case_meets_the_published_criteria(baseline: list[Case]) -> None:
    c = load_criteria()
    for case in baseline:
        assert c.closed_from <= case.closed_date <= c.closed_to
        assert case.outcome_code is None or case.outcome_code in c.no_further_action_outcomes
        assert case.suspects >= 2 and case.victims >= 1
        assert case.reasons and case.victim_believed_alive and case.independently_reviewed
    assert [c.rank for c in baseline] == list(range(1, len(baseline) + 1))


def _set(db: Path, case: Case, sql: str) -> None:
    con = duckdb.connect(str(db))
    changed = con.execute(
        f"UPDATE events SET {sql} WHERE source_id = ? AND event_id = ? AND is_current",
        [case.source_id, case.event_id],
    ).fetchall()
    con.close()
    assert changed[0][0] == 1


def test_rape_first_and_closure_dates_bound_the_pack(
    baseline: list[Case], pack_store: Path, tmp_path: Path
) -> None:
    db = copy_of(pack_store, tmp_path)
    last, first = baseline[-1], baseline[0]
    _set(db, last, "offence = 'Rape (s.1 Sexual Offences Act 2003)'")
    _set(db, first, "closed_date = DATE '2009-12-31'")
    cases = _cases(db)
    keys = [(c.source_id, c.event_id) for c in cases]
    assert keys[0] == (last.source_id, last.event_id)
    assert cases[0].rape and "rape offence" in cases[0].reasons[0]
    assert (first.source_id, first.event_id) not in keys
    # Among the rest, new linked records since closure come before none.
    rest = [c.linked_since_closure > 0 for c in cases[1:]]
    assert rest == sorted(rest, reverse=True)


def test_a_victim_criminalised_near_the_case_is_flagged(
    baseline: list[Case], pack_store: Path, tmp_path: Path
) -> None:
    case = baseline[0]
    assert not case.criminalised_victims
    db = copy_of(pack_store, tmp_path)
    con = duckdb.connect(str(db))
    other = con.execute(
        """SELECT event_id FROM current_events WHERE source_id = ? AND event_type = 'crime'
             AND event_id <> ? AND reported_date BETWEEN ?::DATE - 300 AND ?::DATE + 300
           ORDER BY event_id LIMIT 1""",
        [case.source_id, case.event_id, case.closed_date, case.closed_date],
    ).fetchall()
    assert other
    inserted = con.execute(
        """INSERT INTO involvements
           SELECT * REPLACE (? AS event_id, 'suspect' AS role) FROM involvements
           WHERE source_id = ? AND event_id = ? AND role = 'victim' AND is_current LIMIT 1""",
        [other[0][0], case.source_id, case.event_id],
    ).fetchall()
    con.close()
    assert inserted[0][0] == 1
    flagged = next(
        c for c in _cases(db) if (c.source_id, c.event_id) == (case.source_id, case.event_id)
    )
    assert flagged.criminalised_victims
    assert flagged.criminalised_victims[0]["event_id"] == other[0][0]
    assert any("possibly criminalised" in r for r in flagged.reasons)


def test_ranking_ignores_protected_characteristics(
    baseline: list[Case], pack_store: Path, tmp_path: Path
) -> None:
    db = copy_of(pack_store, tmp_path)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE persons SET ethnicity_self_defined = 'O9', nationality = ['FR'], sex = 'other'"
    )
    con.close()
    after = _cases(db)
    assert [(c.source_id, c.event_id) for c in after] == [
        (c.source_id, c.event_id) for c in baseline
    ]


def test_export_shape(baseline: list[Case], pack_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "beaconport.csv"
    result = CliRunner().invoke(
        app, ["export", "beaconport", "--db", str(pack_store), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert tuple(reader.fieldnames or ()) == BEACONPORT_COLUMNS
    assert [r["event_id"] for r in rows] == [c.event_id for c in baseline]
    assert all(r["independently_reviewed"].startswith(("not known", "reviewed")) for r in rows)
