"""Children named only as one another's companions around exploited children are a peer
group at risk, not an offender network (one of them at risk in a record himself); older
children named only around a child stay a network; a child named as the suspect of a sexual offence
keeps the group a network (peer-on-peer abuse), as adults in the same records do
(``graph/peer_groups.py``). Real ingest, real store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _networks, _store


def _missing(event_id: str, date: str) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "missing_episode",
        "reported_date": date,
        "offence": "",
        "cse_flag": "yes",
        "narrative": "Found at an address; concerns of sexual exploitation.",
    }


def _rows(event_id: str, roles: dict[str, str]) -> list[dict[str, str]]:
    return [{"event_id": event_id, "person_id": p, "role": r} for p, r in roles.items()]


PEERS = {
    "persons": [
        _person("M1", "Molly", "Fictionmissing", "2010-02-02", "female"),
        _person("M2", "Nadia", "Samplemissing", "2010-03-03", "female"),
        _person("M3", "Olive", "Examplemissing", "2010-04-04", "female"),
        # Three school friends, 14 and 15 at every record.
        _person("K1", "Kieran", "Pupilham", "2009-05-05", "male"),
        _person("K2", "Lewis", "Studentford", "2009-09-09", "male"),
        _person("K3", "Tyler", "Classworth", "2010-01-01", "male"),
        # Two boys of 15 named as suspects in a sexual offence against a girl.
        _person("S1", "Jordan", "Boyfield", "2008-06-06", "male"),
        _person("S2", "Callum", "Ladbrook", "2009-02-02", "male"),
        # Two boys of 16 found with a missing child, neither at risk in any record: older
        # children around her, a network as before.
        _person("B1", "Owen", "Elderfield", "2007-10-10", "male"),
        _person("B2", "Ryan", "Seniorton", "2007-11-11", "male"),
        # Two men found with a missing child: adults, so the existing rules stand.
        _person("A1", "Derek", "Oldcastle", "1985-07-07", "male"),
        _person("A2", "Trevor", "Greyhurst", "1979-08-08", "male"),
    ],
    "events": [
        _missing("E1", "2024-03-01"),
        _missing("E2", "2024-04-01"),
        _crime("E3", "2024-05-01", offence="Sexual assault of a child"),
        _missing("E4", "2024-06-01"),
        # One of the friends reported missing himself: a child at risk.
        _missing("E5", "2024-07-01"),
        _missing("E6", "2024-08-01"),
    ],
    "involvements": [
        *_rows("E1", {"M1": "missing_person", "K1": "associate", "K2": "associate"}),
        *_rows("E2", {"M2": "missing_person", "K2": "associate", "K3": "associate"}),
        *_rows("E3", {"M3": "victim", "S1": "suspect", "S2": "suspect"}),
        *_rows("E4", {"M1": "missing_person", "A1": "associate", "A2": "associate"}),
        *_rows("E5", {"K3": "missing_person"}),
        *_rows("E6", {"M2": "missing_person", "B1": "associate", "B2": "associate"}),
    ],
}


def test_children_named_only_as_companions_are_a_peer_group(tmp_path: Path) -> None:
    con = _store(tmp_path, PEERS)
    run(con)
    found = sorted(sorted(m) for m in _networks(con))
    people = {p for m in found for p in m}
    assert not people & {"K1", "K2", "K3"}
    # Peer-on-peer abuse is a network; adults found with a missing child stay one.
    assert any({"S1", "S2"} <= set(m) for m in found)
    assert any({"A1", "A2"} <= set(m) for m in found)
    assert any({"B1", "B2"} <= set(m) for m in found)
    peers = con.execute(
        "SELECT peer_group, entity_id, reason FROM network_peer_groups ORDER BY ALL"
    ).fetchall()
    assert sorted(e.split("/")[-1] for _, e, _ in peers) == ["K1", "K2", "K3"]
    assert len({g for g, _, _ in peers}) == 1
    assert all("children at risk together" in r for _, _, r in peers)
    con.close()
