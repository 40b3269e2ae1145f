"""A new submission about someone the store already knows: the arrival-alert tests' input.

The submission is written as an agency would send it (standard 1.0 CSVs and a
manifest), from a new source, holding a copy of one existing record's identity
fields: ingest and incremental linking then see a genuinely new record that
should join that person's entity.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from clearsight.alerts import add_watch, remove_watch
from clearsight.store import connect
from tests.ingest.conftest import write_csv
from tests.web.helpers import query
from tests.web.store import Built

HOME, OTHER = "west-yorkshire", "greater-manchester"
NEW_SOURCE = "west-yorkshire-vcs"

FIELDS = ("forenames", "surname", "date_of_birth", "sex", "postcode", "nhs_number")


def member_record(db: Path, *, area: str, role: str = "member") -> tuple[str, str, str, str]:
    """(network, entity, source, person) of a network member (or ``victim``) with a record
    in ``area`` that holds a name and a full date of birth."""
    table = "network_victims" if role == "victim" else "network_members"
    rows = query(
        db,
        f"""
        SELECT m.network_id, m.entity_id, pe.source_id, pe.person_id
        FROM {table} m JOIN person_entities pe USING (entity_id)
        JOIN current_persons p ON p.source_id = pe.source_id AND p.person_id = pe.person_id
        JOIN sources s ON s.source_id = p.source_id
        WHERE s.area = ? AND p.surname IS NOT NULL AND p.forenames IS NOT NULL
          AND length(p.date_of_birth) = 10 AND p.postcode IS NOT NULL
        ORDER BY m.network_id, m.entity_id, pe.source_id, pe.person_id LIMIT 1
        """,
        [area],
    )
    assert rows, f"the fixture has no network {role} with a full record in {area}"
    network, entity, source, person = (str(v) for v in rows[0])
    return network, entity, source, person


STRANGER = {
    "person_id": "VCS-9",
    "forenames": "Zebedee",
    "surname": "Quaxley",
    "date_of_birth": "2008-01-01",
    "sex": "male",
    "postcode": "HX1 1AA",
}


def copy_submission(
    db: Path,
    folder: Path,
    *,
    people: list[tuple[str, str]],
    area: str,
    new_source: str,
    stranger: bool = False,
) -> Path:
    """A voluntary-sector submission holding a copy of each (source, person) record, as
    ``VCS-1``, ``VCS-2``, ..., and with ``stranger`` someone nobody has recorded (``VCS-9``)."""
    persons: list[dict[str, str]] = []
    for i, (source, person) in enumerate(people, start=1):
        found = query(
            db,
            f"SELECT {', '.join(FIELDS)} FROM current_persons "
            "WHERE source_id = ? AND person_id = ?",
            [source, person],
        )
        assert found, f"no record {source}/{person}"
        values = {k: "" if v is None else str(v) for k, v in zip(FIELDS, found[0], strict=True)}
        persons.append({"person_id": f"VCS-{i}", **values})
    if stranger:
        persons.append({**STRANGER, "nhs_number": ""})
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "standard_version": "1.0",
                "source_id": new_source,
                "organisation": "Safe Steps Youth Project",
                "agency_type": "voluntary_sector",
                "area": area,
                "extract_date": "2026-11-30",
                "period_start": "2026-01-01",
                "period_end": "2026-11-30",
            }
        )
    )
    write_csv(folder / "persons.csv", persons)
    write_csv(
        folder / "events.csv",
        [
            {
                "event_id": "EV-1",
                "event_type": "referral",
                "reported_date": "2026-11-20",
                "narrative": "Young person attended a drop-in session.",
            }
        ],
    )
    write_csv(
        folder / "involvements.csv",
        [{"event_id": "EV-1", "person_id": p["person_id"], "role": "subject"} for p in persons],
    )
    return folder


@dataclass(frozen=True)
class Arrived:
    built: Built
    network: str
    member: str
    child_network: str
    child: str


def clearsight(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process."""
    command = [sys.executable, "-m", "clearsight.cli", *args, "--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


def copy_store(built: Built, root: Path) -> Built:
    db = root / "store.duckdb"
    shutil.copy(built.db, db)
    for sidecar in built.db.parent.glob(built.db.name + ".*"):
        shutil.copy(sidecar, root / sidecar.name)
    return Built(db, built.passwords)


def arrive(built_linked: Built, root: Path) -> Arrived:
    """A copy of the linked store, with watches, after a new submission is ingested and
    linked with ``clearsight ingest`` and ``clearsight link --new``."""
    store = copy_store(built_linked, root)
    db = store.db
    network, member, m_source, m_person = member_record(db, area=HOME)
    child_network, child, c_source, c_person = member_record(db, area=HOME, role="victim")
    con = connect(db)
    # An analyst of the other force watches the child; one here watches the network;
    # a watch removed before the record arrives raises nothing.
    add_watch(con, owner=f"analyst-{OTHER}", kind="child", target_id=child, area=OTHER)
    add_watch(con, owner=f"analyst-{HOME}", kind="network", target_id=network, area=HOME)
    gone = add_watch(con, owner=f"analyst-{OTHER}", kind="person", target_id=member, area=OTHER)
    remove_watch(con, gone.watch_id, by=f"analyst-{OTHER}")
    con.close()
    folder = copy_submission(
        db,
        root / "submission",
        people=[(m_source, m_person), (c_source, c_person)],
        area=HOME,
        new_source=NEW_SOURCE,
        stranger=True,
    )
    ingested = clearsight(db, "ingest", str(folder))
    assert ingested.returncode == 0, ingested.stderr
    linked = clearsight(db, "link", "--new", "--json")
    assert linked.returncode == 0, linked.stderr
    assert any("arrival alerts" in n for n in json.loads(linked.stdout)["notes"])
    return Arrived(store, network, member, child_network, child)
