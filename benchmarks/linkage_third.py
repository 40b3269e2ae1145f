"""Linkage on records from a third, independent generator, beside plain Splink, in one run.

    .venv/bin/python benchmarks/linkage_third.py --seed 1 --seed 2 --seed 3 \\
        --workdir /dev/shm/s22-third
    .venv/bin/python benchmarks/linkage_third.py --seed 1 --diagnose 12
    .venv/bin/python benchmarks/linkage_third.py --seed 1000 --seed 1001 --seed 1002

The records come from ``third_persons.py`` (see its docstring), written in session 22
by someone who had read neither the linkage code nor the other two generators. The
harness is ``linkage_independent.py``'s, imported: Clearsight through the product path
(``clearsight ingest``, ``analyse --stage linkage``, ``export entities``, each a child
process) beside plain Splink with its example settings over the same person records;
pairwise precision, recall and F1 over ``source_id:person_id``; false pairs by the
look-alike planted, missed pairs by each departure either record carries, and the fate
of every missed pair in Clearsight's store.

Added here: per source, the ingest warnings by reason code and the rows quarantined (a
legal value quarantined is a finding), and the missed pairs by the pair of sources.

Seeds 1-99 are for tuning and diagnosis; 1000-1999 are held out, and ``--diagnose``
is refused for them, as in ``linkage_independent.py``, except 1003-1005: run once as
held-out in session 22, they became tuning seeds in session 23 (their false and missed
pairs read), so they are reported as tuning and may be diagnosed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from linkage_independent import main as independent_main
from linkage_independent import run_seed as independent_run_seed
from third_persons import generate

# Held-out seeds whose pairs session 23 read: tuning seeds from then on.
SPENT = frozenset({1003, 1004, 1005})


def ingest_findings(store: Path) -> dict[str, dict[str, int]]:
    """Per source: warnings by reason code, and ``quarantined`` rows, from the store."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        out: dict[str, dict[str, int]] = {}
        for table, fixed in (("value_warnings", None), ("quarantine", "quarantined")):
            rows = con.execute(
                f"SELECT source_id, reason_code, count(*) FROM {table} GROUP BY ALL ORDER BY ALL"
            ).fetchall()
            for source, code, n in rows:
                key = f"quarantined:{code}" if fixed else str(code)
                out.setdefault(str(source), {})[key] = int(n)
        return out
    finally:
        con.close()


def run_seed(
    seed: int, root: Path, scale: float, only: str | None, show: int, guards: str = "on"
) -> list[dict[str, Any]]:
    """The independent harness's ``run_seed`` on this generator, with ingest's findings."""
    return independent_run_seed(
        seed,
        root,
        scale,
        only,
        show,
        guards,
        make=generate,
        more=lambda store: {"ingest_by_source": ingest_findings(store)},
        spent=SPENT,
    )


def main() -> None:
    independent_main(run_seed, __doc__, "third", SPENT)


if __name__ == "__main__":
    main()
