"""Watchlists and arrival alerts: who hears when a new record links to someone known.

Stable API: ``add_watch``, ``remove_watch``, ``list_watches``, ``record_arrivals``
(called by incremental linking), ``alerts_for``, ``acknowledge``, ``digest``;
tables ``watches`` and ``alerts``.
"""

from clearsight.alerts.arrivals import record_arrivals
from clearsight.alerts.tables import KINDS, ensure_alert_tables, has_alert_tables
from clearsight.alerts.watches import Watch, WatchError, add_watch, list_watches, remove_watch

__all__ = [
    "KINDS",
    "Watch",
    "WatchError",
    "add_watch",
    "ensure_alert_tables",
    "has_alert_tables",
    "list_watches",
    "record_arrivals",
    "remove_watch",
]
