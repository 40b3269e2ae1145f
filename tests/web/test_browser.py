"""End to end in Debian's Chromium, driven by Playwright: log in, search, open a person,
see the network graph render, be refused another area's person, log out."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.helpers import networks_only_in, people_in
from tests.web.store import Built

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

HOME, OTHER = "west-yorkshire", "greater-manchester"
ANALYST = f"analyst-{HOME}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(store: Built) -> Iterator[str]:
    import uvicorn

    from clearsight.web import create_app

    app = create_app(store.db)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    app.state.store.close()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        # A fresh profile directory per test: nothing carries over between runs.
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.csp_errors = errors  # type: ignore[attr-defined]
        yield pg
        context.close()


def test_analyst_journey(store: Built, server: str, page: object) -> None:
    pg = page  # the Playwright Page
    pg.goto(f"{server}/")  # type: ignore[attr-defined]
    assert pg.url.endswith("/login")  # type: ignore[attr-defined]
    pg.fill("#username", ANALYST)  # type: ignore[attr-defined]
    pg.fill("#password", store.passwords[ANALYST])  # type: ignore[attr-defined]
    pg.click("#login")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Dashboard · west-yorkshire")  # type: ignore[attr-defined]

    _entity, surname = people_in(store.db, HOME, 1)[0]
    pg.click("text=Search")  # type: ignore[attr-defined]
    pg.fill("#q", surname)  # type: ignore[attr-defined]
    pg.click("#search-go")  # type: ignore[attr-defined]
    pg.wait_for_selector("a.person-link")  # type: ignore[attr-defined]
    pg.click("a.person-link >> nth=0")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=Source records side by side")  # type: ignore[attr-defined]
    assert "/person/" in pg.url  # type: ignore[attr-defined]

    nets = networks_only_in(store.db, HOME)
    if nets:
        pg.goto(f"{server}/network/{nets[0]}")  # type: ignore[attr-defined]
        # Selectors, not evaluated JavaScript: the page's CSP forbids eval, rightly.
        pg.wait_for_selector("#graph[data-rendered]", timeout=20000)  # type: ignore[attr-defined]
        rendered = pg.get_attribute("#graph", "data-rendered")  # type: ignore[attr-defined]
        assert rendered and rendered != "error" and int(rendered) > 1
        assert pg.locator("#graph canvas").count() > 0  # type: ignore[attr-defined]

    other_entity, other_surname = people_in(store.db, OTHER, 1)[0]
    response = pg.goto(f"{server}/person/{other_entity}")  # type: ignore[attr-defined]
    assert response.status == 404
    assert "Not found, or not yours to see." in pg.content()  # type: ignore[attr-defined]
    assert other_surname.lower() not in pg.content().lower()  # type: ignore[attr-defined]

    pg.click("#logout")  # type: ignore[attr-defined]
    pg.wait_for_selector("#username")  # type: ignore[attr-defined]
    pg.goto(f"{server}/")  # type: ignore[attr-defined]
    assert pg.url.endswith("/login")  # type: ignore[attr-defined]
    # No CSP violations or script errors anywhere on the way.
    # (The refused person page's own 404 is expected and is the only failed load.)
    errors = [e for e in pg.csp_errors if "status of 404" not in e]  # type: ignore[attr-defined]
    assert not errors, errors
