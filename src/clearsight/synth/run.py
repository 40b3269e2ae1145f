"""A whole run: areas one after another, each world observed by its five agencies,
written and dropped before the next, so memory follows the largest area, not the total."""

from __future__ import annotations

import gc
import json
import random
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from clearsight.synth import habits as habit_ranges
from clearsight.synth.identifiers import Issuer
from clearsight.synth.noise import iso
from clearsight.synth.observe import Observer
from clearsight.synth.pools import pools
from clearsight.synth.source import AGENCY_TYPES, Source
from clearsight.synth.summary import SynthSummary, check_areas
from clearsight.synth.world import CROSS_AREA, Person, World, build_world
from clearsight.synth.write import open_csv, write_source

RECORDS_PER_SCALE = 10_000
PEOPLE_COLUMNS = (
    "true_person_id",
    "area",
    "kind",
    "forenames",
    "surname",
    "date_of_birth",
    "sex",
    "ethnicity_self_defined",
    "ethnicity_officer_defined",
    "nationality",
    "postcode",
    "previous_postcode",
    "phones",
    "emails",
    "nhs_number",
    "aliases",
)
GROUP_COLUMNS = (
    "group_id",
    "area",
    "group_type",
    "lone_offender",
    "true_person_id",
    "role",
    "cross_area",
    "kind",
)
TRUTH_README = {
    "record_truth.csv": "source_id, person_id, true_person_id: every person record of every "
    "submission and the true person behind it (several records, in one source or many, "
    "can share a true person; unidentified suspects map to the offender they were).",
    "people.csv": "One row per true person: kind (victim, offender, family, other) and the "
    "true identity before any recording noise.",
    "groups.csv": "Offender groups: one row per member (role offender or facilitator) and "
    "per victim of the group (role victim). group_type adult_group, peer_group, "
    "lone_offender (size 1, lone_offender=yes) or familial; cross_area=yes marks an "
    "offender whose home area is another area; kind is partner_only for a group police "
    "hold no record of (partners name its adults as associates), otherwise police_visible.",
    "incidents.csv": "incident_id, group_id, source_id, event_id: one episode of a group "
    "recorded by several agencies (police, social care, health), each with its own event id "
    "and its own subset of the people.",
    "habits.json": "Per area: which agencies submitted, each agency's recording habits and "
    "the group shapes drawn for this seed (see clearsight.synth.habits).",
    "group_records.csv": "source_id, person_id, group_id: the person records that appear in "
    "a group's own events or links. The network benchmark counts a group's recorded "
    "offenders from it.",
    "narratives.csv": "source_id, event_id, label (neutral, blaming, hard_negative) for "
    "every narrative written.",
    "defects.csv": "source_id, file, row_number (header is row 1), kind, column of every "
    "injected invalid row. Rows that become invalid only because a referenced row was "
    "spoiled (an involvement of a spoiled person) are not listed.",
}


# Offenders of one area that may visit the next at the default cross-area rate.
VISITOR_POOL = 4


def generate(
    out: Path,
    areas: Sequence[str],
    scale: float = 1.0,
    seed: int = 0,
    defect_rate: float = 0.0,
    cross_area: float = CROSS_AREA,
) -> SynthSummary:
    # Millions of small rows and no reference cycles: the cyclic collector would rescan
    # the growing heap again and again (quadratic time) and free nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(out, areas, scale, seed, defect_rate, cross_area)
    finally:
        if enabled:
            gc.enable()


# The truth files and their headers, written as each area is generated.
TRUTH_HEADERS: dict[str, tuple[str, ...]] = {
    "record_truth.csv": ("source_id", "person_id", "true_person_id"),
    "people.csv": PEOPLE_COLUMNS,
    "groups.csv": GROUP_COLUMNS,
    "narratives.csv": ("source_id", "event_id", "label"),
    "defects.csv": ("source_id", "file", "row_number", "kind", "column"),
    "incidents.csv": ("incident_id", "group_id", "source_id", "event_id"),
}


def _check_rates(scale: float, defect_rate: float, cross_area: float) -> None:
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale}")
    if not 0 <= defect_rate < 1:
        raise ValueError(f"defect_rate must be in [0, 1), not {defect_rate}")
    if not 0 <= cross_area <= 1:
        raise ValueError(f"cross_area must be in [0, 1], not {cross_area}")


def _fresh_folders(out: Path) -> tuple[Path, Path]:
    """Empty submissions and truth folders: a rerun into the same folder must not leave
    submissions of areas no longer asked for."""
    submissions_dir, truth_dir = out / "submissions", out / "truth"
    for folder in (submissions_dir, truth_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    return submissions_dir, truth_dir


def _write_source_truth(
    files: dict[str, Any],
    source_id: str,
    truth: Iterable[tuple[str, str]],
    labels: Iterable[tuple[str, str]],
    found: Iterable[Any],
    incidents: Iterable[tuple[str, str]],
) -> None:
    """One source's rows of the record, narrative, defect and incident truth files."""
    files["record_truth.csv"][1].writerows((source_id, pid, tid) for pid, tid in truth)
    files["narratives.csv"][1].writerows((source_id, eid, label) for eid, label in labels)
    files["defects.csv"][1].writerows(
        (d.source_id, d.file, d.row_number, d.kind, d.column) for d in found
    )
    files["incidents.csv"][1].writerows(
        (incident, incident[2:], source_id, event_id) for incident, event_id in incidents
    )


def _generate(
    out: Path,
    areas: Sequence[str],
    scale: float,
    seed: int,
    defect_rate: float,
    cross_area: float,
) -> SynthSummary:
    chosen = check_areas(list(areas))
    _check_rates(scale, defect_rate, cross_area)
    # Above the default rate every adult offender of an area may visit the next, so a
    # federation measurement has enough cross-force people; the default keeps the pool
    # (and so every existing seed's output) as it was.
    pool = VISITOR_POOL if cross_area <= CROSS_AREA else None
    started = time.perf_counter()
    data = pools()
    unknown_geo = [area for area in chosen if area not in data.areas]
    if unknown_geo:  # pragma: no cover - the data file covers every area of the standard
        raise ValueError(f"no postcode geography for {', '.join(unknown_geo)}")
    from clearsight.standard import load_standard

    area_names = load_standard().areas
    submissions_dir, truth_dir = _fresh_folders(out)

    issuer = Issuer()
    counter = [0]
    per_area = max(200, round(RECORDS_PER_SCALE * scale / len(chosen)))
    visitors: list[Person] = []
    submissions: list[Path] = []
    totals = {"persons": 0, "events": 0, "involvements": 0, "people": 0, "groups": 0, "defects": 0}
    files = {name: open_csv(truth_dir / name) for name in TRUTH_HEADERS}
    drawn: dict[str, object] = {}
    try:
        for name, header in TRUTH_HEADERS.items():
            files[name][1].writerow(header)
        for number, area in enumerate(chosen):
            rnd = random.Random(f"clearsight-synth:{seed}:{number}:{area}")
            habits = habit_ranges.draw(seed, area)
            drawn[area] = habits.as_dict()
            # The default rate follows the seed; a rate asked for is kept as asked.
            rate = habits.cross_area if cross_area == CROSS_AREA else cross_area
            world = build_world(
                area, data.areas[area], data, issuer, rnd, counter, per_area, visitors, habits, rate
            )
            sources = {
                agency: Source(
                    area,
                    agency,
                    data,
                    random.Random(f"{seed}:{area}:{agency}"),
                    habits.agencies[agency],
                )
                for agency in AGENCY_TYPES
            }
            observer = Observer(world, sources, data, rnd, habits)
            for group in world.groups:
                observer.observe_group(group)
            observer.background(per_area)
            for agency, src in sources.items():
                if not habits.agencies[agency].present:
                    # No data-sharing agreement with this agency here: nothing is sent.
                    continue
                folder = submissions_dir / src.source_id
                counts, found, truth, labels, incidents = write_source(
                    src,
                    area_names[area],
                    folder,
                    defect_rate,
                    random.Random(f"{seed}:{area}:{agency}:write"),
                )
                submissions.append(folder)
                totals["persons"] += counts["persons"]
                totals["events"] += counts["events"]
                totals["involvements"] += counts["involvements"]
                totals["defects"] += len(found)
                _write_source_truth(files, src.source_id, truth, labels, found, incidents)
            totals["people"] += _write_people(files["people.csv"][1], world)
            totals["groups"] += _write_groups(files["groups.csv"][1], world)
            visitors = [
                offender
                for group in world.groups
                if group.group_type == "adult_group"
                for offender in group.offenders
                if offender.area == area
            ][:pool]
    finally:
        for handle, _ in files.values():
            handle.close()
    manifest = {
        "generator": "clearsight.synth",
        "seed": seed,
        "scale": scale,
        "areas": chosen,
        "defect_rate": defect_rate,
        **({"cross_area": cross_area} if cross_area != CROSS_AREA else {}),
        "counts": totals,
        "files": TRUTH_README,
    }
    (truth_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    (truth_dir / "habits.json").write_text(json.dumps(drawn, indent=2) + "\n", "utf-8")
    return SynthSummary(
        submissions=submissions,
        truth_dir=truth_dir,
        person_records=totals["persons"],
        event_records=totals["events"],
        true_people=totals["people"],
        groups=totals["groups"],
        involvement_records=totals["involvements"],
        defects=totals["defects"],
        seconds=round(time.perf_counter() - started, 3),
    )


def _write_people(writer: object, world: World) -> int:
    rows = (
        (
            p.tid,
            p.area,
            p.kind,
            " ".join(filter(None, (p.forename, p.middle))),
            p.surname,
            iso(p.dob),
            p.sex,
            p.ethnicity,
            p.officer,
            p.nationality,
            p.postcode,
            p.previous_postcode,
            ";".join(p.phones),
            p.email,
            p.nhs,
            ";".join(p.aliases),
        )
        for p in world.people
    )
    writer.writerows(rows)  # type: ignore[attr-defined]
    return len(world.people)


def _write_groups(writer: object, world: World) -> int:
    rows = []
    for group in world.groups:
        lone = "yes" if group.group_type == "lone_offender" else "no"
        kind = "partner_only" if group.partner_only else "police_visible"
        head = (group.gid, group.area, group.group_type, lone)
        for offender, role in zip(group.offenders, group.roles, strict=True):
            cross = "yes" if offender.area != group.area else "no"
            rows.append((*head, offender.tid, role, cross, kind))
        for victim in group.victims:
            rows.append((*head, victim.tid, "victim", "no", kind))
    writer.writerows(rows)  # type: ignore[attr-defined]
    return len(world.groups)
