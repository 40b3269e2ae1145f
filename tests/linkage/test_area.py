"""The area comparison: where each record was made, weighed as the data says."""

from __future__ import annotations

import json
import math

from clearsight.store import connect
from tests.stats.store import full_store


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
    assert weight["All other comparisons"] < -3
