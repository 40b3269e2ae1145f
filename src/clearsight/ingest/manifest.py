"""Reading and checking ``manifest.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clearsight.ingest.errors import SubmissionError
from clearsight.standard import SUPPORTED_VERSIONS, Standard

MANIFEST = "manifest.json"
_MAX_MANIFEST_BYTES = 1 << 20


@dataclass(frozen=True)
class Manifest:
    standard_version: str
    source_id: str
    organisation: str
    agency_type: str
    area: str
    extract_date: date
    period_start: date
    period_end: date

    def as_dict(self) -> dict[str, str]:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


def read_manifest(path: Path, standard: Standard) -> Manifest:
    """Parse and check a manifest; any fault refuses the submission."""
    if path.stat().st_size > _MAX_MANIFEST_BYTES:
        raise SubmissionError(MANIFEST, "file is larger than 1 MiB", code="manifest_too_large")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SubmissionError(MANIFEST, f"not UTF-8: {exc.reason}", code="not_utf8") from exc
    except json.JSONDecodeError as exc:
        raise SubmissionError(
            MANIFEST, f"not valid JSON: {exc.msg}", row=exc.lineno, code="invalid_json"
        ) from exc
    if not isinstance(data, dict):
        raise SubmissionError(MANIFEST, "must be a JSON object", code="invalid_manifest")
    return _check(data, standard)


def _check(data: dict[str, Any], standard: Standard) -> Manifest:
    version = data.get("standard_version")
    if version is not None and str(version) not in SUPPORTED_VERSIONS:
        raise SubmissionError(
            MANIFEST,
            f"standard_version {version!r} is not supported "
            f"(supported: {', '.join(SUPPORTED_VERSIONS)})",
            column="standard_version",
            code="unsupported_version",
        )
    values: dict[str, str] = {}
    for name, spec in standard.manifest.items():
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                raise SubmissionError(
                    MANIFEST, f"missing required field {name}", column=name, code="missing_field"
                )
            continue
        if not isinstance(raw, str):
            raise SubmissionError(
                MANIFEST, f"{name} must be a string", column=name, code="invalid_field"
            )
        cleaned = spec.type.clean(raw)
        if cleaned is None:
            raise SubmissionError(
                MANIFEST, spec.type.explain(raw), column=name, code=f"invalid_{name}"
            )
        values[name] = cleaned
    manifest = Manifest(
        standard_version=values["standard_version"],
        source_id=values["source_id"],
        organisation=values["organisation"],
        agency_type=values["agency_type"],
        area=values["area"],
        extract_date=date.fromisoformat(values["extract_date"]),
        period_start=date.fromisoformat(values["period_start"]),
        period_end=date.fromisoformat(values["period_end"]),
    )
    if manifest.period_start > manifest.period_end:
        raise SubmissionError(
            MANIFEST, "period_start is after period_end", column="period_start", code="bad_period"
        )
    return manifest
