"""The measure of the networks stage on the independent generator, through the product path.

For each seed: ``independent_networks.generate`` writes the submissions and the truth;
Clearsight runs as an analyst runs it, in child processes: ``clearsight ingest`` of every
submission into a fresh store (nothing may be quarantined), ``clearsight analyse --stage
linkage --stage networks --stage definitions``, ``clearsight export networks``,
``clearsight export entities`` and ``clearsight network list --json``. Identities are
Clearsight's: each entity is mapped back to the true person most of its records belong
to, through the record keys of the exports (never through the truth's grouping).

Scoring (the definitions of ``benchmarks/networks.py``, whose ``score`` does the Jaccard
arithmetic): a true group counts when two or more of its members are recorded offenders
of it (an offending-side record, ``suspect``, ``offender``, ``facilitator`` or
``associate``, in one of the group's own events); it is recovered when some reported
network's offenders (members in an offending role: not ``linked``, not victims) have
Jaccard >= 0.5 with them; a reported network is spurious when no true group reaches 0.5
with it. A group is fragmented when two or more networks each hold two or more of its
recorded offenders; a network is merged when it holds two or more of each of two or more
groups. Tuning seeds are 1-999; held-out seeds 5000-5999, for which ``--diagnose`` is
refused. ``measure_seeds`` takes the generator and its held-out range as parameters: the
third networks generator (``third_networks.py measure``, session 23) is scored the same
way, with held-out seeds 6000-6999.

Beside the full figures, never instead (session 27, ``network_revealable.py`` read on
the seed's store with perfect names): ``revealable_groups`` / ``revealable_recovered``,
the true groups some piece of whose records holds half their recorded offenders, and
how many of them are recovered; ``revealable_spurious``, the networks that match neither
a true group nor any piece a group's records join (Jaccard >= 0.5 on offenders): what
is spurious against what the records reveal; ``revealable_spurious_either``, nor any
piece of the strict reading (identified names only, a shared child joins no two men).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from independent_networks import generate
from network_revealable import reading, spurious_against_pieces
from networks import score
from product_path import cli

TUNING = range(1, 1000)
HELD_OUT = range(5000, 6000)
OFFENDING = frozenset({"offender", "suspect", "facilitator", "associate"})
# Held-out seeds run once and then read (their misses examined): tuning seeds from then
# on, reported as such (session 31: 5126 and 5127 read for their misses, 5131 for a lost
# group; benchmarks/README.md, session 31; 5156-5161, run once in session 33, read in
# session 34 for their misses).
SPENT = frozenset({5126, 5127, 5131, *range(5156, 5162)})


def seed_set(seed: int, held_out: range = HELD_OUT) -> str:
    if seed in TUNING or seed in SPENT:
        return "tuning"
    if seed in held_out:
        return "held-out"
    raise SystemExit(
        f"seed {seed}: tuning seeds are 1-999, held-out seeds {held_out[0]}-{held_out[-1]}"
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def product_path(folders: list[Path], store: Path, out: Path) -> dict[str, Any]:
    """Ingest, analyse and export as an analyst would; the seconds of each step."""
    times: dict[str, Any] = {}
    t = time.perf_counter()
    ingested = json.loads(cli(store, "ingest", *map(str, folders), "--json", "--skip-language"))
    times["ingest"] = round(time.perf_counter() - t, 1)
    quarantined = sum(int(r["rows_quarantined"]) for r in ingested)
    if quarantined or any(r["status"] != "loaded" for r in ingested):
        raise RuntimeError(f"{quarantined} rows quarantined: the generator must write the standard")
    t = time.perf_counter()
    stages = ("linkage", "networks", "definitions")
    analysed = json.loads(
        cli(store, "analyse", *(a for s in stages for a in ("--stage", s)), "--json")
    )
    times["analyse"] = round(time.perf_counter() - t, 1)
    times["linkage"] = round(float(analysed[0]["seconds"]), 1)
    t = time.perf_counter()
    cli(store, "export", "networks", "--out", str(out / "networks.csv"))
    cli(store, "export", "entities", "--out", str(out / "entities.csv"))
    listed = json.loads(cli(store, "network", "list", "--json", "--limit", "0"))
    (out / "network-list.json").write_text(json.dumps(listed), "utf-8")
    times["exports"] = round(time.perf_counter() - t, 1)
    times["records"] = sum(
        int(f["rows_read"]) for r in ingested for f in r["files"] if f["file"] == "persons.csv"
    )
    return times


def reachable(data: Path) -> set[str]:
    """Groups whose recorded offenders are joined in the records of the group's own events.

    A property of the data, not of Clearsight: the group's events, the people in them
    (offenders, children, anyone), the places they name and the associations its members
    have (things, places, other people) as a graph; the group is reachable when its
    recorded offenders lie in one component. A group whose members are named in records
    that share nothing (another child, another place, no phone) cannot be found by any
    method: the diagnosis counts it apart.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    truth = {
        (r["source_id"], r["person_id"]): r["true_person"] for r in read_csv(data / "truth.csv")
    }
    case_of = {
        (r["source_id"], r["event_id"]): r["case"] for r in read_csv(data / "case_records.csv")
    }
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        src = folder.name
        for e in read_csv(folder / "events.csv"):
            case = case_of[(src, e["event_id"])]
            node = f"event {src}:{e['event_id']}"
            for where in (e.get("location_id"), e.get("postcode")):
                if where and case != "background":
                    join(node, f"{case} place {where}")
        for r in read_csv(folder / "involvements.csv"):
            if r["role"] in ("reporting_person", "witness"):
                continue  # who reported or saw an event is no evidence of a group
            join(
                f"event {src}:{r['event_id']}",
                f"{case_of[(src, r['event_id'])]} person {truth[(src, r['person_id'])]}",
            )
    groups = read_csv(data / "groups.csv")
    # Associations join a member to things, places and people within the member's group.
    member_of = {m: g["group_id"] for g in groups for m in g["members"].split(";")}
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        if not (folder / "associations.csv").exists():
            continue
        src = folder.name
        for r in read_csv(folder / "associations.csv"):
            pid = truth[(src, r["from_id"])]
            if pid in member_of:
                g = member_of[pid]
                other = truth.get((src, r["to_id"]), r["to_id"])
                join(f"{g} person {pid}", f"{g} {r['to_type']} {other}")
    out = set()
    for group in groups:
        offenders = [o for o in group["recorded_offenders"].split(";") if o]
        ends = {find(f"{group['group_id']} person {o}") for o in offenders}
        if offenders and len(ends) == 1:
            out.add(group["group_id"])
    return out


class Seed:
    """One seed's truth and Clearsight's answer, read from files."""

    def __init__(self, data: Path, exports: Path) -> None:
        self.truth = {
            (r["source_id"], r["person_id"]): r["true_person"] for r in read_csv(data / "truth.csv")
        }
        self.groups = {r["group_id"]: r for r in read_csv(data / "groups.csv")}
        self.cases = read_csv(data / "cases.csv")
        self.case_of: dict[str, list[str]] = defaultdict(list)
        for c in self.cases:
            for pid in filter(None, c["members"].split(";")):
                self.case_of[pid].append(f"{c['kind']} {c['case_id']}")
            for pid in filter(None, c["victims"].split(";")):
                self.case_of[pid].append(f"victim of {c['case_id']}")
        self.true_groups = {
            g: set(r["recorded_offenders"].split(";"))
            for g, r in self.groups.items()
            if len(r["recorded_offenders"].split(";")) >= 2
        }
        # Each entity is the true person most of its records are (Clearsight's identities).
        self.records: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in read_csv(exports / "entities.csv"):
            self.records[r["entity_id"]].append((r["source_id"], r["person_id"]))
        self.person: dict[str, str] = {
            e: Counter(self.truth[k] for k in keys).most_common(1)[0][0]
            for e, keys in self.records.items()
        }
        self.network_rows = read_csv(exports / "networks.csv")
        self.predicted: dict[str, set[str]] = defaultdict(set)
        self.roles: dict[str, dict[str, str]] = defaultdict(dict)
        for r in self.network_rows:
            self.roles[r["network_id"]][r["entity_id"]] = r["role"]
            if r["role"] in OFFENDING:
                self.predicted[r["network_id"]].add(self.person[r["entity_id"]])
        self.reachable = reachable(data)
        listed = json.loads((exports / "network-list.json").read_text("utf-8"))
        self.partner_only_networks = {n["network_id"] for n in listed if n.get("partner_only")}

    def jaccard(self, group: set[str]) -> tuple[float, str]:
        best = max(
            ((len(group & m) / len(group | m), n) for n, m in self.predicted.items()),
            default=(0.0, ""),
        )
        return best

    def figures(self) -> dict[str, Any]:
        s: dict[str, Any] = dict(score(self.true_groups, dict(self.predicted)))
        recovered = {g for g, m in self.true_groups.items() if self.jaccard(m)[0] >= 0.5}
        partner = {g for g in self.true_groups if self.groups[g]["partner_only"] == "yes"}
        s["partner_only_groups"] = len(partner)
        s["partner_only_recovered"] = len(partner & recovered)
        s["fragmented"] = sum(
            sum(len(m & p) >= 2 for p in self.predicted.values()) >= 2
            for m in self.true_groups.values()
        )
        s["merged"] = sum(
            sum(len(m & p) >= 2 for m in self.true_groups.values()) >= 2
            for p in self.predicted.values()
        )
        s["networks_partner_only_reported"] = len(self.partner_only_networks)
        linked = set(self.true_groups) & self.reachable
        s["reachable_groups"] = len(linked)
        s["reachable_recovered"] = len(linked & recovered)
        s["partner_only_reachable"] = len(linked & partner)
        s["partner_only_reachable_recovered"] = len(linked & partner & recovered)
        by_pattern: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for g in self.true_groups:
            by_pattern[self.groups[g]["pattern"]][0] += 1
            by_pattern[self.groups[g]["pattern"]][1] += g in recovered
        s["by_pattern"] = dict(by_pattern)
        s["missed_groups"] = sorted(set(self.true_groups) - recovered)
        return s


def revealed(store: Path, one: Seed) -> dict[str, int]:
    """The revealable figures of one seed, read from its store (``network_revealable``):
    every group of ``groups.csv`` is read, so a network matching a piece of a group with
    fewer than two recorded offenders is not spurious against the pieces either."""

    def split(text: str) -> set[str]:
        return set(filter(None, text.split(";")))

    members = {g: split(r["members"]) for g, r in one.groups.items()}
    offenders = {g: split(r["recorded_offenders"]) for g, r in one.groups.items()}
    con = duckdb.connect(str(store), read_only=True)
    try:
        readings = reading(con, one.truth, members, offenders)
        strict = reading(con, one.truth, members, offenders, strict=True)
    finally:
        con.close()
    shown = [g for g in one.true_groups if readings[g].verdict is None]
    return {
        "revealable_groups": len(shown),
        "revealable_recovered": sum(one.jaccard(one.true_groups[g])[0] >= 0.5 for g in shown),
        "revealable_pieces": sum(len(r.pieces) for r in readings.values()),
        "revealable_spurious": spurious_against_pieces(
            one.true_groups, readings, dict(one.predicted)
        ),
        # Against either reading: a network an analyst holding only identified names and
        # reading a shared child as a "possible" link would report is not spurious either.
        "revealable_spurious_either": spurious_against_pieces(
            one.true_groups, readings, dict(one.predicted), strict
        ),
    }


def measure_seeds(
    seeds: list[int],
    scale: float,
    work: Path,
    diagnose: bool,
    keep: bool = False,
    generator: Callable[[int, Path, float], list[Path]] = generate,
    held_out: range = HELD_OUT,
) -> list[dict[str, Any]]:
    """Generate, run the product path and score each seed. ``generator`` writes a seed's
    submissions and truth (the independent generator by default; the third networks
    generator passes its own, with its own held-out range)."""
    sets = {seed_set(s, held_out) for s in seeds}
    if diagnose and "held-out" in sets:
        raise SystemExit(f"--diagnose is refused for held-out seeds ({held_out[0]}-{held_out[-1]})")
    results = []
    for seed in seeds:
        folder = work / f"seed-{seed}"
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "exports").mkdir(parents=True)
        load = os.getloadavg()[0]
        t = time.perf_counter()
        folders = generator(seed, folder / "data", scale)
        times = {"generate": round(time.perf_counter() - t, 1)}
        times.update(product_path(folders, folder / "store.duckdb", folder / "exports"))
        one = Seed(folder / "data", folder / "exports")
        figures = one.figures()
        figures.update(revealed(folder / "store.duckdb", one))
        figures.update(
            seed=seed, set=seed_set(seed, held_out), scale=scale, load=round(load, 2), **times
        )
        results.append(figures)
        print(json.dumps({k: v for k, v in figures.items() if k != "missed_groups"}), flush=True)
        if diagnose:
            from independent_network_diagnosis import diagnose_seed

            diagnose_seed(one, folder / "data", folder / "store.duckdb")
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    for which in sorted(sets):
        p = pooled([r for r in results if r["set"] == which])
        print(which, json.dumps(p))
        print(
            f"{which}: recovered {p['recovered']}/{p['true_groups']} ({p['recovery']:.1%}), "
            f"spurious {p['spurious']} of {p['networks']} ({p['spurious_rate']:.1%}); "
            f"against what the records reveal: recovered {p['revealable_recovered']}/"
            f"{p['revealable_groups']} revealable ({p['revealable_recovery']:.1%}), "
            f"spurious {p['revealable_spurious']} of {p['networks']} "
            f"({p['revealable_spurious_rate']:.1%}; against either reading "
            f"{p['revealable_spurious_either']}, {p['revealable_spurious_either_rate']:.1%})"
        )
    return results


def pooled(results: list[dict[str, Any]]) -> dict[str, Any]:
    keys = (
        "true_groups",
        "recovered",
        "networks",
        "spurious",
        "spurious_fragments",
        "partner_only_groups",
        "partner_only_recovered",
        "fragmented",
        "merged",
        "records",
        "reachable_groups",
        "reachable_recovered",
        "partner_only_reachable",
        "partner_only_reachable_recovered",
        "revealable_groups",
        "revealable_recovered",
        "revealable_pieces",
        "revealable_spurious",
        "revealable_spurious_either",
    )
    p: dict[str, Any] = {k: sum(int(r[k]) for r in results) for k in keys}
    p["seeds"] = [r["seed"] for r in results]
    p["loads"] = [r["load"] for r in results]
    for step in ("generate", "ingest", "analyse", "linkage", "exports"):
        p[f"{step}_seconds"] = round(sum(float(r[step]) for r in results), 1)
    p["recovery"] = round(p["recovered"] / max(p["true_groups"], 1), 4)
    p["spurious_rate"] = round(p["spurious"] / max(p["networks"], 1), 4)
    p["partner_only_recovery"] = round(
        p["partner_only_recovered"] / max(p["partner_only_groups"], 1), 4
    )
    by_pattern: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for pattern, (n, got) in r["by_pattern"].items():
            by_pattern[pattern][0] += n
            by_pattern[pattern][1] += got
    p["reachable_recovery"] = round(p["reachable_recovered"] / max(p["reachable_groups"], 1), 4)
    p["revealable_recovery"] = round(p["revealable_recovered"] / max(p["revealable_groups"], 1), 4)
    p["revealable_spurious_rate"] = round(p["revealable_spurious"] / max(p["networks"], 1), 4)
    p["revealable_spurious_either_rate"] = round(
        p["revealable_spurious_either"] / max(p["networks"], 1), 4
    )
    p["by_pattern"] = {k: f"{v[1]}/{v[0]}" for k, v in sorted(by_pattern.items())}
    return p
