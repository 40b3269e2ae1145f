"""Arrival alerts on the real path: a new submission ingested, `clearsight link --new`
run as a user runs it, and the alerts it writes read back through the CLI.

The store is the pipeline's own (synthetic data, real linkage and networks); the new
submission comes from a new voluntary-sector source and holds copies of a network
member's record, of a child a network offended against, and of someone nobody knows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearsight.alerts import WatchError, add_watch, list_watches
from clearsight.store import connect
from tests.web.arrivals import (
    HOME,
    NEW_SOURCE,
    OTHER,
    Arrived,
    arrive,
    clearsight,
    copy_store,
    copy_submission,
    member_record,
)
from tests.web.helpers import audit_actions, query
from tests.web.store import Built

pytestmark = pytest.mark.linked


@pytest.fixture(scope="module")
def arrived(built_linked: Built, tmp_path_factory: pytest.TempPathFactory) -> Arrived:
    return arrive(built_linked, tmp_path_factory.mktemp("arrived"))


def _alerts(db: Path) -> list[dict[str, object]]:
    done = clearsight(db, "alerts", "list", "--json", "--limit", "1000")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def test_a_new_record_of_a_network_member_raises_an_alert_with_why(arrived: Arrived) -> None:
    alerts = _alerts(arrived.built.db)
    assert alerts
    mine = [a for a in alerts if a["entity_id"] == arrived.member and a["area"] == HOME]
    assert mine, alerts
    (alert,) = [a for a in mine if a["network_id"] == arrived.network]
    # Watched here: the watch on the network names it; otherwise a known network's member.
    assert alert["kind"] == "watched_network" and alert["watch_id"]
    assert alert["source_id"] == NEW_SOURCE and alert["person_id"] == "VCS-1"
    assert alert["record_key"] == f"{NEW_SOURCE}:VCS-1" and alert["batch_id"]
    why = alert["why"]
    assert isinstance(why, dict)
    # Why it linked: the strongest link to the member's own record, with its waterfall.
    assert why["linked_to"] in {
        f"{s}:{p}"
        for s, p in query(
            arrived.built.db,
            "SELECT source_id, person_id FROM person_entities WHERE entity_id = ?",
            [arrived.member],
        )
    }
    assert float(why["match_weight"]) > 0 and {"surname", "date_of_birth"} <= set(why["agreeing"])
    assert why["steps"][0]["comparison"] == "prior"
    assert all(set(s) == {"comparison", "level", "weight"} for s in why["steps"])


def test_a_watched_child_alerts_the_watchers_area_and_the_networks(arrived: Arrived) -> None:
    alerts = [a for a in _alerts(arrived.built.db) if a["entity_id"] == arrived.child]
    assert alerts
    kinds = {(a["area"], a["kind"]) for a in alerts}
    # The other force's analyst watches her; the network's own area hears as well.
    assert (OTHER, "watched_child") in kinds
    assert (HOME, "network_child") in kinds or (HOME, "watched_network") in kinds


def test_no_alert_for_a_stranger_or_a_removed_watch(arrived: Arrived) -> None:
    alerts = _alerts(arrived.built.db)
    assert alerts
    assert not [a for a in alerts if a["person_id"] == "VCS-9"]
    # The member's watch was removed before the record came: no watched_person alert.
    assert not [a for a in alerts if a["kind"] == "watched_person"]
    # Alerts come from the incremental run only, one per record, area and subject.
    runs = {int(str(a["run_id"])) for a in alerts}
    (mode,) = query(
        arrived.built.db,
        "SELECT DISTINCT design_json->>'mode' FROM link_runs WHERE list_contains(?, run_id)",
        [sorted(runs)],
    )
    assert mode == ("incremental",)
    subjects = [(a["record_key"], a["area"], a["network_id"] or a["entity_id"]) for a in alerts]
    assert len(subjects) == len(set(subjects))


def test_digest_counts_the_days_alerts(arrived: Arrived) -> None:
    alerts = _alerts(arrived.built.db)
    assert alerts
    day = str(alerts[0]["created_at"])[:10]
    done = clearsight(arrived.built.db, "alerts", "digest", "--day", day, "--area", HOME, "--json")
    assert done.returncode == 0, done.stderr
    digest = json.loads(done.stdout)
    home = [a for a in alerts if a["area"] == HOME and str(a["created_at"]).startswith(day)]
    assert digest["total"] == len(home) > 0
    assert sum(digest["by_kind"].values()) == digest["total"]
    assert {a["alert_id"] for a in digest["alerts"]} == {a["alert_id"] for a in home}
    bad = clearsight(arrived.built.db, "alerts", "digest", "--day", "12/05/2026")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_watch_commands_are_audited_and_refuse_unknown_targets(
    arrived: Arrived, tmp_path: Path
) -> None:
    db = copy_store(arrived.built, tmp_path).db
    owner = f"analyst-{HOME}"
    added = clearsight(db, "watch", "add", "person", arrived.member, "--owner", owner, "--json")
    assert added.returncode == 0, added.stderr
    watch = json.loads(added.stdout)
    assert watch["area"] == HOME  # the owner's area as a user
    listed = clearsight(db, "watch", "list", "--owner", owner, "--json")
    assert watch["watch_id"] in {w["watch_id"] for w in json.loads(listed.stdout)}
    removed = clearsight(db, "watch", "remove", str(watch["watch_id"]))
    assert removed.returncode == 0, removed.stderr
    listed = clearsight(db, "watch", "list", "--owner", owner, "--json")
    assert watch["watch_id"] not in {w["watch_id"] for w in json.loads(listed.stdout)}
    missing = clearsight(db, "watch", "add", "network", "N-nothing", "--area", HOME)
    assert missing.returncode == 2 and "no network 'N-nothing'" in missing.stderr
    actions = [a for a, _t, _r in query(db, "SELECT action, target, reason FROM audit_log")]
    assert "watch_add" in actions and "watch_remove" in actions
    con = connect(db)
    try:
        with pytest.raises(WatchError, match="unknown watch kind"):
            add_watch(con, owner=owner, kind="vehicle", target_id="x", area=HOME)
        assert all(w.removed_at is None for w in list_watches(con, owner=owner))
    finally:
        con.close()


def test_acknowledge_is_recorded_once_and_audited(arrived: Arrived, tmp_path: Path) -> None:
    db = copy_store(arrived.built, tmp_path).db
    first = _alerts(db)[0]
    done = clearsight(db, "alerts", "acknowledge", str(first["alert_id"]), "--by", "tester")
    assert done.returncode == 0, done.stderr
    again = clearsight(db, "alerts", "acknowledge", str(first["alert_id"]), "--by", "other")
    assert again.returncode == 0
    (row,) = [a for a in _alerts(db) if a["alert_id"] == first["alert_id"]]
    assert row["acknowledged_by"] == "tester" and row["acknowledged_at"]
    assert ("alert_acknowledge", f"alert:{first['alert_id']}", None) in audit_actions(db, "tester")
    unread = clearsight(db, "alerts", "list", "--unacknowledged", "--json", "--limit", "1000")
    assert first["alert_id"] not in {a["alert_id"] for a in json.loads(unread.stdout)}
    assert clearsight(db, "alerts", "acknowledge", "999999").returncode == 2


def test_a_full_run_after_a_new_submission_raises_the_same_alert(
    built_linked: Built, tmp_path: Path
) -> None:
    from clearsight import linkage

    db = copy_store(built_linked, tmp_path).db
    network, member, source, person = member_record(db, area=HOME)
    folder = copy_submission(
        db, tmp_path / "sub", people=[(source, person)], area=HOME, new_source=NEW_SOURCE
    )
    assert clearsight(db, "ingest", str(folder)).returncode == 0
    con = connect(db)
    try:
        summary = linkage.run(con)
        rows = con.execute(
            "SELECT kind, entity_id, network_id, record_key FROM alerts WHERE run_id = ?",
            [summary.run_id],
        ).fetchall()
    finally:
        con.close()
    assert ("network_member", member, network, f"{NEW_SOURCE}:VCS-1") in rows
    # Only the new record: nobody else's record raises anything on a full re-run.
    assert {r[3] for r in rows} == {f"{NEW_SOURCE}:VCS-1"}
