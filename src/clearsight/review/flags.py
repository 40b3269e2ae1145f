"""The CSE-flag auditor: each force's records where the agency's own CSE flag and the
universal definition disagree, with the definitions engine's reason, and agreement per
force over time.

A case is an event with a child victim or subject (``cse_flag_cases``, written by the
definitions stage). Two queues per force:

- ``universal_only``: the case meets the universal definition (the child's case meets DfE
  2017, or an offender in the event belongs to a network meeting IICSA) but the agency did
  not flag CSE (flag ``no`` or not recorded);
- ``local_only``: the agency flagged CSE but the universal definition is not met.

Each item carries the reason from ``definition_results``: which DfE 2017 criteria are met,
not met or not evidenced, and the IICSA networks of the event's offenders. Nothing here
reads a protected characteristic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.standard.roles import OFFENDING_ROLES
from clearsight.store.sql import table_exists

KINDS = ("universal_only", "local_only")


class FlagAuditError(ValueError):
    """The definitions stage has not been run, or a bad option."""


@dataclass(frozen=True)
class FlagItem:
    area: str
    source_id: str
    event_id: str
    agency_type: str
    child: str
    kind: str
    local_flag: str
    dfe_status: str | None
    networks: list[str]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def _require(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "cse_flag_cases") or not table_exists(con, "definition_results"):
        raise FlagAuditError(
            "the definitions have not been applied: run 'clearsight analyse' first"
        )


def _criteria_text(criteria: Any) -> str:
    data = json.loads(criteria) if isinstance(criteria, str) else (criteria or {})
    met = [k for k, v in data.items() if v.get("met") is True]
    not_met = [k for k, v in data.items() if v.get("met") is False]
    unknown = [k for k, v in data.items() if v.get("met") is None]
    parts = []
    for label, keys in (("met", met), ("not met", not_met), ("not evidenced", unknown)):
        if keys:
            parts.append(f"{label}: {', '.join(k.replace('_', ' ') for k in keys)}")
    return "; ".join(parts)


def _reason(kind: str, flag: str, dfe: str | None, criteria: Any, nets: list[str]) -> str:
    dfe_text = (
        f"DfE 2017 {dfe.replace('_', ' ')} ({_criteria_text(criteria)})"
        if dfe
        else "DfE 2017 not evaluated for this child"
    )
    if kind == "universal_only":
        flag_text = "flag 'no'" if flag == "no" else "no CSE flag recorded"
        why = []
        if dfe == "meets":
            why.append(dfe_text)
        if nets:
            why.append(f"an offender belongs to IICSA network(s) {', '.join(nets)}")
        return f"meets the universal definition but the agency has {flag_text}: " + "; ".join(why)
    return (
        "flagged CSE by the agency but the universal definition is not met: "
        f"{dfe_text}; no offender in an IICSA network"
    )


QUEUE_SQL = f"""
WITH nets AS (
    SELECT i.event_key, list(DISTINCT m.network_id ORDER BY m.network_id) AS nets
    FROM graph_involvements i JOIN network_members m USING (entity_id)
    JOIN definition_results r ON r.subject_type = 'network' AND r.subject_id = m.network_id
         AND r.definition_id = 'iicsa-organised-network' AND r.status = 'meets'
    WHERE list_contains([{", ".join(f"'{r}'" for r in OFFENDING_ROLES)}], i.role)
    GROUP BY i.event_key
), dfe AS (
    SELECT subject_id AS child, status, criteria FROM definition_results
    WHERE subject_type = 'child' AND definition_id = 'dfe-2017-cse'
)
SELECT c.area, c.source_id, substr(c.event_key, length(c.source_id) + 2) AS event_id, c.agency_type,
       c.child, c.agreement, c.local_flag, d.status, d.criteria, coalesce(n.nets, [])
FROM cse_flag_cases c LEFT JOIN dfe d USING (child) LEFT JOIN nets n USING (event_key)
WHERE c.agreement IN ('universal_only', 'local_only')
  AND (? IS NULL OR c.area = ?) AND (? IS NULL OR c.agreement = ?)
ORDER BY c.area, c.agreement DESC, c.source_id, c.event_key, c.child
"""


def flag_queue(
    con: duckdb.DuckDBPyConnection,
    area: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[FlagItem]:
    """Disagreements per force, ``universal_only`` first (the missed cases)."""
    _require(con)
    if kind is not None and kind not in KINDS:
        raise FlagAuditError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    sql = QUEUE_SQL
    if not table_exists(con, "network_members"):
        sql = sql.replace(
            "JOIN network_members m USING (entity_id)",
            "JOIN (SELECT NULL::VARCHAR AS entity_id, NULL::VARCHAR AS network_id "
            "WHERE false) m USING (entity_id)",
        )
    rows = con.execute(sql, [area, area, kind, kind]).fetchall()
    items = [
        FlagItem(
            area=str(r[0]),
            source_id=str(r[1]),
            event_id=str(r[2]),
            agency_type=str(r[3]),
            child=str(r[4]),
            kind=str(r[5]),
            local_flag=str(r[6]),
            dfe_status=r[7],
            networks=[str(n) for n in r[9]],
            reason=_reason(str(r[5]), str(r[6]), r[7], r[8], [str(n) for n in r[9]]),
        )
        for r in rows
    ]
    return items[:limit] if limit else items


@dataclass(frozen=True)
class Agreement:
    area: str
    quarter: str
    cases: int
    agree: int
    local_only: int
    universal_only: int

    @property
    def pct_agree(self) -> float:
        return round(100 * self.agree / self.cases, 1) if self.cases else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "pct_agree": self.pct_agree}


def agreement_over_time(con: duckdb.DuckDBPyConnection, area: str | None = None) -> list[Agreement]:
    """Agreement per force and calendar quarter of the event (true counts: for people with
    access to records; the published table is ``cse_flag_agreement`` in the report)."""
    _require(con)
    rows = con.execute(
        """
        SELECT c.area, year(g.event_date) || '-Q' || quarter(g.event_date) AS q, count(*),
               count(*) FILTER (WHERE agreement = 'agree'),
               count(*) FILTER (WHERE agreement = 'local_only'),
               count(*) FILTER (WHERE agreement = 'universal_only')
        FROM cse_flag_cases c JOIN graph_events g USING (event_key)
        WHERE g.event_date IS NOT NULL AND (? IS NULL OR c.area = ?)
        GROUP BY ALL ORDER BY 1, 2
        """,
        [area, area],
    ).fetchall()
    return [Agreement(str(r[0]), str(r[1]), *(int(x) for x in r[2:])) for r in rows]
