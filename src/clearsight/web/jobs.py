"""One store, two programs: commands and jobs submitted to the service.

Any ``clearsight`` command on the store is handed over whole (``web/commands.py``); the
three jobs below (ingest, analyse, ``link --new`` as JSON requests) came first and are
kept for programs that submit them.

DuckDB lets one process write a store, and ``clearsight serve`` is that process while it
runs. So when ``clearsight ingest``, ``clearsight analyse`` or ``clearsight link --new``
finds the store held, it
hands the job to the service over a Unix socket beside the store (``<store>.sock``, mode
0600: only the service's own account can submit). The service runs it on a cursor of its
own connection, one job at a time, while pages go on being served from their cursors
(DuckDB's transactions keep each page's reads consistent), then rebuilds its serving
copies and drops its caches so the next page shows the new data. Audit entries of the
job and of the pages share the one chain (the audit lock is process-wide).
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import socketserver
import struct
import threading
from pathlib import Path
from typing import Any

# A job's request is a few paths: anything longer is not a job.
MAX_REQUEST = 64 * 1024
STOPPING = "the service is stopping: run the command again once it has stopped"


def run_job(store: Any, request: dict[str, Any]) -> dict[str, Any]:
    """Run one job on ``store`` (a ``web.pool.Store``); a JSON-ready answer."""
    command = request.get("command")
    actor = str(request.get("actor") or "system:job")
    cur = store.con.cursor()
    try:
        if command == "ingest":
            from clearsight.ingest import ingest

            hook = _narrative_hook() if request.get("language", True) else None
            column_map = {str(k): str(v) for k, v in (request.get("column_map") or {}).items()}
            results = [
                ingest(
                    cur, Path(str(p)), actor=actor, after_load=hook, column_map=column_map
                ).as_dict()
                for p in request.get("paths") or []
            ]
        elif command == "analyse":
            from clearsight.pipeline import analyse

            stages = request.get("stages")
            results = [
                {"stage": r.stage, "seconds": r.seconds, **r.summary}
                for r in analyse(cur, set(stages) if stages else None, actor=actor)
            ]
        elif command == "link_new":
            results = [_link_new(cur, actor)]
        else:
            return {"ok": False, "error": f"unknown job {command!r}"}
    finally:
        cur.close()
    store.reload()
    return {"ok": True, "results": results}


def _link_new(cur: Any, actor: str) -> dict[str, Any]:
    """``clearsight link --new`` in the service: what the command does on its own store
    (the run, the explanations, the audit entry); its arrival alerts reach the pages at
    once."""
    from clearsight import audit
    from clearsight.linkage.explain import write_explanations
    from clearsight.linkage.incremental import link_new

    summary = link_new(cur)
    write_explanations(cur)
    details = {**summary.as_dict(), "backend": "duckdb", "incremental": True}
    audit.record(cur, actor=actor, action="linkage_run", details=details)
    return summary.as_dict()


def _narrative_hook() -> Any:
    from clearsight.language.store import check_narratives

    return lambda con, batch_id: check_narratives(con, batch_id)


def peer_login(conn: socket.socket) -> str:
    """The login of the process at the other end of the socket, from the kernel (not
    from what it says of itself): whom the audit names. Refused unless it is the
    service's own account (the socket's mode 0600 already allows no other but root)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    if uid != os.getuid():
        raise PermissionError(f"uid {uid} may not submit to a service run by {os.getuid()}")
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline(MAX_REQUEST)
        if not line.strip():
            return  # a client checking that the service answers (``service.running``)
        server: JobServer = self.server.owner  # type: ignore[attr-defined]
        try:
            login = peer_login(self.connection)
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a job is a JSON object")
            if request.get("command") == "run":
                self._run(server, request, login)
                return
            with server.store.commands:
                answer = (
                    {"ok": False, "error": STOPPING}
                    if server.store.closed
                    else run_job(server.store, request)
                )
        except Exception as exc:  # the answer carries any failure back to the CLI
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        self.wfile.write(json.dumps(answer, default=str).encode() + b"\n")

    def _run(self, server: JobServer, request: dict[str, Any], login: str) -> None:
        """A whole command: its output streamed back, its exit code last."""
        from clearsight.web.commands import Channel, requested_command, run_command

        channel = Channel(self.rfile, self.wfile)
        with server.store.commands:
            if server.store.closed:
                channel.send({"err": f"error: {STOPPING}\n"})
                code = 2
            else:
                name = requested_command(request)
                # The operator watching the service sees what it runs for whom, and when
                # it ends (this thread's output is the service's own log).
                print(f"running '{name}' for cli:{login}", flush=True)
                code = run_command(server.store, request, channel, login)
                print(f"'{name}' for cli:{login} ended with exit code {code}", flush=True)
        channel.send({"exit": code})


class _Server(socketserver.UnixStreamServer):
    # Commands run one at a time; those submitted meanwhile wait in the queue (a full
    # queue would make the next command think no service answers).
    request_queue_size = 64


class JobServer:
    """The service's end: a thread accepting one job at a time on ``<store>.sock``."""

    def __init__(self, store: Any, path: Path) -> None:
        self.store = store
        self.path = path
        if path.exists():
            path.unlink()  # left by a service that did not stop cleanly
        self._server = _Server(str(path), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        path.chmod(0o600)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._restore_streams: Any = None

    def start(self) -> JobServer:
        from clearsight.web.commands import install_streams

        # Each command's output goes to its own user; the service's own log is untouched.
        self._restore_streams = install_streams()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._restore_streams is not None:
            self._restore_streams()
        if self.path.exists():
            self.path.unlink()
