"""One rule for who is a child in an event (``clearsight.children``): linkage's shared
context reads the same values as the graph, from the graph's documented settings."""

from __future__ import annotations

from clearsight.children import child_in_event_sql, documented, event_context_sql
from clearsight.graph.settings import load_graph_settings


def test_the_documented_values_are_the_graphs() -> None:
    graph = load_graph_settings()
    rule = documented()
    assert (rule.child_age, rule.sexual_pattern, rule.child_offence_pattern) == (
        graph.child_age,
        graph.sexual_pattern,
        graph.child_offence_pattern,
    )
    assert child_in_event_sql(rule) == child_in_event_sql(graph)
    assert event_context_sql(rule) == event_context_sql(graph)


def test_a_child_is_under_the_age_or_of_unknown_age_in_a_sexual_offence() -> None:
    import duckdb

    rule = documented()
    sql = child_in_event_sql(rule)
    con = duckdb.connect()
    rows = [
        ("victim", 15.0, False, False, True),
        ("victim", 19.0, False, False, False),
        ("victim", None, True, False, True),
        ("victim", None, False, False, False),
        ("suspect", 15.0, True, True, False),
        ("subject", 30.0, False, True, True),
    ]
    for role, age, own_sexual, child_offence, expected in rows:
        got = con.execute(
            f"SELECT {sql} FROM (SELECT ?::VARCHAR AS role, ?::DOUBLE AS age, "
            "?::BOOLEAN AS own_sexual, ?::BOOLEAN AS child_offence)",
            [role, age, own_sexual, child_offence],
        ).fetchall()[0][0]
        assert bool(got) is expected, (role, age, own_sexual, child_offence)
