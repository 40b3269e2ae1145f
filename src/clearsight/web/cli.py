"""``clearsight serve``: the web app on Uvicorn, directly or behind a TLS proxy."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def deployed_app(
    app: Any, *, proxy_headers: bool = False, forwarded_allow_ips: str = "127.0.0.1"
) -> Any:
    """``app`` as served: behind a TLS proxy, wrapped so that requests from the proxy's
    addresses (and only those) take the client address and scheme from the proxy's
    ``X-Forwarded-For`` and ``X-Forwarded-Proto``. The audit then records each user's
    own address, and a request that reached the proxy over TLS counts as secure.

    Anyone else sending those headers is ignored: trusting them from every address would
    let a client write any address it liked into the audit log."""
    if not proxy_headers:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    trusted = [ip.strip() for ip in forwarded_allow_ips.split(",") if ip.strip()]
    return ProxyHeadersMiddleware(app, trusted_hosts=trusted)


def serve_command(
    db: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    proxy_headers: bool = False,
    forwarded_allow_ips: str = "127.0.0.1",
    secure_cookies: bool = False,
) -> None:
    """Serve the analyst web app until interrupted (Ctrl-C or SIGTERM, both clean: the
    store is checkpointed and closed, so no write-ahead log is left beside it).

    One process owns the store file (DuckDB allows one writer), so this runs a single
    Uvicorn worker; requests run on its thread pool, each with its own cursor.
    """
    import uvicorn

    from clearsight.store import StoreError, resolve_db_path
    from clearsight.store.service import socket_path
    from clearsight.web.app import WebSettings, create_app
    from clearsight.web.jobs import JobServer

    path = resolve_db_path(db)
    if not path.exists():
        raise StoreError(f"{path}: no such store; run 'clearsight ingest' first")
    # True forces Secure cookies and HSTS; otherwise both follow the request's scheme.
    settings = WebSettings(secure_cookies=True if secure_cookies else None)
    app = create_app(path, settings)
    served = deployed_app(app, proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips)
    scheme = "https" if secure_cookies else "http"
    print(f"Clearsight on {scheme}://{host}:{port}/ (store {path}); Ctrl-C stops it.", flush=True)
    # Proxy headers are handled by ``deployed_app`` (Uvicorn's own switch would trust them
    # from its default address list whatever was asked here).
    # 'clearsight ingest' and 'analyse' hand their work to this process while it holds
    # the store (web/jobs.py).
    jobs = JobServer(app.state.store, socket_path(path)).start()
    try:
        uvicorn.run(served, host=host, port=port, log_level="warning", proxy_headers=False)
    finally:
        jobs.stop()
