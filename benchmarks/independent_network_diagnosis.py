"""Why a group was missed or a network is spurious, on a tuning seed of the independent measure.

Called by ``independent_network_score.measure_seeds`` with ``--diagnose`` (refused on
held-out seeds). Per missed group: its recorded offenders, the entities Clearsight made of
their records (and whether an entity holds another person's records), the networks that
hold them, and every record of the group's own events with who is in it in which role,
plus the associations its members have: what links them. Per spurious network: each
offending member as the truth knows them (member of which group, lone offender, adult at
a busy place, victim, or in no case: a relative, professional or someone in the
background). Each item gets one cause; the causes are counted at the end. With the seed's
store (``--keep`` is not needed: the measure passes it before deleting), each missed
group's offenders are also read against the networks stage's own tables (session 26):
whether a rule set one apart (``network_peer_groups``: a peer group of children;
``network_lone_offenders``: a lone offender) and whether any rule put them on the
offending side at all (``graph_involved``), which the cause then names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from independent_network_score import OFFENDING, read_csv

if TYPE_CHECKING:
    from independent_network_score import Seed


def _submissions(data: Path, one: Seed) -> tuple[dict[tuple[str, str], list[str]], list[str]]:
    """Each event's people (true id and role), and every person-to-thing association."""
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    links: list[str] = []
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        src = folder.name
        events = {r["event_id"]: r for r in read_csv(folder / "events.csv")}
        for r in read_csv(folder / "involvements.csv"):
            pid = one.truth[(src, r["person_id"])]
            people[(src, r["event_id"])].append(f"{pid}:{r['role']}")
        for key, e in events.items():
            where = e.get("location_id") or e.get("postcode") or "-"
            people[(src, key)].insert(
                0, f"{e['event_type']} {e['reported_date']} cse={e.get('cse_flag')} at {where}"
            )
        if (folder / "associations.csv").exists():
            for r in read_csv(folder / "associations.csv"):
                pid = one.truth.get((src, r["from_id"]), r["from_id"])
                other = one.truth.get((src, r["to_id"]), r["to_id"])
                links.append(f"{src} {pid} {r['association_type']} {r['to_type']} {other}")
    return people, links


def _entities_of(one: Seed) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for e, keys in one.records.items():
        for k in keys:
            out[one.truth[k]].add(e)
    return out


class StoreView:
    """What the networks stage decided about each entity, read from the seed's store:
    the rule that set it apart (a peer group of children, a lone offender) and its role
    on the offending side (``graph_involved``; none when no rule put it there)."""

    def __init__(self, store: Path | None) -> None:
        self.apart: dict[str, str] = {}
        self.side: dict[str, str] = {}
        if store is None or not store.exists():
            return
        con = duckdb.connect(str(store), read_only=True)
        try:
            listed = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            tables = {str(r[0]) for r in listed}
            if "network_lone_offenders" in tables:
                for (e,) in con.execute("SELECT entity_id FROM network_lone_offenders").fetchall():
                    self.apart[str(e)] = "lone offender"
            if "network_peer_groups" in tables:
                for (e,) in con.execute("SELECT entity_id FROM network_peer_groups").fetchall():
                    self.apart[str(e)] = "peer group"
            if "graph_involved" in tables:
                rows = con.execute("SELECT entity_id, role FROM graph_involved").fetchall()
                self.side = {str(e): str(r) for e, r in rows}
        finally:
            con.close()

    def suffix(self, group: set[str], entities: dict[str, set[str]]) -> str:
        """What the cause adds: offenders set apart, and offenders on no offending side."""
        apart = sorted({self.apart[e] for p in group for e in entities[p] if e in self.apart})
        out = "".join(f" (set apart as a {a})" for a in apart)
        if self.side:
            off = sum(1 for p in group if not any(e in self.side for e in entities[p]))
            if off:
                out += f" ({off} of {len(group)} offenders on no offending side)"
        return out

    def describe(self, ents: list[str]) -> str:
        side = ",".join(sorted({self.side[e] for e in ents if e in self.side})) or "none"
        apart = ",".join(sorted({self.apart[e] for e in ents if e in self.apart})) or "-"
        return f" offending side {side} set apart {apart}"


def missed_cause(one: Seed, group: set[str], entities: dict[str, set[str]], reachable: bool) -> str:
    holding = [m for m in one.predicted.values() if len(group & m) >= 2]
    split = any(len(entities[p]) > 1 for p in group)
    merged_id = any(
        len({one.truth[k] for k in one.records[e]}) > 1 for p in group for e in entities[p]
    )
    suffix = " (linkage split a member)" if split else ""
    suffix += " (linkage merged a member with another person)" if merged_id else ""
    if not reachable:
        return "no recorded link between its offenders (no method could join them)" + suffix
    if not holding:
        return "not detected: no network holds two of its offenders" + suffix
    if len(holding) >= 2:
        return "fragmented over networks" + suffix
    best = max(holding, key=lambda m: len(group & m) / len(group | m))
    if len(best - group) > len(group - best):
        return "merged into a larger network" + suffix
    return "partial: a network holds some of its offenders, too few" + suffix


def spurious_cause(one: Seed, members: set[str]) -> str:
    labels = [label for p in members for label in one.case_of.get(p, ["in-no-case -"])]
    groups = {label.split()[-1] for label in labels if label.split()[-1] in one.groups}
    others = sorted({label.split()[0] for label in labels if label.split()[-1] not in one.groups})
    if len(groups) >= 2:
        return "merge of two or more groups" + (f" with {', '.join(others)}" if others else "")
    if groups and not others:
        return "fragment of one group"
    return f"{'one group with ' if groups else ''}{', '.join(others)} people"


def diagnose_seed(one: Seed, data: Path, store: Path | None = None) -> None:
    people, links = _submissions(data, one)
    view = StoreView(store)
    records_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read_csv(data / "case_records.csv"):
        records_of[r["case"]].append((r["source_id"], r["event_id"]))
    entities = _entities_of(one)
    causes: Counter[str] = Counter()
    figures = one.figures()
    for g in figures["missed_groups"]:
        group = one.true_groups[g]
        info = one.groups[g]
        cause = missed_cause(one, group, entities, g in one.reachable)
        cause += view.suffix(group, entities)
        causes[f"missed: {cause}"] += 1
        jac, best = one.jaccard(group)
        print(
            f"\nMISSED {g} ({info['pattern']}, partner-only {info['partner_only']}, "
            f"areas {info.get('areas', '-')}): {cause}; best network {best or '-'} J={jac:.2f}"
        )
        for p in sorted(group):
            ents = sorted(entities[p])
            nets = sorted({n for n, roles in one.roles.items() for e in ents if e in roles})
            print(f"  offender {p}: entities {ents} networks {nets}{view.describe(ents)}")
        for key in records_of[g]:
            print(f"  record {key[0]}:{key[1]} {' | '.join(people[key])}")
        for line in links:
            if any(f" {p} " in f" {line} " for p in group):
                print(f"  link {line}")
    for n, members in one.predicted.items():
        if any(len(members & g) / len(members | g) >= 0.5 for g in one.true_groups.values()):
            continue
        cause = spurious_cause(one, members)
        causes[f"spurious: {cause}"] += 1
        print(f"\nSPURIOUS {n}: {cause}")
        for e, role in sorted(one.roles[n].items()):
            p = one.person[e]
            tag = "" if role in OFFENDING else " (not counted)"
            print(f"  {role}{tag} {e} = {p}: {', '.join(one.case_of.get(p, ['in no case']))}")
    print("\nCAUSES " + "; ".join(f"{k}: {v}" for k, v in sorted(causes.items())))
