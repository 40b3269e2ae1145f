"""Key findings for page 1, written from the published tables.

Each finding is a sentence built from published values only (so it discloses nothing the
tables do not) and names the table it comes from. A finding whose figures are suppressed or
unavailable is left out rather than written with a gap. At most five are kept, in the order
a chief officer acts on them: what is missed, what is not recorded, how long it takes.
Where small numbers leave fewer than three, page 1 says which headline measures are
withheld and why: in a small area that is itself what a reader must know.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearsight.stats.disclosure import SUPPRESSED
from clearsight.stats.settings import Settings
from clearsight.stats.table import NATIONAL_KEY, StatTable, Value

MAX_FINDINGS = 5
MIN_FINDINGS = 3
# Headline measures whose withholding page 1 reports: (table, column, what it measures).
WITHHELD = (
    ("partner_coverage", "pct_partner_only", "The share of children known only to partners"),
    (
        "partner_networks",
        "pct_partner_needed",
        "The share of networks needing partner data",
    ),
    (
        "ethnicity_suspects",
        "pct_not_recorded",
        "The share of suspects with no ethnicity",
    ),
    ("cse_flag_agreement", "pct_agree", "Agreement of local CSE flags with the definition"),
    ("timeliness_recorded_to_charge", "median", "The median time from recording to charge"),
)


@dataclass(frozen=True)
class Finding:
    text: str
    table: str
    action: bool = False


def _get(tables: dict[str, StatTable], name: str, row: str, column: str) -> Value:
    table = tables.get(name)
    if table is None or table.unavailable:
        return None
    for r in table.rows:
        if r.key == row:
            return r.values.get(column)
    return None


def _num(value: Value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _trend(
    tables: dict[str, StatTable], raw: dict[str, StatTable], key: str, s: Settings
) -> Finding | None:
    """The last four quarters against the four before, from the unrounded counts, written
    only when every quarter is published for ``key`` and both sums hold enough children."""
    shown, true = tables.get("trend_children"), raw.get("trend_children")
    if shown is None or true is None or true.unavailable or len(true.columns) < 8:
        return None
    cols = [c.key for c in true.columns][-8:]
    row_shown = next((r for r in shown.rows if r.key == key), None)
    row_true = next((r for r in true.rows if r.key == key), None)
    if row_shown is None or row_true is None:
        return None
    if not all(isinstance(row_shown.values.get(c), int) for c in cols):
        return None
    before = sum(int(row_true.values[c] or 0) for c in cols[:4])
    after = sum(int(row_true.values[c] or 0) for c in cols[4:])
    if min(before, after) < s.disclosure.min_cases_for_statistic:
        return None
    change = round(100 * (after - before) / before, 1)
    way = "more" if change > 0 else "fewer"
    return Finding(
        f"{_fmt(abs(change))}% {way} children were newly identified as victims or at risk in "
        f"the last four quarters ({true.columns[-4].label} to {true.columns[-1].label}) than "
        "in the four before.",
        "trend_children",
    )


def findings(
    tables: dict[str, StatTable],
    key: str,
    s: Settings,
    raw: dict[str, StatTable] | None = None,
) -> list[Finding]:
    """Up to five findings for ``key`` (an area code or the national key). ``raw``: the true
    tables, for changes computed from unrounded counts."""
    out: list[Finding] = []
    trend = _trend(tables, raw or {}, key, s)
    if trend is not None:
        out.append(trend)
    partner = _num(_get(tables, "partner_coverage", key, "pct_partner_only"))
    if partner is not None:
        out.append(
            Finding(
                f"{_fmt(partner)}% of children who are victims or at risk are known only to "
                "partner agencies: police data alone would not show them.",
                "partner_coverage",
                action=partner > 0,
            )
        )
    needed = _num(_get(tables, "partner_networks", key, "pct_partner_needed"))
    if needed is not None:
        out.append(
            Finding(
                f"{_fmt(needed)}% of the networks detected were detectable only because "
                "partner data was included.",
                "partner_networks",
            )
        )
    eth = _num(_get(tables, "ethnicity_suspects", key, "pct_not_recorded"))
    if eth is not None:
        out.append(
            Finding(
                f"Self-defined ethnicity is not recorded for {_fmt(eth)}% of suspects and "
                "offenders; the 2025 national audit asks for it to be recorded for every "
                "suspect.",
                "ethnicity_suspects",
                action=eth > 0,
            )
        )
    agree = _num(_get(tables, "cse_flag_agreement", key, "pct_agree"))
    if agree is None and key == NATIONAL_KEY:
        agree = _num(_get(tables, "cse_flag_agreement", "england-and-wales", "pct_agree"))
    if agree is not None:
        out.append(
            Finding(
                f"Agencies' own CSE flags agree with the universal definition in {_fmt(agree)}% "
                "of cases with a child victim or subject.",
                "cse_flag_agreement",
                action=agree < 100,
            )
        )
    median = _num(_get(tables, "timeliness_recorded_to_charge", key, "median"))
    cmp = s.timeliness.comparison
    if median is not None:
        side = "longer than" if median > cmp.median_days else "within"
        out.append(
            Finding(
                f"The median time from recording a crime to charge is {_fmt(median)} days, "
                f"{side} the published comparison of {cmp.median_days:g} days.",
                "timeliness_recorded_to_charge",
                action=median > cmp.median_days,
            )
        )
    review = _num(_get(tables, "review_queue", key, "cases"))
    if review:
        out.append(
            Finding(
                f"{_fmt(review)} closed cases show new evidence since closure and are queued "
                "for review.",
                "review_queue",
                action=True,
            )
        )
    old = _num(_get(tables, "open_investigations", key, "older"))
    if old:
        out.append(
            Finding(
                f"{_fmt(old)} investigations have been open for more than "
                f"{s.timeliness.open_older_than_days} days.",
                "open_investigations",
                action=True,
            )
        )
    if len(out) < MIN_FINDINGS:
        out += _withheld(tables, key, {f.table for f in out})[: MIN_FINDINGS - len(out)]
    return out[:MAX_FINDINGS]


def _withheld(tables: dict[str, StatTable], key: str, written: set[str]) -> list[Finding]:
    """Headline measures suppressed for ``key``, each said plainly (never its value)."""
    return [
        Finding(
            f"{what} is withheld here: the numbers are too small to publish without risk "
            "of identifying the people counted (disclosure control; see the annex).",
            table,
        )
        for table, column, what in WITHHELD
        if table not in written and _get(tables, table, key, column) == SUPPRESSED
    ]
