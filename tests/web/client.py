"""A synchronous test client: httpx over its own ASGI transport, driven through an anyio
blocking portal.

Starlette's ``TestClient`` warns that running on ``httpx`` is deprecated (it wants the
``httpx2`` fork); this does the same job on the httpx the project already depends on,
so the suites stay warning-clean without filtering the warning away. Like TestClient it
follows redirects unless told not to, keeps cookies, and runs sync routes on the
application's own thread pool.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import partial
from types import TracebackType
from typing import Any

import anyio.from_thread
import httpx
from starlette.types import ASGIApp


class Client:
    def __init__(self, app: ASGIApp, base_url: str = "http://testserver") -> None:
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=base_url,
            follow_redirects=True,
        )

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self._portal.call(
            partial(self._client.request, method, url, **kwargs)
        )
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        if self._stack is not None:
            self._portal.call(self._client.aclose)
            self._stack.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


@contextlib.contextmanager
def client_for(app: ASGIApp, base_url: str = "http://testserver") -> Iterator[Client]:
    with Client(app, base_url) as client:
        yield client
