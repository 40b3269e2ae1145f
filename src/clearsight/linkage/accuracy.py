"""The model estimated from analysts' decisions: precision and recall per pair of sources.

An analyst's decision on a pair (``link decide``) is a label: the two records
are the same person, or not. Compared with what the model itself said of the
pair (its evidence reached the threshold and no rule held it back), the labels
estimate the model's precision (of the pairs it would link, the share analysts
accepted) and recall (of the pairs analysts accepted, the share it would link),
per pair of sources, since partners record differently and a model that serves
police and health records well may serve a charity's badly.

The model's verdict is read without the decision: a decision binds every later
run, so the entities themselves would agree with the labels by construction.
A decided pair the last run never scored (no blocking rule proposed it, or its
evidence fell below the review band) is one the model would not link.

The estimates describe the labelled pairs, which are the pairs analysts were
shown: the review queue holds the uncertain ones (near the threshold, or held
back by a rule), where the model errs most. They say how well the model does
where it is least sure, not across every pair; each row carries its counts so a
reader can judge how much rests on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from clearsight.linkage import clusters, tables
from clearsight.linkage.errors import LinkageError


@dataclass(frozen=True)
class SourcePairAccuracy:
    """Labels and estimates for the pairs between two sources (or within one)."""

    source_l: str
    source_r: str
    labelled: int
    accepted: int
    rejected: int
    # Labelled pairs by the model's own verdict and the analyst's label.
    linked_accepted: int
    linked_rejected: int
    unlinked_accepted: int
    unlinked_rejected: int
    # None where there is nothing to divide: no labelled pair the model links
    # (precision), or none that analysts accepted (recall).
    precision: float | None
    recall: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def accuracy(con: duckdb.DuckDBPyConnection) -> list[SourcePairAccuracy]:
    """Precision and recall of the last run's model per pair of sources, from the decisions."""
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    _run_id, threshold, *_ = latest
    # The guards without the decisions: an empty decision table in their place.
    rules = clusters.guard_sql().replace("d.decision", "NULL::VARCHAR")
    rows = con.execute(
        f"""
        WITH labels AS (
            SELECT record_key_l, record_key_r, decision = 'accept' AS same
            FROM current_link_decisions
        ),
        verdicts AS (
            SELECT p.record_key_l, p.record_key_r,
                   p.evidence >= ? AND ({rules}) IS NULL AS links
            FROM link_pairs p JOIN labels USING (record_key_l, record_key_r)
        )
        SELECT least(split_part(l.record_key_l, ':', 1), split_part(l.record_key_r, ':', 1)),
               greatest(split_part(l.record_key_l, ':', 1),
                        split_part(l.record_key_r, ':', 1)),
               count(*) FILTER (WHERE coalesce(v.links, false) AND l.same),
               count(*) FILTER (WHERE coalesce(v.links, false) AND NOT l.same),
               count(*) FILTER (WHERE NOT coalesce(v.links, false) AND l.same),
               count(*) FILTER (WHERE NOT coalesce(v.links, false) AND NOT l.same)
        FROM labels l LEFT JOIN verdicts v USING (record_key_l, record_key_r)
        GROUP BY ALL ORDER BY 1, 2
        """,
        [threshold],
    ).fetchall()
    out = []
    for left, right, la, lr, ua, ur in rows:
        la, lr, ua, ur = int(la), int(lr), int(ua), int(ur)
        out.append(
            SourcePairAccuracy(
                source_l=str(left),
                source_r=str(right),
                labelled=la + lr + ua + ur,
                accepted=la + ua,
                rejected=lr + ur,
                linked_accepted=la,
                linked_rejected=lr,
                unlinked_accepted=ua,
                unlinked_rejected=ur,
                precision=round(la / (la + lr), 4) if la + lr else None,
                recall=round(la / (la + ua), 4) if la + ua else None,
            )
        )
    return out


# An entity whose records link directly in fewer than half of their pairs holds
# together through chains: the shape of two people joined by a third record
# (two cliques and one bridge), which single linkage makes and which a reader of
# the entity should check. A person's own records mostly link each other: a
# chain of three (two of three pairs) or four (three of six) is not flagged.
LOOSE_DENSITY = 0.5


@dataclass(frozen=True)
class LooseEntity:
    """An entity of the latest run flagged for review by its size and density."""

    entity_id: str
    n_records: int
    n_sources: int
    # Pairs of its records that link directly, and their share of all its pairs.
    direct_links: int
    density: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def loose_entities(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[LooseEntity]:
    """Entities of three or more records below ``LOOSE_DENSITY``, largest first."""
    tables.ensure_tables(con)
    rows = con.execute(
        """
        WITH direct AS (
            SELECT a.entity_id, count(*) AS n
            FROM link_pairs p
            JOIN person_entities a ON a.record_key = p.record_key_l
            JOIN person_entities b ON b.record_key = p.record_key_r
            WHERE p.linked AND a.entity_id = b.entity_id
            GROUP BY a.entity_id
        )
        SELECT e.entity_id, e.n_records, e.n_sources, coalesce(d.n, 0) AS links,
               coalesce(d.n, 0) / (e.n_records * (e.n_records - 1) / 2) AS density
        FROM entities e LEFT JOIN direct d USING (entity_id)
        WHERE e.n_records >= 3
          AND coalesce(d.n, 0) < ? * (e.n_records * (e.n_records - 1) / 2)
        ORDER BY e.n_records DESC, density, e.entity_id
        LIMIT ?
        """,
        [LOOSE_DENSITY, limit],
    ).fetchall()
    return [
        LooseEntity(str(r[0]), int(r[1]), int(r[2]), int(r[3]), round(float(r[4]), 4)) for r in rows
    ]
