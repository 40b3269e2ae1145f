"""Which true groups the records could reveal (``benchmarks/network_revealable.py``).

Each case is a small store holding only the tables the measure reads, written as the
graph writes them: a named man whose offending is recorded only under "unknown male" is
not tied to his group by any record; a shared child ties two men; a place alone does not;
a member on no offending side joins two who are; records of one named man in two
entities are one man (perfect linkage), an unnamed record never is. The pieces (session
27): a network that is one piece the records join is not spurious against them; one that
joins men from two pieces nothing ties, or is one man's records, is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))

from network_revealable import (  # noqa: E402
    NOTHING,
    PLACE_ONLY,
    Reading,
    reading,
    revealable,
    spurious_against_pieces,
)
from networks import score  # noqa: E402

# entity -> (true person, unidentified, offending role or None)
Entities = dict[str, tuple[str, bool, str | None]]


def _store(
    entities: Entities,
    links: list[tuple[str, str, str]],
    names: dict[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """``names``: an entity's written name (a named one "Ryan Hall" by default)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE graph_entities (entity_id VARCHAR, unidentified BOOLEAN)")
    con.execute(
        "CREATE TABLE graph_person_map (entity_id VARCHAR, source_id VARCHAR, "
        "person_id VARCHAR, name VARCHAR, unidentified BOOLEAN)"
    )
    con.execute(
        "CREATE TABLE current_persons (source_id VARCHAR, person_id VARCHAR, date_of_birth VARCHAR)"
    )
    con.execute(
        "CREATE TABLE current_involvements (source_id VARCHAR, event_id VARCHAR, "
        "person_id VARCHAR, role VARCHAR)"
    )
    con.execute(
        "CREATE TABLE current_associations (source_id VARCHAR, from_type VARCHAR, "
        "from_id VARCHAR, to_type VARCHAR, to_id VARCHAR, association_type VARCHAR)"
    )
    con.execute("CREATE TABLE graph_links (entity_a VARCHAR, entity_b VARCHAR, link_type VARCHAR)")
    for entity, (_, unnamed, role) in entities.items():
        con.execute("INSERT INTO graph_entities VALUES (?, ?)", [entity, unnamed])
        name = "unknown" if unnamed else (names or {}).get(entity, "Ryan Hall")
        con.execute(
            "INSERT INTO graph_person_map VALUES (?, 'police', ?, ?, ?)",
            [entity, entity, name, unnamed],
        )
        con.execute("INSERT INTO current_persons VALUES ('police', ?, NULL)", [entity])
        if role == "employed_at":
            con.execute(
                "INSERT INTO current_associations VALUES "
                "('police', 'person', ?, 'location', 'L1', 'employed_at')",
                [entity],
            )
        elif role:
            con.execute(
                "INSERT INTO current_involvements VALUES ('police', 'E1', ?, ?)", [entity, role]
            )
    con.executemany("INSERT INTO graph_links VALUES (?, ?, ?)", links)
    return con


def _verdict(
    entities: Entities, links: list[tuple[str, str, str]], members: set[str]
) -> str | None:
    records = {("police", e): person for e, (person, _, _) in entities.items()}
    recorded = {
        person for person, _, role in entities.values() if role is not None and person in members
    }
    con = _store(entities, links)
    try:
        return revealable(con, records, {"G": members}, {"G": recorded})["G"]
    finally:
        con.close()


def test_a_shared_child_ties_two_men() -> None:
    entities: Entities = {"a": ("A", False, "suspect"), "b": ("B", True, "suspect")}
    assert _verdict(entities, [("a", "b", "shared_victim")], {"A", "B"}) is None


def test_offending_only_under_unknown_male_with_no_link_is_not_revealable() -> None:
    # Seed 10,098's pattern: A named by social care around one child; B's offending is
    # recorded only as "unknown male" against another child; B's named record shares a
    # phone with A but puts him in no offence.
    entities: Entities = {
        "a": ("A", False, "associate"),
        "b_unknown": ("B", True, "suspect"),
        "b_named": ("B", False, None),
    }
    links = [("a", "b_named", "shared_object")]
    assert _verdict(entities, links, {"A", "B"}) == NOTHING


def test_a_place_alone_is_not_evidence() -> None:
    entities: Entities = {"a": ("A", False, "suspect"), "b": ("B", False, "suspect")}
    assert _verdict(entities, [("a", "b", "shared_place")], {"A", "B"}) == PLACE_ONLY


def test_a_member_on_no_offending_side_joins_two_who_are() -> None:
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "c": ("C", False, None),
        "b": ("B", False, "employed_at"),
    }
    links = [("a", "c", "association"), ("c", "b", "shared_object")]
    assert _verdict(entities, links, {"A", "B", "C"}) is None


def test_a_path_through_someone_outside_the_group_does_not_count() -> None:
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "x": ("X", False, "suspect"),
        "b": ("B", False, "suspect"),
    }
    links = [("a", "x", "co_involved"), ("x", "b", "co_involved")]
    assert _verdict(entities, links, {"A", "B"}) == NOTHING


@pytest.mark.parametrize("unnamed, expected", [(False, None), (True, NOTHING)])
def test_named_records_are_one_man_unnamed_ones_never(unnamed: bool, expected: str | None) -> None:
    # B's offence is on one record, his link to A on another: perfect linkage joins them
    # when both carry his name, and no linkage can when the offence names nobody.
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "b_offence": ("B", unnamed, "suspect"),
        "b_link": ("B", False, None),
    }
    links = [("a", "b_link", "association")]
    assert _verdict(entities, links, {"A", "B"}) == expected


def test_half_the_recorded_offenders_in_one_piece_is_enough() -> None:
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "b": ("B", False, "suspect"),
        "c": ("C", False, "suspect"),
        "d": ("D", False, "suspect"),
    }
    links = [("a", "b", "co_involved")]
    assert _verdict(entities, links, {"A", "B", "C", "D"}) is None
    assert _verdict(entities, links, {"A", "B", "C", "D", "A2"}) is None
    five = {**entities, "e": ("E", False, "suspect")}
    assert _verdict(five, links, {"A", "B", "C", "D", "E"}) == NOTHING


def _reading(
    entities: Entities,
    links: list[tuple[str, str, str]],
    members: set[str],
    names: dict[str, str] | None = None,
    strict: bool = False,
) -> tuple[set[str], dict[str, Reading]]:
    records = {("police", e): person for e, (person, _, _) in entities.items()}
    recorded = {
        person for person, _, role in entities.values() if role is not None and person in members
    }
    con = _store(entities, links, names)
    try:
        return recorded, reading(con, records, {"G": members}, {"G": recorded}, strict=strict)
    finally:
        con.close()


# Six named suspects of one group, in three pairs: each pair shares a child; the first and
# second pairs were seen at one takeaway; nothing ties the third to either.
SIX: Entities = {x.lower(): (x, False, "suspect") for x in "ABCDEF"}
SIX_LINKS = [
    ("a", "b", "shared_victim"),
    ("c", "d", "shared_victim"),
    ("e", "f", "co_involved"),
    ("b", "c", "shared_place"),
]


def test_the_pieces_are_what_the_records_join_and_a_place_joins_none() -> None:
    _, readings = _reading(SIX, SIX_LINKS, set("ABCDEF"))
    # Only the takeaway puts four of the six (half) in one piece.
    assert readings["G"].verdict == PLACE_ONLY
    assert sorted(sorted(p) for p in readings["G"].pieces) == [["A", "B"], ["C", "D"], ["E", "F"]]


def test_a_network_that_is_one_piece_is_not_spurious_against_the_pieces() -> None:
    recorded, readings = _reading(SIX, SIX_LINKS, set("ABCDEF"))
    predicted = {"N1": {"A", "B"}, "N2": {"E", "F"}}
    assert score({"G": recorded}, predicted)["spurious"] == 2  # the full figure
    assert spurious_against_pieces({"G": recorded}, readings, predicted) == 0


def test_a_network_joining_pieces_nothing_ties_is_spurious_against_them() -> None:
    # A and C were only ever seen at the same takeaway: a network of the two matches no
    # piece (a third of each) and not the group (a third).
    recorded, readings = _reading(SIX, SIX_LINKS, set("ABCDEF"))
    predicted = {"N1": {"A", "C"}, "N2": {"A", "B", "C", "D", "E"}}
    assert spurious_against_pieces({"G": recorded}, readings, predicted) == 1


def test_one_suspect_alone_is_no_piece() -> None:
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "b": ("B", False, None),  # with A around a child, never on the offending side
    }
    _, readings = _reading(entities, [("a", "b", "shared_victim")], {"A", "B"})
    assert readings["G"].pieces == ()
    assert spurious_against_pieces({}, readings, {"N1": {"A", "B"}}) == 1


def test_the_strict_reading_joins_no_two_men_by_a_child_alone() -> None:
    # IICSA's "possible" network: two pairs of men with one child in common are two pairs.
    _, loose = _reading(SIX, SIX_LINKS, set("ABCDEF"))
    _, strict = _reading(SIX, SIX_LINKS, set("ABCDEF"), strict=True)
    assert sorted(sorted(p) for p in loose["G"].pieces) == [["A", "B"], ["C", "D"], ["E", "F"]]
    assert sorted(sorted(p) for p in strict["G"].pieces) == [["E", "F"]]


def test_the_strict_reading_does_not_take_a_first_name_for_its_man() -> None:
    # "Dler" in one event with B is Dler Ahmed only to the truth: a first name alone
    # identifies no one (graph/unidentified.py), so the strict reading keeps him apart.
    entities: Entities = {
        "a": ("A", False, "suspect"),
        "a_first": ("A", False, None),
        "b": ("B", False, "suspect"),
    }
    links = [("a_first", "b", "co_involved")]
    names = {"a": "Dler Ahmed", "a_first": "Dler", "b": "Liam McDonald"}
    _, loose = _reading(entities, links, {"A", "B"}, names)
    _, strict = _reading(entities, links, {"A", "B"}, names, strict=True)
    assert [sorted(p) for p in loose["G"].pieces] == [["A", "B"]]
    assert strict["G"].pieces == ()
    assert spurious_against_pieces({}, strict, {"N1": {"A", "B"}}) == 1
    assert spurious_against_pieces({}, strict, {"N1": {"A", "B"}}, loose) == 0
