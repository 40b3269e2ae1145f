"""Build the problem profile for one force area or England and Wales.

Disclosure control is applied to every table over all areas first and rows are selected
after, so an area's report and the national report suppress the same cells and cannot be
differenced against each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from clearsight.inspection.readiness import ReadinessItem
from clearsight.report.findings import findings
from clearsight.standard import load_standard
from clearsight.stats.build import area_label, count_table
from clearsight.stats.disclosure import publish
from clearsight.stats.figures import Picture, compute, unavailable
from clearsight.stats.settings import Settings, load_settings
from clearsight.stats.table import NATIONAL_KEY, NATIONAL_LABEL, Row, StatTable, Value
from clearsight.store.sql import table_exists

SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("scale", "Scale", ("scale", "agencies")),
    ("trends", "Trends", ("trend_children",)),
    ("networks", "Networks", ("networks", "cocad")),
    (
        "victims",
        "Victims and suspects",
        ("age_victims", "sex_victims", "age_suspects", "sex_suspects"),
    ),
    ("partners", "Partner coverage", ("partner_coverage", "partner_networks")),
    (
        "quality",
        "Data quality",
        (
            "ethnicity_victims",
            "ethnicity_suspects",
            "record_completeness",
            "cse_flag_agreement",
            "quarantine",
        ),
    ),
    (
        "timeliness",
        "Timeliness",
        (
            "timeliness_recorded_to_arrest",
            "timeliness_arrest_to_charge",
            "timeliness_recorded_to_charge",
            "timeliness_charge_to_court_outcome",
            "timeliness_recorded_to_closed",
            "open_investigations",
            "specialist_unit",
        ),
    ),
    ("review", "Review queue", ("review_queue",)),
    ("language", "Language", ("language",)),
)


@dataclass
class ReportResult:
    out: Path
    html: Path
    xlsx: Path
    csvs: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    summary: dict[str, Value] = field(default_factory=dict)


def review_table(con: duckdb.DuckDBPyConnection, areas: list[str]) -> StatTable:
    title = "Closed cases in the review queue, by reason"
    if not table_exists(con, "review_queue"):
        return unavailable("review_queue", title, "Closed cases have not been re-screened.")
    reasons = (
        ("meets_universal_definition", "Now meets the universal definition"),
        ("person_in_network", "A person now in a network"),
        ("new_linked_records", "Closed 14–16 or 18, new linked records"),
    )
    parts = [
        f"count(*) FILTER (WHERE list_contains(reasons::VARCHAR[], '{k}'))" for k, _ in reasons
    ]
    return count_table(
        con,
        name="review_queue",
        title=title,
        sql=f"SELECT area, count(*), {', '.join(parts)} FROM review_queue GROUP BY area",
        keys=areas,
        counts=[("cases", "Cases in the queue"), *reasons],
        notes=["A case may have several reasons. Decisions: 'clearsight review list'."],
    )


def _select(table: StatTable, area: str | None, source_areas: dict[str, str]) -> StatTable:
    if area is None or table.unavailable:
        return table
    rows = [r for r in table.rows if r.national or r.key == area or source_areas.get(r.key) == area]
    return StatTable(
        table.name,
        table.title,
        table.columns,
        rows,
        table.groups,
        table.notes,
        table.row_header,
        table.additive,
        table.unavailable,
        table.controlled,
    )


def _value(table: StatTable | None, row_key: str, column: str) -> Value:
    if table is None or table.unavailable:
        return None
    for r in table.rows:
        if r.key == row_key:
            return r.values.get(column)
    return None


# The headline figures of page 1: (id, label, table, column).
HEADLINES: tuple[tuple[str, str, str, str], ...] = (
    ("victims", "Children who are victims", "scale", "victims"),
    ("at_risk", "Children at risk", "scale", "at_risk"),
    ("suspects", "Suspects and offenders", "scale", "suspects_offenders"),
    (
        "networks_iicsa",
        "Networks meeting the IICSA definition",
        "networks",
        "iicsa-organised-network:meets",
    ),
    (
        "partner_only",
        "Children known only to partner agencies (%)",
        "partner_coverage",
        "pct_partner_only",
    ),
    (
        "suspect_ethnicity_not_recorded",
        "Suspects with self-defined ethnicity not recorded (%)",
        "ethnicity_suspects",
        "pct_not_recorded",
    ),
    ("median_to_charge", "Median days from recording to charge", "", "median"),
    ("open_old", "Open investigations older than {days} days", "open_investigations", "older"),
    ("review_cases", "Closed cases to review again", "review_queue", "cases"),
    (
        "language_rate",
        "Victim-blaming findings per 1,000 narratives",
        "language",
        "per_1000",
    ),
)


def summary(
    tables: dict[str, StatTable], key: str, s: Settings
) -> list[tuple[str, str, Value, str]]:
    """Headline figures: (id, label, published value, note)."""
    cmp = s.timeliness.comparison
    days = s.timeliness.open_older_than_days
    out: list[tuple[str, str, Value, str]] = []
    for hid, label, table, column in HEADLINES:
        note = (
            f"published comparison: {cmp.median_days:g} days" if hid == "median_to_charge" else ""
        )
        value = _value(tables.get(table or "timeliness_recorded_to_charge"), key, column)
        out.append((hid, label.format(days=days), value, note))
    return out


def region_comparison(
    tables: dict[str, StatTable], area: str
) -> tuple[str, dict[str, tuple[Value, Value]]]:
    """Each headline for the force's police region and for England and Wales, beside the
    force's own: (region label, {headline id: (region, national)}).

    A region's figure is made only from the published, disclosure-controlled figures of
    its forces in the store (a sum of counts, or a percentage or rate from summed
    numerators and denominators), so it discloses nothing the force rows do not; it is
    not available when a force's cell is suppressed, or for a figure that does not add
    up (a median).
    """
    region = load_standard().regions.get(area)
    if region is None:
        return "", {}
    members = [a for a, (code, _) in load_standard().regions.items() if code == region[0]]
    figures: dict[str, tuple[Value, Value]] = {}
    for hid, _label, table_name, column in HEADLINES:
        table = tables.get(table_name or "timeliness_recorded_to_charge")
        national = _value(table, NATIONAL_KEY, column)
        figures[hid] = (_combined(table, members, column), national)
    present = {r.key for t in tables.values() for r in t.rows}
    in_store = sum(1 for a in members if a in present)
    return f"{region[1]} ({in_store} of {len(members)} forces)", figures


def _combined(table: StatTable | None, areas: list[str], column: str) -> Value:
    if table is None or table.unavailable:
        return None
    rows = [r for r in table.rows if r.key in areas]
    col = next((c for c in table.columns if c.key == column), None)
    if not rows or col is None:
        return None

    def total(key: str) -> int | None:
        values = [r.values.get(key) for r in rows]
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            return None
        return sum(int(v) for v in values if isinstance(v, int))

    if col.kind == "count":
        return total(column)
    if col.kind in ("percent", "rate") and col.numerator and col.denominator:
        num, den = total(col.numerator), total(col.denominator)
        if num is None or not den:
            return None
        return round(col.per * num / den, 1)
    return None


def _charts(tables: dict[str, StatTable], rows_key: str | None) -> dict[str, list[str]]:
    from clearsight.report.charts import bar_chart as draw

    def rows(name: str) -> list[Row]:
        table = tables.get(name)
        if table is None or table.unavailable:
            return []
        return [r for r in table.rows if rows_key is None or r.key == rows_key]

    charts: dict[str, list[str]] = {}

    def bar_chart(title: str, bars: list[tuple[str, Value]], unit: str = "") -> str:
        # A chart whose every value is suppressed or missing draws no bar: leave it out.
        if not any(isinstance(v, int | float) and not isinstance(v, bool) for _, v in bars):
            return ""
        return draw(title, bars, unit)

    scale = tables.get("scale")
    if scale and not scale.unavailable:
        charts["scale"] = [
            bar_chart(
                "Children who are victims, by area",
                [(r.label, r.values["victims"]) for r in scale.rows if not r.national],
            )
        ]
    trend = tables.get("trend_children")
    if trend and not trend.unavailable:
        for r in trend.rows if rows_key is None else [*rows("trend_children"), trend.rows[-1]]:
            if rows_key is None and not r.national:
                continue
            charts.setdefault("trends", []).append(
                bar_chart(
                    f"Children newly identified per quarter: {r.label}",
                    [(c.label, r.values[c.key]) for c in trend.columns],
                )
            )
    for name, title, section in (
        ("age_victims", "Age of children (victims and at risk)", "victims"),
        ("age_suspects", "Age of suspects and offenders", "victims"),
    ):
        for r in rows(name)[-1:]:
            t = tables[name]
            charts.setdefault(section, []).append(
                bar_chart(
                    f"{title}: {r.label}",
                    [(c.label, r.values[c.key]) for c in t.columns if c.key != "total"],
                )
            )
    for r in rows("partner_coverage")[-1:]:
        t = tables["partner_coverage"]
        charts["partners"] = [
            bar_chart(
                f"Children known to each agency type (%): {r.label}",
                [
                    (c.label.removeprefix("% "), r.values[c.key])
                    for c in t.columns
                    if c.kind == "percent"
                ],
                "%",
            )
        ]
    eth = tables.get("ethnicity_suspects")
    if eth and not eth.unavailable:
        charts["quality"] = [
            bar_chart(
                "Suspects with self-defined ethnicity not recorded (%)",
                [(r.label, r.values["pct_not_recorded"]) for r in eth.rows],
                "%",
            )
        ]
    charge = tables.get("timeliness_recorded_to_charge")
    if charge:
        charts["timeliness"] = [
            bar_chart(
                "Median days from recording to charge",
                [(r.label, r.values["median"]) for r in charge.rows],
            )
        ]
    return {k: [svg for svg in v if svg] for k, v in charts.items()}


DISCLOSURE_NOTE = "Disclosure control:"
# Columns per printed table (beside the row header): wider tables are split into parts that
# each repeat the row header, so nothing is clipped at the page edge.
MAX_PRINTED_COLUMNS = 10


def printed(table: StatTable) -> list[StatTable]:
    """``table`` as printed: the shared disclosure note left for the annex, and split into
    parts of at most ``MAX_PRINTED_COLUMNS`` columns."""
    notes = [n for n in table.notes if not n.startswith(DISCLOSURE_NOTE)]
    cols = table.columns
    parts = [cols[i : i + MAX_PRINTED_COLUMNS] for i in range(0, len(cols), MAX_PRINTED_COLUMNS)]
    out = []
    for i, part in enumerate(parts or [cols]):
        title = table.title if len(parts) < 2 else f"{table.title} ({i + 1} of {len(parts)})"
        out.append(
            StatTable(
                table.name,
                title,
                part,
                table.rows,
                table.groups,
                notes if i == len(parts) - 1 else [],
                table.row_header,
                table.additive,
                table.unavailable,
                table.controlled,
            )
        )
    return out


@dataclass
class ReadinessSummary:
    """National view of one readiness item: forces at each rating, and which are red."""

    ref: str
    source: str
    title: str
    green: int = 0
    amber: int = 0
    red: int = 0
    not_assessed: int = 0
    red_forces: list[str] = field(default_factory=list)


def _readiness_matrix(items: list[ReadinessItem]) -> list[ReadinessSummary]:
    out: dict[str, ReadinessSummary] = {}
    for i in items:
        row = out.setdefault(i.ref, ReadinessSummary(i.ref, i.source, i.title))
        setattr(row, i.rag, getattr(row, i.rag) + 1)
        if i.rag == "red":
            row.red_forces.append(area_label(i.area))
    return list(out.values())


def _area_provenance(
    provenance: dict[str, str], sources: dict[str, str], area: str | None
) -> dict[str, str]:
    """An area's profile lists that area's sources only (the national row counts them all)."""
    if area is None:
        return provenance
    mine = sorted(s for s, a in sources.items() if a == area)
    return {**provenance, "sources_included": "; ".join(mine)}


def build_report(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    area: str | None = None,
    *,
    pdf: bool = False,
    settings: Settings | None = None,
    exclude_sources: tuple[str, ...] = (),
) -> ReportResult:
    """Write ``problem-profile.html``, ``tables/*.csv``, ``tables.xlsx`` (and the PDF)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    s = settings or load_settings()
    picture: Picture = compute(con, s, exclude_sources)
    ctx = picture.context
    if area is not None and area not in ctx.areas:
        raise ValueError(f"no data for area {area!r}: areas are {', '.join(ctx.areas) or 'none'}")
    picture.add(review_table(con, ctx.areas))
    source_areas = {
        str(a): str(b) for a, b in con.execute("SELECT source_id, area FROM st_sources").fetchall()
    }
    controlled = {n: publish(t, s.disclosure) for n, t in picture.tables.items()}
    published = {n: _select(t, area, source_areas) for n, t in controlled.items()}
    key = area or NATIONAL_KEY
    headline = summary(published, key, s)
    region_label, beside = region_comparison(controlled, area) if area else ("", {})
    from clearsight.inspection import readiness

    # Readiness reads the st_* tables again; the tables above are already computed.
    ready = readiness(con, s, exclude_sources=exclude_sources)
    out = Path(out)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    from clearsight.report.tables import write_csv, write_xlsx

    csvs = []
    for t in published.values():
        if not t.unavailable:
            path = out / "tables" / f"{t.name}.csv"
            write_csv(t, path, ctx.provenance)
            csvs.append(path)
    from clearsight.returns.write import write_table

    write_table(
        out / "readiness.csv",
        ("area", "ref", "source", "title", "rag", "figure", "how_computed"),
        (i.as_row() for i in ready if area is None or i.area == area),
    )
    xlsx = out / "tables.xlsx"
    write_xlsx(list(published.values()), xlsx, ctx.provenance)
    env = Environment(
        loader=PackageLoader("clearsight.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.filters["cell"] = _cell
    html = env.get_template("profile.html").render(
        title="Group-based child sexual exploitation: problem profile, "
        + (area_label(area) if area else NATIONAL_LABEL),
        place=area_label(area) if area else NATIONAL_LABEL,
        generated=datetime.now().strftime("%d %B %Y"),
        provenance=_area_provenance(ctx.provenance.as_dict(), source_areas, area),
        national_sources=len(source_areas),
        summary=headline,
        region_label=region_label,
        beside=beside,
        findings=findings(published, key, s, picture.tables),
        readiness=[i for i in ready if i.area == area] if area else [],
        readiness_matrix=_readiness_matrix(ready) if area is None else [],
        sections=[
            (sid, heading, [p for n in names if n in published for p in printed(published[n])])
            for sid, heading, names in SECTIONS
        ],
        disclosure_note=next(
            (n for t in published.values() for n in t.notes if n.startswith(DISCLOSURE_NOTE)),
            "",
        ),
        charts=_charts(published, None if area is None else area),
        settings=s,
        linkage=ctx.linkage,
    )
    html_path = out / "problem-profile.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        try:
            from weasyprint import HTML  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ValueError("PDF output needs weasyprint (pip install weasyprint)") from exc
        pdf_path = out / "problem-profile.pdf"
        HTML(filename=str(html_path)).write_pdf(str(pdf_path))
    return ReportResult(out, html_path, xlsx, csvs, pdf_path, {k: v for k, _, v, _ in headline})


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
