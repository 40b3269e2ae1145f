"""Closed-case re-screening and the review queue (Operation Beaconport).

``screen(con)`` re-screens every closed case against the current linked data and rewrites
``review_queue``; decisions are kept in ``review_decisions``. Tables: docs/review.md.
"""

from __future__ import annotations

from clearsight.review.queue import QueueEntry, decide, list_queue
from clearsight.review.screen import screen

__all__ = ["QueueEntry", "decide", "list_queue", "screen"]
