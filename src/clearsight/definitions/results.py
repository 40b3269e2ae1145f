"""Evaluate every definition over its subjects and store the results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from clearsight.definitions.agreement import write_agreement
from clearsight.definitions.engine import Definition, evaluate, load_definitions
from clearsight.definitions.facts import child_facts, network_facts

# Evidence items stored per criterion; the count is always complete.
MAX_EVIDENCE = 25
IICSA = "iicsa-organised-network"


@dataclass(frozen=True)
class DefinitionCounts:
    meets: dict[str, int] = field(default_factory=dict)
    possible: dict[str, int] = field(default_factory=dict)
    categories: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        """Counts per definition, flat, for a stage's one-line summary."""
        out: dict[str, int] = {}
        for definition_id, meets in self.meets.items():
            out[f"{definition_id}_meets"] = meets
            out[f"{definition_id}_possible"] = self.possible.get(definition_id, 0)
        return out


def _json(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def evaluate_all(con: duckdb.DuckDBPyConnection, rules: Path | None = None) -> DefinitionCounts:
    """Apply every rule file to every network or child; (re)write ``definition_results``,
    ``network_status`` and ``cse_flag_agreement``."""
    definitions = load_definitions(rules)
    evaluated_at = datetime.now(UTC).replace(tzinfo=None)
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "subject_type",
            "subject_id",
            "definition_id",
            "definition_version",
            "status",
            "category",
            "criteria",
            "evidence",
        )
    }
    meets: dict[str, int] = {}
    possible: dict[str, int] = {}
    categories: dict[str, dict[str, int]] = {}
    by_subject: dict[str, list[Definition]] = {}
    for d in definitions:
        by_subject.setdefault(d.subject, []).append(d)
        meets[d.id] = possible[d.id] = 0
    facts_by_subject = {"network": network_facts, "child": child_facts}
    for subject, defs in by_subject.items():
        for subject_id, facts in facts_by_subject[subject](con):
            for d in defs:
                result = evaluate(d, facts)
                meets[d.id] += result.status == "meets"
                possible[d.id] += result.status == "possible"
                if result.category is not None:
                    tally = categories.setdefault(d.id, {})
                    tally[result.category] = tally.get(result.category, 0) + 1
                columns["subject_type"].append(subject)
                columns["subject_id"].append(subject_id)
                columns["definition_id"].append(d.id)
                columns["definition_version"].append(d.version)
                columns["status"].append(result.status)
                columns["category"].append(result.category)
                columns["criteria"].append(
                    _json(
                        {
                            c.id: {"met": result.criteria[c.id], "description": c.description}
                            for c in d.criteria
                        }
                    )
                )
                columns["evidence"].append(
                    _json(
                        {
                            cid: {"count": len(items), "items": items[:MAX_EVIDENCE]}
                            for cid, items in result.evidence.items()
                        }
                    )
                )
    table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    con.register("_results_arrow", table)
    con.execute(
        """
        CREATE OR REPLACE TABLE definition_results AS
        SELECT subject_type, subject_id, definition_id, definition_version, status, category,
               criteria::JSON AS criteria, evidence::JSON AS evidence,
               ?::TIMESTAMP AS evaluated_at
        FROM _results_arrow ORDER BY subject_type, subject_id, definition_id
        """,
        [evaluated_at],
    )
    con.unregister("_results_arrow")
    # One row per network with the headline statuses, for listings and the export contract.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE network_status AS
        SELECT n.network_id,
               coalesce(max(status) FILTER (WHERE definition_id = '{IICSA}'), 'does_not_meet')
                   AS iicsa_status,
               max(status) FILTER (WHERE definition_id = 'home-office-group-based-cse')
                   AS home_office_status,
               max(category) FILTER (WHERE definition_id = 'hydrant-cocad') AS cocad_category
        FROM networks n LEFT JOIN definition_results r
          ON r.subject_type = 'network' AND r.subject_id = n.network_id
        GROUP BY n.network_id
        """
    )
    write_agreement(con)
    return DefinitionCounts(meets, possible, categories)
