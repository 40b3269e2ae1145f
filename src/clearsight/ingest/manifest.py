"""Reading and checking ``manifest.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearsight.ingest.columns import check_map, parse_map
from clearsight.ingest.errors import SubmissionError
from clearsight.standard import SUPPORTED_VERSIONS, Standard

MANIFEST = "manifest.json"
COLUMN_MAP = "column_map"
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
    # Submitted header -> standard column, kept with the source (see docs/ingest.md).
    column_map: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
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
        # The manifest is the standard's own file: dates in it are ISO, never day first.
        if cleaned is not None and spec.type.note(raw) is not None:
            raise SubmissionError(
                MANIFEST,
                f"{name} {raw!r} must be ISO 8601 (YYYY-MM-DD) in the manifest",
                column=name,
                code=f"invalid_{name}",
            )
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
        column_map=_column_map(data.get(COLUMN_MAP), standard),
    )
    if manifest.period_start > manifest.period_end:
        raise SubmissionError(
            MANIFEST, "period_start is after period_end", column="period_start", code="bad_period"
        )
    return manifest


def _column_map(raw: Any, standard: Standard) -> dict[str, str]:
    """``column_map``: an object of header -> column, or ``a=b; c=d`` text (a workbook cell)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        entries = [e for e in raw.split(";") if e.strip()]
    elif isinstance(raw, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        entries = [f"{k}={v}" for k, v in raw.items()]
    else:
        raise SubmissionError(
            MANIFEST,
            "column_map must map submitted column names to standard column names",
            column=COLUMN_MAP,
            code="bad_column_map",
        )
    mapping = parse_map(entries, MANIFEST)
    check_map(mapping, standard, MANIFEST)
    return mapping
