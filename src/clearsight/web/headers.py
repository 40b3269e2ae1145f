"""Security headers on every response: CSP, no caching but of static files, HSTS over TLS."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Plain ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a stream per
    request): security headers on every response, no caching of anything but static files,
    HSTS on every response served over TLS (or always, when the deployment says it is)."""

    def __init__(self, app: ASGIApp, always_secure: bool = False) -> None:
        self.app = app
        self.always_secure = always_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_HEADERS)
        if not str(scope.get("path", "")).startswith("/static/"):
            extra.append((b"cache-control", b"no-store"))
        if self.always_secure or scope.get("scheme") == "https":
            # A year, as the UK NCSC and OWASP advise once a service is TLS-only.
            extra.append((b"strict-transport-security", b"max-age=31536000"))
        names = {name for name, _v in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in names]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
