"""The synthetic linkage benchmark's second score: over the records that name someone."""

from __future__ import annotations

import duckdb

from tests.linkage.conftest import benchmark_module


def test_identified_scores_leave_out_records_that_name_nobody() -> None:
    # One true person in four records: a and b named and linked, c an "unknown male"
    # the truth ties to them (never linked by design), d unknown but with an NHS number
    # (linkable, and missed). Over every record recall is 1 of 6 pairs; over the
    # records that name someone (a, b, d) 1 of 3.
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE truth AS SELECT * FROM (VALUES ('a', 'P'), ('b', 'P'), "
        "('c', 'P'), ('d', 'P')) t(record, cluster)"
    )
    con.execute(
        "CREATE TEMP TABLE predicted AS SELECT * FROM (VALUES ('a', 'E1'), "
        "('b', 'E1'), ('c', 'E2'), ('d', 'E3')) t(record, cluster)"
    )
    con.execute(
        "CREATE TEMP TABLE link_input AS SELECT * FROM (VALUES ('a', false, NULL), "
        "('b', false, NULL), ('c', true, NULL), ('d', true, '9434765919')) "
        "t(record_key, is_unknown, nhs_number)"
    )
    bench = benchmark_module("linkage")
    every = bench.pair_scores(
        con,
        "SELECT p.cluster AS e, t.cluster AS t FROM predicted p JOIN truth t USING (record)",
    )
    named = bench._identified_scores(con)
    assert (every["true_pairs"], every["recall"]) == (6, round(1 / 6, 4))
    assert (named["true_pairs"], named["recall"], named["precision"]) == (3, round(1 / 3, 4), 1.0)
    # It drops the features table it read, as the benchmark's caller expects.
    assert not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'link_input'"
    ).fetchall()[0][0]
