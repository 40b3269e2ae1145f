"""A real store for the web and access tests: synthetic submissions, the package's own
ingest, and the graph stage's networks when it can run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from clearsight.access import create_demo_users, seal_record
from clearsight.ingest import ingest
from clearsight.store import connect
from clearsight.synth import generate

AREAS = ["west-yorkshire", "greater-manchester"]


@dataclass(frozen=True)
class Built:
    db: Path
    passwords: dict[str, str]


def build_store(root: Path, *, scale: float = 0.05, seed: int = 11) -> Built:
    data = root / "data"
    generate(data, AREAS, scale=scale, seed=seed)
    db = root / "store.duckdb"
    con = connect(db)
    for folder in sorted((data / "submissions").iterdir()):
        ingest(con, folder)
    try:
        from clearsight.graph.build import build
        from clearsight.graph.detect import detect
        from clearsight.graph.networks import write
        from clearsight.graph.settings import GraphSettings

        settings = GraphSettings()
        build(con, settings)
        write(con, detect(con, settings))
    except Exception:  # networks are another stage's; pages must cope without them
        pass
    users = create_demo_users(con)
    # One sealed child in west-yorkshire: the first victim with a surname.
    victim = con.execute(
        """
        SELECT p.source_id, p.person_id FROM current_persons p
        JOIN sources s USING (source_id)
        JOIN current_involvements i ON i.source_id = p.source_id AND i.person_id = p.person_id
        WHERE s.area = 'west-yorkshire' AND i.role = 'victim' AND p.surname IS NOT NULL
        ORDER BY p.source_id, p.person_id LIMIT 1
        """
    ).fetchall()
    if victim:
        seal_record(con, victim[0][0], victim[0][1], actor="system:test")
    con.close()
    return Built(db, {name: password for name, _role, _area, password in users})


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_linked_store(root: Path, *, scale: float = 0.05, seed: int = 11) -> Built:
    """The whole pipeline at small scale: synth, ingest, person linkage, networks and
    definitions, closed-case screening; then the demo users."""
    from clearsight import graph, linkage
    from clearsight.definitions import evaluate_all
    from clearsight.linkage.explain import write_explanations
    from clearsight.review import screen

    data = root / "data"
    generate(data, AREAS, scale=scale, seed=seed)
    db = root / "store.duckdb"
    con = connect(db)
    for folder in sorted((data / "submissions").iterdir()):
        ingest(con, folder)
    linkage.run(con)
    # As the linkage stage of ``analyse`` does: the web app only reads them.
    write_explanations(con)
    graph.run(con)
    evaluate_all(con)
    screen(con)
    users = create_demo_users(con)
    con.close()
    return Built(db, {name: password for name, _role, _area, password in users})
