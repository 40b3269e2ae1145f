"""The one entry point: graph and detection, with what each produced."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from clearsight.graph.settings import GraphSettings

if TYPE_CHECKING:
    from clearsight.graph.detect import Detection

log = logging.getLogger("clearsight.graph")


@dataclass(frozen=True)
class NetworksSummary:
    entities: int = 0
    links: int = 0
    involved: int = 0
    networks: int = 0
    police_only_detectable: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Detector = Callable[[duckdb.DuckDBPyConnection, GraphSettings], "Detection"]


def run(
    con: duckdb.DuckDBPyConnection,
    settings: GraphSettings | None = None,
    detector: Detector | None = None,
) -> NetworksSummary:
    """Build the graph, detect networks and rank key people (the definitions are the
    next stage, ``clearsight.definitions.evaluate_all``).

    ``detector`` replaces the detection step (the Spark backend runs its
    graph-wide component step on Spark); every other step is the same.
    """
    from clearsight.graph import build, detect, networks

    s = settings or GraphSettings()
    find = detector or detect.detect
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    build.build(con, s, seconds)
    seconds["build"] = round(time.perf_counter() - start, 2)
    log.info("build: %.2f s", seconds["build"])
    start = time.perf_counter()
    detection = find(con, s)
    seconds["detect"] = round(time.perf_counter() - start, 2)
    log.info("detect: %.2f s", seconds["detect"])
    start = time.perf_counter()
    n_networks = networks.write(con, detection, s)
    seconds["networks"] = round(time.perf_counter() - start, 2)
    log.info("networks: %.2f s", seconds["networks"])

    def count(sql: str) -> int:
        return int(con.execute(sql).fetchall()[0][0])

    return NetworksSummary(
        entities=count("SELECT count(*) FROM graph_entities"),
        links=count("SELECT count(*) FROM graph_links"),
        involved=count("SELECT count(*) FROM graph_involved"),
        networks=n_networks,
        police_only_detectable=count("SELECT count(*) FROM networks WHERE detectable_police_only"),
        seconds=seconds,
    )
