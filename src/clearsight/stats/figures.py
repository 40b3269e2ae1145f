"""The national picture: scale, networks, victims and suspects, partner coverage, practice.

Every function returns a ``StatTable`` of true counts; ``disclosure.publish`` makes it fit
to publish. ``compute`` gathers them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from clearsight.stats.base import Context, prepare
from clearsight.stats.build import count_table
from clearsight.stats.settings import Settings, load_settings
from clearsight.stats.table import StatTable
from clearsight.store.sql import table_exists

AGENCY_TYPES = (
    ("police", "Police"),
    ("childrens_social_care", "Children's social care"),
    ("health", "Health"),
    ("education", "Education"),
    ("youth_justice", "Youth justice"),
    ("voluntary_sector", "Voluntary sector"),
    ("local_authority_other", "Other local authority"),
    ("other", "Other"),
)
NETWORK_DEFINITIONS = (
    ("iicsa-organised-network", "IICSA organised network"),
    ("home-office-group-based-cse", "Home Office group-based CSE"),
)
COCAD = (
    ("familial", "Familial"),
    ("institutional", "Institutional"),
    ("ritualistic", "Ritualistic"),
    ("child_sexual_exploitation", "Child sexual exploitation"),
    ("other", "Other"),
    ("unknown", "Unknown"),
)
SEXES = (("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Not known"))

WHO_VICTIMS = "children (victims and at risk)"
# Police systems default unknown dates of birth to placeholder years (1900, 1901): an age
# above this at an event is such a placeholder, not a person.
MAX_PLAUSIBLE_AGE = 100
WHO_SUSPECTS = "suspects and offenders"


def _agency_counts() -> str:
    return ", ".join(f"count(*) FILTER (WHERE agency_type = '{k}')" for k, _ in AGENCY_TYPES)


@dataclass
class Picture:
    """Every table of the national picture (true counts) and what the store held."""

    context: Context
    settings: Settings
    tables: dict[str, StatTable] = field(default_factory=dict)

    def add(self, table: StatTable) -> None:
        self.tables[table.name] = table


def unavailable(name: str, title: str, why: str) -> StatTable:
    return StatTable(name, title, [], [], unavailable=why)


def scale(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    table = count_table(
        con,
        name="scale",
        title="Children who are victims or at risk, and suspects and offenders",
        sql="""
            SELECT area,
                   (SELECT count(*) FROM st_children c WHERE c.area = a.area AND status = 'victim'),
                   (SELECT count(*) FROM st_children c
                     WHERE c.area = a.area AND status = 'at_risk'),
                   (SELECT count(*) FROM st_suspects c
                     WHERE c.area = a.area AND status = 'suspect'),
                   (SELECT count(*) FROM st_suspects c
                     WHERE c.area = a.area AND status = 'offender')
            FROM (SELECT DISTINCT area FROM st_sources) a
        """,
        keys=ctx.areas,
        counts=[
            ("victims", "Children who are victims"),
            ("at_risk", "Children at risk"),
            ("suspects", "Suspects"),
            ("offenders", "Offenders (charged or convicted)"),
        ],
        notes=[
            "A child is a victim when the child meets the DfE 2017 definition, is a victim of a "
            "detected network, or is the victim of a crime with an exploitation context; at risk "
            "when the DfE 2017 definition is possibly met or an agency flagged CSE. People are "
            "counted once, after linkage, in the area holding most of their records."
            + ("" if ctx.linkage else " Linkage has not been run: records are counted as people.")
        ],
    )
    # The two totals every other table of people must agree with (by age, sex, ethnicity).
    from clearsight.stats.table import Column, Group

    table.columns[2:2] = [Column("children", "Children (victims and at risk)")]
    table.columns.append(Column("suspects_offenders", "Suspects and offenders"))
    table.groups = [
        Group(("victims", "at_risk"), "children"),
        Group(("suspects", "offenders"), "suspects_offenders"),
    ]
    for r in table.rows:
        r.values["children"] = int(r.values["victims"] or 0) + int(r.values["at_risk"] or 0)
        r.values["suspects_offenders"] = int(r.values["suspects"] or 0) + int(
            r.values["offenders"] or 0
        )
    return table


def networks(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    title = "Networks meeting each definition"
    if not ctx.graph or not table_exists(con, "networks"):
        return unavailable("networks", title, "Network detection has not been run.")
    cols: list[tuple[str, str]] = [("networks", "Networks detected")]
    parts = ["count(DISTINCT n.network_id)"]
    for def_id, label in NETWORK_DEFINITIONS:
        for status in ("meets", "possible"):
            cols.append((f"{def_id}:{status}", f"{label}: {status}"))
            parts.append(
                f"count(DISTINCT n.network_id) FILTER (WHERE d.definition_id = '{def_id}' "
                f"AND d.status = '{status}')"
            )
    return count_table(
        con,
        name="networks",
        title=title,
        sql=f"""
            SELECT n.area, {", ".join(parts)}
            FROM st_networks n LEFT JOIN definition_results d
              ON d.subject_type = 'network' AND d.subject_id = n.network_id
            GROUP BY n.area
        """,
        keys=ctx.areas,
        counts=cols,
        notes=["A network is counted in the area holding most of its members' records."],
    )


def cocad(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    title = "Networks by Hydrant COCAD category"
    if not ctx.graph or not table_exists(con, "network_status"):
        return unavailable("cocad", title, "Network detection has not been run.")
    parts = [f"count(*) FILTER (WHERE s.cocad_category = '{k}')" for k, _ in COCAD]
    return count_table(
        con,
        name="cocad",
        title=title,
        sql=f"""SELECT n.area, {", ".join(parts)} FROM st_networks n
                JOIN network_status s USING (network_id) GROUP BY n.area""",
        keys=ctx.areas,
        counts=list(COCAD),
        total=("total", "All networks"),
    )


def _bands(bounds: tuple[int, ...]) -> list[tuple[str, str, str]]:
    out = []
    for lo, hi in zip(bounds, (*bounds[1:], None), strict=True):
        key = f"age_{lo}_{hi - 1}" if hi is not None else f"age_{lo}_plus"
        label = f"{lo} to {hi - 1}" if hi is not None else f"{lo} and over"
        cond = f"age >= {lo}" + (f" AND age < {hi}" if hi is not None else "")
        out.append((key, label, cond))
    return out


def ages(con: duckdb.DuckDBPyConnection, ctx: Context, s: Settings, who: str) -> StatTable:
    table = "st_children" if who == "victims" else "st_suspects"
    bounds = s.child_age_bands if who == "victims" else s.suspect_age_bands
    bands = _bands(bounds)
    # A negative age (a date of birth after the event) or, for suspects, one above
    # MAX_PLAUSIBLE_AGE is a recording error: counted in a column of its own so the total
    # still counts everyone (and agrees with the table by sex).
    top = f" OR age >= {MAX_PLAUSIBLE_AGE}" if who == "suspects" else ""
    bands = [(k, label, f"({cond}) AND NOT (age < 0{top})") for k, label, cond in bands]
    parts = [f"count(*) FILTER (WHERE {cond})" for _, _, cond in bands]
    parts.append(f"count(*) FILTER (WHERE age < 0{top})")
    parts.append("count(*) FILTER (WHERE age IS NULL)")
    counts = [(k, label) for k, label, _ in bands] + [
        ("age_error", "Recording error (age out of range)"),
        ("age_unknown", "Not known"),
    ]
    return count_table(
        con,
        name=f"age_{who}",
        title="Age of " + (WHO_VICTIMS if who == "victims" else WHO_SUSPECTS),
        sql=f"SELECT area, {', '.join(parts)} FROM {table} GROUP BY area",
        keys=ctx.areas,
        counts=counts,
        total=("total", "Total"),
        notes=["Age at the earliest event in which the person appears in that role."],
    )


def sexes(con: duckdb.DuckDBPyConnection, ctx: Context, who: str) -> StatTable:
    table = "st_children" if who == "victims" else "st_suspects"
    parts = [f"count(*) FILTER (WHERE sex = '{k}')" for k, _ in SEXES]
    return count_table(
        con,
        name=f"sex_{who}",
        title="Sex of " + (WHO_VICTIMS if who == "victims" else WHO_SUSPECTS),
        sql=f"SELECT area, {', '.join(parts)} FROM {table} GROUP BY area",
        keys=ctx.areas,
        counts=list(SEXES),
        total=("total", "Total"),
    )


def partner_coverage(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    counts: list[tuple[str, str]] = [("children", "Children (victims and at risk)")]
    parts = ["count(*)"]
    percents = []
    for key, label in AGENCY_TYPES:
        counts.append((f"known_{key}", f"Known to {label.lower()}"))
        parts.append(f"count(*) FILTER (WHERE list_contains(agency_types, '{key}'))")
        percents.append((f"pct_{key}", f"% known to {label.lower()}", f"known_{key}", "children"))
    counts.append(("partner_only", "Known only to partner agencies"))
    parts.append("count(*) FILTER (WHERE NOT list_contains(agency_types, 'police'))")
    percents.append(("pct_partner_only", "% known only to partners", "partner_only", "children"))
    return count_table(
        con,
        name="partner_coverage",
        title="Children known to each agency type",
        sql=f"SELECT area, {', '.join(parts)} FROM st_children GROUP BY area",
        keys=ctx.areas,
        counts=counts,
        percents=percents,
        notes=[
            "A child is known to an agency type when any of its records, after linkage, "
            "comes from such an agency."
        ],
    )


def partner_networks(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    title = "Networks detectable only because partner data was included"
    if not ctx.graph or not table_exists(con, "networks"):
        return unavailable("partner_networks", title, "Network detection has not been run.")
    return count_table(
        con,
        name="partner_networks",
        title=title,
        sql="""SELECT area, count(*),
                    count(*) FILTER (WHERE NOT coalesce(detectable_police_only, true))
               FROM st_networks GROUP BY area""",
        keys=ctx.areas,
        counts=[("networks", "Networks"), ("partner_needed", "Detectable only with partner data")],
        percents=[("pct_partner_needed", "% needing partner data", "partner_needed", "networks")],
        notes=[
            "From the network stage's police-only rerun: a network counts here when links "
            "evidenced by police data alone do not join at least half its members."
        ],
    )


def agencies(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    table = count_table(
        con,
        name="agencies",
        title="Sources that contributed, by agency type",
        sql=f"""SELECT area, {_agency_counts()}
                FROM st_sources GROUP BY area""",
        keys=ctx.areas,
        counts=list(AGENCY_TYPES),
        total=("total", "All sources"),
        notes=["Counts of sources, not people: published without rounding."],
    )
    table.controlled = False
    return table


def specialist(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    return count_table(
        con,
        name="specialist_unit",
        title="Crimes with an exploitation context investigated by a specialist unit",
        sql="""SELECT area, count(*) FILTER (WHERE specialist_unit = 'yes'),
                      count(*) FILTER (WHERE specialist_unit = 'no'),
                      count(*) FILTER (WHERE specialist_unit IS NULL)
               FROM st_events WHERE event_type = 'crime' AND relevant AND agency_type = 'police'
               GROUP BY area""",
        keys=ctx.areas,
        counts=[
            ("yes", "Specialist unit"),
            ("no", "Not specialist"),
            ("not_recorded", "Not recorded"),
        ],
        total=("crimes", "Crimes"),
        percents=[("pct_specialist", "% specialist", "yes", "crimes")],
    )


def language(con: duckdb.DuckDBPyConnection, ctx: Context) -> StatTable:
    title = "Victim-blaming language in narratives"
    if not ctx.language:
        return unavailable("language", title, "The language check has not been run.")
    table = count_table(
        con,
        name="language",
        title=title,
        sql="""
            WITH f AS (
                SELECT source_id, event_id, count(*) AS n FROM language_findings
                WHERE severity IN ('warning', 'error') GROUP BY ALL
            )
            SELECT e.area, count(*), count(f.event_id), coalesce(sum(f.n), 0)
            FROM st_events e LEFT JOIN f USING (source_id, event_id)
            WHERE nullif(trim(e.narrative), '') IS NOT NULL GROUP BY e.area
        """,
        keys=ctx.areas,
        counts=[
            ("narratives", "Narratives"),
            ("with_findings", "Narratives with a finding"),
            ("findings", "Findings"),
        ],
        notes=["Findings of severity warning or error; quoted or reported words are not counted."],
    )
    from clearsight.stats.table import Column

    table.columns.append(
        Column("per_1000", "Findings per 1,000 narratives", "rate", "findings", "narratives", 1000)
    )
    for r in table.rows:
        n, d = r.values["findings"], r.values["narratives"]
        assert isinstance(n, int) and isinstance(d, int)
        r.values["per_1000"] = round(1000 * n / d, 1) if d else None
    return table


def compute(
    con: duckdb.DuckDBPyConnection,
    settings: Settings | None = None,
    exclude_sources: tuple[str, ...] = (),
) -> Picture:
    """Every table of the national picture, as true (unpublished) counts."""
    from clearsight.stats import quality, timeliness, trends

    s = settings or load_settings()
    ctx = prepare(con, exclude_sources)
    picture = Picture(ctx, s)
    picture.add(scale(con, ctx))
    picture.add(trends.children_by_quarter(con, ctx))
    picture.add(networks(con, ctx))
    picture.add(cocad(con, ctx))
    for who in ("victims", "suspects"):
        picture.add(ages(con, ctx, s, who))
        picture.add(sexes(con, ctx, who))
    picture.add(partner_coverage(con, ctx))
    picture.add(partner_networks(con, ctx))
    picture.add(agencies(con, ctx))
    for table in quality.tables(con, ctx):
        picture.add(table)
    picture.add(specialist(con, ctx))
    picture.add(language(con, ctx))
    for table in timeliness.tables(con, ctx, s):
        picture.add(table)
    return picture
