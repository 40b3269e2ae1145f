"""Times of day read from the raw occurred date, and carried to the i2 chart."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clearsight.exports import export_network
from clearsight.exports.clock import clock_time
from clearsight.store import connect
from tests.exports.anx_structure import anx_problems
from tests.graph.conftest import scenario_db  # noqa: F401  (fixture)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-23 21:40", "21:40"),
        ("2024-03-23T21:40:15", "21:40"),
        ("2024-03-23T07:05:00.000", "07:05"),
        # British Summer Time: 20:40 UTC is 21:40 in London on 23 June.
        ("2024-06-23T20:40:00Z", "21:40"),
        ("2024-01-23T20:40:00+00:00", "20:40"),
        ("2024-03-23T21:40:00+01:00", "20:40"),
        # Midnight is a date entered alone; a date is no time.
        ("2024-03-23 00:00", None),
        ("2024-03-23T00:00:00", None),
        ("2024-03-23", None),
        ("23/03/2024 21:40", None),
        ("2024-03-23 25:10", None),
        (None, None),
        # An offset that moves the event to another local day leaves the date alone.
        ("2024-03-23T23:30:00-02:00", None),
    ],
)
def test_clock_time(raw: str | None, expected: str | None) -> None:
    assert clock_time(raw) == expected


def test_an_event_recorded_with_a_time_is_timed_on_the_chart(
    scenario_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(scenario_db, db)
    con = connect(db)
    network_id, source_id, event_id, day = con.execute(
        """
        SELECT v.network_id, e.source_id, e.event_id, e.event_date FROM network_victims v
        JOIN graph_involvements i ON i.entity_id = v.entity_id AND i.is_child
        JOIN graph_events e USING (event_key) ORDER BY 1, 2, 3 LIMIT 1
        """
    ).fetchall()[0]
    con.execute(
        "UPDATE events SET occurred_date = ?, occurred_date_raw = ? || ' 21:40'"
        " WHERE source_id = ? AND event_id = ? AND is_current",
        [day, day.isoformat(), source_id, event_id],
    )
    root = ET.fromstring(export_network(con, network_id, "anx"))
    con.close()
    timed = [
        item
        for item in root.iter("ChartItem")
        if (entity := item.find("End/Entity")) is not None
        and entity.get("Identity") == f"{source_id}:{event_id}"
    ]
    assert len(timed) == 1
    assert timed[0].get("TimeSet") == "true"
    assert timed[0].get("DateTime") == f"{day.isoformat()}T21:40:00"
    others = [i for i in root.iter("ChartItem") if i not in timed]
    assert others and all(i.get("TimeSet") == "false" for i in others)
    assert anx_problems(ET.tostring(root)) == []
