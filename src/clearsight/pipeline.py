"""``clearsight analyse``: every analysis stage, in order, over the current data.

Each stage reads the tables the one before wrote; a stage is a module path and
a function so that nothing heavy (Splink, igraph, Spark) loads until it runs.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from clearsight import audit

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    module: str
    function: str
    # The tables (or views) the stage reads and the ones it writes: the interfaces
    # between stages, listed in docs/architecture.md and checked there by a test.
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    # The command that runs this stage alone.
    command: str = ""
    # Where the stage runs on Spark: its own function, or the same one told the backend.
    spark: tuple[str, str] | None = None
    takes_backend: bool = False

    def run(self, con: duckdb.DuckDBPyConnection, backend: Backend = "duckdb") -> dict[str, Any]:
        module, function = self.module, self.function
        if backend == "spark" and self.spark is not None:
            module, function = self.spark
        runner: Callable[..., Any] = getattr(importlib.import_module(module), function)
        result = runner(con, backend=backend) if self.takes_backend else runner(con)
        as_dict = getattr(result, "as_dict", None)
        if callable(as_dict):
            return dict(as_dict())
        return {"count": result} if isinstance(result, int) else {"result": result}


STAGES: tuple[Stage, ...] = (
    Stage(
        "linkage",
        "person records resolved into entities",
        "clearsight.linkage",
        "run",
        # Analysts' decisions bind every run; the stage creates their tables when absent.
        # New records raise arrival alerts from the watches and the previous run's
        # networks (ids are stable across runs); the stage creates both alert tables.
        # A first name only is resolved through the child, the companion or the private
        # place of the same events (``linkage/context.py``): the stage reads the current
        # events, involvements and locations.
        reads=(
            "current_persons",
            "current_events",
            "current_involvements",
            "current_locations",
            "sources",
            "current_link_decisions",
            "watches",
            "networks",
            "network_members",
            "network_victims",
        ),
        writes=(
            "person_entities",
            "entities",
            "link_pairs",
            "link_runs",
            "link_context",
            "entity_explanations",
            "link_decisions",
            "current_link_decisions",
            "entity_changes",
            "watches",
            "alerts",
        ),
        command="clearsight link",
        takes_backend=True,
    ),
    Stage(
        "networks",
        "POLE graph, offender networks, key people",
        "clearsight.graph",
        "run",
        reads=(
            "person_entities",
            "current_persons",
            "current_events",
            "current_involvements",
            "current_objects",
            "current_locations",
            "current_associations",
            "sources",
        ),
        writes=(
            "graph_nodes",
            "graph_edges",
            "graph_entities",
            "graph_person_map",
            "graph_events",
            "graph_involvements",
            "graph_involved",
            "graph_child_associates",
            "graph_child_associate_evidence",
            "graph_objects",
            "graph_person_objects",
            "graph_locations",
            "graph_person_locations",
            "graph_source_locations",
            "graph_links",
            "networks",
            "network_members",
            "network_victims",
            "network_records",
            "network_links",
            "network_objects",
            "network_locations",
            "network_possible_duplicates",
            "network_lone_offenders",
            "network_peer_groups",
            "network_forename_joins",
            "network_evidence",
            "network_place_people",
            "incidents",
            "incident_records",
            "place_sightings",
            "place_hotspots",
        ),
        command="clearsight networks",
        spark=("clearsight.graph.spark_backend", "run"),
    ),
    # After networks, reading only the tables it wrote: one definition applied the same
    # way to every force's networks and children.
    Stage(
        "definitions",
        "universal definitions applied to networks and children",
        "clearsight.definitions",
        "evaluate_all",
        reads=(
            "networks",
            "network_members",
            "network_victims",
            "network_links",
            "network_locations",
            "graph_events",
            "graph_involvements",
            "graph_links",
            "current_events",
        ),
        writes=("definition_results", "network_status", "cse_flag_cases", "cse_flag_agreement"),
        command="clearsight networks",
    ),
    Stage(
        "review",
        "closed cases re-screened for review",
        "clearsight.review",
        "screen",
        reads=(
            "current_involvements",
            "network_members",
            "network_status",
            "cse_flag_cases",
            "review_decisions",
        ),
        writes=("review_queue", "review_decisions"),
        command="clearsight review screen",
    ),
)
# Combining records about people is an s62 "combination": audited per run.
AUDITED = {"linkage": "linkage_run", "networks": "network_run"}


@dataclass(frozen=True)
class StageResult:
    stage: str
    seconds: float
    summary: dict[str, Any]


def analyse(
    con: duckdb.DuckDBPyConnection,
    only: set[str] | None = None,
    actor: str = "system:analyse",
    backend: Backend = "duckdb",
) -> Iterator[StageResult]:
    """Run the stages in order (or only those named), yielding each result as it ends."""
    if backend == "spark":
        from clearsight.spark.session import require_pyspark

        require_pyspark()
    for stage in STAGES:
        if only is not None and stage.name not in only:
            continue
        started = time.perf_counter()
        summary = stage.run(con, backend)
        if stage.name == "linkage":
            _write_explanations(con)
        if stage.name in AUDITED:
            audit.record(
                con,
                actor=actor,
                action=AUDITED[stage.name],
                details={**summary, "backend": backend},
            )
        yield StageResult(stage.name, time.perf_counter() - started, summary)


def _write_explanations(con: duckdb.DuckDBPyConnection) -> None:
    """Each entity's explanation as one indexed row, for the web app's person pages.

    Written here and by ``clearsight link`` rather than inside the linkage run, so
    that the run's own time is Splink's and clustering's (13-25 s more at 1M records).
    """
    from clearsight.linkage.explain import write_explanations

    write_explanations(con)
