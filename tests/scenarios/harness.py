"""A scenario through the product path: its submissions ingested into a fresh DuckDB store
with ``clearsight.ingest.ingest`` and analysed with ``clearsight.pipeline.analyse`` (the
entry points ``clearsight ingest`` and ``clearsight analyse`` call), then the reported
networks compared with the expected ones.

A reported network's offenders are its members other than the scenario's children (anyone
on the child side of an event) and other than the ``victim`` rows of ``network_records``,
each record read back as the true person (``who``) the scenario wrote it for. An expected
network is found when some reported network has Jaccard >= 0.5 with it on offenders (the
benchmark's rule); a reported network matching no expected network is unexpected, and one
matching two or more joins them (a failure).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import duckdb

from clearsight.ingest import ingest
from clearsight.linkage import run as link
from clearsight.pipeline import analyse
from clearsight.store import connect
from tests.scenarios.build import Scenario, write

MATCH = 0.5


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


@dataclass
class Outcome:
    scenario: str
    cls: str
    reported: list[frozenset[str]]
    missed: list[frozenset[str]] = field(default_factory=list)
    unexpected: list[frozenset[str]] = field(default_factory=list)
    identity: list[str] = field(default_factory=list)
    quarantined: int = 0
    # Expected networks that two or more reported networks each match: found, but in pieces.
    split: list[frozenset[str]] = field(default_factory=list)
    # Reported networks that match two or more expected networks: groups joined into one
    # (two groups of three in one network of six match each at exactly 0.5).
    merged: list[frozenset[str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.missed or self.unexpected or self.identity or self.merged)

    def describe(self) -> str:
        if self.passed:
            pieces = f", {len(self.split)} found in pieces" if self.split else ""
            return f"{self.scenario}: as expected ({len(self.reported)} network(s){pieces})"

        def show(sets: list[frozenset[str]]) -> str:
            return "; ".join("{" + ", ".join(sorted(s)) + "}" for s in sets)

        parts = [f"{self.scenario} ({self.cls}):"]
        if self.missed:
            parts.append(f"missed {show(self.missed)}")
        if self.unexpected:
            parts.append(f"unexpected {show(self.unexpected)}")
        if self.merged:
            parts.append(f"expected networks joined in {show(self.merged)}")
        parts.extend(self.identity)
        parts.append(f"reported {show(self.reported) or 'nothing'}")
        if self.quarantined:
            parts.append(f"{self.quarantined} row(s) quarantined at ingest")
        return " ".join(parts)


def reported_networks(
    con: duckdb.DuckDBPyConnection, scenario: Scenario, partner_only: bool = False
) -> list[frozenset[str]]:
    """Each reported network's offenders as true people; with ``partner_only``, only the
    networks the product reports as visible only through partner records."""
    members: dict[str, set[str]] = defaultdict(set)
    for network_id, source_id, person_id in con.execute(
        "SELECT r.network_id, r.source_id, r.person_id FROM network_records r "
        "JOIN networks n USING (network_id) "
        "WHERE r.role <> 'victim' AND (NOT ? OR coalesce(n.partner_only, false))",
        [partner_only],
    ).fetchall():
        who = scenario.who(source_id, person_id)
        if who is not None and who not in scenario.children:
            members[network_id].add(who)
    return sorted((frozenset(m) for m in members.values() if m), key=sorted)


def _identity(con: duckdb.DuckDBPyConnection, scenario: Scenario) -> list[str]:
    """The scenario's identity expectations against the entities the graph used."""
    entities: dict[str, set[str]] = defaultdict(set)
    for entity_id, source_id, person_id in con.execute(
        "SELECT entity_id, source_id, person_id FROM graph_person_map"
    ).fetchall():
        who = scenario.who(source_id, person_id)
        if who is not None:
            entities[who].add(entity_id)
    loaded: dict[str, int] = defaultdict(int)
    for source_id, person_id in con.execute(
        "SELECT source_id, person_id FROM graph_person_map"
    ).fetchall():
        who = scenario.who(source_id, person_id)
        if who is not None:
            loaded[who] += 1
    written: dict[str, int] = defaultdict(int)
    for agency in scenario.agencies:
        for who in agency.who.values():
            written[who] += 1
    problems = []
    for who in scenario.same_person:
        if loaded[who] < written[who]:
            missing = written[who] - loaded[who]
            problems.append(f"{who}: {missing} record(s) never reached the graph")
        elif len(entities[who]) != 1:
            problems.append(f"{who}'s records are {len(entities[who])} entities, not one")
    for people in scenario.distinct_people:
        # No entity may hold records of any two of them (not only of all of them: since
        # session 38, found by session 38's blind writer).
        for a, b in combinations(sorted(people), 2):
            if entities[a] & entities[b]:
                problems.append(f"{a}, {b} were merged into one entity")
    return problems


def evaluate(scenario: Scenario, work: Path, model_json: str) -> Outcome:
    folders = write(scenario, work / "submissions")
    con = connect(work / "store.duckdb")
    try:
        quarantined = sum(ingest(con, folder).rows_quarantined for folder in folders)
        # A handful of records cannot train a linkage model: the run reuses one trained on
        # a full synthetic store, as ``clearsight link --model`` does, then the networks
        # stage runs as ``clearsight analyse`` runs it.
        link(con, model_json=model_json)
        for _ in analyse(con, {"networks"}):
            pass
        reported = reported_networks(con, scenario)
        partners = reported_networks(con, scenario, partner_only=True)
        identity = _identity(con, scenario)
    finally:
        con.close()
    return judge(scenario, reported, identity, quarantined, partners)


def judge(
    scenario: Scenario,
    reported: list[frozenset[str]],
    identity: list[str],
    quarantined: int = 0,
    partner_only: list[frozenset[str]] | None = None,
) -> Outcome:
    """The outcome of ``reported`` (each network's offenders as true people) against the
    scenario's expectations; ``identity`` holds the identity failures found so far and
    ``partner_only`` the reported networks marked visible only through partner records
    (None: not checked)."""
    identity = list(identity)
    if partner_only is not None:
        for expected, flag in zip(scenario.networks, scenario.partner_only, strict=True):
            found = [r for r in reported if jaccard(expected, r) >= MATCH]
            group = ", ".join(sorted(expected))
            if flag and found and not any(r in partner_only for r in found):
                identity.append(f"{{{group}}} is not reported as visible only through partners")
            # Declared false: the police know the group, so a report of it as visible
            # only through partners is wrong (since session 38; a default is no claim).
            police_known = scenario.partner_only_declared and not flag
            if police_known and found and all(r in partner_only for r in found):
                identity.append(f"{{{group}}} is reported as visible only through partners")
    missed = [
        expected
        for expected in scenario.networks
        if not any(jaccard(expected, r) >= MATCH for r in reported)
    ]
    unexpected = [r for r in reported if not any(jaccard(e, r) >= MATCH for e in scenario.networks)]
    for who in scenario.in_every_network:
        for expected in (e for e in scenario.networks if who in e):
            for r in reported:
                if jaccard(expected, r) >= MATCH and who not in r:
                    group = ", ".join(sorted(expected))
                    identity.append(f"{who} is not in the network found for {{{group}}}")
    for who in scenario.not_members:
        for r in reported:
            if who in r:
                identity.append(f"{who} is in a reported network, {{{', '.join(sorted(r))}}}")
    split = [
        expected
        for expected in scenario.networks
        if sum(jaccard(expected, r) >= MATCH for r in reported) > 1
    ]
    merged = [r for r in reported if sum(jaccard(e, r) >= MATCH for e in scenario.networks) > 1]
    return Outcome(
        scenario.id,
        scenario.cls,
        reported,
        missed,
        unexpected,
        identity,
        quarantined,
        split,
        merged,
    )
