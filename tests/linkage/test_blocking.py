"""The hashed-key blocking proposes exactly the pairs Splink's own blocking proposes."""

from __future__ import annotations

import shutil
from pathlib import Path

from clearsight.linkage import blocking, features, model
from clearsight.store import connect
from tests.linkage.conftest import Linked


def _pairs(rows: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(left, right) for _, left, right in rows}


def test_hashed_blocking_equals_splink_blocking(linked: Linked, tmp_path: Path) -> None:
    from splink import DuckDBAPI, Linker

    # Splink writes its working tables into the store: work on a copy.
    copy = tmp_path / "store.duckdb"
    shutil.copy(linked.path, copy)
    con = connect(copy)
    n = features.build_input(con)
    assert n > 1000
    count = blocking.blocked_pairs(con, features.INPUT_TABLE)
    ours = con.execute(
        f"SELECT match_key, join_key_l, join_key_r FROM {blocking.PAIRS_TABLE}"
    ).fetchall()
    assert len(ours) == count
    assert all(left < right for _, left, right in ours)

    api = DuckDBAPI(connection=con)
    linker = Linker(api.register(features.INPUT_TABLE), model.settings())
    theirs_df = linker.inference.compute_blocked_pairs_for_predict()
    theirs = con.execute(
        f"SELECT match_key, join_key_l, join_key_r FROM {theirs_df.physical_name}"
    ).fetchall()
    con.close()

    assert _pairs(ours) == _pairs(theirs)
    # Each pair names the rule that proposed it (Splink's match_key is only
    # informative: it takes the minimum of string keys, so "11" before "2").
    assert {int(key) for key, _, _ in ours} <= set(range(len(model.BLOCKING_RULES)))


def test_one_sided_rule_pairs_either_order() -> None:
    rule = model.BlockingRule(("fn_key1_undated", "sn_code"), ("fn_key1", "sn_code"))
    assert rule.one_sided
    assert rule.splink_rules() == [
        "l.fn_key1_undated = r.fn_key1 AND l.sn_code = r.sn_code",
        "l.fn_key1 = r.fn_key1_undated AND l.sn_code = r.sn_code",
    ]
