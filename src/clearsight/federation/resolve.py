"""Re-identification: only the force that made a pseudonym can turn it back into records.

A pseudonym is a keyed hash of the force's own entity or record id, so resolving it
needs both the key and the force's store. Every resolution is a disclosure and is
audited before anything is returned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from clearsight.federation.extract import person_pseudonym, person_units


@dataclass(frozen=True)
class ResolvedRecord:
    source_id: str
    person_id: str
    forenames: str | None
    surname: str | None
    date_of_birth: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pseudonym_records(con: duckdb.DuckDBPyConnection, key: bytes) -> dict[str, list[str]]:
    """Every pseudonym this store and key give, with its record keys (for evaluation and
    resolution; never exported)."""
    out: dict[str, list[str]] = {}
    for record_key, unit in person_units(con).items():
        out.setdefault(person_pseudonym(key, unit), []).append(record_key)
    return out


def resolve(
    con: duckdb.DuckDBPyConnection, key: bytes, pseudonym: str, *, actor: str, reason: str
) -> list[ResolvedRecord]:
    """The records behind ``pseudonym``; empty when it is not this force's (still audited)."""
    from clearsight import audit

    if not reason.strip():
        raise ValueError("a reason is required to re-identify a person")
    keys = pseudonym_records(con, key).get(pseudonym, [])
    audit.record(
        con,
        actor=actor,
        action="federate_resolve",
        category="disclosure",
        target=pseudonym,
        reason=reason,
        details={"records": len(keys)},
    )
    if not keys:
        return []
    rows = con.execute(
        "SELECT source_id, person_id, forenames, surname, date_of_birth FROM current_persons "
        "WHERE source_id || ':' || person_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY source_id, person_id",
        [keys],
    ).fetchall()
    return [ResolvedRecord(*(None if v is None else str(v) for v in r)) for r in rows]  # type: ignore[arg-type]
