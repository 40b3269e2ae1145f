"""The area comparison: where each record was made, weighed as the data says."""

from __future__ import annotations

import json
import math
from pathlib import Path

from clearsight.store import connect
from tests.stats.store import copy_of, full_store


def test_gamma_area_says_whether_the_two_agencies_share_an_area() -> None:
    con = connect(full_store(), read_only=True)
    rows = con.execute(
        """
        SELECT p.gamma_area, sl.area = sr.area AS same, count(*) AS n
        FROM link_pairs p
        JOIN sources sl ON sl.source_id = p.source_id_l
        JOIN sources sr ON sr.source_id = p.source_id_r
        GROUP BY ALL
        """
    ).fetchall()
    con.close()
    levels = {(gamma, same) for gamma, same, _ in rows}
    assert levels <= {(1, True), (0, False)}
    # The store has two areas and pairs of both kinds were scored.
    assert {same for _, same in levels} == {True, False}


def test_em_learns_that_records_rarely_cross_areas() -> None:
    con = connect(full_store(), read_only=True)
    model = json.loads(
        con.execute("SELECT model_json FROM link_runs ORDER BY run_id DESC LIMIT 1").fetchall()[0][
            0
        ]
    )
    con.close()
    (area,) = [c for c in model["comparisons"] if c["output_column_name"] == "area"]
    weight = {
        lvl["label_for_charts"]: math.log2(lvl["m_probability"] / lvl["u_probability"])
        for lvl in area["comparison_levels"]
        if not lvl.get("is_null_level")
    }
    # Synthetic people's records are made in their own area, bar a few visiting
    # offenders: the same area is evidence for a match, two areas against.
    assert weight["same area"] > 0
    assert weight["disagrees"] < -3


def test_local_rules_pair_records_of_one_area_only(tmp_path: Path) -> None:
    from clearsight.linkage.blocking import PAIRS_TABLE, blocked_pairs
    from clearsight.linkage.features import INPUT_TABLE, build_input
    from clearsight.linkage.model import AREA_KEY, BLOCKING_RULES

    con = connect(copy_of(full_store(), tmp_path))
    build_input(con)
    blocked_pairs(con, INPUT_TABLE)
    local = [str(i) for i, rule in enumerate(BLOCKING_RULES) if AREA_KEY in rule.left]
    rows = con.execute(
        f"""
        SELECT p.match_key IN ({", ".join("?" for _ in local)}) AS by_local,
               l.area = r.area AS same, count(*)
        FROM {PAIRS_TABLE} p
        JOIN {INPUT_TABLE} l ON l.record_key = p.join_key_l
        JOIN {INPUT_TABLE} r ON r.record_key = p.join_key_r
        GROUP BY ALL
        """,
        local,
    ).fetchall()
    con.close()
    counts = {(by_local, same): n for by_local, same, n in rows}
    assert local and counts.get((True, True), 0) > 0
    assert (True, False) not in counts
    # Identifiers and full dates with a name still pair records of two areas.
    assert counts.get((False, False), 0) > 0
