"""Harbouring: the suspect of a child abduction offence (the offence behind child
abduction warning notices) against a child who is sexually exploited is on the offending
side and shares her with her offenders; against a child nobody exploited, he is not.
Everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import POLICE_MANIFEST, _person, write_submission
from tests.graph.scenario import networks_and_definitions as run

ABDUCTION = "Child abduction (s.2 Child Abduction Act 1984)"


def _data(exploited: bool) -> dict[str, list[dict[str, str]]]:
    offence = "Sexual activity with a child" if exploited else "Theft from the person"
    return {
        "persons": [
            _person("V", "Hana", "Harbourchild", "2010-04-04", "female"),
            _person("A", "Amos", "Arbour", "1984-01-01", "male"),
            _person("B", "Bram", "Bower", "1986-02-02", "male"),
        ],
        "events": [
            {
                "event_id": "E1",
                "event_type": "crime",
                "reported_date": "2024-02-01",
                "offence": offence,
                "cse_flag": "yes" if exploited else "no",
            },
            {
                "event_id": "E2",
                "event_type": "crime",
                "reported_date": "2024-03-01",
                "offence": ABDUCTION,
                "cse_flag": "unknown",
            },
        ],
        "involvements": [
            {"event_id": "E1", "person_id": "V", "role": "victim"},
            {"event_id": "E1", "person_id": "A", "role": "suspect"},
            {"event_id": "E2", "person_id": "V", "role": "victim"},
            {"event_id": "E2", "person_id": "B", "role": "suspect"},
        ],
    }


def _involved(tmp: Path, exploited: bool) -> tuple[set[str], list[set[str]]]:
    con = connect(tmp / "harbouring.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, _data(exploited)))
    run(con)
    involved = {
        str(e).split("/")[-1]
        for (e,) in con.execute("SELECT entity_id FROM graph_involved").fetchall()
    }
    networks: dict[str, set[str]] = {}
    for network_id, entity in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        networks.setdefault(network_id, set()).add(str(entity).split("/")[-1])
    relevant = con.execute("SELECT relevant FROM graph_events WHERE event_id = 'E2'").fetchall()
    # The decision record says why B is there: the harbouring record, at its rule's strength.
    found = con.execute(
        "SELECT entity_id, strength, record_ids FROM network_evidence "
        "WHERE rule_id = 'found_with_exploited_child'"
    ).fetchall()
    con.close()
    if networks:
        assert [(str(e).split("/")[-1], s, list(r)) for e, s, r in found] == [
            ("B", 0.5, ["wyp-police:E2"])
        ]
    # The abduction keeps its own context either way: not a sexual offence.
    assert relevant == [(False,)]
    return involved, list(networks.values())


def test_harbouring_an_exploited_child_puts_the_suspect_with_her_offenders(
    tmp_path: Path,
) -> None:
    involved, networks = _involved(tmp_path, exploited=True)
    assert {"A", "B"} <= involved
    assert networks == [{"A", "B"}]


def test_abduction_of_a_child_nobody_exploited_is_not_exploitation(tmp_path: Path) -> None:
    involved, networks = _involved(tmp_path, exploited=False)
    assert "B" not in involved
    assert networks == []


def test_the_decision_record_gives_a_missing_episode_only_where_its_rule_took_it(
    tmp_path: Path,
) -> None:
    """The adult with an exploited girl while she was missing is on the offending side
    through that episode (``found_with_exploited_child``), never a young man the records
    show exploited himself (on the child side of a record). When such a young man is a
    member through another record, the decision record gives that record, not the
    episode the rule did not take."""
    data = {
        "persons": [
            _person("V", "Hana", "Harbourchild", "2010-04-04", "female"),
            _person("A", "Amos", "Arbour", "1984-01-01", "male"),
            _person("Y", "Yusuf", "Youngman", "2007-06-01", "male"),
        ],
        "events": [
            {
                "event_id": "C1",
                "event_type": "crime",
                "reported_date": "2023-01-01",
                "offence": "Sexual activity with a child",
                "cse_flag": "yes",
            },
            {
                "event_id": "M1",
                "event_type": "missing_episode",
                "reported_date": "2024-03-01",
            },
            {
                "event_id": "E1",
                "event_type": "crime",
                "reported_date": "2025-09-01",
                "offence": "Sexual activity with a child",
                "cse_flag": "yes",
            },
        ],
        "involvements": [
            {"event_id": "C1", "person_id": "Y", "role": "victim"},
            {"event_id": "M1", "person_id": "V", "role": "missing_person"},
            {"event_id": "M1", "person_id": "Y", "role": "associate"},
            {"event_id": "E1", "person_id": "V", "role": "victim"},
            {"event_id": "E1", "person_id": "A", "role": "suspect"},
            {"event_id": "E1", "person_id": "Y", "role": "suspect"},
        ],
    }
    con = connect(tmp_path / "missing.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, data))
    run(con)
    rows = con.execute(
        "SELECT rule_id, record_ids FROM network_evidence "
        "WHERE entity_id = 'wyp-police/Y' AND rule_id IN "
        "('offending_role', 'found_with_exploited_child') ORDER BY ALL"
    ).fetchall()
    con.close()
    assert [(r, list(ids)) for r, ids in rows] == [("offending_role", ["wyp-police:E1"])]
