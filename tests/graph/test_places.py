"""Places: a hotspot is where several children and several adults are seen over time,
with who and when; a place never puts two people in one group by itself (two men seen at
one busy hotel are not a network), though it counts between people linked otherwise.
Everything fictional."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clearsight.exports import load_subgraph
from clearsight.ingest import ingest
from clearsight.store import connect
from tests.graph.scenario import POLICE_MANIFEST, _person, member_sets, write_submission
from tests.graph.scenario import networks_and_definitions as run

HOTEL = {
    "location_id": "HOTEL",
    "location_type": "hotel",
    "name": "Grand Fiction Hotel",
    "postcode": "LS1 9ZZ",
}

HOTEL_KEY = "location:LS1 9ZZ|grand fiction hotel|hotel"


def _crime(event_id: str, date: str) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "crime",
        "reported_date": date,
        "location_id": "HOTEL",
        "offence": "Sexual activity with a child",
        "cse_flag": "yes",
    }


POLICE = {
    "persons": [
        _person("C1", "Ava", "Placechild", "2010-01-01", "female"),
        _person("C2", "Bea", "Placechild", "2010-02-02", "female"),
        _person("C3", "Cat", "Placechild", "2010-03-03", "female"),
        # Two unrelated men, each offending alone at the hotel, months apart.
        _person("M", "Mick", "Mallard", "1980-01-01", "male"),
        _person("N", "Ned", "Nuthatch", "1981-02-02", "male"),
        # A man who frequents the hotel: seen there, nothing else.
        _person("F", "Finn", "Fieldfare", "1979-03-03", "male"),
        # Two co-suspects at the hotel, one of whom also frequents it.
        _person("P", "Pete", "Plover", "1985-04-04", "male"),
        _person("Q", "Quin", "Quail", "1986-05-05", "male"),
    ],
    "events": [
        _crime("E1", "2024-01-10"),
        _crime("E2", "2024-06-10"),
        _crime("E3", "2024-07-01"),
    ],
    "involvements": [
        {"event_id": "E1", "person_id": "C1", "role": "victim"},
        {"event_id": "E1", "person_id": "M", "role": "suspect"},
        {"event_id": "E2", "person_id": "C2", "role": "victim"},
        {"event_id": "E2", "person_id": "N", "role": "suspect"},
        {"event_id": "E3", "person_id": "C3", "role": "victim"},
        {"event_id": "E3", "person_id": "P", "role": "suspect"},
        {"event_id": "E3", "person_id": "Q", "role": "suspect"},
    ],
    "locations": [HOTEL],
    "associations": [
        {
            "from_type": "person",
            "from_id": pid,
            "to_type": "location",
            "to_id": "HOTEL",
            "association_type": "frequents",
        }
        for pid in ("F", "P", "M")
    ],
}


def test_a_busy_hotel_is_a_hotspot_but_never_a_network(tmp_path: Path) -> None:
    con = connect(tmp_path / "places.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, POLICE))
    run(con)
    # The hotel is a hotspot: three children and three or more adults seen there.
    spots = con.execute(
        "SELECT name, n_children, n_adults, n_exploitation_events, first_date, "
        "n_offending_adults FROM place_hotspots"
    ).fetchall()
    assert len(spots) == 1
    name, n_children, n_adults, n_events, first, n_offending = spots[0]
    # M, N, P and Q offended there; F only frequents it.
    assert n_offending == 4
    assert name == "Grand Fiction Hotel" and n_children == 3 and n_adults >= 3
    assert n_events == 3 and str(first) == "2024-01-10"
    seen = {
        str(e).split("/")[-1]
        for (e,) in con.execute("SELECT DISTINCT entity_id FROM place_sightings").fetchall()
    }
    assert seen == {"C1", "C2", "C3", "M", "N", "F", "P", "Q"}
    # The place is recorded as a link between the men seen there ...
    place_links = con.execute(
        "SELECT count(*) FROM graph_links WHERE link_type = 'shared_place'"
    ).fetchall()[0][0]
    assert place_links >= 1
    # ... but M and N (each alone at the hotel) are no network, nor is P with them: the
    # only network is P and Q, co-suspects in one crime.
    networks = {}
    for network_id, entity in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        networks.setdefault(network_id, set()).add(str(entity).split("/")[-1])
    assert list(networks.values()) == [{"P", "Q"}]
    # P both frequents the hotel and offended there: the export keeps both links.
    graph = load_subgraph(con, next(iter(networks)))
    p_links = {e.kind for e in graph.edges if e.source == "wyp-police/P" and e.target == HOTEL_KEY}
    assert p_links == {"frequents", "offended_at"}
    con.close()
    # The command says the same in words on a narrow terminal (a paragraph per place).
    from typer.testing import CliRunner

    from clearsight.cli import app

    said = CliRunner().invoke(
        app, ["network", "hotspots", "--db", str(tmp_path / "places.duckdb")], env={"COLUMNS": "80"}
    )
    assert said.exit_code == 0, said.output
    assert "1. Grand Fiction Hotel LS1 9ZZ (hotel): 3 children," in said.output
    words = " ".join(said.output.split())  # Rich wraps at the terminal's width
    assert "(4 on the offending side), 3 exploitation events; 2024-01-10 to" in words


def _note(event_id: str, narrative: str) -> dict[str, str]:
    return {
        "event_id": event_id,
        "event_type": "intelligence",
        "reported_date": "2024-08-01",
        "location_id": "HOTEL",
        "cse_flag": "yes",
        "narrative": narrative,
    }


def _networks(con: duckdb.DuckDBPyConnection) -> list[set[str]]:
    return member_sets(con)


def test_a_patrol_note_listing_adults_at_a_place_is_no_network(tmp_path: Path) -> None:
    """M and N, each offending alone at the hotel, are both listed in one patrol note
    there (no child, nobody suspected): a sighting, so no co_involved link and no
    network. The same two men named with a missing child in one record are co-involved."""
    data = {
        **POLICE,
        "events": [
            *POLICE["events"],
            _note("N1", "Patrol visit to the hotel; adults present recorded."),
        ],
        "involvements": [
            *POLICE["involvements"],
            {"event_id": "N1", "person_id": "M", "role": "associate"},
            {"event_id": "N1", "person_id": "N", "role": "associate"},
        ],
    }
    con = connect(tmp_path / "note.duckdb")
    ingest(con, write_submission(tmp_path / "police", POLICE_MANIFEST, data))
    run(con)
    notes = con.execute(
        "SELECT event_id FROM graph_events WHERE presence_note ORDER BY event_id"
    ).fetchall()
    assert notes == [("N1",)]
    kinds = {
        t
        for (t,) in con.execute(
            "SELECT link_type FROM graph_links "
            "WHERE entity_a LIKE '%/M' AND entity_b LIKE '%/N' "
            "OR entity_a LIKE '%/N' AND entity_b LIKE '%/M'"
        ).fetchall()
    }
    assert kinds == {"shared_place"}
    assert _networks(con) == [{"P", "Q"}]
    con.close()

    # The same wording with a missing child named: not a presence note.
    with_child = {
        **data,
        "involvements": [
            *data["involvements"],
            {"event_id": "N1", "person_id": "C3", "role": "missing_person"},
        ],
    }
    con = connect(tmp_path / "child.duckdb")
    ingest(con, write_submission(tmp_path / "police2", POLICE_MANIFEST, with_child))
    run(con)
    assert con.execute("SELECT count(*) FROM graph_events WHERE presence_note").fetchall() == [(0,)]
    assert {"M", "N"} in [m & {"M", "N"} for m in _networks(con)]
    con.close()
