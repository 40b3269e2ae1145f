"""Submissions and truth on disk: UTF-8 CSV with RFC 4180 quoting (fields quoted only when
they hold a comma, quote or line break; an empty cell means not recorded)."""

from __future__ import annotations

import csv
import json
import random
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from clearsight.synth import defects as defect_module
from clearsight.synth.defects import Defect
from clearsight.synth.noise import iso
from clearsight.synth.source import (
    AGENCY_TYPES,
    ASSOCIATION_COLUMNS,
    EVENT_COLUMNS,
    INVOLVEMENT_COLUMNS,
    LOCATION_COLUMNS,
    OBJECT_COLUMNS,
    ORGANISATIONS,
    PERSON_COLUMNS,
    Source,
)
from clearsight.synth.world import EXTRACT_DATE, PERIOD_END, PERIOD_START

STANDARD_VERSION = "1.0"


def open_csv(path: Path) -> tuple[TextIO, Any]:
    handle = path.open("w", encoding="utf-8", newline="")
    return handle, csv.writer(handle, lineterminator="\r\n")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    handle, writer = open_csv(path)
    with handle:
        writer.writerow(header)
        count = 0
        for chunk in _chunks(rows, 65536):
            writer.writerows(chunk)
            count += len(chunk)
    return count


def _chunks(rows: Iterable[Sequence[str]], size: int) -> Iterable[list[Sequence[str]]]:
    chunk: list[Sequence[str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ids(prefix: str, count: int, rnd: random.Random, width: int) -> tuple[list[str], list[int]]:
    """Ids in a shuffled order, so nothing about the truth leaks through id sequence; and
    the ranks of the rows when listed by id (one pass: sorting strings is slow)."""
    numbers = list(range(count))
    rnd.shuffle(numbers)
    return [f"{prefix}{n + 1:0{width}d}" for n in numbers], numbers


def _order(ranks: list[int]) -> list[int]:
    order = [0] * len(ranks)
    for index, rank in enumerate(ranks):
        order[rank] = index
    return order


def write_source(
    src: Source, area_name: str, folder: Path, defect_rate: float, rnd: random.Random
) -> tuple[
    dict[str, int],
    list[Defect],
    list[tuple[str, str]],
    list[tuple[str, str]],
    list[tuple[str, str]],
]:
    """Write one submission; returns row counts, defects, (person_id, true id),
    (event_id, narrative label) and (incident id, event_id) pairs. The records each
    offender group's events and links touch go to ``truth/group_records.csv`` beside the
    submissions folder, when there is one."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = src.profile.prefix
    person_ids, person_rank = _ids(prefix, len(src.persons), rnd, 7)
    event_prefix = "E" if src.agency == "police" else f"{prefix}E"
    event_ids, event_rank = _ids(event_prefix, len(src.events), rnd, 8)
    object_ids = [f"OBJ{i + 1:06d}" for i in range(len(src.objects))]
    location_ids = [f"LOC{i + 1:06d}" for i in range(len(src.locations))]
    found: list[Defect] = []
    counts: dict[str, int] = {}

    persons = [[person_ids[i], *src.persons[i]] for i in _order(person_rank)]
    found += defect_module.inject(
        src.source_id, "persons.csv", PERSON_COLUMNS, persons, defect_rate, rnd
    )
    counts["persons"] = write_csv(folder / "persons.csv", PERSON_COLUMNS, persons)
    del persons

    timed = src.agency == "police"
    events = [_event_row(event_ids, i, src.events[i], timed) for i in _order(event_rank)]
    found += defect_module.inject(
        src.source_id, "events.csv", EVENT_COLUMNS, events, defect_rate, rnd
    )
    counts["events"] = write_csv(folder / "events.csv", EVENT_COLUMNS, events)
    del events

    # Listed by event id, then person id and role; integer keys sort far faster than strings.
    width = len(person_ids) + 1
    ranked = sorted(
        src.involvements, key=lambda x: ((event_rank[x[0]] * width + person_rank[x[1]]), x[2])
    )
    involvements = [[event_ids[e], person_ids[p], role] for e, p, role in ranked]
    found += defect_module.inject(
        src.source_id, "involvements.csv", INVOLVEMENT_COLUMNS, involvements, defect_rate, rnd
    )
    counts["involvements"] = write_csv(
        folder / "involvements.csv", INVOLVEMENT_COLUMNS, involvements
    )
    del involvements

    if src.objects:
        counts["objects"] = write_csv(
            folder / "objects.csv",
            OBJECT_COLUMNS,
            ([object_ids[i], *row] for i, row in enumerate(src.objects)),
        )
    if src.locations:
        counts["locations"] = write_csv(
            folder / "locations.csv",
            LOCATION_COLUMNS,
            ([location_ids[i], *row] for i, row in enumerate(src.locations)),
        )
    if src.associations:
        tables = {
            "person": person_ids,
            "object": object_ids,
            "location": location_ids,
            "event": event_ids,
        }
        counts["associations"] = write_csv(
            folder / "associations.csv",
            ASSOCIATION_COLUMNS,
            (
                (ft, tables[ft][fi], tt, tables[tt][ti], kind, start, end)
                for ft, fi, tt, ti, kind, start, end in src.associations
            ),
        )
    manifest = {
        "standard_version": STANDARD_VERSION,
        "source_id": src.source_id,
        "organisation": ORGANISATIONS[src.agency].format(area_name),
        "agency_type": AGENCY_TYPES[src.agency],
        "area": src.area,
        "extract_date": iso(EXTRACT_DATE),
        "period_start": iso(PERIOD_START),
        "period_end": iso(PERIOD_END),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    truth = list(zip(person_ids, src.truth, strict=True))
    labels = [(event_ids[i], label) for i, label in src.labels]
    incidents = [(incident, event_ids[i]) for incident, i in src.incidents]
    _write_group_records(folder.parent.parent / "truth", src, person_ids)
    return counts, found, truth, labels, incidents


def _write_group_records(truth_dir: Path, src: Source, person_ids: list[str]) -> None:
    """Truth for the network benchmark: ``source_id, person_id, group_id`` of every person
    record in an event or a link written about an offender group's activity (its crimes
    and their outcomes, intelligence, missing episodes, referrals and meetings about its
    victims, the phones, vehicles, places and associations police hold on it)."""
    if not truth_dir.is_dir():
        return
    path = truth_dir / "group_records.csv"
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        if new:
            writer.writerow(("source_id", "person_id", "group_id"))
        writer.writerows((src.source_id, person_ids[p], g) for p, g in src.group_records)


# Hours a synthetic police crime is recorded at, weighted towards the afternoon, evening
# and night (after school, when the synthetic world's groups meet children).
_CRIME_HOURS = [15, 16, 17, 18, 19, 20, 21, 22, 23, 1, 2] * 3 + [
    9,
    10,
    11,
    12,
    13,
    14,
    3,
    4,
    5,
    6,
    7,
    8,
]


def _clock(event_id: str) -> str:
    """The time of day a police crime's occurred date carries, from a hash of its id (no
    draw from the generator, so every other value written stays as it was): a fifth have
    none (a date only), a few the ``00:00`` case systems write when no time was entered."""
    mark = zlib.crc32(event_id.encode())
    if mark % 5 == 0:
        return ""
    if mark % 13 == 0:
        return "T00:00"
    hour = _CRIME_HOURS[(mark >> 4) % len(_CRIME_HOURS)]
    return f"T{hour:02d}:{(mark >> 10) % 60:02d}"


def _event_row(
    event_ids: list[str], index: int, row: list[str | int], timed: bool = False
) -> list[str]:
    (
        event_type,
        reported,
        occurred,
        related,
        location,
        postcode,
        offence,
        cse,
        status,
        closed,
        outcome,
        specialist,
        narrative,
    ) = row
    return [
        event_ids[index],
        str(event_type),
        iso(int(reported)),
        (iso(int(occurred)) + (_clock(event_ids[index]) if timed and event_type == "crime" else ""))
        if occurred
        else "",
        event_ids[int(related)] if int(related) >= 0 else "",
        f"LOC{int(location) + 1:06d}" if int(location) >= 0 else "",
        str(postcode),
        str(offence),
        str(cse),
        str(status),
        iso(int(closed)) if closed else "",
        str(outcome),
        str(specialist),
        str(narrative),
    ]
