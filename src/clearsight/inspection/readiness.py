"""Compute inspection readiness per force from the store.

Each item of ``readiness.yaml`` names a measure; each measure is a function of the force's
data returning the evidence: a RAG rating, the figure, and how it was computed. Figures are
percentages of records (never small counts of people), and a percentage over fewer records
than the statistics' minimum is "not assessed" rather than a rating on too little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

import duckdb
import yaml

from clearsight.stats.base import Context, prepare
from clearsight.stats.settings import Settings, load_settings
from clearsight.store.sql import table_exists

RAG = ("green", "amber", "red", "not_assessed")
STATUTORY_PARTNERS = ("police", "childrens_social_care", "health")


@dataclass(frozen=True)
class Evidence:
    rag: str
    figure: str
    how: str
    percent: float | None = None


@dataclass(frozen=True)
class ReadinessItem:
    area: str
    ref: str
    source: str
    title: str
    rag: str
    figure: str
    how: str
    reason: str

    def as_row(self) -> list[str]:
        return [self.area, self.ref, self.source, self.title, self.rag, self.figure, self.how]


class ReadinessError(ValueError):
    """readiness.yaml is malformed."""


def load_items() -> list[dict[str, Any]]:
    where = "clearsight/inspection/readiness.yaml"
    text = resources.files("clearsight.inspection").joinpath("readiness.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ReadinessError(f"{where}: needs a non-empty list 'items'")
    for i, item in enumerate(items):
        for key in ("ref", "source", "title", "measure", "reason"):
            if key not in item:
                raise ReadinessError(f"{where}: items[{i}] has no '{key}'")
        if item["measure"] not in MEASURES:
            raise ReadinessError(f"{where}: items[{i}] measure {item['measure']!r} unknown")
    return items


@dataclass
class Scope:
    con: duckdb.DuckDBPyConnection
    ctx: Context
    settings: Settings
    area: str
    cache: dict[str, Any]


def _share(s: Scope, sql: str, what: str, how: str) -> Evidence:
    """A percentage (numerator, denominator) from ``sql`` for the force."""
    row = s.con.execute(sql, [s.area]).fetchall()[0]
    num, den = int(row[0] or 0), int(row[1] or 0)
    minimum = s.settings.disclosure.min_cases_for_statistic
    if den < minimum:
        return Evidence("not_assessed", f"fewer than {minimum} {what}", how)
    pct = round(100 * num / den, 1)
    return Evidence("", f"{pct:.1f}% of {what}", how, pct)


def police_flag_agreement(s: Scope) -> Evidence:
    if not table_exists(s.con, "cse_flag_cases"):
        return Evidence("red", "definitions not applied", "cse_flag_cases is missing")
    return _share(
        s,
        "SELECT count(*) FILTER (WHERE agreement = 'agree'), count(*) FROM cse_flag_cases "
        "WHERE area = ? AND agency_type = 'police'",
        "police cases with a child victim or subject",
        "cases where the police CSE flag and the universal definition agree, over all police "
        "cases with a child victim or subject (cse_flag_cases)",
    )


def police_flag_recorded(s: Scope) -> Evidence:
    return _share(
        s,
        "SELECT count(*) FILTER (WHERE cse_flag IN ('yes', 'no')), count(*) FROM st_events "
        "WHERE area = ? AND event_type = 'crime' AND agency_type = 'police' AND relevant",
        "police crimes with an exploitation context",
        "crimes whose CSE flag is yes or no (not unknown or empty), over police crimes with "
        "an exploitation context",
    )


def victim_ethnicity_recorded(s: Scope) -> Evidence:
    return _share(
        s,
        "SELECT count(*) FILTER (WHERE ethnicity_status = 'recorded'), count(*) "
        "FROM st_children WHERE area = ?",
        "children who are victims or at risk",
        "children with a self-defined ethnicity on any linked record (NS and not recorded "
        "count as missing), over children who are victims or at risk",
    )


def suspect_ethnicity_recorded(s: Scope) -> Evidence:
    return _share(
        s,
        "SELECT count(*) FILTER (WHERE ethnicity_status = 'recorded'), count(*) "
        "FROM st_suspects WHERE area = ?",
        "suspects and offenders",
        "suspects and offenders with a self-defined ethnicity on any linked record, over all",
    )


def suspect_nationality_recorded(s: Scope) -> Evidence:
    return _share(
        s,
        "SELECT count(*) FILTER (WHERE n.nationality_recorded), count(*) "
        "FROM st_suspects x JOIN st_entities n USING (entity_id) WHERE x.area = ?",
        "suspects and offenders",
        "suspects and offenders with a nationality on any linked record, over all",
    )


def children_known_to_partners(s: Scope) -> Evidence:
    e = _share(
        s,
        "SELECT count(*) FILTER (WHERE len(agency_types) > "
        "CASE WHEN list_contains(agency_types, 'police') THEN 1 ELSE 0 END), "
        "count(*) FROM st_children WHERE area = ?",
        "children who are victims or at risk",
        "children with a record from a partner agency (after linkage), over children who are "
        "victims or at risk",
    )
    if e.percent is None:
        return e
    return Evidence("green" if e.percent > 0 else "red", e.figure, e.how, e.percent)


def networks_assessed(s: Scope) -> Evidence:
    if not s.ctx.graph or not table_exists(s.con, "networks"):
        return Evidence("red", "network detection has not been run", "no networks table")
    if not s.ctx.definitions:
        # Networks found but none assessed: the definitions stage has not run.
        return Evidence(
            "red", "0.0% of detected networks", "definition_results is missing or empty", 0.0
        )
    row = s.con.execute(
        """SELECT count(DISTINCT d.subject_id), count(DISTINCT n.network_id)
           FROM st_networks n LEFT JOIN definition_results d ON d.subject_type = 'network'
            AND d.subject_id = n.network_id AND d.definition_id = 'iicsa-organised-network'
           WHERE n.area = ?""",
        [s.area],
    ).fetchall()[0]
    done, total = int(row[0]), int(row[1])
    if not total:
        return Evidence("not_assessed", "no network detected", "networks in the force's area")
    pct = round(100 * done / total, 1)
    return Evidence(
        "", f"{pct:.1f}% of detected networks", "networks with an IICSA result, over all", pct
    )


def definitions_applied(s: Scope) -> Evidence:
    if not s.ctx.definitions:
        return Evidence("red", "not applied", "definition_results is missing or empty")
    versions = "; ".join(s.ctx.provenance.definitions)
    return Evidence("green", f"applied ({versions})", "definition_results holds the versions")


def partner_data_current(s: Scope) -> Evidence:
    rows = s.con.execute(
        "SELECT agency_type, max(extract_date) FROM st_sources WHERE area = ? GROUP BY 1",
        [s.area],
    ).fetchall()
    latest = {str(a): d for a, d in rows}
    newest = max(latest.values())
    current = sorted(a for a, d in latest.items() if d >= newest - timedelta(days=365))
    partners = [a for a in current if a != "police"]
    if all(p in current for p in STATUTORY_PARTNERS):
        rag = "green"
    else:
        rag = "amber" if partners else "red"
    return Evidence(
        rag,
        f"current extracts from {', '.join(current)}; newest {newest}",
        "agency types with an extract no more than 365 days older than the force's newest",
    )


def return_valid(s: Scope) -> Evidence:
    if "return" not in s.cache:
        from clearsight.returns.compute import compute_return
        from clearsight.returns.dictionary import load_dictionary
        from clearsight.returns.validate import validate

        d = load_dictionary()
        try:
            validate(compute_return(s.con, d, s.ctx.excluded).rows, d)
            s.cache["return"] = (True, f"validated against dictionary {d.version}")
        except ValueError as exc:
            s.cache["return"] = (False, str(exc)[:200])
    ok, text = s.cache["return"]
    return Evidence("green" if ok else "red", text, "clearsight return, validated")


def median_days_to_charge(s: Scope) -> Evidence:
    from clearsight.stats.timeliness import CHAINS_SQL

    if "chains" not in s.cache:
        s.con.execute(CHAINS_SQL)
        s.cache["chains"] = True
    row = s.con.execute(
        "SELECT count(*), quantile_cont(recorded_to_charge, 0.5) FROM st_chains "
        "WHERE area = ? AND recorded_to_charge >= 0",
        [s.area],
    ).fetchall()[0]
    n, median = int(row[0]), row[1]
    cmp = s.settings.timeliness.comparison
    minimum = s.settings.disclosure.min_cases_for_statistic
    how = (
        "median days from recording to charge, police crimes with an exploitation context; "
        f"comparison {cmp.median_days:g} days"
    )
    if n < minimum:
        return Evidence("not_assessed", f"fewer than {minimum} crimes charged", how)
    rag = (
        "green"
        if median <= cmp.median_days
        else "amber"
        if median <= 2 * cmp.median_days
        else "red"
    )
    return Evidence(rag, f"{median:.0f} days", how)


def closed_cases_rescreened(s: Scope) -> Evidence:
    if not table_exists(s.con, "review_queue"):
        return Evidence("red", "never re-screened", "review_queue is missing")
    row = s.con.execute(
        """SELECT (SELECT max(screened_at) FROM review_queue),
                  (SELECT max(b.loaded_at) FROM batches b JOIN st_sources USING (batch_id)
                   WHERE st_sources.area = ?)""",
        [s.area],
    ).fetchall()[0]
    screened, loaded = row
    how = "time of the last re-screen (clearsight review screen) against the newest load"
    if screened is None:
        return Evidence("red", "never re-screened (queue empty)", how)
    rag = "green" if loaded is None or screened >= loaded else "amber"
    return Evidence(rag, f"re-screened {screened:%Y-%m-%d %H:%M}", how)


MEASURES: dict[str, Callable[[Scope], Evidence]] = {
    f.__name__: f
    for f in (
        police_flag_agreement,
        partner_data_current,
        definitions_applied,
        police_flag_recorded,
        return_valid,
        networks_assessed,
        victim_ethnicity_recorded,
        children_known_to_partners,
        suspect_ethnicity_recorded,
        suspect_nationality_recorded,
        median_days_to_charge,
        closed_cases_rescreened,
    )
}


def _band(item: dict[str, Any], e: Evidence) -> str:
    if e.rag:
        return e.rag
    assert e.percent is not None
    if e.percent >= float(item["green"]):
        return "green"
    return "amber" if e.percent >= float(item["amber"]) else "red"


def readiness(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | None = None,
    area: str | None = None,
    exclude_sources: tuple[str, ...] = (),
) -> list[ReadinessItem]:
    """Every item for every force (or one), in the order of readiness.yaml."""
    s = settings or load_settings()
    items = load_items()
    ctx = prepare(con, exclude_sources)
    areas = [area] if area else ctx.areas
    cache: dict[str, Any] = {}
    out: list[ReadinessItem] = []
    for place in areas:
        scope = Scope(con, ctx, s, place, cache)
        for item in items:
            e = MEASURES[item["measure"]](scope)
            out.append(
                ReadinessItem(
                    place,
                    str(item["ref"]),
                    str(item["source"]),
                    str(item["title"]),
                    _band(item, e),
                    e.figure,
                    e.how,
                    " ".join(str(item["reason"]).split()),
                )
            )
    return out
