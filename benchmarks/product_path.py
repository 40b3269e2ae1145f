"""Clearsight run as an analyst runs it: the installed ``clearsight`` command in a child
process, so a benchmark measures the product path (argument parsing, store opening,
exit codes), not the library beneath it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

# The linkage guards a benchmark may switch (``--guards``): every guard, every guard but
# the twin and sibling guard, none.
GUARD_MODES = ("on", "no-twin", "none")


def cli(store: Path, *args: str) -> str:
    """Run ``clearsight ARGS --db STORE``; its standard output, or an error with its stderr."""
    exe = Path(sys.executable).with_name("clearsight")
    done = subprocess.run(
        [str(exe), *args, "--db", str(store)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"clearsight {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def write_manifest(folder: Path, source_id: str, area: str) -> None:
    """A public set's manifest: one source of agency type ``other`` in ``area``, with the
    fixed extract period every public-set benchmark uses (the sets carry no dates)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "standard_version": "1.0",
        "source_id": source_id,
        "organisation": f"Public benchmark {source_id}",
        "agency_type": "other",
        "area": area,
        "extract_date": "2025-10-01",
        "period_start": "2025-01-01",
        "period_end": "2025-09-30",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")


def guards_of(mode: str) -> Any:
    """The ``clearsight.linkage.guards.Guards`` a ``--guards`` mode names."""
    from clearsight.linkage.guards import ALL_GUARDS, NO_GUARDS, Guards

    return {"on": ALL_GUARDS, "no-twin": Guards(twins=False), "none": NO_GUARDS}[mode]


def link_and_export(
    store: Path, out: Path, guards: str = "on"
) -> tuple[dict[str, Any], dict[str, str]]:
    """``clearsight analyse --stage linkage`` then ``export entities`` to ``out``: the
    linkage run's summary and each ``person_id``'s entity.

    With every guard the run is the command's; otherwise (a measurement of what the
    guards cost: casework always has them, so they are no command-line choice) the same
    linkage run through the Python API.
    """
    if guards == "on":
        analysed: dict[str, Any] = json.loads(
            cli(store, "analyse", "--stage", "linkage", "--json")
        )[0]
    else:
        from clearsight.linkage import run
        from clearsight.store import connect

        con = connect(store)
        analysed = run(con, guards=guards_of(guards)).as_dict()
        con.close()
    cli(store, "export", "entities", "--out", str(out))
    with out.open(encoding="utf-8") as f:
        predicted = {r["person_id"]: r["entity_id"] for r in csv.DictReader(f)}
    return analysed, predicted


def link_and_score(
    store: Path, folders: list[Path], truth: dict[str, str], guards: str = "on"
) -> dict[str, Any]:
    """Ingest each submission folder into ``store``, link and export entities
    (``link_and_export``), and score the entities against ``truth`` (``person_id`` to its
    true identity): the public-set benchmarks' Clearsight method."""
    import time

    from pair_scores import held_back, pairwise

    started = time.perf_counter()
    for folder in folders:
        cli(store, "ingest", str(folder))
    analysed, predicted = link_and_export(
        store, store.with_name(f"{store.stem}-entities.csv"), guards
    )
    seconds = time.perf_counter() - started
    return {
        "method": "clearsight",
        "seconds": round(seconds, 1),
        **pairwise(predicted, truth),
        "records_linked": len(predicted),
        "records": len(truth),
        "linkage": {k: v for k, v in analysed.items() if k in ("n_pairs", "n_links")},
        "held_back": held_back(store, lambda key: truth.get(key.split(":", 1)[1])),
    }


def in_child(
    script: Path, method: str, name: str, work: Path, env: dict[str, str]
) -> dict[str, Any]:
    """``script _worker METHOD NAME WORK`` in a fresh process (its own imports and
    memory, a fixed hash seed); its last line of output as JSON, or the error."""
    done = subprocess.run(
        [sys.executable, str(script), "_worker", method, name, str(work)],
        capture_output=True,
        text=True,
        env={**env, "PYTHONHASHSEED": "0"},
        check=False,
    )
    if done.returncode != 0:
        return {"method": method, "error": done.stderr[-2000:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
