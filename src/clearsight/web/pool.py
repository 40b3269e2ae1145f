"""The process's one store connection, the cursors requests borrow from it, and the
serving copies and caches built from it."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from clearsight import audit
from clearsight.access import (
    Session,
    SessionPolicy,
    ensure_access_schema,
    resume,
)
from clearsight.access.users import (
    access_generation,
)
from clearsight.store import connect
from clearsight.web import queries, serving

CATALOG_TTL_S = 5.0
# A session is re-read from the store at most this often (and at once after logout or
# disable): the idle timeout is measured to within this, nothing else changes.
SESSION_CACHE_S = 5.0
SESSION_CACHE_MAX = 10_000
EXPLAIN_CACHE_MAX = 2_000


class Store:
    """One DuckDB connection owned by the process; requests borrow cursors from a pool.

    A cursor is a connection of its own: making one per request costs more than most
    lookups, so they are kept and handed out again. Each is used by one request at a time.
    """

    def __init__(self, db_path: Path | str) -> None:
        self.path = Path(db_path)
        self.con = connect(self.path)
        ensure_access_schema(self.con)
        audit.ensure_audit_schema(self.con)
        serving.refresh(self.con)
        self._lock = threading.Lock()
        self._pool: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self.audit = audit.AuditWriter(self.con)
        self.networks = serving.NetworkCache()
        self.entity_networks = serving.EntityNetworks()
        serving.warm_up(self.con, self.entity_networks)
        self._explained: OrderedDict[str, Any] = OrderedDict()
        self._catalog: tuple[float, frozenset[str]] = (0.0, frozenset())
        self._sealed: frozenset[tuple[str, str]] = frozenset()
        self._sources: dict[str, Any] = {}
        self._sessions: dict[str, tuple[float, Session]] = {}
        self._generation = access_generation()
        self._closed = False
        # Held while a command or job handed over by the CLI runs (``web/jobs.py``): they
        # run one at a time, and shutting down waits for the one running to end rather
        # than close the connection under it.
        self.commands = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._closed

    def reload(self) -> None:
        """After a job changed the data (``jobs``): rebuild the serving copies and drop
        every cache built from the old data; pages in flight finish on what they read."""
        serving.refresh(self.con)
        networks, entity_networks = serving.NetworkCache(), serving.EntityNetworks()
        serving.warm_up(self.con, entity_networks)
        self.networks, self.entity_networks = networks, entity_networks
        with self._lock:
            self._explained.clear()
        self._catalog = (0.0, frozenset())

    def cursor(self) -> duckdb.DuckDBPyConnection:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            with self._lock:
                cur = self.con.cursor()
                self._cursors.append(cur)
            return cur

    def release(self, cur: duckdb.DuckDBPyConnection, *, failed: bool = False) -> None:
        if failed:
            # A request that failed part-way may have left a transaction open.
            with contextlib.suppress(duckdb.Error):
                cur.rollback()
        self._pool.put(cur)

    @contextlib.contextmanager
    def borrow(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self.cursor()
        try:
            yield cur
        except BaseException:
            self.release(cur, failed=True)
            raise
        self.release(cur)

    def catalog(self, con: duckdb.DuckDBPyConnection) -> frozenset[str]:
        """Tables present, re-read every few seconds: other stages add them while we run."""
        self._check_generation()
        at, names = self._catalog
        now = time.monotonic()
        if now - at > CATALOG_TTL_S:
            names = queries.catalog(con)
            sealed: frozenset[tuple[str, str]] = frozenset()
            if "sealed_records" in names:
                found = con.execute("SELECT source_id, person_id FROM sealed_records").fetchall()
                sealed = frozenset((str(a), str(b)) for a, b in found)
            self._sealed = sealed
            self._sources = queries.read_sources(con) if "sources" in names else {}
            self._catalog = (now, names)
        return names

    def sources(self) -> dict[str, Any]:
        """The sources table by id, re-read with the catalog (it changes only on ingest,
        which cannot run while the app holds the store)."""
        return self._sources

    def explain(self, con: duckdb.DuckDBPyConnection, entity_id: str) -> Any:
        """``clearsight.linkage.explain_entity`` without person details (the page has the
        records), the most recent 2,000 kept: linkage cannot run while the app holds the
        store. An explanation is one indexed lookup in ``entity_explanations`` (written by the
        linkage stage; read from the run's tables when missing or stale); the cache saves its
        few queries. Kept unfiltered,
        as the linkage stage returns it; the page filters it per viewer."""
        from clearsight.linkage import explain_entity

        with self._lock:
            if entity_id in self._explained:
                self._explained.move_to_end(entity_id)
                return self._explained[entity_id]
        # The page has the records already: only the links are needed.
        found = explain_entity(con, entity_id, details=False)
        with self._lock:
            self._explained[entity_id] = found
            while len(self._explained) > EXPLAIN_CACHE_MAX:
                self._explained.popitem(last=False)
        return found

    def sealed(self) -> frozenset[tuple[str, str]]:
        """Sealed (source_id, person_id), re-read with the catalog (records are sealed from
        the command line, which cannot open the store while it serves)."""
        return self._sealed

    # Sessions: a page would otherwise read the session and the user (and perhaps the
    # user's sources) on every request. Cached briefly, and dropped at once on logout or
    # when an administrator disables the user, so revocation still takes effect at once
    # within this process (the only one that can open the store while it serves).

    def session(
        self, con: duckdb.DuckDBPyConnection, token: str | None, policy: SessionPolicy
    ) -> Session | None:
        if not token:
            return None
        self._check_generation()
        now = time.monotonic()
        hit = self._sessions.get(token)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = resume(con, token, policy)
        if found is None:
            self._sessions.pop(token, None)
        else:
            if len(self._sessions) > SESSION_CACHE_MAX:
                self._sessions = {k: v for k, v in self._sessions.items() if v[0] > now}
            self._sessions[token] = (now + SESSION_CACHE_S, found)
        return found

    def _check_generation(self) -> None:
        generation = access_generation()
        if generation != self._generation:
            self._generation = generation
            self._sessions = {}
            self._catalog = (0.0, frozenset())  # and with it the sealed records

    def forget_session(self, token: str) -> None:
        self._sessions.pop(token, None)

    def forget_user(self, name: str) -> None:
        for token, (_at, found) in list(self._sessions.items()):
            if found.principal.name == name:
                self._sessions.pop(token, None)

    def close(self) -> None:
        """Checkpoint and close (at shutdown, SIGTERM included): the store file is then
        complete on its own, with no write-ahead log a file copy would miss."""
        if self._closed:
            return
        with self.commands:
            self._closed = True
        self.audit.close()
        with self._lock:
            for cur in self._cursors:
                with contextlib.suppress(duckdb.Error):
                    cur.close()
            self._cursors.clear()
        with contextlib.suppress(duckdb.Error):
            self.con.execute("CHECKPOINT")
        self.con.close()
