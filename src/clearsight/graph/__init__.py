"""The POLE graph, offender networks and their key people.

``run(con)`` builds the graph, detects networks and ranks key people (the definitions
are the next stage); the tables it writes are documented in docs/networks.md.
Importing this package is cheap: igraph and leidenalg load only when ``run`` does.
"""

from __future__ import annotations

from clearsight.graph.settings import GraphSettings
from clearsight.graph.summary import NetworksSummary, run

__all__ = ["GraphSettings", "NetworksSummary", "run"]
