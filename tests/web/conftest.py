from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clearsight.web import WebSettings, create_app
from tests.web.client import Client
from tests.web.store import CSRF, Built, build_linked_store, build_store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "linked: run on the store with linkage and networks")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_store(tmp_path_factory.mktemp("webstore"))


@pytest.fixture(scope="session")
def built_linked(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_linked_store(tmp_path_factory.mktemp("linkedstore"))


def _copy(built: Built, tmp_path: Path) -> Built:
    db = tmp_path / "store.duckdb"
    shutil.copy(built.db, db)
    for sidecar in built.db.parent.glob(built.db.name + ".*"):
        shutil.copy(sidecar, tmp_path / sidecar.name)
    return Built(db, built.passwords)


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Built:
    """A private copy per test (tests write sessions and audit entries): of the store with
    linkage when the test is marked ``linked``, else of the one without."""
    linked = request.node.get_closest_marker("linked") is not None
    built: Built = request.getfixturevalue("built_linked" if linked else "built")
    return _copy(built, tmp_path)


Login = Callable[[str], Client]


@pytest.fixture
def app_settings() -> WebSettings:
    return WebSettings()


@pytest.fixture
def make_client(store: Built, app_settings: WebSettings) -> Iterator[Callable[[], Client]]:
    app = create_app(store.db, app_settings)
    clients: list[Client] = []

    def make() -> Client:
        client = Client(app, base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    app.state.store.close()


def do_login(client: Client, name: str, password: str) -> int:
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
def login(store: Built, make_client: Callable[[], Client]) -> Login:
    def as_user(name: str) -> Client:
        client = make_client()
        assert do_login(client, name, store.passwords[name]) == 303
        return client

    return as_user


def csrf_of(client: Client) -> str:
    page = client.get("/")
    found = re.search(r'data-csrf="([^"]+)"', page.text) or CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)
