"""Whose eyes an export is written for, and what they may see of each part of a network.

The command line and the web app write their exports through this one rule set: the web
app passes the signed-in user's scope, the command line the store's operator (who sees
every record) or, with ``--user NAME``, any user's scope, so the same user gets the same
file from either. The rules are the network page's (``web.network_view``,
docs/security.md):

* a member or child is identified when the viewer may identify one of their records in
  the network, and then named from such a record, as recorded; otherwise a keyed
  pseudonym (``PX-...``), and a sealed record names them ``sealed record``;
* a phone, email, vehicle, account or place is in clear only when recorded in a record
  the viewer may identify, else ``OX-...`` / ``LX-...``;
* an event, and the dates, sources and evidence of a link, only when every source they
  come from is one the viewer may identify: a date of a hidden agency's record is that
  record's content.

Who may identify which source is the access policy's answer
(``access.policy.visibility``); the caller asks it and passes the answer in
(``scoped_viewer``), so this package does not depend on ``access`` (which depends on
``audit``, which writes its CSVs with ``exports.safe_csv``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb

from clearsight.store.sql import table_exists


class ExportError(ValueError):
    """The network, user or format asked for does not exist, or may not be seen."""


class NotVisible(ExportError):  # noqa: N818 (reads as a verdict)
    """The viewer may not see this network (the network page answers 404)."""


@dataclass(frozen=True)
class Viewer:
    """``sources``: the sources whose records the viewer may identify, None for the
    store's operator at the command line (every record). ``every_network``: the viewer
    sees the shape of every network (the national role), not only those holding a record
    they may identify. ``police``: the sources that are police forces."""

    sources: frozenset[str] | None = None
    pseudonym: Callable[[str, str], str] | None = None
    sealed: frozenset[tuple[str, str]] = frozenset()
    every_network: bool = False
    police: frozenset[str] = frozenset()

    def identifies(self, source_id: str) -> bool:
        """Whether the viewer may identify records of ``source_id``."""
        return self.sources is None or source_id in self.sources

    def identifies_all(self, sources: Iterable[str]) -> bool:
        listed = list(sources)
        return bool(listed) and all(self.identifies(s) for s in listed)

    def sees_network(self, sources: Iterable[str]) -> bool:
        """As the network page: analysts and partners need at least one member record (of
        ``sources``) they may identify; the national role sees every shape."""
        return self.sources is None or self.every_network or any(map(self.identifies, sources))

    def alias(self, kind: str, key: str) -> str:
        if self.pseudonym is None:
            raise ExportError("a scoped export needs the store's pseudonym key")
        return self.pseudonym(kind, key)


def with_police(viewer: Viewer, con: duckdb.DuckDBPyConnection) -> Viewer:
    """``viewer`` with the police sources, read from the store."""
    found = con.execute("SELECT source_id FROM sources WHERE agency_type = 'police'").fetchall()
    police = frozenset(str(s) for (s,) in found)
    return Viewer(viewer.sources, viewer.pseudonym, viewer.sealed, viewer.every_network, police)


def sealed_records(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str]]:
    if not table_exists(con, "sealed_records"):
        return frozenset()
    found = con.execute("SELECT source_id, person_id FROM sealed_records").fetchall()
    return frozenset((str(s), str(p)) for s, p in found)


def operator_viewer(con: duckdb.DuckDBPyConnection) -> Viewer:
    """The store's operator at the command line: every record, sealed ones still sealed."""
    return Viewer(None, None, sealed_records(con))


def scoped_viewer(
    con: duckdb.DuckDBPyConnection,
    identifies: Callable[[str, str], bool],
    *,
    every_network: bool,
    pseudonym: Callable[[str, str], str],
    sealed: frozenset[tuple[str, str]],
) -> Viewer:
    """A user's view: ``identifies(source_id, area)`` is the access policy's answer for
    them (``visibility(...) == "identified"``), asked here for every source of the store."""
    found = con.execute("SELECT source_id, area FROM sources").fetchall()
    sources = frozenset(str(s) for s, a in found if identifies(str(s), str(a or "")))
    return Viewer(sources, pseudonym, sealed, every_network)
