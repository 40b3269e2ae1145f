"""The measured linkage review as the web shows it: the pairs drawn for measurement, the
model's precision and recall per pair of sources from the decisions on them, and the
entities flagged by size and density, each scoped to what the viewer may identify.

Scope follows the closed-case review (``review_view``): a pair is shown only when the
viewer may identify both of its records; a figure per pair of sources only when they may
identify the records of both sources (every label behind it is then a pair they could
see); a flagged entity only when they may identify at least one of its records, as the
person page shows it, and then a source of another area is not named in the reason.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb

from clearsight.access import Principal, record_filter
from clearsight.web.queries import Row, exists, rows

# Sample sizes the page accepts, per pair of sources: the accuracy figures need
# ``accuracy.MIN_LABELS`` labels on each side of the threshold, and a sample larger than a
# few hundred is not decided in one sitting.
SAMPLE_SIZES = range(1, 201)
# Flagged entities listed on the page, largest first.
FLAGGED_SHOWN = 50


@dataclass
class Cache:
    """The accuracy figures and the flags of the last decisions seen: both run Splink over
    the whole store, so a page view reuses them until a run or a decision changes them.
    The lock also keeps two computations from sharing Splink's scratch tables."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    key: tuple[Any, ...] | None = None
    accuracy: list[Any] = field(default_factory=list)
    accuracy_error: str | None = None
    flagged: list[Any] = field(default_factory=list)


def linked(con: duckdb.DuckDBPyConnection) -> bool:
    """A finished linkage run exists (else the page has nothing to measure)."""
    if not (exists(con, "link_runs") and exists(con, "link_pairs")):
        return False
    return bool(rows(con, "SELECT 1 FROM link_runs WHERE status = 'finished' LIMIT 1"))


def visible_sources(con: duckdb.DuckDBPyConnection, principal: Principal) -> set[str]:
    """The sources whose records the principal may identify."""
    scope, params = record_filter(principal)
    return {
        str(r[0])
        for r in con.execute(f"SELECT s.source_id FROM sources s WHERE {scope}", params).fetchall()
    }


def _source_of(key: str) -> str:
    return key.partition(":")[0]


def sample(con: duckdb.DuckDBPyConnection, sources: set[str]) -> Row:
    """The measurement sample of the latest run among ``sources``: the seeds drawn, how
    many pairs and how many decided, and the undecided pairs with their explanation."""
    from clearsight.linkage.errors import LinkageError
    from clearsight.linkage.explain import explain_pairs
    from clearsight.linkage.review import SAMPLES_DDL, SAMPLES_TABLE
    from clearsight.linkage.tables import ensure_tables, latest_run

    ensure_tables(con)
    con.execute(SAMPLES_DDL)
    latest = latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    run_id, threshold = latest[0], latest[1]
    drawn = rows(
        con,
        f"""
        SELECT s.record_key_l, s.record_key_r, any_value(s.stratum) AS stratum,
               list(DISTINCT s.seed ORDER BY s.seed) AS seeds, max(s.sampled_at) AS sampled_at,
               any_value(d.decision) AS decision, any_value(p.evidence) AS evidence,
               any_value(p.match_weight) AS match_weight, any_value(p.linked) AS linked
        FROM {SAMPLES_TABLE} s
        LEFT JOIN current_link_decisions d USING (record_key_l, record_key_r)
        LEFT JOIN link_pairs p USING (record_key_l, record_key_r)
        WHERE s.run_id = ? AND list_contains(?, split_part(s.record_key_l, ':', 1))
          AND list_contains(?, split_part(s.record_key_r, ':', 1))
        GROUP BY 1, 2 ORDER BY stratum, 1, 2
        """,
        [run_id, sorted(sources), sorted(sources)],
    )
    undecided = [r for r in drawn if r["decision"] is None]
    details = _records(con, [k for r in undecided for k in (r["record_key_l"], r["record_key_r"])])
    links = explain_pairs(con, [(r["record_key_l"], r["record_key_r"]) for r in undecided])
    for r in undecided:
        r["left"] = details.get(r["record_key_l"], {"sealed": False, "words": "not current"})
        r["right"] = details.get(r["record_key_r"], {"sealed": False, "words": "not current"})
        link = links.get((r["record_key_l"], r["record_key_r"]))
        r["steps"] = (
            []
            if link is None
            else [
                {
                    "comparison": s.comparison,
                    "level": s.level,
                    "weight": s.match_weight + s.tf_adjustment,
                }
                for s in link.steps
            ]
        )
        r["match_probability"] = None if link is None else link.match_probability
    return {
        "run_id": run_id,
        "threshold": threshold,
        "seeds": sorted({s for r in drawn for s in r["seeds"]}),
        "sampled": len(drawn),
        "decided": len(drawn) - len(undecided),
        "pairs": undecided,
    }


def _records(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, Row]:
    """Name, date of birth and postcode of each record; a sealed one is not described."""
    if not keys:
        return {}
    sealed = (
        "EXISTS (SELECT 1 FROM sealed_records sr WHERE sr.source_id = p.source_id"
        " AND sr.person_id = p.person_id)"
        if exists(con, "sealed_records")
        else "false"
    )
    found = rows(
        con,
        f"""
        SELECT p.source_id || ':' || p.person_id AS record_key,
               concat_ws(', ', nullif(trim(concat_ws(' ', p.forenames, p.surname)), ''),
                         p.date_of_birth, p.postcode) AS words,
               {sealed} AS sealed
        FROM current_persons p
        WHERE list_contains(?, p.source_id || ':' || p.person_id)
        """,
        [sorted(set(keys))],
    )
    out = {}
    for r in found:
        if r["sealed"]:
            r["words"] = "sealed record"
        out[str(r["record_key"])] = r
    return out


def _cache_key(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    from clearsight.linkage.tables import latest_run

    latest = latest_run(con)
    decisions = con.execute("SELECT count(*), max(decided_at) FROM link_decisions").fetchall()[0]
    return (None if latest is None else latest[0], *decisions)


def measured(con: duckdb.DuckDBPyConnection, cache: Cache, *, refresh: bool) -> bool:
    """Fill ``cache`` when empty or of another linkage run, or with ``refresh`` when
    decisions were made since; True when its figures are of the decisions in force.

    Decisions alone do not recompute the figures: at a million records the features are
    rebuilt over the whole store for Splink, and an analyst deciding pair after pair would
    wait for it after each. The page says the figures are older and offers to refresh."""
    from clearsight.linkage.accuracy import accuracy
    from clearsight.linkage.entity_review import flagged_entities
    from clearsight.linkage.errors import LinkageError
    from clearsight.linkage.tables import ensure_tables

    ensure_tables(con)
    with cache.lock:
        key = _cache_key(con)
        if cache.key == key:
            return True
        if cache.key is not None and cache.key[0] == key[0] and not refresh:
            return False
        try:
            cache.accuracy, cache.accuracy_error = accuracy(con), None
        except LinkageError as exc:
            cache.accuracy, cache.accuracy_error = [], str(exc)
        # Every flagged entity: the viewer's are filtered from them.
        cache.flagged = flagged_entities(con, limit=1_000_000)
        cache.key = key
        return True


def accuracy_rows(cache: Cache, sources: set[str]) -> list[Any]:
    """The figures of the pairs of sources both of which the viewer may identify."""
    return [r for r in cache.accuracy if r.source_l in sources and r.source_r in sources]


def flagged_rows(con: duckdb.DuckDBPyConnection, cache: Cache, sources: set[str]) -> list[Row]:
    """Flagged entities with at least one record the viewer may identify, largest first;
    a source the viewer may not identify is not named."""
    if not cache.flagged:
        return []
    ids = [e.entity_id for e in cache.flagged]
    seen = {
        str(r["entity_id"]): (int(r["visible"]), int(r["hidden"]))
        for r in rows(
            con,
            """
            SELECT entity_id, count(*) FILTER (WHERE list_contains(?, source_id)) AS visible,
                   count(*) FILTER (WHERE NOT list_contains(?, source_id)) AS hidden
            FROM person_entities WHERE list_contains(?, entity_id) GROUP BY 1
            """,
            [sorted(sources), sorted(sources), ids],
        )
    }
    out: list[Row] = []
    for e in cache.flagged:
        visible, hidden = seen.get(e.entity_id, (0, 0))
        if not visible:
            continue
        reasons = list(e.reasons)
        if e.source not in sources:
            reasons = [
                r.replace(f"from {e.source}:", "from one source outside your area:")
                for r in reasons
            ]
        out.append({**e.as_dict(), "reasons": reasons, "hidden_records": hidden})
        if len(out) >= FLAGGED_SHOWN:
            break
    return out
