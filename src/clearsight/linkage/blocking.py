"""Candidate pairs on DuckDB: the model's blocking rules as joins on one hashed key each.

Splink proposes the pairs of rule k with a join on the rule's columns and then
drops those any earlier rule proposed, re-testing every earlier rule's
condition on each row: at 1M records that took about 16 s of string
comparisons. Here each rule's columns are hashed once per record into one
integer, each rule is a self-join on that integer over integer record ids, and
the union is deduplicated once (keeping the first rule, as Splink's
``match_key``). The pairs are the same; the model then scores them through
Splink's ``register_blocked_pairs_for_predict``. A hash collision can only add a
candidate pair, which the model scores like any other.
"""

from __future__ import annotations

import duckdb

from clearsight.linkage.features import RECORD_KEY
from clearsight.linkage.model import BLOCKING_RULES, BlockingRule

PAIRS_TABLE = "_link_blocked_pairs"
_KEYS_TABLE = "_link_block_keys"


def _key(columns: tuple[str, ...]) -> str:
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    return f"CASE WHEN {present} THEN hash({', '.join(columns)}) END"


def _key_columns(rules: tuple[BlockingRule, ...]) -> list[str]:
    select = []
    for i, rule in enumerate(rules):
        if rule.explode:
            continue
        select.append(f"{_key(rule.left)} AS k{i}_l")
        if rule.one_sided:
            select.append(f"{_key(rule.right_columns)} AS k{i}_r")
    return select


def _pairs_sql(i: int, rule: BlockingRule, table: str, only_new: bool = False) -> str:
    if rule.explode:
        return _exploded_pairs_sql(i, rule, table, only_new)
    if only_new:
        # Incremental linking: only pairs with a new record on at least one
        # side. The new records' keys are joined to every record's, so the
        # join never enumerates the pairs of two existing records (a self-join
        # filtered afterwards did, and grew with the store).
        new = f"(SELECT * FROM {_KEYS_TABLE} WHERE is_new)"
        pair = f"SELECT {i} AS mk, least(n.rid, o.rid) AS a, greatest(n.rid, o.rid) AS b"
        if not rule.one_sided:
            return (
                f"{pair} FROM {new} n JOIN {_KEYS_TABLE} o ON n.k{i}_l = o.k{i}_l "
                "WHERE n.rid <> o.rid"
            )
        return (
            f"{pair} FROM {new} n JOIN {_KEYS_TABLE} o ON n.k{i}_l = o.k{i}_r "
            f"WHERE n.rid <> o.rid UNION ALL "
            f"{pair} FROM {new} n JOIN {_KEYS_TABLE} o ON n.k{i}_r = o.k{i}_l "
            "WHERE n.rid <> o.rid"
        )
    if rule.one_sided:
        # Either record may hold the one-sided key: both orientations, one pair.
        return (
            f"SELECT {i} AS mk, least(l.rid, r.rid) AS a, greatest(l.rid, r.rid) AS b "
            f"FROM {_KEYS_TABLE} l JOIN {_KEYS_TABLE} r ON l.k{i}_l = r.k{i}_r "
            "WHERE l.rid <> r.rid"
        )
    return (
        f"SELECT {i} AS mk, l.rid AS a, r.rid AS b FROM {_KEYS_TABLE} l "
        f"JOIN {_KEYS_TABLE} r ON l.k{i}_l = r.k{i}_l WHERE l.rid < r.rid"
    )


def _exploded_pairs_sql(i: int, rule: BlockingRule, table: str, only_new: bool) -> str:
    """Pairs sharing any element of the rule's list column (and its other columns)."""
    column, *others = rule.left
    present = "".join(f" AND t.{c} IS NOT NULL" for c in others)
    value = f"hash(v, {', '.join(f't.{c}' for c in others)})" if others else "v"
    side = (
        f"(SELECT DISTINCT rid, is_new, {value} AS v FROM (SELECT k.rid, k.is_new, t.*, "
        f"unnest(t.{column}) AS v FROM {_KEYS_TABLE} k JOIN {table} t USING ({RECORD_KEY}) "
        f"WHERE t.{column} IS NOT NULL{present}) t)"
    )
    if only_new:
        return (
            f"SELECT {i} AS mk, least(n.rid, o.rid) AS a, greatest(n.rid, o.rid) AS b "
            f"FROM (SELECT * FROM {side} WHERE is_new) n JOIN {side} o ON n.v = o.v "
            "WHERE n.rid <> o.rid"
        )
    return (
        f"SELECT {i} AS mk, l.rid AS a, r.rid AS b FROM {side} l JOIN {side} r "
        "ON l.v = r.v WHERE l.rid < r.rid"
    )


def blocked_pairs(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rules: tuple[BlockingRule, ...] = BLOCKING_RULES,
    new_records: str | None = None,
) -> int:
    """Create ``PAIRS_TABLE`` (match_key, join_key_l, join_key_r); return its row count.

    Record ids follow the key order, so ``join_key_l < join_key_r`` as Splink's
    dedupe expects. With ``new_records`` (a table of ``record_key``), only pairs
    with at least one of those records.
    """
    is_new = f"{RECORD_KEY} IN (SELECT {RECORD_KEY} FROM {new_records})" if new_records else "false"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_KEYS_TABLE} AS
        SELECT (row_number() OVER (ORDER BY {RECORD_KEY}))::INTEGER AS rid, {RECORD_KEY},
               {is_new} AS is_new, {", ".join(_key_columns(rules))}
        FROM {table}
        """
    )
    union = " UNION ALL ".join(
        _pairs_sql(i, rule, table, new_records is not None) for i, rule in enumerate(rules)
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {PAIRS_TABLE} AS
        WITH p AS (SELECT min(mk) AS mk, a, b FROM ({union}) GROUP BY a, b)
        SELECT p.mk::VARCHAR AS match_key, l.{RECORD_KEY} AS join_key_l,
               r.{RECORD_KEY} AS join_key_r
        FROM p JOIN {_KEYS_TABLE} l ON l.rid = p.a JOIN {_KEYS_TABLE} r ON r.rid = p.b
        """
    )
    con.execute(f"DROP TABLE IF EXISTS {_KEYS_TABLE}")
    return int(con.execute(f"SELECT count(*) FROM {PAIRS_TABLE}").fetchall()[0][0])
