"""Why records form an entity: the records, and Splink's waterfall of every link as rows."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from clearsight.linkage import tables
from clearsight.linkage.errors import LinkageError


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
class EntityExplanation:
    entity_id: str
    run_id: int
    records: list[dict[str, Any]]
    links: list[Link]

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


def explain_entity(con: duckdb.DuckDBPyConnection, entity_id: str) -> EntityExplanation:
    """The source records of an entity and, for each scored pair among them, its waterfall."""
    tables.ensure_tables(con)
    latest = tables.latest_run(con)
    if latest is None:
        raise LinkageError("no linkage run yet; run 'clearsight link' first")
    run_id, _threshold, _low, _high, model_text = latest
    members = con.execute(
        """
        SELECT pe.record_key, pe.source_id, pe.person_id, s.agency_type, p.forenames,
               p.surname, p.aliases, p.date_of_birth, p.sex, p.postcode, p.phones, p.emails,
               p.nhs_number
        FROM person_entities pe
        LEFT JOIN current_persons p USING (source_id, person_id)
        LEFT JOIN sources s USING (source_id)
        WHERE pe.entity_id = ?
        ORDER BY pe.record_key
        """,
        [entity_id],
    )
    columns = [d[0] for d in members.description]
    records = [dict(zip(columns, row, strict=True)) for row in members.fetchall()]
    if not records:
        raise LinkageError(f"no entity {entity_id!r} in the latest linkage run")
    model = json.loads(model_text) if model_text and model_text != "None" else None
    links: list[Link] = []
    if model is not None:
        links = _links(con, [str(r["record_key"]) for r in records], model)
    return EntityExplanation(entity_id=entity_id, run_id=run_id, records=records, links=links)


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
    prior = float(model["probability_two_random_records_match"])
    prior_weight = math.log2(prior / (1 - prior))
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
