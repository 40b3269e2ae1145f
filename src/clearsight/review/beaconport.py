"""Operation Beaconport: closed group-based CSE cases that meet the operation's published
criteria, ranked with reasons, and victims who may have been criminalised.

Criteria (``beaconport.yaml``): a police crime with an exploitation context, closed with no
further action between 1 January 2010 and 31 March 2025, with two or more suspects and a
victim. Two criteria have no field in submission standard 1.0 and are answered as far as
the records allow, and otherwise asked of the reviewer:

- *victim believed alive*: yes when a victim has any record after closure (alive then);
  "check" when the outcome says the victim or a key witness is dead or too ill (13);
  otherwise "not known", for the reviewer;
- *not independently reviewed*: a decision recorded in Clearsight's review queue is shown;
  otherwise "not known", for the reviewer (the standard holds no review history).

Ranking: rape offences first, then cases with new linked intelligence since closure (records
of the case's people, in any agency, reported after it closed), most first, then the review
queue's score. No protected characteristic is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml

from clearsight.stats.base import prepare
from clearsight.store.sql import table_exists


class BeaconportError(ValueError):
    """The criteria file is malformed."""


@dataclass(frozen=True)
class Criteria:
    closed_from: date
    closed_to: date
    no_further_action_outcomes: tuple[int, ...]
    include_closed_without_outcome: bool
    min_suspects: int
    suspect_roles: tuple[str, ...]
    rape_pattern: str
    victim_may_have_died_outcomes: tuple[int, ...]
    criminalised_days_before: int
    criminalised_days_after: int
    max_linked_records: int


def load_criteria(path: Path | None = None) -> Criteria:
    source = str(path) if path else "clearsight/review/beaconport.yaml"
    text = (
        Path(path).read_text("utf-8")
        if path
        else resources.files("clearsight.review").joinpath("beaconport.yaml").read_text("utf-8")
    )
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise BeaconportError(f"{source}: must be a YAML mapping")
    try:
        return Criteria(
            closed_from=date.fromisoformat(str(data["closed_from"])),
            closed_to=date.fromisoformat(str(data["closed_to"])),
            no_further_action_outcomes=tuple(int(x) for x in data["no_further_action_outcomes"]),
            include_closed_without_outcome=bool(data["include_closed_without_outcome"]),
            min_suspects=int(data["min_suspects"]),
            suspect_roles=tuple(str(x) for x in data["suspect_roles"]),
            rape_pattern=str(data["rape_pattern"]),
            victim_may_have_died_outcomes=tuple(
                int(x) for x in data["victim_may_have_died_outcomes"]
            ),
            criminalised_days_before=int(data["criminalised_days_before"]),
            criminalised_days_after=int(data["criminalised_days_after"]),
            max_linked_records=int(data["max_linked_records"]),
        )
    except KeyError as exc:
        raise BeaconportError(f"{source}: missing key {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise BeaconportError(f"{source}: {exc}") from exc


@dataclass
class Case:
    rank: int
    source_id: str
    event_id: str
    area: str
    offence: str | None
    rape: bool
    occurred_date: date | None
    closed_date: date
    outcome_code: int | None
    suspects: int
    victims: int
    linked_since_closure: int
    intelligence_since_closure: int
    latest_linked_date: date | None
    linked_records: list[dict[str, Any]]
    networks: list[str]
    victim_believed_alive: str
    independently_reviewed: str
    closure: str
    criminalised_victims: list[dict[str, Any]]
    review_score: float | None
    reasons: list[str] = field(default_factory=list)


def _ints(values: tuple[int, ...]) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _roles(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _cases_sql(con: duckdb.DuckDBPyConnection, c: Criteria) -> str:
    nfa = _ints(c.no_further_action_outcomes)
    without = (
        "OR (e.outcome_code IS NULL AND ch.crime_id IS NULL)"
        if c.include_closed_without_outcome
        else ""
    )
    networks = (
        "SELECT entity_id, list(DISTINCT network_id ORDER BY network_id) AS nets "
        "FROM network_members GROUP BY entity_id"
        if table_exists(con, "network_members")
        else "SELECT NULL::VARCHAR AS entity_id, NULL::VARCHAR[] AS nets WHERE false"
    )
    score = (
        "SELECT source_id, event_id, score, case_id FROM review_queue"
        if table_exists(con, "review_queue")
        else "SELECT NULL AS source_id, NULL AS event_id, NULL::DOUBLE AS score, "
        "NULL AS case_id WHERE false"
    )
    decided = (
        "SELECT case_id, string_agg(decision || ' by ' || decided_by || ' on ' || "
        "decided_at::DATE, '; ' ORDER BY decided_at) AS reviews FROM review_decisions GROUP BY 1"
        if table_exists(con, "review_decisions")
        else "SELECT NULL AS case_id, NULL AS reviews WHERE false"
    )
    return f"""
    CREATE OR REPLACE TEMP TABLE bp_cases AS
    WITH ch AS (
        SELECT DISTINCT source_id, related_event_id AS crime_id FROM st_events
        WHERE event_type = 'charge'
    ), people AS (
        SELECT source_id, event_id,
               list(DISTINCT entity_id) FILTER (WHERE role IN ({_roles(c.suspect_roles)}))
                   AS suspects,
               list(DISTINCT entity_id) FILTER (WHERE role = 'victim') AS victims
        FROM st_involvements GROUP BY ALL
    ), nets AS ({networks}), q AS ({score}), d AS ({decided})
    SELECT e.source_id, e.event_id, e.area, e.offence, e.occurred_date, e.closed_date,
           e.outcome_code, p.suspects, p.victims,
           regexp_matches(coalesce(e.offence, ''), '{c.rape_pattern.replace("'", "''")}')
               AS rape,
           (SELECT list_sort(list_distinct(flatten(list(n.nets)))) FROM nets n
             WHERE list_contains(p.suspects, n.entity_id)) AS networks,
           q.score, d.reviews
    FROM st_events e JOIN people p USING (source_id, event_id)
    LEFT JOIN ch ON ch.source_id = e.source_id AND ch.crime_id = e.event_id
    LEFT JOIN q ON q.source_id = e.source_id AND q.event_id = e.event_id
    LEFT JOIN d ON d.case_id = q.case_id
    WHERE e.event_type = 'crime' AND e.agency_type = 'police' AND e.relevant
      AND (e.status = 'closed' OR e.closed_date IS NOT NULL)
      AND e.closed_date BETWEEN DATE '{c.closed_from}' AND DATE '{c.closed_to}'
      AND (e.outcome_code IN ({nfa}) {without})
      AND len(coalesce(p.suspects, [])) >= {int(c.min_suspects)}
      AND len(coalesce(p.victims, [])) >= 1
    """


LINKED_SQL = """
SELECT b.source_id, b.event_id, i.source_id AS l_source, i.event_id AS l_event,
       i.event_type, i.event_date::DATE AS l_date, i.role,
       list_contains(b.victims, i.entity_id) AS victim
FROM bp_cases b
JOIN st_involvements i
  ON (list_contains(b.victims, i.entity_id) OR list_contains(b.suspects, i.entity_id))
 AND NOT (i.source_id = b.source_id AND i.event_id = b.event_id)
JOIN st_events e ON e.source_id = i.source_id AND e.event_id = i.event_id
WHERE e.reported_date > b.closed_date
ORDER BY b.source_id, b.event_id, l_date DESC, l_source, l_event
"""


def _criminalised_sql(c: Criteria) -> str:
    return f"""
    WITH together AS (
        SELECT DISTINCT b.source_id, b.event_id, o.source_id AS c_source, o.event_id AS c_event
        FROM bp_cases b JOIN st_involvements o ON list_contains(b.suspects, o.entity_id)
    )
    SELECT DISTINCT b.source_id, b.event_id, v.entity_id AS victim, v.source_id AS c_source,
           v.event_id AS c_event, e.offence, v.event_date::DATE AS c_date, v.role,
           t.c_event IS NOT NULL AS with_suspect
    FROM bp_cases b
    JOIN st_involvements v ON list_contains(b.victims, v.entity_id)
         AND v.role IN ({_roles(c.suspect_roles)})
    JOIN st_events e ON e.source_id = v.source_id AND e.event_id = v.event_id
    LEFT JOIN together t ON t.source_id = b.source_id AND t.event_id = b.event_id
         AND t.c_source = v.source_id AND t.c_event = v.event_id
    WHERE e.event_type = 'crime'
      AND NOT (v.source_id = b.source_id AND v.event_id = b.event_id)
      AND (v.event_date BETWEEN coalesce(b.occurred_date, b.closed_date)
                                - INTERVAL {int(c.criminalised_days_before)} DAY
                            AND b.closed_date + INTERVAL {int(c.criminalised_days_after)} DAY
           OR t.c_event IS NOT NULL)
    ORDER BY 1, 2, c_date
    """


def _group(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault((str(r[0]), str(r[1])), []).append(r[2:])
    return out


def _alive(c: Criteria, outcome: int | None, linked: list[tuple[Any, ...]]) -> str:
    if outcome in c.victim_may_have_died_outcomes:
        return (
            f"check: outcome {outcome} records that the victim or a key witness is dead or "
            "too ill; ask the reviewer"
        )
    seen = [r[3] for r in linked if r[5]]
    if seen:
        return f"yes: a victim has a record dated {max(seen)} after closure"
    return (
        "not known: no record after closure; standard 1.0 holds no date of death; ask the reviewer"
    )


def select_cases(
    con: duckdb.DuckDBPyConnection, criteria: Criteria | None = None, area: str | None = None
) -> list[Case]:
    """The cases meeting the criteria, ranked, with reasons (all areas, or one)."""
    c = criteria or load_criteria()
    prepare(con)
    con.execute(_cases_sql(con, c))
    linked = _group(con.execute(LINKED_SQL).fetchall())
    criminalised = _group(con.execute(_criminalised_sql(c)).fetchall())
    cases: list[Case] = []
    rows = con.execute(
        "SELECT source_id, event_id, area, offence, occurred_date, closed_date, outcome_code, "
        "len(suspects), len(victims), rape, coalesce(networks, []), score, reviews "
        "FROM bp_cases WHERE ? IS NULL OR area = ?",
        [area, area],
    ).fetchall()
    for r in rows:
        key = (str(r[0]), str(r[1]))
        found = linked.get(key, [])
        intel = sum(1 for x in found if x[2] == "intelligence")
        crim = [
            {
                "victim": x[0],
                "source_id": x[1],
                "event_id": x[2],
                "offence": x[3],
                "date": str(x[4]),
                "role": x[5],
                "with_a_suspect_of_this_case": bool(x[6]),
            }
            for x in criminalised.get(key, [])
        ]
        case = Case(
            rank=0,
            source_id=key[0],
            event_id=key[1],
            area=str(r[2]),
            offence=r[3],
            rape=bool(r[9]),
            occurred_date=r[4],
            closed_date=r[5],
            outcome_code=r[6],
            suspects=int(r[7]),
            victims=int(r[8]),
            linked_since_closure=len(found),
            intelligence_since_closure=intel,
            latest_linked_date=max((x[3] for x in found), default=None),
            linked_records=[
                {
                    "source_id": x[0],
                    "event_id": x[1],
                    "event_type": x[2],
                    "date": str(x[3]),
                    "role": x[4],
                }
                for x in found[: c.max_linked_records]
            ],
            networks=[str(n) for n in r[10]],
            victim_believed_alive=_alive(c, r[6], found),
            independently_reviewed=(
                f"reviewed in Clearsight: {r[12]}; ask the force about independent review"
                if r[12]
                else "not known: no review recorded in Clearsight; ask the force"
            ),
            closure=(
                f"outcome {r[6]}"
                if r[6] is not None
                else "closed with no outcome type and no charge: the reviewer confirms NFA"
            ),
            criminalised_victims=crim,
            review_score=None if r[11] is None else float(r[11]),
        )
        case.reasons = _reasons(case)
        cases.append(case)
    cases.sort(
        key=lambda k: (
            not k.rape,
            k.linked_since_closure == 0,
            -k.intelligence_since_closure,
            -k.linked_since_closure,
            -(k.review_score or 0.0),
            k.closed_date,
            k.source_id,
            k.event_id,
        )
    )
    for i, case in enumerate(cases, 1):
        case.rank = i
    return cases


def _reasons(case: Case) -> list[str]:
    """Why the case is where it is in the ranking, in ranking order."""
    out = []
    if case.rape:
        out.append(f"rape offence ({case.offence}): ranked first by the operation's criteria")
    if case.linked_since_closure:
        out.append(
            f"{case.linked_since_closure} linked record(s) since closure, "
            f"{case.intelligence_since_closure} of them intelligence, latest "
            f"{case.latest_linked_date}"
        )
    else:
        out.append("no linked record since closure")
    if case.networks:
        out.append(f"a suspect is in detected network(s) {', '.join(case.networks)}")
    if case.review_score is not None:
        out.append(f"in the review queue (score {case.review_score:g})")
    if case.criminalised_victims:
        out.append(
            f"{len({v['victim'] for v in case.criminalised_victims})} victim(s) possibly "
            "criminalised in connection with their exploitation: for review"
        )
    return out
