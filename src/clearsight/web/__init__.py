"""The analyst web app over the Clearsight store."""

from clearsight.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
