"""The one entry point: graph and detection, with what each produced."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from clearsight.graph.settings import GraphSettings, load_graph_settings

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
    # Networks the police-only rerun does not find: visible only through partner records,
    # in total and per force area (a network spanning two areas counts in each).
    partner_only: int = 0
    partner_only_by_area: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def partner_only_by_area(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Networks visible only through partner records, per force area of their sources."""
    rows = con.execute(
        "SELECT area, count(*) FROM (SELECT unnest(areas) AS area FROM networks "
        "WHERE partner_only) GROUP BY area ORDER BY area"
    ).fetchall()
    return {str(area): int(n) for area, n in rows}


def network_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """For ``clearsight status``: networks, those visible only through partner records
    per area, hotspots, people tied to the premises networks used who are not members,
    incidents linked across agencies, peer groups of children set
    apart and first-name-only records resolved through a child; None before a network
    run."""
    from clearsight.graph.build import table_exists

    if not table_exists(con, "networks"):
        return None

    def count(table: str, where: str = "") -> int:
        if not table_exists(con, table):
            return 0
        return int(con.execute(f"SELECT count(*) FROM {table} {where}").fetchall()[0][0])

    def distinct(table: str, column: str, where: str = "") -> int:
        if not table_exists(con, table):
            return 0
        sql = f"SELECT count(DISTINCT {column}) FROM {table} {where}"
        return int(con.execute(sql).fetchall()[0][0])

    return {
        "networks": count("networks"),
        "partner_only": count("networks", "WHERE partner_only"),
        "partner_only_by_area": partner_only_by_area(con),
        "hotspots": count("place_hotspots"),
        # Staff, owners and residents of premises a network used, not members: lines of
        # enquiry (``place_people.py``), one per network and person.
        "place_people": distinct("network_place_people", "(network_id, entity_id)"),
        "incidents": count("incidents"),
        # Children at risk together, set apart rather than reported (``peer_groups.py``).
        "peer_groups": distinct("network_peer_groups", "peer_group"),
        # Records naming a person by a first name only, joined to the one adult of that
        # name recorded with the same child, companion or private place, or sent to review
        # (``linkage/context.py``).
        "first_name_joined": count("link_context", "WHERE outcome = 'linked'"),
        "first_name_review": count("link_context", "WHERE outcome = 'review'"),
    }


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

    s = settings or load_graph_settings()
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
        partner_only=count("SELECT count(*) FROM networks WHERE partner_only"),
        partner_only_by_area=partner_only_by_area(con),
        seconds=seconds,
    )
