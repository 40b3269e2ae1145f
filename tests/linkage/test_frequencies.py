"""Name frequencies in a small store: shrunk toward the model's average (``frequencies.py``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb

from clearsight.ingest import ingest
from clearsight.linkage import frequencies, run
from clearsight.store import connect
from tests.graph.scenario import write_submission
from tests.linkage.conftest import Linked

PEOPLE = [
    {"forenames": "Imran", "surname": "Khan", "date_of_birth": "1989-04-23", "sex": "male"},
    {"forenames": "Jade", "surname": "Hollis", "date_of_birth": "2010-02-19", "sex": "female"},
    {"forenames": "Asif", "surname": "Mahmood", "date_of_birth": "1991-10-30", "sex": "male"},
]


def _submission(tmp: Path, source: str, agency: str, event_type: str, role: str) -> Path:
    manifest = {
        "standard_version": "1.0",
        "source_id": source,
        "organisation": source,
        "agency_type": agency,
        "area": "nottinghamshire",
        "extract_date": "2024-06-30",
        "period_start": "2023-07-01",
        "period_end": "2024-06-30",
    }
    persons = [{"person_id": f"P{i}", **p} for i, p in enumerate(PEOPLE)]
    events = [{"event_id": "E1", "event_type": event_type, "reported_date": "2024-03-15"}]
    involvements = [{"event_id": "E1", "person_id": p["person_id"], "role": role} for p in persons]
    return write_submission(
        tmp / source,
        manifest,
        {"persons": persons, "events": events, "involvements": involvements},
    )


def test_a_small_store_keeps_what_an_agreeing_name_is_worth(linked: Linked, tmp_path: Path) -> None:
    """Six records, three people each held by the police and by social care with the same
    name and birth date: each pair links. Measured on six records, a name held by one
    person's two records has a frequency of one in three, which took most of an agreeing
    name's worth away (evidence 16.6 against a threshold of 17: no pair linked)."""
    con = connect(tmp_path / "store.duckdb")
    try:
        ingest(con, _submission(tmp_path, "notts-police", "police", "crime", "suspect"))
        ingest(
            con,
            _submission(tmp_path, "notts-csc", "childrens_social_care", "referral", "associate"),
        )
        summary = run(con, model_json=linked.model_json)
        assert summary.n_records == 6
        pairs = con.execute(
            "SELECT linked, evidence, mw_tf_adj_forenames, mw_tf_adj_surname FROM link_pairs"
        ).fetchall()
        assert len(pairs) == 3
        for is_linked, evidence, fore_adj, sur_adj in pairs:
            assert is_linked, evidence
            # A name the store cannot measure is worth what the model says a name is.
            assert abs(fore_adj) < 2 and abs(sur_adj) < 2
        assert summary.n_entities == 3
    finally:
        con.close()


def _frequencies(names: list[str], u: float) -> dict[str, float]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (fn1 VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[n] for n in names])
    rows = con.execute(frequencies.frequency_sql("t", "fn1"), [1 / u]).fetchall()
    return {str(name): float(tf) for name, tf in rows}


def test_few_records_give_the_model_average_and_many_their_own_frequency() -> None:
    u = 0.01
    few = _frequencies(["imran", "imran", "jade", "jade", "asif", None], u)  # type: ignore[list-item]
    assert set(few) == {"imran", "jade", "asif"}
    # Three names in five records: all but the model's average (within a factor of 3).
    assert all(abs(math.log2(tf / u)) < 1.6 for tf in few.values()), few
    many = _frequencies(["jack"] * 400 + ["imran"] * 4 + [f"n{i}" for i in range(9_596)], u)
    assert math.isclose(many["jack"], 401 / (10_000 + 100))
    assert math.isclose(many["imran"], 5 / (10_000 + 100))
    # Measured: a common name counts for less than the average, a rare one for more.
    assert many["jack"] > u > many["imran"]


def test_the_adjusted_levels_are_read_from_the_model(linked: Linked) -> None:
    model = json.loads(linked.model_json)
    levels = frequencies.exact_level_u(model)
    assert set(levels) == {"fn1", "sn"}
    assert all(0 < u < 1 for u in levels.values())
