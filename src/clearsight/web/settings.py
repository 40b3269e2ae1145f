"""How one web app is configured: sessions, cookies, the pseudonym key, login pacing."""

from __future__ import annotations

from dataclasses import dataclass, field

from clearsight.access import SessionPolicy


@dataclass(frozen=True)
class WebSettings:
    session: SessionPolicy = field(default_factory=SessionPolicy)
    # None: Secure cookies exactly when the request came over TLS.
    secure_cookies: bool | None = None
    pseudonym_key: bytes | None = None
    cookie_name: str = "clearsight_session"
    login_cookie_name: str = "clearsight_login"
    # Password checks (Argon2id: 64 MiB and tens of milliseconds of CPU each) run at most
    # this many at a time, off the event loop: a burst of logins queues for its turn
    # without taking every worker thread and every core from the pages.
    login_concurrency: int = 2
