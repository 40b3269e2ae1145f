"""Data quality: ingest batches, quarantine and value warnings by reason."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from clearsight.access import allowed
from clearsight.web import queries
from clearsight.web.deps import Viewer, audit_view, render, viewer

router = APIRouter()


@router.get("/data", response_class=HTMLResponse)
def data(v: Viewer = viewer("data")) -> Response:
    principal, con = v.principal, v.con
    area = principal.area if principal.role == "analyst" else None
    where, params = ("WHERE b.area = ?", [area]) if area else ("", [])
    batches = quarantine = warnings = rows = None
    if queries.exists(con, "batches"):
        batches = queries.rows(
            con,
            "SELECT b.batch_id, b.source_id, b.organisation, b.area, b.extract_date,"
            " b.loaded_at, b.status, sum(f.rows_loaded) AS loaded,"
            " sum(f.rows_quarantined) AS quarantined FROM batches b"
            f" LEFT JOIN batch_files f USING (batch_id) {where}"
            " GROUP BY ALL ORDER BY b.batch_id DESC LIMIT 200",
            params,
        )
        quarantine = queries.rows(
            con,
            "SELECT q.source_id, q.file, q.reason_code, count(*) AS n FROM quarantine q"
            f" JOIN batches b USING (batch_id) {where} GROUP BY ALL ORDER BY n DESC LIMIT 100",
            params,
        )
        warnings = queries.rows(
            con,
            "SELECT w.source_id, w.column_name, w.reason_code, count(*) AS n"
            f" FROM value_warnings w JOIN batches b USING (batch_id) {where}"
            " GROUP BY ALL ORDER BY n DESC LIMIT 100",
            params,
        )
        if allowed(principal, "quarantine") and area:
            rows = queries.rows(
                con,
                "SELECT q.source_id, q.file, q.row_number, q.column_name, q.reason, q.value"
                " FROM quarantine q JOIN batches b USING (batch_id) WHERE b.area = ?"
                " ORDER BY q.batch_id DESC, q.file, q.row_number LIMIT 100",
                [area],
            )
    audit_view(v, "view_data_quality", f"area:{area or 'all'}")
    return render(
        v,
        con,
        "data.html",
        batches=batches,
        quarantine=quarantine,
        warnings=warnings,
        rows=rows,
    )
