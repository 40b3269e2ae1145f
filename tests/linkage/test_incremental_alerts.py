"""Arrival alerts follow a watched person through a merge made by the same run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clearsight.alerts import add_watch
from clearsight.linkage import decide
from clearsight.linkage.incremental import link_new
from clearsight.store import connect
from tests.linkage.conftest import Linked, entity_of


def test_a_watch_on_an_id_merged_away_still_alerts(linked: Linked, tmp_path: Path) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copy(linked.path, path)
    con = connect(path)
    a, b = linked.fixture.named["twins"][0], linked.fixture.named["twins"][1]
    ea, eb = entity_of(con, a), entity_of(con, b)
    assert ea != eb
    add_watch(con, owner="analyst-a", kind="child", target_id=ea, area="area-a")
    add_watch(con, owner="analyst-b", kind="child", target_id=eb, area="area-b")
    # An analyst decides the two records are one child; a school's record of her arrives.
    decide(con, f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}", accept=True, reason="same child", by="t")
    row = con.execute(
        "SELECT forenames, surname, date_of_birth, sex, postcode FROM persons "
        "WHERE source_id = ? AND person_id = ?",
        list(a),
    ).fetchall()[0]
    con.execute(
        "INSERT INTO persons (source_id, batch_id, file, row_number, is_current, person_id, "
        "forenames, surname, date_of_birth, sex, postcode) "
        f"VALUES ({', '.join('?' * 11)})",
        ["aaa", 99, "persons.csv", 2, True, "1", *row],
    )
    summary = link_new(con)
    kept = entity_of(con, a)
    assert entity_of(con, b) == kept and entity_of(con, ("aaa", "1")) == kept
    gone = eb if kept == ea else ea
    alerts = con.execute(
        "SELECT area, kind, entity_id, record_key, why FROM alerts WHERE run_id = ? ORDER BY area",
        [summary.run_id],
    ).fetchall()
    con.close()
    assert [(r[0], r[1], r[2], r[3]) for r in alerts] == [
        ("area-a", "watched_child", kept, "aaa:1"),
        ("area-b", "watched_child", kept, "aaa:1"),
    ]
    merged = {r[0]: json.loads(r[4]).get("merged") for r in alerts}
    # The watch naming the absorbed id says so; the other names the kept id directly.
    assert sorted(merged.values(), key=str) == sorted([None, gone], key=str)
    for _area, _kind, _entity, _key, why in alerts:
        assert json.loads(why)["linked_to"]
