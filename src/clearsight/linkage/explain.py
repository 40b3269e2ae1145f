"""Why records form an entity: the records, and Splink's waterfall of every link as rows.

``write_explanations`` materialises, once per linkage run, every entity's records and the
waterfall of every scored pair inside it (``entity_explanations``, one row per entity,
under an index on ``entity_id``). ``explain_entity`` then costs one indexed lookup rather
than a scan of ``person_entities`` and of ``link_pairs`` (130-200 ms at a million records);
without the table, or when it belongs to an older run, it reads the run's tables directly.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import duckdb

from clearsight.linkage import tables
from clearsight.linkage.errors import LinkageError
from clearsight.linkage.identity import fate_of
from clearsight.store.sql import table_exists

EXPLANATIONS = "entity_explanations"

# Person details shown beside each record (``explain_entity(details=True)``).
DETAIL_COLUMNS = (
    "forenames",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "postcode",
    "phones",
    "emails",
    "nhs_number",
)


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of the waterfall: a comparison's contribution to the match weight."""

    comparison: str
    gamma: int | None
    level: str
    match_weight: float
    tf_adjustment: float = 0.0


@dataclass(frozen=True)
class Link:
    record_key_l: str
    record_key_r: str
    match_weight: float
    match_probability: float
    linked: bool
    refused_because: str | None
    decision: str | None
    steps: list[WaterfallStep] = field(default_factory=list)


@dataclass(frozen=True)
class ContextLink:
    """A record named by a first name only, joined to the one adult of that name recorded
    with the same child, or else the same named companion, or else at the same private
    place (``linkage/context.py``): no score, the shared child, companion or place is the
    reason (``child_entity_ids`` holds whom the join rests on: the child, or the
    companion; ``places`` the place, as its address reads)."""

    record_key: str
    anchor_key: str
    name: str
    reason: str
    child_entity_ids: list[str]
    events: list[str]
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntityExplanation:
    entity_id: str
    run_id: int
    records: list[dict[str, Any]]
    links: list[Link]
    # Joins made by the shared-context step rather than by a scored pair.
    context: list[ContextLink] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison name to {gamma: level label}, numbered as Splink numbers them."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lvl for lvl in levels if not lvl.get("is_null_level")]
        by_gamma = {
            len(non_null) - 1 - i: lvl.get("label_for_charts", "") for i, lvl in enumerate(non_null)
        }
        by_gamma[-1] = "null (no evidence)"
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def _model(model_text: str | None) -> dict[str, Any] | None:
    return json.loads(model_text) if model_text and model_text != "None" else None


def _prior_weight(model: dict[str, Any]) -> float:
    prior = float(model["probability_two_random_records_match"])
    return math.log2(prior / (1 - prior))


def explain_entity(
    con: duckdb.DuckDBPyConnection, entity_id: str, *, details: bool = True
) -> EntityExplanation:
    """The source records of an entity and, for each scored pair among them, its waterfall.

    Each record carries ``record_key``, ``source_id``, ``person_id`` and ``agency_type``;
    with ``details`` also the person's current identity fields (None once the record is no
    longer current). A caller that already has the records (the web app) passes
    ``details=False`` and is spared that lookup.
    """
    found = _from_explanations(con, entity_id)
    if found is None:
        found = _from_run_tables(con, entity_id)
    found = replace(found, context=_context_links(con, found.records))
    if details:
        _add_details(con, found.records)
    return found


def _context_links(
    con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]
) -> list[ContextLink]:
    """The shared-context joins among ``records`` (both records in the entity)."""
    from clearsight.linkage.context import CONTEXT_TABLE

    keys = [str(r["record_key"]) for r in records]
    if len(keys) < 2 or not table_exists(con, CONTEXT_TABLE):
        return []
    # A store linked before the place rule has no place column (it is added by the next
    # run); reading must not write.
    has_places = con.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = ? "
        "AND column_name = 'place_keys'",
        [CONTEXT_TABLE],
    ).fetchall()
    places = "coalesce(place_keys, [])" if has_places else "[]::VARCHAR[]"
    rows = con.execute(
        f"""
        SELECT record_key, anchor_key, name, reason, coalesce(child_entity_ids, []),
               coalesce(events, []), {places}
        FROM {CONTEXT_TABLE}
        WHERE outcome = 'linked' AND list_contains($1, record_key)
          AND list_contains($1, anchor_key)
        ORDER BY record_key
        """,
        [keys],
    ).fetchall()
    return [
        ContextLink(
            str(k),
            str(a),
            str(n),
            str(why),
            list(children),
            list(events),
            [place_label(p) for p in at],
        )
        for k, a, n, why, children, events, at in rows
    ]


def place_label(key: str) -> str:
    """A place key (``standard.places.location_key_sql``) as an address reads: its name,
    postcode and type; a place known by one agency's id only, as that id."""
    body = key.removeprefix("location:")
    parts = body.split("|")
    if len(parts) != 3:
        return f"location {body}"
    postcode, name, kind = parts
    label = ", ".join(p for p in (name.strip(), postcode.strip()) if p)
    return f"{label} ({kind.replace('_', ' ')})" if kind else label


def _no_entity(con: duckdb.DuckDBPyConnection, entity_id: str) -> LinkageError:
    """The error for an id no current entity bears, saying what became of it if known."""
    message = f"no entity {entity_id!r} in the latest linkage run"
    fate = fate_of(con, entity_id)
    if fate is not None:
        when = fate.changed_at.strftime("%Y-%m-%d %H:%M")
        message += f"; run {fate.run_id} ({when}): {fate.reason}"
    return LinkageError(message)


# ---------------------------------------------------------------- the materialised table


def _latest_run_id(con: duckdb.DuckDBPyConnection) -> int | None:
    found = con.execute("SELECT max(run_id) FROM link_runs WHERE status = 'finished'").fetchall()
    return None if found[0][0] is None else int(found[0][0])


def _from_explanations(con: duckdb.DuckDBPyConnection, entity_id: str) -> EntityExplanation | None:
    """The entity from ``entity_explanations`` when that table is the latest run's; None
    when it is absent or stale (the caller then reads the run's own tables)."""
    if not (table_exists(con, EXPLANATIONS) and table_exists(con, "link_runs")):
        return None
    latest = _latest_run_id(con)
    if latest is None:
        return None
    found = con.execute(
        f"SELECT run_id, explanation FROM {EXPLANATIONS} WHERE entity_id = ?", [entity_id]
    ).fetchall()
    if not found:
        stale = con.execute(f"SELECT 1 FROM {EXPLANATIONS} WHERE run_id <> ? LIMIT 1", [latest])
        if stale.fetchall():
            return None
        # The latest run's own table has no such entity.
        raise _no_entity(con, entity_id)
    run_id, text = found[0]
    if int(run_id) != latest:
        return None
    doc = json.loads(str(text))
    records: list[dict[str, Any]] = doc["records"]
    links = doc["links"]
    decisions = _decisions(con, [str(r["record_key"]) for r in records]) if links else {}
    return EntityExplanation(
        entity_id=entity_id,
        run_id=int(run_id),
        records=records,
        links=[_link(row, decisions) for row in links],
    )


def _link(row: dict[str, Any], decisions: dict[tuple[str, str], str]) -> Link:
    steps = [
        WaterfallStep(
            comparison=str(comparison),
            gamma=None if gamma is None else int(gamma),
            level=str(level or ""),
            match_weight=float(weight),
            tf_adjustment=float(tf),
        )
        for comparison, gamma, level, weight, tf in row["steps"]
    ]
    left, right = str(row["record_key_l"]), str(row["record_key_r"])
    return Link(
        record_key_l=left,
        record_key_r=right,
        match_weight=float(row["match_weight"]),
        match_probability=float(row["match_probability"]),
        linked=bool(row["linked"]),
        refused_because=row["refused_because"],
        decision=decisions.get((left, right)),
        steps=steps,
    )


def _decisions(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[tuple[str, str], str]:
    """Review decisions in force for pairs among ``keys``: read live, since an analyst may
    decide a pair after the run the table was built from. The rule of
    ``current_link_decisions`` (the latest decision for a pair), applied after filtering
    to these pairs rather than over the whole log."""
    found = con.execute(
        "SELECT record_key_l, record_key_r, decision FROM link_decisions"
        " WHERE list_contains(?, record_key_l) AND list_contains(?, record_key_r)"
        " QUALIFY row_number() OVER ("
        "   PARTITION BY record_key_l, record_key_r ORDER BY decided_at DESC, decision) = 1",
        [keys, keys],
    ).fetchall()
    return {(str(a), str(b)): str(d) for a, b, d in found}


def write_explanations(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)write ``entity_explanations`` for the latest finished run; return its row count.

    One row per entity: ``run_id``, ``entity_id`` and ``explanation``, a JSON document of
    the records and every scored pair inside the entity with its waterfall (steps as
    ``[comparison, gamma, level, match_weight, tf_adjustment]``, level labels resolved
    from the model now). JSON rather than nested columns: DuckDB fetches one string by
    index in under a millisecond, a row of nested lists in several. About 600 MB for a
    million records.

    The linkage stage calls this once a run has finished (``clearsight analyse``,
    ``clearsight link``, ``link --new``), and nothing else writes the table: the web app
    reads it (``explanations_current``). Runs in the caller's transaction when one is
    open. 15-25 s for a million records on two busy cores.
    """
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    run_id, _threshold, _low, _high, model_text = latest
    model = _model(model_text)
    pairs_sql = "SELECT NULL::VARCHAR AS entity_id, NULL::JSON[] AS links LIMIT 0"
    params: list[object] = []
    if model is not None and table_exists(con, "link_pairs"):
        pairs_sql, params = _pairs_sql(con, model)
    # Declared uncompressed: DuckDB would choose ZSTD for long strings, and fetching one
    # row of a ZSTD segment decompresses the whole segment (tens of milliseconds).
    con.execute(
        f"CREATE OR REPLACE TABLE {EXPLANATIONS} (run_id INTEGER NOT NULL,"
        " entity_id VARCHAR NOT NULL, explanation VARCHAR USING COMPRESSION uncompressed)"
    )
    con.execute(
        f"""
        INSERT INTO {EXPLANATIONS}
        WITH members AS (
            SELECT pe.entity_id,
                   list(json_object('record_key', pe.record_key, 'source_id', pe.source_id,
                                    'person_id', pe.person_id, 'agency_type', s.agency_type)
                        ORDER BY pe.record_key) AS records
            FROM person_entities pe LEFT JOIN sources s USING (source_id)
            GROUP BY pe.entity_id),
        pairs AS ({pairs_sql})
        SELECT ?::INTEGER AS run_id, m.entity_id,
               json_object('records', m.records,
                           'links', coalesce(pairs.links, []::JSON[]))::VARCHAR AS explanation
        FROM members m LEFT JOIN pairs USING (entity_id)
        ORDER BY m.entity_id
        """,
        [*params, run_id],
    )
    con.execute(f"CREATE INDEX {EXPLANATIONS}_entity ON {EXPLANATIONS} (entity_id)")
    return int(con.execute(f"SELECT count(*) FROM {EXPLANATIONS}").fetchall()[0][0])


def _step_sql(name: str, labels: dict[int, str], available: set[str]) -> tuple[str, list[object]]:
    """One waterfall step over ``link_pairs p`` as a JSON array, its level label resolved
    from the model here so that reading needs no model."""
    gamma = f"p.gamma_{name}" if f"gamma_{name}" in available else "NULL::INTEGER"
    weight = f"coalesce(p.mw_{name}, 0.0)" if f"mw_{name}" in available else "0.0"
    tf = f"coalesce(p.mw_tf_adj_{name}, 0.0)" if f"mw_tf_adj_{name}" in available else "0.0"
    params: list[object] = [name]
    whens = []
    for g, label in sorted(labels.items()):
        whens.append(f"WHEN {int(g)} THEN ?")
        params.append(label)
    level = f"CASE {gamma} {' '.join(whens)} ELSE '' END" if whens else "''"
    sql = f"json_array(?::VARCHAR, {gamma}::INTEGER, {level}, {weight}::DOUBLE, {tf}::DOUBLE)"
    return sql, params


def _pairs_sql(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> tuple[str, list[object]]:
    """Every scored pair whose two records are in the same entity, by entity, strongest
    first (the order ``explain_entity`` has always given), each with its steps."""
    labels = level_labels(model)
    available = {str(c[0]) for c in con.execute("DESCRIBE link_pairs").fetchall()}
    steps = ["json_array('prior', NULL, 'two random records match', ?::DOUBLE, 0.0::DOUBLE)"]
    params: list[object] = [_prior_weight(model)]
    for name, by_gamma in labels.items():
        sql, more = _step_sql(name, by_gamma, available)
        steps.append(sql)
        params += more
    refused = "p.refused_because" if "refused_because" in available else "NULL::VARCHAR"
    linked = "p.linked" if "linked" in available else "false"
    sql = f"""
        SELECT l.entity_id,
               list(json_object('record_key_l', p.record_key_l, 'record_key_r', p.record_key_r,
                                'match_weight', p.match_weight,
                                'match_probability', p.match_probability,
                                'linked', {linked}, 'refused_because', {refused},
                                'steps', json_array({", ".join(steps)}))
                    ORDER BY p.match_weight DESC, p.record_key_l, p.record_key_r) AS links
        FROM link_pairs p
        JOIN person_entities l ON l.record_key = p.record_key_l
        JOIN person_entities r ON r.record_key = p.record_key_r AND r.entity_id = l.entity_id
        GROUP BY l.entity_id
    """
    return sql, params


def explanations_current(con: duckdb.DuckDBPyConnection) -> bool | None:
    """Whether ``entity_explanations`` is there and was written for the latest finished
    linkage run; None when linkage has finished no run (nothing to explain).

    Only the linkage stage writes the table (``clearsight analyse`` and ``clearsight
    link``); a reader finding it missing or stale (a store analysed by an older version)
    still explains every entity, from the run's own tables, only more slowly.
    """
    if not (table_exists(con, "link_runs") and table_exists(con, "person_entities")):
        return None
    latest = _latest_run_id(con)
    if latest is None:
        return None
    if not table_exists(con, EXPLANATIONS):
        return False
    runs = con.execute(f"SELECT DISTINCT run_id FROM {EXPLANATIONS}").fetchall()
    if not runs:
        # A run over no person records (a store of header-only submissions) has nothing
        # to explain: its explanations are current, not missing.
        entities = con.execute(
            "SELECT 1 FROM person_entities WHERE run_id = ? LIMIT 1", [latest]
        ).fetchall()
        return not entities
    return [int(r[0]) for r in runs] == [latest]


# ---------------------------------------------------------------- from the run's tables


def _from_run_tables(con: duckdb.DuckDBPyConnection, entity_id: str) -> EntityExplanation:
    """The same explanation read from ``person_entities`` and ``link_pairs`` directly."""
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    run_id, _threshold, _low, _high, model_text = latest
    members = con.execute(
        """
        SELECT pe.record_key, pe.source_id, pe.person_id, s.agency_type
        FROM person_entities pe LEFT JOIN sources s USING (source_id)
        WHERE pe.entity_id = ?
        ORDER BY pe.record_key
        """,
        [entity_id],
    )
    columns = [d[0] for d in members.description]
    records = [dict(zip(columns, row, strict=True)) for row in members.fetchall()]
    if not records:
        raise _no_entity(con, entity_id)
    model = _model(model_text)
    links: list[Link] = []
    if model is not None:
        links = _links(con, [str(r["record_key"]) for r in records], model)
    return EntityExplanation(entity_id=entity_id, run_id=run_id, records=records, links=links)


def _add_details(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> None:
    """Each record's current identity fields, looked up by key (None when not current)."""
    if not records:
        return
    marks = " OR ".join("(source_id = ? AND person_id = ?)" for _ in records)
    found = con.execute(
        f"SELECT source_id, person_id, {', '.join(DETAIL_COLUMNS)} FROM current_persons"
        f" WHERE {marks}",
        [v for r in records for v in (r["source_id"], r["person_id"])],
    ).fetchall()
    by_key = {(str(row[0]), str(row[1])): row[2:] for row in found}
    for r in records:
        values = by_key.get((str(r["source_id"]), str(r["person_id"])))
        for i, column in enumerate(DETAIL_COLUMNS):
            r[column] = None if values is None else values[i]


def explain_pairs(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], Link]:
    """The waterfall of each of ``pairs`` (record keys, lower first) scored by the latest
    run, whether or not the two records are in one entity: the panel a reviewer reads
    before deciding a pair. Pairs the run did not score are absent."""
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    model = None if latest is None else _model(latest[4])
    if not pairs or model is None:
        return {}
    wanted = set(pairs)
    keys = sorted({k for pair in pairs for k in pair})
    return {
        (link.record_key_l, link.record_key_r): link
        for link in _links(con, keys, model)
        if (link.record_key_l, link.record_key_r) in wanted
    }


def _links(con: duckdb.DuckDBPyConnection, keys: list[str], model: dict[str, Any]) -> list[Link]:
    labels = level_labels(model)
    names = list(labels)
    pair_columns = con.execute("SELECT column_name FROM (DESCRIBE link_pairs)").fetchall()
    available = {c[0] for c in pair_columns}
    select = [
        "p.record_key_l",
        "p.record_key_r",
        "p.match_weight",
        "p.match_probability",
        "p.linked",
        "p.refused_because",
        "d.decision",
    ]
    for name in names:
        select += [
            f"p.gamma_{name}" if f"gamma_{name}" in available else "NULL",
            f"p.mw_{name}" if f"mw_{name}" in available else "0.0",
            f"p.mw_tf_adj_{name}" if f"mw_tf_adj_{name}" in available else "0.0",
        ]
    rows = con.execute(
        f"""
        SELECT {", ".join(select)}
        FROM link_pairs p
        LEFT JOIN current_link_decisions d USING (record_key_l, record_key_r)
        WHERE list_contains(?, p.record_key_l) AND list_contains(?, p.record_key_r)
        ORDER BY p.match_weight DESC, p.record_key_l, p.record_key_r
        """,
        [keys, keys],
    ).fetchall()
    prior_weight = _prior_weight(model)
    links: list[Link] = []
    for row in rows:
        steps = [WaterfallStep("prior", None, "two random records match", prior_weight)]
        for i, name in enumerate(names):
            gamma, weight, tf = row[7 + 3 * i : 10 + 3 * i]
            g = None if gamma is None else int(gamma)
            steps.append(
                WaterfallStep(
                    comparison=name,
                    gamma=g,
                    level=labels[name].get(g, "") if g is not None else "",
                    match_weight=float(weight or 0.0),
                    tf_adjustment=float(tf or 0.0),
                )
            )
        links.append(
            Link(
                record_key_l=row[0],
                record_key_r=row[1],
                match_weight=float(row[2]),
                match_probability=float(row[3]),
                linked=bool(row[4]),
                refused_because=row[5],
                decision=row[6],
                steps=steps,
            )
        )
    return links
