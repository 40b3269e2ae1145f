"""The disruption what-if (graph/disruption.py): hand-built graphs with known answers,
children never ranked, a real store, and protected characteristics changing nothing."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.graph import disruption, run
from clearsight.store import connect
from tests.graph.scenario import load_scenario, shuffle_protected_characteristics


def _links(pairs: list[tuple[str, str]], kind: str = "co_involved") -> list[tuple[str, str, str]]:
    return [(a, b, kind) for a, b in pairs]


def _clique(people: str) -> list[tuple[str, str]]:
    return list(combinations(people, 2))


def test_star_centre_first() -> None:
    d = disruption.analyse("star", "abcde", _links([("a", x) for x in "bcde"]))
    first = d.ranked[0]
    assert first.entity_id == "a" and first.rank == 1
    # Every pair of the leaves loses its only path: complete fragmentation.
    assert first.removal.fragmentation == 1.0 and first.removal.distance_fragmentation == 1.0
    assert first.removal.isolated == ("b", "c", "d", "e")
    # Star of five: 4 pairs at distance 1, 6 at distance 2: DF = 1 - (4 + 3) / 10.
    assert d.baseline.fragmentation == 0.0 and d.baseline.distance_fragmentation == 0.3
    words = disruption.explain(d, first, str.upper)
    assert "splits the network into 4 groups of 1, 1, 1 and 1" in words
    assert "B, C, D and E are left with no link" in words
    assert first.betweenness == 6.0 and first.betweenness_rank == 1
    assert [r.removal.fragmentation for r in d.ranked[1:]] == [0.0] * 4


@pytest.mark.parametrize("joined_to", ["everyone", "one each"])
def test_two_cliques_bridge_first(joined_to: str) -> None:
    pairs = _clique("abcd") + _clique("efgh")
    pairs += [("x", p) for p in ("abcdefgh" if joined_to == "everyone" else "ae")]
    d = disruption.analyse("bridge", "abcdefghx", _links(pairs))
    first = d.ranked[0]
    assert first.entity_id == "x"
    assert first.removal.groups == (("a", "b", "c", "d"), ("e", "f", "g", "h"))
    assert first.removal.bridged == (0, 1)
    # Two cliques of four out of eight: 1 - (12 + 12) / 56.
    assert first.removal.fragmentation == pytest.approx(1 - 24 / 56)
    words = disruption.explain(d, first, str.upper)
    assert "X is the only link between the group of A, B, C and D and the group of E, F, G" in words
    assert "16 pairs of the others can no longer reach each other" in words


def test_path_middle_first_ends_last() -> None:
    d = disruption.analyse(
        "path", "12345", _links([("1", "2"), ("2", "3"), ("3", "4"), ("4", "5")])
    )
    order = [r.entity_id for r in d.ranked]
    assert order == ["3", "2", "4", "1", "5"]
    middle = d.ranked[0].removal
    assert middle.fragmentation == pytest.approx(1 - 4 / 12)
    assert middle.distance_fragmentation == pytest.approx(1 - 4 / 12)
    # Removing 2 leaves 1 alone and 3-4-5: 1 - 2 (1 + 1 + 1/2) / 12.
    assert d.ranked[1].removal.distance_fragmentation == pytest.approx(1 - 5 / 12)
    assert d.ranked[1].removal.isolated == ("1",)
    end = d.ranked[3]
    assert end.entity_id == "1" and end.removal.pairs_longer == 0
    assert "leaves the network in one piece: everyone 1 links to is linked another way" in (
        disruption.explain(d, end, str)
    )


def test_removal_splitting_nothing_but_lengthening_paths() -> None:
    # A ring of six with one chord: removing a chord end lengthens paths, splits nothing.
    ring = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "a"), ("a", "d")]
    d = disruption.analyse("ring", "abcdef", _links(ring))
    assert {r.entity_id for r in d.ranked[:2]} == {"a", "d"}
    top = d.ranked[0].removal
    assert top.fragmentation == 0.0 and top.pairs_longer > 0
    assert "only through more people" in disruption.explain(d, d.ranked[0], str)


def test_children_are_never_ranked_but_keep_their_links() -> None:
    # The centre of the star is a child: the leaves stay linked through her.
    d = disruption.analyse("c", "kbcde", _links([("k", x) for x in "bcde"]), {"k": "a child"})
    assert d.ranked and all(r.entity_id != "k" for r in d.ranked)
    assert all("k" not in s.removed for s in d.sets)
    assert "k" in d.people and d.not_ranked == {"k": "a child"}
    # Removing a leaf splits nothing: the child still carries the links.
    assert all(r.removal.fragmentation == 0.0 for r in d.ranked)
    doc = disruption.as_document(d, str)
    assert doc["not_ranked"] == [{"person": "k", "reason": "a child"}]


def test_greedy_sets() -> None:
    # Two stars whose centres are linked: the two centres leave everyone alone.
    pairs = [("p", x) for x in "abc"] + [("q", x) for x in "def"] + [("p", "q")]
    d = disruption.analyse("two", "abcdefpq", _links(pairs))
    assert [len(s.removed) for s in d.sets] == [2, 3]
    assert d.sets[0].removed == ("p", "q") and d.sets[0].fragmentation == 1.0
    assert "Removing P and Q splits the network into 6 groups" in disruption.describe(
        d, d.sets[0], str.upper
    )


def test_several_link_types_are_one_tie_and_two_people() -> None:
    d = disruption.analyse(
        "two", ["a", "b"], [("a", "b", "association"), ("b", "a", "shared_object")]
    )
    assert d.links == (("a", "b", ("association", "shared_object")),)
    assert "Removing a leaves b alone" in disruption.explain(d, d.ranked[0], str)


def test_too_large_refused_with_reason() -> None:
    people = [f"p{i}" for i in range(disruption.FRAGMENTATION_MAX + 1)]
    with pytest.raises(ValueError, match="handles networks of up to"):
        disruption.analyse("big", people, [])


def test_large_network_gets_fragmentation_alone() -> None:
    people = [f"p{i:03d}" for i in range(disruption.DISTANCE_EXACT_MAX + 1)]
    star = _links([(people[0], p) for p in people[1:]])
    d = disruption.analyse("large", people, star)
    assert not d.distances and not d.sets
    assert d.ranked[0].entity_id == people[0] and d.ranked[0].removal.fragmentation == 1.0
    assert d.ranked[0].removal.distance_fragmentation is None


# ---------------------------------------------------------------- a real store


def _store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "s.duckdb")
    load_scenario(con, tmp_path)
    run(con)
    return con


def _network_of(con: duckdb.DuckDBPyConnection, entity_id: str) -> str:
    return str(
        con.execute(
            "SELECT network_id FROM network_members WHERE entity_id = ?", [entity_id]
        ).fetchall()[0][0]
    )


def test_real_store_bridge_and_children(tmp_path: Path) -> None:
    con = _store(tmp_path)
    abu = _network_of(con, "wyp-police/A")
    d = disruption.from_store(con, abu)
    assert len(d.people) == 4
    # A is the only link to C (through the shared phone).
    assert d.ranked[0].entity_id == "wyp-police/A"
    assert d.ranked[0].removal.isolated == ("wyp-police/C",)
    # The children offended against are not nodes; named as members they are held back.
    victims = [
        r[0]
        for r in con.execute(
            "SELECT entity_id FROM network_victims WHERE network_id = ?", [abu]
        ).fetchall()
    ]
    assert victims and not set(victims) & set(d.people)
    held = disruption.children_among(con, abu, [*d.people, *victims])
    assert set(held) == set(victims)
    with pytest.raises(ValueError, match="no network"):
        disruption.from_store(con, "N-nonesuch")
    con.close()


def _ranks(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    found: dict[str, list[tuple[object, ...]]] = {}
    for (network_id,) in con.execute("SELECT network_id FROM networks").fetchall():
        d = disruption.from_store(con, str(network_id))
        found[str(network_id)] = (
            [
                (r.rank, r.entity_id, r.removal, r.betweenness, disruption.explain(d, r, str))
                for r in d.ranked
            ]
            + [("set", s) for s in d.sets]
            + [("held", p, w) for p, w in d.not_ranked.items()]
        )
    return found


def test_protected_characteristics_change_no_rank(tmp_path: Path) -> None:
    con = _store(tmp_path)
    before = _ranks(con)
    assert before and all(before.values())
    # Shuffle ethnicity, nationality and sex across people (standard 1.0 records no
    # religion), then run the graph stage again: the what-if must be identical.
    shuffle_protected_characteristics(con)
    run(con)
    assert _ranks(con) == before
    con.close()


def test_cli_disrupt(tmp_path: Path) -> None:
    con = _store(tmp_path)
    abu = _network_of(con, "wyp-police/A")
    con.close()
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    result = runner.invoke(app, ["network", "disrupt", abu, "--db", db, "--top", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [r["rank"] for r in doc["ranked"]] == [1, 2]
    assert doc["ranked"][0]["entity_id"] == "wyp-police/A"
    assert "only link between" in doc["ranked"][0]["explanation"]
    assert "never an instruction" in doc["note"]
    table = runner.invoke(app, ["network", "disrupt", abu, "--db", db])
    assert table.exit_code == 0 and "Set of 2" in table.output
    missing = runner.invoke(app, ["network", "disrupt", "N-nonesuch", "--db", db])
    assert missing.exit_code != 0


def test_what_if_any_chosen_people_never_a_child() -> None:
    pairs = [("p", x) for x in "abc"] + [("q", x) for x in "def"] + [("p", "q"), ("k", "a")]
    d = disruption.analyse("two", "abcdefkpq", _links(pairs), {"k": "a child"})
    chosen = disruption.what_if(d, ["q", "p"])
    assert chosen.removed == ("p", "q") and chosen.fragmentation < 1.0
    assert ("a", "k") in chosen.groups and chosen.bridged
    # The child cannot be removed: asked for, she stays.
    assert disruption.what_if(d, ["k"]).removed == ()
    ranked = next(r for r in d.ranked if r.entity_id == "p")
    assert disruption.what_if(d, ["p"]) == ranked.removal


def test_no_set_that_leaves_fewer_than_two() -> None:
    d = disruption.analyse("three", "abc", _links([("a", "b"), ("b", "c")]))
    assert d.ranked[0].entity_id == "b" and d.sets == ()


def test_protected_characteristics_change_no_rank_on_synthetic_data(tmp_path: Path) -> None:
    from clearsight.ingest import ingest
    from clearsight.synth import generate

    generate(tmp_path / "data", ["west-yorkshire"], scale=0.05, seed=11)
    con = connect(tmp_path / "synth.duckdb")
    for folder in sorted((tmp_path / "data" / "submissions").iterdir()):
        ingest(con, folder)
    run(con)
    before = _ranks(con)
    assert len(before) >= 2 and sum(len(v) for v in before.values()) > 10
    columns = ("ethnicity_self_defined", "ethnicity_officer_defined", "nationality", "sex")
    con.execute(
        f"CREATE TEMP TABLE saved AS SELECT source_id, person_id, {', '.join(columns)} FROM persons"
    )
    # A random permutation of each protected characteristic across all person records.
    for column in columns:
        con.execute(
            f"""
            UPDATE persons p SET {column} = s.v FROM (
                SELECT a.source_id, a.person_id, b.v FROM
                  (SELECT source_id, person_id, row_number() OVER (ORDER BY source_id, person_id)
                   AS i FROM persons) a
                JOIN (SELECT {column} AS v, row_number() OVER (ORDER BY hash(person_id || 'x'))
                      AS i FROM persons) b USING (i)) s
            WHERE s.source_id = p.source_id AND s.person_id = p.person_id
            """
        )
    for column in columns:
        moved = con.execute(
            f"SELECT count(*) FROM persons p JOIN saved s USING (source_id, person_id) "
            f"WHERE p.{column} IS DISTINCT FROM s.{column}"
        ).fetchall()[0][0]
        assert moved > 10, column
    run(con)
    assert _ranks(con) == before
    con.close()
