"""What a viewer is told about a person id no current entity bears.

Analysts cite entity ids in case notes and referrals. When linkage later merges
that person into another entity, or every record of them is withdrawn by a
newer extract, the id stops opening a page; a bare "not found" would read as an
error or a deletion. The page says what happened and when, but only to a viewer
who could have seen the person: a merge is shown to whoever may see the entity
now holding the records, a withdrawal to whoever may see one of the sources that
withdrew them. Anyone else gets the usual "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from clearsight.access import Principal, visibility
from clearsight.linkage.identity import fate_of
from clearsight.web import queries


@dataclass(frozen=True)
class Gone:
    """An id's fate, as far as the viewer may know it."""

    entity_id: str
    change: str  # "merge" or "withdrawn"
    changed_at: datetime
    run_id: int
    now: str | None  # the entity holding the records, for a merge
    sources: tuple[str, ...]  # the viewer's sources that withdrew them, for a withdrawal
    split_since: int | None = None  # the run that split a merge's survivor since


def gone_for(con: duckdb.DuckDBPyConnection, principal: Principal, entity_id: str) -> Gone | None:
    """The fate of ``entity_id`` if ``principal`` may be told it, else None."""
    fate = fate_of(con, entity_id)
    if fate is None:
        return None
    if fate.change == "merge" and fate.now is not None:
        records = queries.entity_records(con, fate.now)
        if not any(
            visibility(principal, source_id=str(r["source_id"]), area=str(r["area"]))
            == "identified"
            for r in records
        ):
            return None
        return Gone(
            entity_id, "merge", fate.changed_at, fate.run_id, fate.now, (), fate.split_since
        )
    areas = dict(
        con.execute(
            "SELECT source_id, area FROM sources WHERE list_contains(?, source_id)",
            [list(fate.source_ids)],
        ).fetchall()
    )
    seen = tuple(
        s
        for s in fate.source_ids
        if s in areas and visibility(principal, source_id=s, area=str(areas[s])) == "identified"
    )
    if not seen:
        return None
    return Gone(entity_id, "withdrawn", fate.changed_at, fate.run_id, None, seen)
