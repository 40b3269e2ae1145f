"""``clearsight serve``: the web app on Uvicorn."""

from __future__ import annotations

from pathlib import Path


def serve_command(
    db: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the analyst web app until interrupted.

    One process owns the store file (DuckDB allows one writer), so this runs a single
    Uvicorn worker; requests run on its thread pool, each with its own cursor.
    """
    import uvicorn

    from clearsight.store import StoreError, resolve_db_path
    from clearsight.web.app import create_app

    path = resolve_db_path(db)
    if not path.exists():
        raise StoreError(f"{path}: no such store; run 'clearsight ingest' first")
    app = create_app(path)
    print(f"Clearsight on http://{host}:{port}/ (store {path}); Ctrl-C stops it.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
