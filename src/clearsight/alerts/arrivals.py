"""Arrival alerts: a new record linked to a watched entity or to a member of a known network.

Called by incremental linking (``clearsight link --new``, ``linkage.incremental``)
once the run has clustered, while it still knows which records are new. The
records new to the store are those that had no entity before the run; each one
has now joined an entity. When that entity (or an entity the run merged into it)
is watched, is a member of a known network, or is a child a known network
offended against, an alert is written for each area that should hear of it:

* a watched person or child: the watcher's area;
* a network (watched or not): each of the network's areas and the new record's
  own area, since the network's analysts and the record's analysts both act on
  it; where someone in that area watches the network the alert says so.

Every alert carries why the record linked: the strongest link between the new
record and another record of its entity, with its match weight and Splink's
waterfall (each comparison's level and weight), or the analyst's decision that
joined them. No alert is made by diffing a full re-run: the entity ids an alert
names are the ones ``linkage/identity.py`` keeps stable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from clearsight.alerts.tables import ensure_alert_tables
from clearsight.store.sql import table_exists

# Where two alerts of one record name the same network in the same area, the
# watched one stands: it is the same news, and the watcher asked for it.
_PRIORITY = {
    "watched_person": 0,
    "watched_child": 0,
    "watched_network": 0,
    "network_member": 1,
    "network_child": 1,
}


@dataclass(frozen=True)
class _Arrival:
    record_key: str
    source_id: str
    person_id: str
    batch_id: int | None
    record_area: str | None
    entity_id: str


def record_arrivals(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    new_records: str,
    *,
    levels: dict[str, dict[int, str]],
    prior: float,
) -> int:
    """Write the alerts for the records of table ``new_records`` (column ``record_key``)
    linked by run ``run_id``; return how many were written.

    ``levels`` (comparison -> {gamma: label}) and ``prior`` (the prior's weight) come from
    the run's model, passed in by the linkage stage so that this package needs nothing of
    linkage's."""
    ensure_alert_tables(con)
    arrivals = _arrivals(con, new_records)
    if not arrivals:
        return 0
    chosen = _candidates(con, run_id, arrivals)
    if not chosen:
        return 0
    keys = sorted({alert["arrival"].record_key for alert in chosen.values()})
    reasons = why_linked(con, keys, new_records, levels, prior)
    now = datetime.now().replace(microsecond=0)
    rows = []
    for (record_key, area, _subject), alert in sorted(chosen.items()):
        came: _Arrival = alert["arrival"]
        why = dict(reasons.get(record_key, {"summary": "no direct link found"}))
        if alert.get("via"):
            why["merged"] = alert["via"]
        if alert.get("role"):
            why["role"] = alert["role"]
        rows.append(
            [
                now,
                run_id,
                area,
                alert["kind"],
                came.entity_id,
                alert["network_id"],
                alert["watch_id"],
                came.source_id,
                came.batch_id,
                came.person_id,
                record_key,
                came.record_area,
                why.get("linked_to"),
                why.get("match_weight"),
                why.get("match_probability"),
                json.dumps(why, sort_keys=True),
            ]
        )
    con.executemany(
        "INSERT INTO alerts (alert_id, created_at, run_id, area, kind, entity_id, network_id, "
        "watch_id, source_id, batch_id, person_id, record_key, record_area, linked_to, "
        "match_weight, match_probability, why) "
        "VALUES (nextval('alert_ids'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _candidates(
    con: duckdb.DuckDBPyConnection, run_id: int, arrivals: list[_Arrival]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """One alert per (new record, area, subject), subject an entity or a network."""
    absorbed = _absorbed(con, run_id, {a.entity_id for a in arrivals})
    targets = {a.entity_id for a in arrivals} | {b for ids in absorbed.values() for b in ids}
    watched = _entity_watches(con, targets)
    networks = _networks_of(con, targets)
    named = {n for rows in networks.values() for n, _ in rows}
    network_watches = _network_watches(con, named)
    network_areas = _network_areas(con, named)
    chosen: dict[tuple[str, str, str], dict[str, Any]] = {}

    def offer(arrival: _Arrival, area: str, subject: str, **alert: Any) -> None:
        key = (arrival.record_key, area, subject)
        held = chosen.get(key)
        if held is None or _PRIORITY[alert["kind"]] < _PRIORITY[held["kind"]]:
            chosen[key] = {"arrival": arrival, "area": area, **alert}

    for arrival in arrivals:
        for target in [arrival.entity_id, *absorbed.get(arrival.entity_id, [])]:
            via = None if target == arrival.entity_id else target
            subject = f"entity:{arrival.entity_id}"
            for watch_id, kind, area in watched.get(target, []):
                offer(
                    arrival,
                    area,
                    subject,
                    kind=f"watched_{kind}",
                    watch_id=watch_id,
                    network_id=None,
                    via=via,
                )
            for network_id, role in networks.get(target, []):
                subject = f"network:{network_id}"
                general = "network_child" if role == "victim" else "network_member"
                areas = set(network_areas.get(network_id, []))
                areas |= {arrival.record_area} if arrival.record_area else set()
                for area in sorted(areas):
                    offer(
                        arrival,
                        area,
                        subject,
                        kind=general,
                        watch_id=None,
                        network_id=network_id,
                        via=via,
                        role=role,
                    )
                for watch_id, area in network_watches.get(network_id, []):
                    offer(
                        arrival,
                        area,
                        subject,
                        kind="watched_network",
                        watch_id=watch_id,
                        network_id=network_id,
                        via=via,
                        role=role,
                    )
    return chosen


def _arrivals(con: duckdb.DuckDBPyConnection, new_records: str) -> list[_Arrival]:
    rows = con.execute(
        f"""
        SELECT pe.record_key, pe.source_id, pe.person_id, p.batch_id, s.area, pe.entity_id
        FROM {new_records} n JOIN person_entities pe USING (record_key)
        LEFT JOIN current_persons p ON p.source_id = pe.source_id AND p.person_id = pe.person_id
        LEFT JOIN sources s ON s.source_id = pe.source_id
        ORDER BY pe.record_key
        """
    ).fetchall()
    return [
        _Arrival(
            str(r[0]),
            str(r[1]),
            str(r[2]),
            None if r[3] is None else int(r[3]),
            None if r[4] is None else str(r[4]),
            str(r[5]),
        )
        for r in rows
    ]


def _absorbed(
    con: duckdb.DuckDBPyConnection, run_id: int, entities: set[str]
) -> dict[str, list[str]]:
    """Ids this run merged into each entity: a watch or network naming them still applies."""
    found: dict[str, list[str]] = {}
    rows = con.execute(
        "SELECT entity_id, other_entity_id FROM entity_changes "
        "WHERE run_id = ? AND change = 'merge' AND list_contains(?, entity_id) "
        "ORDER BY entity_id, other_entity_id",
        [run_id, sorted(entities)],
    ).fetchall()
    for kept, gone in rows:
        found.setdefault(str(kept), []).append(str(gone))
    return found


def _entity_watches(
    con: duckdb.DuckDBPyConnection, targets: set[str]
) -> dict[str, list[tuple[int, str, str]]]:
    found: dict[str, list[tuple[int, str, str]]] = {}
    for watch_id, kind, target, area in con.execute(
        "SELECT watch_id, kind, target_id, area FROM watches WHERE removed_at IS NULL "
        "AND kind IN ('person', 'child') AND list_contains(?, target_id) ORDER BY watch_id",
        [sorted(targets)],
    ).fetchall():
        found.setdefault(str(target), []).append((int(watch_id), str(kind), str(area)))
    return found


def _networks_of(
    con: duckdb.DuckDBPyConnection, targets: set[str]
) -> dict[str, list[tuple[str, str]]]:
    """(network, role) of each target entity: members by their role, children as victims."""
    if not (table_exists(con, "network_members") and table_exists(con, "network_victims")):
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for entity_id, network_id, role in con.execute(
        """
        SELECT entity_id, network_id, role FROM network_members WHERE list_contains(?, entity_id)
        UNION ALL
        SELECT entity_id, network_id, 'victim' FROM network_victims
        WHERE list_contains(?, entity_id)
        ORDER BY 1, 2, 3
        """,
        [sorted(targets), sorted(targets)],
    ).fetchall():
        found.setdefault(str(entity_id), []).append((str(network_id), str(role)))
    return found


def _network_watches(
    con: duckdb.DuckDBPyConnection, networks: set[str]
) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    if not networks:
        return found
    for watch_id, target, area in con.execute(
        "SELECT watch_id, target_id, area FROM watches WHERE removed_at IS NULL "
        "AND kind = 'network' AND list_contains(?, target_id) ORDER BY watch_id",
        [sorted(networks)],
    ).fetchall():
        found.setdefault(str(target), []).append((int(watch_id), str(area)))
    return found


def _network_areas(con: duckdb.DuckDBPyConnection, networks: set[str]) -> dict[str, list[str]]:
    if not networks or not table_exists(con, "networks"):
        return {}
    return {
        str(n): [str(a) for a in (areas or [])]
        for n, areas in con.execute(
            "SELECT network_id, areas FROM networks WHERE list_contains(?, network_id)",
            [sorted(networks)],
        ).fetchall()
    }


def why_linked(
    con: duckdb.DuckDBPyConnection,
    record_keys: list[str],
    new_records: str,
    levels: dict[str, dict[int, str]],
    prior: float,
) -> dict[str, dict[str, Any]]:
    """For each record, the strongest link to another record of its entity, explained."""
    if not record_keys:
        return {}
    labels = levels
    available = {str(c[0]) for c in con.execute("DESCRIBE link_pairs").fetchall()}
    step_columns = []
    for name in labels:
        for prefix in ("gamma_", "mw_", "mw_tf_adj_"):
            column = f"{prefix}{name}"
            step_columns.append(f"p.{column}" if column in available else "NULL")
    steps_sql = ", ".join(f"{c} AS s{i}" for i, c in enumerate(step_columns))
    nulls_sql = ", ".join(f"NULL AS s{i}" for i in range(len(step_columns)))
    rows = con.execute(
        f"""
        WITH arrived AS (
            SELECT record_key, entity_id FROM person_entities WHERE list_contains(?, record_key)
        ),
        pairs AS (
            SELECT a.record_key AS k, p.record_key_r AS other, p.match_weight,
                   p.match_probability, p.evidence, NULL::VARCHAR AS decision, {steps_sql}
            FROM link_pairs p JOIN arrived a ON a.record_key = p.record_key_l WHERE p.linked
            UNION ALL
            SELECT a.record_key, p.record_key_l, p.match_weight, p.match_probability,
                   p.evidence, NULL::VARCHAR, {steps_sql}
            FROM link_pairs p JOIN arrived a ON a.record_key = p.record_key_r WHERE p.linked
            UNION ALL
            SELECT a.record_key, CASE WHEN d.record_key_l = a.record_key THEN d.record_key_r
                                      ELSE d.record_key_l END,
                   'Infinity'::DOUBLE, 1.0, 'Infinity'::DOUBLE, 'accept', {nulls_sql}
            FROM current_link_decisions d JOIN arrived a
              ON a.record_key IN (d.record_key_l, d.record_key_r)
            WHERE d.decision = 'accept'
        )
        SELECT p.*, (SELECT count(*) FROM {new_records} n WHERE n.record_key = p.other) > 0,
               count(*) OVER (PARTITION BY p.k)
        FROM pairs p JOIN arrived a ON a.record_key = p.k
        JOIN person_entities o ON o.record_key = p.other AND o.entity_id = a.entity_id
        QUALIFY row_number() OVER (PARTITION BY p.k ORDER BY p.match_weight DESC, p.other) = 1
        """,
        [record_keys],
    ).fetchall()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        key, other, weight, probability, evidence, decision = row[:6]
        other_is_new, n_links = bool(row[-2]), int(row[-1])
        why: dict[str, Any] = {
            "linked_to": str(other),
            "linked_to_new": other_is_new,
            "links": n_links,
            "decision": decision,
        }
        if decision == "accept":
            why["summary"] = "an analyst decided these records are one person"
        else:
            steps = _steps(list(labels.items()), row[6:-2], prior)
            agreeing = [s["comparison"] for s in steps[1:] if s["weight"] > 0]
            why.update(
                match_weight=round(float(weight), 2),
                match_probability=float(probability),
                evidence=round(float(evidence), 2),
                steps=steps,
                agreeing=agreeing,
                summary=f"match weight {float(weight):.1f}; agreeing: "
                + (", ".join(agreeing) or "none"),
            )
        found[str(key)] = why
    return found


def _steps(
    labels: list[tuple[str, dict[int, str]]], values: tuple[Any, ...] | list[Any], prior: float
) -> list[dict[str, Any]]:
    """The waterfall as the person page shows it: the prior, then each comparison."""
    steps: list[dict[str, Any]] = [
        {"comparison": "prior", "level": "two random records match", "weight": round(prior, 2)}
    ]
    for i, (name, by_gamma) in enumerate(labels):
        gamma, weight, tf = values[3 * i : 3 * i + 3]
        level = by_gamma.get(int(gamma), "") if gamma is not None else ""
        steps.append(
            {
                "comparison": name,
                "level": level,
                "weight": round(float(weight or 0.0) + float(tf or 0.0), 2),
            }
        )
    return steps
