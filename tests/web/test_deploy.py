"""Deployed behind a TLS proxy: the client's own address in the audit, Secure cookies and
HSTS; and a clean shutdown on SIGTERM that leaves the store complete (no WAL)."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from clearsight.web import WebSettings, create_app
from clearsight.web.cli import deployed_app
from tests.web.client import Client
from tests.web.conftest import do_login
from tests.web.helpers import query
from tests.web.store import Built

USER = "analyst-west-yorkshire"
FORWARDED = {"x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https"}


def _login_clients(db: Path) -> list[str | None]:
    rows = query(db, "SELECT details FROM audit_log WHERE action = 'login' ORDER BY seq")
    return [json.loads(str(r[0])).get("client") for r in rows]


def _served(store: Built, allow: str, settings: WebSettings | None = None) -> tuple[object, object]:
    app = create_app(store.db, settings or WebSettings())
    return app, deployed_app(app, proxy_headers=True, forwarded_allow_ips=allow)


def test_trusted_proxy_gives_client_address_and_scheme(store: Built) -> None:
    app, served = _served(store, "127.0.0.1")
    try:
        with Client(served) as plain:  # type: ignore[arg-type]
            form = plain.get("/login", headers=FORWARDED)
            assert "secure" in form.headers["set-cookie"].lower()
            assert form.headers["strict-transport-security"] == "max-age=31536000"
        with Client(served, base_url="https://testserver") as client:  # type: ignore[arg-type]
            client._client.headers.update(FORWARDED)
            assert do_login(client, USER, store.passwords[USER]) == 303
    finally:
        app.state.store.close()  # type: ignore[attr-defined]
    assert _login_clients(store.db)[-1] == "203.0.113.9"


def test_untrusted_sender_cannot_choose_its_address(store: Built) -> None:
    app, served = _served(store, "10.9.9.9")
    try:
        with Client(served) as plain:  # type: ignore[arg-type]
            form = plain.get("/login", headers=FORWARDED)
            assert "secure" not in form.headers["set-cookie"].lower()
            assert "strict-transport-security" not in form.headers
        with Client(served, base_url="https://testserver") as client:  # type: ignore[arg-type]
            client._client.headers.update(FORWARDED)
            assert do_login(client, USER, store.passwords[USER]) == 303
    finally:
        app.state.store.close()  # type: ignore[attr-defined]
    # The test transport's own address, not the one the sender claimed.
    assert _login_clients(store.db)[-1] == "127.0.0.1"


def test_secure_cookies_forces_secure_and_hsts(store: Built) -> None:
    app = create_app(store.db, WebSettings(secure_cookies=True))
    try:
        with Client(app) as client:
            form = client.get("/login")
    finally:
        app.state.store.close()
    cookie = form.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert form.headers["strict-transport-security"] == "max-age=31536000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sigterm_checkpoints_the_store(store: Built) -> None:
    port = _free_port()
    cli = Path(sys.executable).with_name("clearsight")
    server = subprocess.Popen(
        [str(cli), "serve", "--db", str(store.db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, server.communicate()[1].decode()
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.5)
        # A failed login writes to the store (attempt and audit entry): WAL content.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            page = http.get("/login")
            token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            http.post("/login", data={"username": "nobody", "password": "x", "csrf": token})
        server.send_signal(signal.SIGTERM)
        # Uvicorn shuts down cleanly, then re-raises the signal it caught.
        assert server.wait(timeout=60) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    wal = store.db.with_name(store.db.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0
    rows = query(store.db, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'")
    assert rows[0][0] >= 1


def test_store_is_created_owner_only(tmp_path: Path) -> None:
    from clearsight.store import connect

    db = tmp_path / "new.duckdb"
    connect(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_backup_is_a_consistent_verified_copy(store: Built, tmp_path: Path) -> None:
    """Entries still in the write-ahead log are in the copy; the copy's chain verifies."""
    from typer.testing import CliRunner

    from clearsight.audit import record, verify
    from clearsight.cli import app as cli
    from clearsight.store import connect

    con = connect(store.db)
    for i in range(50):
        record(con, actor="analyst", action="view_person", target=f"entity:{i}")
    total = int(con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0])
    out = tmp_path / "backup" / "copy.duckdb"
    # The store is still open, its latest entries only in the write-ahead log, while the
    # backup runs (in this process: DuckDB shares the open instance).
    assert store.db.with_name(store.db.name + ".wal").stat().st_size > 0
    try:
        result = CliRunner().invoke(cli, ["backup", "--db", str(store.db), "--out", str(out)])
    finally:
        con.close()
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key = bytes.fromhex(store.db.with_name(store.db.name + ".audit-key").read_text().strip())
    copy = connect(out, read_only=True)
    try:
        found = verify(copy, key=key)
        assert found.ok, found.problems
        assert found.entries == total + 1  # and the backup's own entry
        last = copy.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")
        assert last.fetchall()[0][0] == "backup"
    finally:
        copy.close()
    again = CliRunner().invoke(cli, ["backup", "--db", str(store.db), "--out", str(out)])
    assert again.exit_code == 2 and "exists already" in again.output


def test_a_store_in_use_gives_a_clear_error(store: Built, tmp_path: Path) -> None:
    """While another process (here a plain DuckDB writer standing in for 'serve') holds
    the store, a command says so in one line instead of DuckDB's lock message."""
    from typer.testing import CliRunner

    from clearsight.cli import app as cli

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
            " print('ready', flush=True); time.sleep(60)",
            str(store.db),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
        out = tmp_path / "copy.duckdb"
        result = CliRunner().invoke(cli, ["backup", "--db", str(store.db), "--out", str(out)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert "in use by another process" in result.output
