"""What the shared-context step keeps: ``link_context``, one row per thin record's outcome.

``context.py`` decides; this module keeps the decisions (``record``) and, in an
incremental run, follows a full run's joins again (``carry_forward``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from clearsight.linkage.entities import Entities

CONTEXT_TABLE = "link_context"

DDL = f"""
CREATE TABLE IF NOT EXISTS {CONTEXT_TABLE} (
    run_id INTEGER NOT NULL,
    record_key VARCHAR NOT NULL,
    anchor_key VARCHAR,
    outcome VARCHAR NOT NULL CHECK (outcome IN ('linked', 'review')),
    reason VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    candidate_names VARCHAR[],
    candidate_keys VARCHAR[],
    -- The records of whom the join rests on: the child, or (COMPANION_RULE) the companion.
    child_keys VARCHAR[],
    child_entity_ids VARCHAR[],
    events VARCHAR[],
    -- The places (location keys) it rests on (PLACE_RULE).
    place_keys VARCHAR[]
);
"""
# Stores made before the place rule: the column is added, empty for their rows.
_PLACE_COLUMN = f"ALTER TABLE {CONTEXT_TABLE} ADD COLUMN IF NOT EXISTS place_keys VARCHAR[]"


@dataclass(frozen=True)
class ContextOutcome:
    """One thin record's resolution: linked to ``anchor_key``, or to review."""

    record_key: str
    anchor_key: str | None
    outcome: str
    reason: str
    name: str
    candidate_names: list[str]
    candidate_keys: list[str]
    child_keys: list[str]
    events: list[str]
    place_keys: list[str] = field(default_factory=list)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)
    con.execute(_PLACE_COLUMN)


def carry_forward(con: duckdb.DuckDBPyConnection, entities: Entities) -> list[ContextOutcome]:
    """An incremental run's clustering of whole entities: the latest run's context links
    whose two records are both being clustered again are followed again, so that an
    entity the step made is not split for want of the child's records, which may lie
    outside the scope. New context links need a full run (docs/linkage.md)."""
    ensure_table(con)
    rows = con.execute(
        f"""
        SELECT c.record_key, c.anchor_key, c.reason, c.name, c.candidate_names,
               c.candidate_keys, c.child_keys, c.events, c.place_keys, a.node, b.node
        FROM {CONTEXT_TABLE} c
        JOIN _link_nodes a ON a.record_key = c.record_key
        JOIN _link_nodes b ON b.record_key = c.anchor_key
        WHERE c.outcome = 'linked'
        ORDER BY c.record_key
        """
    ).fetchall()
    out = []
    for key, anchor, reason, name, cnames, ckeys, children, events, places, a, b in rows:
        ra, rb = entities.find(int(a)), entities.find(int(b))
        if ra != rb and (
            entities.kept_apart(ra, rb)
            or not entities.merge(int(a), int(b), checked=True, nhs_agrees=False)
        ):
            continue
        out.append(
            ContextOutcome(
                str(key),
                str(anchor),
                "linked",
                str(reason),
                str(name),
                list(cnames or []),
                list(ckeys or []),
                list(children or []),
                list(events or []),
                list(places or []),
            )
        )
    return out


def record(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    outcomes: list[ContextOutcome],
    *,
    scoped: bool = False,
) -> None:
    """Keep the run's outcomes in ``link_context``, with the children's entity ids (after
    the run's entities are written). A full run replaces every earlier row; a scoped
    (incremental) one the rows of the records it clustered again."""
    ensure_table(con)
    if scoped:
        con.execute(
            f"DELETE FROM {CONTEXT_TABLE} WHERE record_key IN (SELECT record_key FROM _link_nodes)"
            " OR record_key NOT IN (SELECT record_key FROM link_input)"
        )
    else:
        con.execute(f"DELETE FROM {CONTEXT_TABLE}")
    if not outcomes:
        return
    con.register(
        "_ctx_out_df",
        pa.table(
            {
                "record_key": [o.record_key for o in outcomes],
                "anchor_key": pa.array([o.anchor_key for o in outcomes], pa.string()),
                "outcome": [o.outcome for o in outcomes],
                "reason": [o.reason for o in outcomes],
                "name": [o.name for o in outcomes],
                "candidate_names": pa.array(
                    [o.candidate_names for o in outcomes], pa.list_(pa.string())
                ),
                "candidate_keys": pa.array(
                    [o.candidate_keys for o in outcomes], pa.list_(pa.string())
                ),
                "child_keys": pa.array([o.child_keys for o in outcomes], pa.list_(pa.string())),
                "events": pa.array([o.events for o in outcomes], pa.list_(pa.string())),
                "place_keys": pa.array([o.place_keys for o in outcomes], pa.list_(pa.string())),
            }
        ),
    )
    con.execute(
        f"""
        INSERT INTO {CONTEXT_TABLE} (run_id, record_key, anchor_key, outcome, reason, name,
            candidate_names, candidate_keys, child_keys, child_entity_ids, events, place_keys)
        SELECT ?, o.record_key, o.anchor_key, o.outcome, o.reason, o.name,
               o.candidate_names, o.candidate_keys, o.child_keys,
               coalesce((SELECT list_sort(list(DISTINCT pe.entity_id)) FROM person_entities pe
                         WHERE list_contains(o.child_keys, pe.record_key)), []::VARCHAR[]),
               o.events, o.place_keys
        FROM _ctx_out_df o
        """,
        [run_id],
    )
    con.unregister("_ctx_out_df")
