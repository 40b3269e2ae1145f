"""``clearsight serve``: the web app on Uvicorn."""

from __future__ import annotations

from pathlib import Path


def serve_command(
    db: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers_threads: int = 40,
) -> None:
    """Serve the analyst web app. One process owns the store file (DuckDB allows one
    writer), so this runs a single Uvicorn worker; requests share it via threads."""
    import uvicorn

    from clearsight.store import resolve_db_path
    from clearsight.web.app import create_app

    path = resolve_db_path(db)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such store; run 'clearsight ingest' first")
    app = create_app(path)
    # Starlette runs sync routes in AnyIO's thread pool; its size bounds concurrent requests.
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = workers_threads
    print(f"Clearsight on http://{host}:{port}/ (store {path}); Ctrl-C stops it.")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
