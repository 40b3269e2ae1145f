from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearsight.web import WebSettings, create_app
from tests.web.store import CSRF, Built, build_store


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_store(tmp_path_factory.mktemp("webstore"))


@pytest.fixture
def store(built: Built, tmp_path: Path) -> Built:
    """A private copy per test: tests write sessions and audit entries."""
    db = tmp_path / "store.duckdb"
    shutil.copy(built.db, db)
    for sidecar in built.db.parent.glob(built.db.name + ".*"):
        shutil.copy(sidecar, tmp_path / sidecar.name)
    return Built(db, built.passwords)


Login = Callable[[str], TestClient]


@pytest.fixture
def app_settings() -> WebSettings:
    return WebSettings()


@pytest.fixture
def make_client(store: Built, app_settings: WebSettings) -> Iterator[Callable[[], TestClient]]:
    app = create_app(store.db, app_settings)
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    app.state.store.close()


def do_login(client: TestClient, name: str, password: str) -> int:
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token, form.text
    response = client.post(
        "/login",
        data={"username": name, "password": password, "csrf": token.group(1)},
        follow_redirects=False,
    )
    return response.status_code


@pytest.fixture
def login(store: Built, make_client: Callable[[], TestClient]) -> Login:
    def as_user(name: str) -> TestClient:
        client = make_client()
        assert do_login(client, name, store.passwords[name]) == 303
        return client

    return as_user


def csrf_of(client: TestClient) -> str:
    page = client.get("/")
    found = re.search(r'data-csrf="([^"]+)"', page.text) or CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)
