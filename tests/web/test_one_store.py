"""One store, two programs: 'clearsight ingest' and 'analyse' run, as separate processes,
while 20 users browse the app that holds the store. The jobs are handed to the app over
its socket; no page fails, every page view is in the audit log, the chain verifies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from clearsight.audit import verify
from clearsight.pipeline import STAGES
from clearsight.store import connect
from clearsight.store.service import socket_path
from clearsight.synth import generate
from clearsight.web import WebSettings, create_app
from clearsight.web.jobs import JobServer
from tests.web.client import Client
from tests.web.conftest import do_login
from tests.web.store import Built

pytestmark = pytest.mark.linked

USERS = 20
VIEWERS = ("analyst-west-yorkshire", "analyst-greater-manchester", "partner-west-yorkshire")


def _browse(client: Client, stop: threading.Event, seen: list[int]) -> None:
    """Pages in a loop until told to stop: each status is recorded."""
    paths = ["/", "/networks", "/search?field=name&q=an"]
    while not stop.is_set():
        for path in list(paths):
            response = client.get(path)
            seen.append(response.status_code)
            if path == "/networks":
                found = re.findall(r'href="(/network/[^"/]+)"', response.text)
                paths = paths[:3] + found[:2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("clearsight")
    return subprocess.run(
        [str(cli), *args], capture_output=True, text=True, timeout=600, env={**os.environ}
    )


def test_ingest_and_analyse_while_users_browse(store: Built, tmp_path: Path) -> None:
    generate(tmp_path / "new", ["west-yorkshire"], scale=0.03, seed=29)
    folder = sorted((tmp_path / "new" / "submissions").iterdir())[0]
    app = create_app(store.db, WebSettings())
    jobs = JobServer(app.state.store, socket_path(store.db)).start()
    start = int(
        connect(store.db).execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchall()[0][0]
    )
    clients: list[Client] = []
    seen: list[list[int]] = [[] for _ in range(USERS)]
    stop = threading.Event()
    threads = []
    try:
        for i in range(USERS):
            client = Client(app)
            clients.append(client)
            name = VIEWERS[i % len(VIEWERS)]
            assert do_login(client, name, store.passwords[name]) == 303
        threads = [
            threading.Thread(target=_browse, args=(c, stop, s))
            for c, s in zip(clients, seen, strict=True)
        ]
        for t in threads:
            t.start()
        ingested = _cli("ingest", "--db", str(store.db), "--json", str(folder))
        assert ingested.returncode == 0, ingested.stderr
        assert json.loads(ingested.stdout)[0]["source_id"] == folder.name
        analysed = _cli("analyse", "--db", str(store.db), "--json")
        assert analysed.returncode == 0, analysed.stderr
        assert [r["stage"] for r in json.loads(analysed.stdout)] == [s.name for s in STAGES]
    finally:
        stop.set()
        for t in threads:
            t.join()
        jobs.stop()
        for client in clients:
            client.close()
    statuses = [s for per_user in seen for s in per_user]
    assert len(statuses) > USERS * 5
    # A network listed before the new analysis may be gone after it (404): never an error.
    assert set(statuses) <= {200, 404}, sorted(set(statuses))
    con = connect(store.db)  # shares the app's open instance
    try:
        viewed = con.execute(
            "SELECT count(*) FROM audit_log WHERE seq > ? AND list_contains(?, actor)"
            " AND action <> 'login'",
            [start, list(VIEWERS)],
        ).fetchall()[0][0]
        assert viewed == len(statuses)
        actions = {
            str(r[0])
            for r in con.execute("SELECT action FROM audit_log WHERE seq > ?", [start]).fetchall()
        }
        assert {"ingest", "linkage_run"} <= actions
        result = verify(con)
        assert result.ok, result.problems
    finally:
        con.close()
        app.state.store.close()


def test_a_failed_job_is_reported_and_the_service_goes_on(store: Built, tmp_path: Path) -> None:
    from clearsight.store.service import submit

    app = create_app(store.db, WebSettings())
    path = socket_path(store.db)
    jobs = JobServer(app.state.store, path).start()
    try:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        missing = submit(store.db, {"command": "ingest", "paths": [str(tmp_path / "none")]})
        assert missing["ok"] is False and "none" in missing["error"]
        unknown = submit(store.db, {"command": "drop everything"})
        assert unknown == {"ok": False, "error": "unknown job 'drop everything'"}
        with Client(app) as client:
            name = VIEWERS[0]
            assert do_login(client, name, store.passwords[name]) == 303
            assert client.get("/networks").status_code == 200
    finally:
        jobs.stop()
        app.state.store.close()
    assert not path.exists()
