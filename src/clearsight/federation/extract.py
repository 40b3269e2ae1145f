"""A force's pseudonymised extract: tokens, roles, dates and areas, no clear identifier.

What leaves the force, per person (a linked entity, else a record): a pseudonym and the
keyed tokens of its identifier variants; per event: a pseudonym, type, dates, area and
whether it is sexual exploitation; who was involved in what role; which people the
force's own network detection put together; tokens of vehicles and phones people use.
No name, birth date, number, postcode, narrative or source record id is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from clearsight.federation.identifiers import FULL_DATE_SIDE, HASHED_AS, variants
from clearsight.federation.keys import key_fingerprint, token
from clearsight.store.sql import table_exists

# 2: a full date's name with year-month or year released as its own kind (``fd_``); a
# version-1 extract's ``name_ym`` from full dates would be read as a partial date.
# 3: ``name_near_dob`` of the spelt-out name (a version-2 one is of the phonetic code, and
# would read a sound-alike surname with a year out as one difference); the names with one
# difference with the date one out (``typo_near_dob``, ``phonetic_near_dob``,
# ``init_sn_near_dob`` / ``fi_sn_near_dob``).
FORMAT = "clearsight-federation/3"
FORMAT_FAMILY = "clearsight-federation/"
# Objects that identify someone: their values leave only as tokens.
OBJECT_KINDS = ("vehicle", "phone", "email", "online_account")
# A token more of the force's people hold than this is not exported (``_drop_common``).
MAX_LOCAL_PEOPLE = 20


@dataclass(frozen=True)
class ExportSummary:
    force: str
    people: int
    tokens: int
    events: int
    involvements: int
    network_members: int
    path: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def person_units(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """record_key -> the local unit it belongs to: its linked entity, else itself.

    Exporting entities, not records, keeps the force's clear-text linkage (which sees
    spelling and typing errors tokens cannot) inside the extract's people.
    """
    units = {
        str(k): f"R:{k}"
        for (k,) in con.execute(
            "SELECT source_id || ':' || person_id FROM current_persons"
        ).fetchall()
    }
    if table_exists(con, "person_entities"):
        for key, entity in con.execute(
            "SELECT record_key, entity_id FROM person_entities"
        ).fetchall():
            if str(key) in units:
                units[str(key)] = f"E:{entity}"
    return units


def _drop_common(tokens: dict[str, set[str]]) -> dict[str, set[str]]:
    """Identity tokens held by more than ``MAX_LOCAL_PEOPLE`` of the force's people are
    not exported: a common name with a birth year, a switchboard phone. They carry no
    evidence nationally (``national.MAX_TOKEN_PEOPLE``), and a frequent token is the one
    a frequency attack could map back to a common value. Counted per hashed value, over
    the kinds hashed alike (a full date's ``fd_name_year`` and a partial one's
    ``name_year``): the national instance sees them as one value."""
    counts: dict[str, int] = {}
    for bucket in tokens.values():
        for h in {t.split(":", 1)[1] for t in bucket}:
            counts[h] = counts.get(h, 0) + 1
    return {
        person: {t for t in bucket if counts[t.split(":", 1)[1]] <= MAX_LOCAL_PEOPLE}
        for person, bucket in tokens.items()
    }


def _drop_completed(tokens: dict[str, set[str]]) -> dict[str, set[str]]:
    """A name with a partial birth date that the same person's full date completes is
    held only as the full date's side: "2012-01" of a person also known as born
    2012-01-10 is not an unknown day, and must not meet "2012-01-30" of another force
    (``identifiers.FULL_DATE_SIDE``). One with no such full date stays partial."""
    partial_of = set(FULL_DATE_SIDE.values())
    kept: dict[str, set[str]] = {}
    for person, bucket in tokens.items():
        full = {t.split(":", 1)[1] for t in bucket if t.split(":", 1)[0] in FULL_DATE_SIDE}
        kept[person] = {
            t
            for t in bucket
            if not (t.split(":", 1)[0] in partial_of and t.split(":", 1)[1] in full)
        }
    return kept


def person_pseudonym(key: bytes, unit: str) -> str:
    return "P" + token(key, "person", unit)[:24]


def _force(con: duckdb.DuckDBPyConnection) -> str:
    areas = sorted(
        {str(a) for (a,) in con.execute("SELECT DISTINCT area FROM sources").fetchall() if a}
    )
    return "+".join(areas) or "unknown"


def _identity_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    from clearsight.linkage import features

    features.build_input(con)
    cursor = con.execute(f"SELECT * FROM {features.INPUT_TABLE}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    con.execute(f"DROP TABLE IF EXISTS {features.INPUT_TABLE}")
    return rows


def export(
    con: duckdb.DuckDBPyConnection, key: bytes, out: Path, *, force: str | None = None
) -> ExportSummary:
    """Write the force's extract to ``out`` (JSON) and return what it holds."""
    force_name = force or _force(con)
    units = person_units(con)
    pseudo = {u: person_pseudonym(key, u) for u in set(units.values())}
    by_record = {k: pseudo[u] for k, u in units.items()}

    tokens: dict[str, set[str]] = {}
    for row in _identity_rows(con):
        person = by_record.get(str(row["record_key"]))
        if person is None:
            continue
        bucket = tokens.setdefault(person, set())
        for kind, value in variants(row):
            bucket.add(f"{kind}:{token(key, HASHED_AS.get(kind, kind), value)}")

    tokens = _drop_common(_drop_completed(tokens))
    # Objects people use: a shared vehicle or phone links people across forces too.
    for source_id, person_id, object_type, value in con.execute(
        """
        SELECT a.source_id, a.to_id, o.object_type, o.value
        FROM current_associations a JOIN current_objects o
          ON o.source_id = a.source_id AND o.object_id = a.from_id
        WHERE a.from_type = 'object' AND a.to_type = 'person' AND o.value IS NOT NULL
        UNION
        SELECT a.source_id, a.from_id, o.object_type, o.value
        FROM current_associations a JOIN current_objects o
          ON o.source_id = a.source_id AND o.object_id = a.to_id
        WHERE a.to_type = 'object' AND a.from_type = 'person' AND o.value IS NOT NULL
        """
    ).fetchall():
        person = by_record.get(f"{source_id}:{person_id}")
        if person and object_type in OBJECT_KINDS:
            kind = f"object_{object_type}"
            tokens.setdefault(person, set()).add(f"{kind}:{token(key, kind, str(value))}")

    events = [
        {
            "event": "V" + token(key, "event", f"{s}:{e}")[:24],
            "type": t,
            "date": str(d) if d is not None else None,
            "area": area,
            "sexual": bool(sexual),
        }
        for s, e, t, d, area, sexual in con.execute(
            """
            SELECT e.source_id, e.event_id, e.event_type,
                   coalesce(e.occurred_date, e.reported_date), s.area,
                   coalesce(e.cse_flag = 'yes', false)
            FROM current_events e LEFT JOIN sources s USING (source_id)
            """
        ).fetchall()
    ]
    involvements = [
        {
            "event": "V" + token(key, "event", f"{s}:{e}")[:24],
            "person": by_record[f"{s}:{p}"],
            "role": role,
        }
        for s, e, p, role in con.execute(
            "SELECT source_id, event_id, person_id, role FROM current_involvements"
        ).fetchall()
        if f"{s}:{p}" in by_record
    ]
    members: list[dict[str, Any]] = []
    if table_exists(con, "network_records"):
        seen: set[tuple[str, str]] = set()
        for network_id, s, p, role in con.execute(
            "SELECT network_id, source_id, person_id, role FROM network_records "
            "WHERE role <> 'victim'"
        ).fetchall():
            person = by_record.get(f"{s}:{p}")
            item = ("N" + token(key, "network", str(network_id))[:24], person or "")
            if person and item not in seen:
                seen.add(item)
                members.append({"network": item[0], "person": person, "role": role})

    people = [
        {"person": p, "tokens": sorted(tokens.get(p, set()))} for p in sorted(set(pseudo.values()))
    ]
    document = {
        "format": FORMAT,
        "force": force_name,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "key_fingerprint": key_fingerprint(key),
        "people": people,
        "events": events,
        "involvements": involvements,
        "network_members": members,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    return ExportSummary(
        force=force_name,
        people=len(people),
        tokens=sum(len(p["tokens"]) for p in people),
        events=len(events),
        involvements=len(involvements),
        network_members=len(members),
        path=str(out),
    )


_SAFE_FORCE = re.compile(r"^[a-z0-9+\-]+$")


def read_extract(path: Path) -> dict[str, Any]:
    """An extract, checked for format and shape before anything is loaded from it."""
    document = json.loads(path.read_text(encoding="utf-8"))
    found = document.get("format") if isinstance(document, dict) else None
    if isinstance(found, str) and found.startswith(FORMAT_FAMILY) and found != FORMAT:
        raise ValueError(
            f"{path}: a {found} extract; this version imports only {FORMAT} "
            "(its tokens differ): the force must export again"
        )
    if not isinstance(document, dict) or found != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} extract")
    if not _SAFE_FORCE.match(str(document.get("force", ""))):
        raise ValueError(f"{path}: bad force name")
    return document
