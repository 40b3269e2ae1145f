"""Whose eyes an export is written for, and what they may see of each part of a network.

The command line and the web app write their exports through this one rule set: the web
app passes the signed-in user, the command line the store's operator (who sees every
record) or, with ``--user NAME``, any user's scope, so the same user gets the same file
from either. The rules are the network page's (``web.network_view``, docs/security.md):

* a member or child is identified when the viewer may identify one of their records in
  the network, and then named from such a record, as recorded; otherwise a keyed
  pseudonym (``PX-...``), and a sealed record names them ``sealed record``;
* a phone, email, vehicle, account or place is in clear only when recorded in a record
  the viewer may identify, else ``OX-...`` / ``LX-...``;
* an event, and the dates, sources and evidence of a link, only when every source they
  come from is one the viewer may identify: a date of a hidden agency's record is that
  record's content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from clearsight.access import Principal, Pseudonymiser, load_key, load_principal, visibility
from clearsight.access.policy import network_member_visibility
from clearsight.store.sql import table_exists


class ExportError(ValueError):
    """The network, user or format asked for does not exist, or may not be seen."""


class NotVisible(ExportError):  # noqa: N818 (reads as a verdict)
    """The viewer may not see this network (the network page answers 404)."""


@dataclass(frozen=True)
class Viewer:
    """``principal`` None is the store's operator at the command line: every record is
    identified. ``areas`` maps each source to its area and ``police`` lists the sources
    that are police forces (both from the ``sources`` table)."""

    principal: Principal | None
    pseudonym: Pseudonymiser | None
    sealed: frozenset[tuple[str, str]] = frozenset()
    areas: dict[str, str] = field(default_factory=dict)
    police: frozenset[str] = frozenset()

    def identifies(self, source_id: str, area: str | None = None) -> bool:
        """Whether the viewer may identify records of ``source_id``."""
        if self.principal is None:
            return True
        where = area if area is not None else self.areas.get(source_id, "")
        return visibility(self.principal, source_id=source_id, area=where) == "identified"

    def identifies_all(self, sources: Iterable[str]) -> bool:
        listed = list(sources)
        return bool(listed) and all(self.identifies(s) for s in listed)

    def sees_network(self, records: Iterable[tuple[str, str]]) -> bool:
        """As the network page: analysts and partners need at least one member record
        (``(source_id, area)``) they may identify; the national role sees every shape."""
        if self.principal is None or self.principal.role == "national":
            return True
        return any(
            network_member_visibility(self.principal, source_id=s, area=a) == "identified"
            for s, a in records
        )

    def alias(self, kind: str, key: str) -> str:
        if self.pseudonym is None:
            raise ExportError("a scoped export needs the store's pseudonym key")
        return self.pseudonym(kind, key)


def with_areas(viewer: Viewer, con: duckdb.DuckDBPyConnection) -> Viewer:
    """``viewer`` with the area and agency type of every source, read from the store."""
    found = con.execute("SELECT source_id, area, agency_type FROM sources").fetchall()
    return Viewer(
        viewer.principal,
        viewer.pseudonym,
        viewer.sealed,
        {str(s): str(a or "") for s, a, _t in found},
        frozenset(str(s) for s, _a, t in found if t == "police"),
    )


def sealed_records(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str]]:
    if not table_exists(con, "sealed_records"):
        return frozenset()
    found = con.execute("SELECT source_id, person_id FROM sealed_records").fetchall()
    return frozenset((str(s), str(p)) for s, p in found)


def command_line_viewer(
    con: duckdb.DuckDBPyConnection, db_path: Path | None, user: str | None
) -> Viewer:
    """The operator's full view, or with ``user`` that user's scope (their role, area or
    agency, and the web app's pseudonym key), as the web app would export it for them."""
    if user is None:
        return Viewer(None, None, sealed_records(con))
    principal = load_principal(con, user) if table_exists(con, "users") else None
    if principal is None:
        raise ExportError(f"no enabled user {user!r}; see 'clearsight user list'")
    return Viewer(principal, Pseudonymiser(load_key(db_path)), sealed_records(con))
