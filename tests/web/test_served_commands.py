"""One store, two programs, for every command: with 'clearsight serve' running as a real
process, the operator's commands run from other processes (and another directory) are
handed to it and behave as they do without it: same output, same exit code, files where
the user asked, the password reset seen at once by the web app, the audit chain whole."""

from __future__ import annotations

import getpass
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from clearsight.audit import verify
from clearsight.audit.keys import load_key
from clearsight.audit.log import read_head
from clearsight.store import connect
from clearsight.store.service import running, socket_path
from tests.web.conftest import do_login
from tests.web.store import Built

pytestmark = pytest.mark.linked

ANALYST = "analyst-west-yorkshire"
BROWSER = "analyst-greater-manchester"


def _browse(port: int, password: str, stop: threading.Event, seen: list[int]) -> None:
    """An analyst at work on the served app until told to stop; each status recorded.
    Every page is an audit entry: the backup must copy the log and its head as one."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as web:
        seen.append(do_login(web, BROWSER, password))
        while not stop.is_set():
            seen.append(web.get("/networks").status_code)


def _cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("clearsight")
    return subprocess.run(
        [str(cli), *args], capture_output=True, text=True, timeout=600, cwd=cwd, input=stdin
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Path, port: int) -> subprocess.Popen[str]:
    cli = Path(sys.executable).with_name("clearsight")
    server = subprocess.Popen(
        [str(cli), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not running(db):
        assert server.poll() is None, server.communicate()[0]
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.5)
    return server


def _full_network(db: Path) -> tuple[str, str, str]:
    """A network with children, places, objects and links: its id, an object's value and
    a place's name."""
    con = connect(db, read_only=True)
    try:
        found = con.execute(
            """
            SELECT n.network_id, min(o.value), min(coalesce(l.name, l.postcode, l.location_key))
            FROM networks n
            JOIN network_objects o USING (network_id)
            JOIN network_locations l USING (network_id)
            WHERE n.network_id IN (SELECT network_id FROM network_victims)
              AND n.network_id IN (SELECT network_id FROM network_links)
            GROUP BY n.network_id, n.size ORDER BY n.size DESC, 1 LIMIT 1
            """
        ).fetchall()
    finally:
        con.close()
    assert found, "the linked test store has a network with children, places and objects"
    return str(found[0][0]), str(found[0][1]), str(found[0][2])


def test_every_command_runs_while_the_store_is_served(store: Built, tmp_path: Path) -> None:
    db = store.db
    here = tmp_path / "operator"
    here.mkdir()
    network, phone_or_vehicle, place = _full_network(db)
    reads = [
        ("network", "list", "--db", str(db)),
        ("network", "show", network, "--db", str(db)),
        ("network", "show", "N-nope", "--db", str(db)),
        ("status", "--db", str(db)),
    ]
    alone = [_cli(*args, cwd=here) for args in reads]
    assert [r.returncode for r in alone] == [0, 0, 2, 0]
    assert "no network 'N-nope'" in alone[2].stderr
    # 'network show' in text is complete (item 8): children, places, objects, links.
    for heading in (
        "Members",
        "Children offended against:",
        "Places:",
        "Phones, vehicles, emails and accounts:",
        "Links between members:",
    ):
        assert heading in alone[1].stdout, heading
    assert phone_or_vehicle in alone[1].stdout and place in alone[1].stdout
    start = int(connect(db).execute("SELECT max(seq) FROM audit_log").fetchall()[0][0])

    server = _serve(db, port := _free_port())
    handed: list[tuple[str, ...]] = []
    stop = threading.Event()
    seen: list[int] = []
    browser = threading.Thread(target=_browse, args=(port, store.passwords[BROWSER], stop, seen))

    def served(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        handed.append(args)
        return _cli(*args, "--db", str(db), cwd=here, stdin=stdin)

    try:
        browser.start()
        assert oct(socket_path(db).stat().st_mode & 0o777) == "0o600"
        # Reads: the same output and exit code as without the service, failures too.
        for args, before in zip(reads, alone, strict=True):
            during = served(*args[:-2])
            assert (during.returncode, during.stdout, during.stderr) == (
                before.returncode,
                before.stdout,
                before.stderr,
            ), args
        # An operator's writes: a password reset, a user added with the password on
        # standard input, a backup to a path relative to the operator's directory.
        reset = served("users", "reset-password", ANALYST)
        assert reset.returncode == 0, reset.stderr
        new_password = reset.stdout.splitlines()[-1]
        assert new_password and new_password != store.passwords[ANALYST]
        added = served(
            "users", "add", "duty-inspector", "--role", "national", "--password-stdin",
            stdin="Duty-inspector-pass-2026\n",
        )  # fmt: skip
        assert (added.returncode, added.stdout) == (0, "added duty-inspector (national)\n")
        backup = served("backup", "--out", "copies/store.duckdb")
        assert backup.returncode == 0, backup.stderr
        copy = here / "copies" / "store.duckdb"
        assert copy.is_file() and oct(copy.stat().st_mode & 0o777) == "0o600"
        assert oct(db.stat().st_mode & 0o777) == "0o600"
        verified = served("audit", "verify")
        assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr
        networks = served("networks")
        assert networks.returncode == 0, networks.stderr
        refused = served("serve")
        assert refused.returncode == 2
        assert "cannot be run by the service" in refused.stderr
        # The service runs commands on DuckDB: a Spark run handed to it stops with one line.
        for spark_run in (("link", "--new"), ("analyse", "--stage", "networks")):
            on_spark = served(*spark_run, "--backend", "spark")
            assert on_spark.returncode == 2, on_spark.stderr
            assert "runs commands on DuckDB" in on_spark.stderr
        # The web app saw the reset at once: the old password fails, the new one works.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as web:
            assert do_login(web, ANALYST, store.passwords[ANALYST]) != 303
            assert do_login(web, ANALYST, new_password) == 303
            assert web.get("/networks").status_code == 200
    finally:
        stop.set()
        if browser.is_alive():
            browser.join()
        server.send_signal(signal.SIGINT)
        log = server.communicate(timeout=120)[0]
    assert server.returncode == 0, log
    # The analyst worked throughout: logged in, and no page failed.
    assert seen[0] == 303 and len(seen) > 10 and set(seen[1:]) == {200}, seen
    assert not socket_path(db).exists()

    con = connect(db)
    try:
        result = verify(con)
        assert result.ok, result.problems
        rows = con.execute(
            "SELECT actor, target, details FROM audit_log"
            " WHERE seq > ? AND action = 'service_command' ORDER BY seq",
            [start],
        ).fetchall()
        actions = {
            str(a)
            for (a,) in con.execute(
                "SELECT DISTINCT action FROM audit_log WHERE seq > ?", [start]
            ).fetchall()
        }
    finally:
        con.close()
    # Every handed-over command, by whom and with its exit code, beside its own entries.
    assert [r[1] for r in rows] == [a[0] for a in handed]
    assert {r[0] for r in rows} == {f"cli:{getpass.getuser()}"}
    assert {"user_password", "user_add", "backup", "network_run"} <= actions
    copied = connect(copy, read_only=True)
    try:
        # The store's key checks the copy (keys are not copied beside it).
        checked = verify(copied, expected_head=read_head(copy), key=load_key(db, create=False))
        assert checked.ok, checked.problems
    finally:
        copied.close()


def test_no_service_no_hand_over(store: Built, tmp_path: Path) -> None:
    """A socket left by a service that was killed is not taken for one: the command runs
    on the store itself."""
    socket_path(store.db).write_text("")
    assert not running(store.db)
    status = _cli("status", "--db", str(store.db), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    # Rich wraps a long temporary path at 80 columns: compare without the line breaks.
    assert f"Store:{store.db}" in "".join(status.stdout.split())
    assert socket_path(store.db).exists()


def test_stopping_the_service_waits_for_the_command_it_runs(store: Built, tmp_path: Path) -> None:
    """Ctrl-C (or SIGTERM) while a handed-over command runs: the service lets it end, the
    user gets its output and exit code, never a traceback, and the store is whole."""
    db = tmp_path / "store.duckdb"
    db.write_bytes(store.db.read_bytes())
    server = _serve(db, _free_port())
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")))
    reader.start()
    try:
        cli = Path(sys.executable).with_name("clearsight")
        running_command = subprocess.Popen(
            [str(cli), "analyse", "--stage", "networks", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Ctrl-C once the service has taken the command (its log says so), not after a
        # fixed wait: on a loaded machine the command may not have reached it yet.
        deadline = time.monotonic() + 300
        while not any(line.startswith("running 'analyse' for cli:") for line in lines):
            assert running_command.poll() is None, running_command.communicate()
            assert time.monotonic() < deadline, lines
            time.sleep(0.1)
        server.send_signal(signal.SIGINT)
        out, errors = running_command.communicate(timeout=600)
    finally:
        server.wait(timeout=300)  # one Ctrl-C: a second forces exit
        reader.join()
    log = "".join(lines)
    assert "Traceback" not in errors and "Traceback" not in log, (errors, log)
    assert "'analyse' for cli:" in log and "ended with exit code 0" in log, log
    assert running_command.returncode == 0, errors
    assert "networks" in out
    assert server.returncode == 0, log
    con = connect(db)
    try:
        assert verify(con).ok
        actions = {
            str(a) for (a,) in con.execute("SELECT DISTINCT action FROM audit_log").fetchall()
        }
    finally:
        con.close()
    assert "service_command" in actions
