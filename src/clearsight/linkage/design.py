"""The model's design from the data present: which fields to compare, how to train.

Partners send what they hold: a charity a name and a town, children's services a
name, a date of birth and a free-text address, health an NHS number. Before
training, the person records are profiled per field and per source (fill rate,
distinct values); a comparison enters the model only for a field that is filled
often enough to be evidence, and each training step is kept only when its
blocking rule produces pairs. Every choice is written down with its reason
(``Design.notes``): the run log, ``link_runs.design_json`` and the CLI show it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from clearsight.linkage.errors import NothingLinkableError
from clearsight.linkage.features import INPUT_TABLE

# Each comparison of ``comparisons.comparisons`` and the feature columns that carry it:
# a record holds the field when any of them is filled.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "forenames": ("fn1",),
    "surname": ("sn",),
    "date_of_birth": ("dob_y",),
    "place": ("postcode", "address"),
    "phones": ("phones",),
    "emails": ("emails",),
    "nhs_number": ("nhs_number",),
    "sex": ("sex",),
    "area": ("area",),
}

# A field recorded for fewer than one record in a hundred is not a recording
# practice of any partner but an occasional entry: both records of a pair hold it
# about once in ten thousand pairs, too rarely for the model to learn what its
# agreement means (EM and random sampling see almost no pair that has it).
MIN_FILL = 0.01

# Fields that identify a person on their own: an NHS number, a phone or an email
# address is one person's (or one household's). The others identify only in
# combination: a name alone is shared by strangers, a date of birth by thousands.
STRONG_FIELDS = frozenset({"nhs_number", "phones", "emails"})
COMBINING_FIELDS = frozenset({"forenames", "surname", "date_of_birth", "place"})

# EM estimates, for every level of every comparison, how often true pairs show
# it. Splink's guidance is "at least a few hundred" pairs from a training rule;
# with fewer, a level a handful of pairs reach is noise.
MIN_EM_PAIRS = 200
# A small submission (one charity, one school) may offer no training rule with that
# many. Its comparisons are then trained on the rules it does offer, down to this many
# pairs, and the run says the estimates are rough: rough estimates from the data link
# far better than Splink's generic starting values, which link nothing.
MIN_EM_PAIRS_SMALL = 20


@dataclass(frozen=True)
class TrainingRule:
    """Records agreeing exactly on ``columns``; trains every comparison but ``blocks``."""

    columns: tuple[str, ...]
    blocks: tuple[str, ...]


# Training sessions in order of preference. The first two are the design that
# holds on the project's multi-agency data: each blocks on what the other
# estimates. Where a source holds no NHS number, the birth date is trained on
# pairs that agree on both names and the place, else on both names (Splink's
# own examples block EM on names). Names alone draw in same-named strangers on
# large data, which is why it comes last.
EM_CANDIDATES: tuple[TrainingRule, ...] = (
    TrainingRule(("dob",), ("date_of_birth",)),
    TrainingRule(("nhs_number",), ("nhs_number",)),
    TrainingRule(("fn1", "sn", "postcode"), ("forenames", "surname", "place")),
    TrainingRule(("fn1", "sn", "address"), ("forenames", "surname", "place")),
    TrainingRule(("fn1", "sn"), ("forenames", "surname")),
    TrainingRule(("sn", "postcode"), ("surname", "place")),
)

# Deterministic rules for the prior (the share of pairs that match): pairs that
# agree on these are nearly all one person.
PRIOR_CANDIDATES: tuple[tuple[str, ...], ...] = (
    ("fn1", "sn", "dob"),
    ("nhs_number",),
    ("fn1", "sn", "postcode"),
    ("fn1", "sn", "address"),
)


@dataclass
class FieldProfile:
    field: str
    filled: int
    fill_rate: float
    distinct: int
    by_source: dict[str, float]


@dataclass
class Design:
    """What the model compares and how it is trained, with the reason for each choice."""

    n_records: int
    fields: list[FieldProfile]
    compared: list[str]
    skipped: dict[str, str]
    prior_rules: list[list[str]] = field(default_factory=list)
    em_rules: list[list[str]] = field(default_factory=list)
    untrained: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Of the records with a year of birth, the share holding the year only
    # (``partial_dates.py`` weighs the year-only levels from it).
    year_only_share: float = 0.0
    # Of the records with a place, the share holding a town alone (``partial_places.py``
    # weighs the town level from it).
    town_only_share: float = 0.0
    # Usable training rules not in ``em_rules``, in order of preference, with at least
    # ``MIN_EM_PAIRS_SMALL`` pairs: where an EM session fails, ``model.train`` trains
    # what it would have trained on the first of them that can.
    em_fallbacks: list[list[str]] = field(default_factory=list)

    def trained_by(self, columns: list[str]) -> set[str]:
        """The compared fields an EM session blocked on ``columns`` trains."""
        rule = next(r for r in EM_CANDIDATES if list(r.columns) == columns)
        return set(self.compared) - set(rule.blocks)

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def profile(con: duckdb.DuckDBPyConnection, table: str = INPUT_TABLE) -> list[FieldProfile]:
    """Fill rate and distinct values of every compared field, overall and per source."""
    filled_exprs = {
        name: " OR ".join(f"{c} IS NOT NULL" for c in cols) for name, cols in FIELD_COLUMNS.items()
    }
    selects = ", ".join(
        f"count(*) FILTER (WHERE {expr}) AS f_{name}" for name, expr in filled_exprs.items()
    )
    overall = con.execute(f"SELECT count(*), {selects} FROM {table}").fetchall()[0]
    n = int(overall[0])
    per_source = con.execute(
        f"SELECT source_id, count(*), {selects} FROM {table} GROUP BY source_id ORDER BY 1"
    ).fetchall()
    distinct_exprs = ", ".join(
        f"count(DISTINCT {_value(cols)}) AS d_{name}" for name, cols in FIELD_COLUMNS.items()
    )
    distinct = con.execute(f"SELECT {distinct_exprs} FROM {table}").fetchall()[0]
    out = []
    for i, name in enumerate(FIELD_COLUMNS):
        filled = int(overall[i + 1])
        out.append(
            FieldProfile(
                field=name,
                filled=filled,
                fill_rate=round(filled / n, 4) if n else 0.0,
                distinct=int(distinct[i]),
                by_source={
                    str(row[0]): round(int(row[i + 2]) / int(row[1]), 4) for row in per_source
                },
            )
        )
    return out


def _value(columns: tuple[str, ...]) -> str:
    parts = [f"CAST({c} AS VARCHAR)" for c in columns]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def pair_count(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> int:
    """Record pairs agreeing exactly on every one of ``columns`` (all filled)."""
    cols = ", ".join(columns)
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    return int(
        con.execute(
            f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM "
            f"(SELECT count(*) AS n FROM {INPUT_TABLE} WHERE {present} GROUP BY {cols})"
        ).fetchall()[0][0]
    )


def _share(con: duckdb.DuckDBPyConnection, table: str, of: str, holding: str) -> float:
    """Of the records in ``table`` meeting ``of``, the share also meeting ``holding``."""
    whole, part = con.execute(
        f"SELECT count(*) FILTER (WHERE {of}), count(*) FILTER (WHERE ({of}) AND {holding}) "
        f"FROM {table}"
    ).fetchall()[0]
    return float(part) / float(whole) if whole else 0.0


def year_only_share(con: duckdb.DuckDBPyConnection, table: str = INPUT_TABLE) -> float:
    """Of the records in ``table`` with a year of birth, the share holding the year only."""
    return _share(con, table, "dob_y IS NOT NULL", "dob_ym IS NULL")


def town_only_share(con: duckdb.DuckDBPyConnection, table: str = INPUT_TABLE) -> float:
    """Of the records in ``table`` with a postcode or address, the share holding a town alone."""
    return _share(con, table, "postcode IS NOT NULL OR address IS NOT NULL", "addr_town_only")


def choose(con: duckdb.DuckDBPyConnection, comparison_names: list[str]) -> Design:
    """The design for the records in ``link_input``; raise when nothing can link them."""
    fields = profile(con)
    by_name = {f.field: f for f in fields}
    n = int(con.execute(f"SELECT count(*) FROM {INPUT_TABLE}").fetchall()[0][0])
    compared, skipped = [], {}
    for name in comparison_names:
        prof = by_name[name]
        if prof.filled == 0:
            skipped[name] = "not recorded by any source"
        elif prof.fill_rate < MIN_FILL:
            skipped[name] = (
                f"recorded for {prof.filled:,} of {n:,} records ({prof.fill_rate:.2%}), "
                f"below the {MIN_FILL:.0%} a field needs to be evidence"
            )
        elif prof.distinct < 2:
            skipped[name] = "one value for every record: it tells no one apart"
        else:
            compared.append(name)
    design = Design(n_records=n, fields=fields, compared=compared, skipped=skipped)
    _require_linkable(design)
    for name, reason in skipped.items():
        design.notes.append(f"{name} not compared: {reason}")
    if "date_of_birth" in compared:
        design.year_only_share = round(year_only_share(con), 4)
        design.notes.append(
            f"date_of_birth: {design.year_only_share:.1%} of dated records hold a year only; "
            "a year only against a full date is weighed from that share and how an estimated "
            "year agrees, not by EM"
        )
    if "place" in compared:
        design.town_only_share = round(town_only_share(con), 4)
        design.notes.append(
            f"place: {design.town_only_share:.1%} of records with a place hold a town alone; "
            "a town alone against an address is weighed from that share and how often one "
            "person's town agrees, not by EM"
        )
    _plan_training(con, design)
    return design


def _require_linkable(design: Design) -> None:
    """Refuse records that hold no combination able to tell one person from another."""
    present = set(design.compared)
    if present & STRONG_FIELDS or len(present & COMBINING_FIELDS) >= 2:
        return
    held: dict[str, list[str]] = {}
    for prof in design.fields:
        for source, rate in prof.by_source.items():
            held.setdefault(source, [])
            if rate > 0 and prof.field not in ("area", "sex"):
                held[source].append(prof.field)
    described = "; ".join(
        f"{source}: {', '.join(f) if f else 'no identifying field'}"
        for source, f in sorted(held.items())
    )
    # A field held but left out (one value for every record, too rarely filled) is named
    # with its reason, or the list of what the sources hold would seem to be enough.
    left_out = "".join(
        f"; {name} not compared: {reason}"
        for name, reason in design.skipped.items()
        if name not in ("area", "sex") and any(f.field == name and f.filled for f in design.fields)
    )
    raise NothingLinkableError(
        "nothing linkable: linking needs an NHS number, a phone or an email address, or "
        "two of forenames, surname, date of birth and address or postcode, each on at "
        f"least {MIN_FILL:.0%} of records; the sources hold {described}{left_out}",
        design.as_json(),
    )


def _usable(columns: tuple[str, ...], design: Design) -> bool:
    owner = {c: name for name, cols in FIELD_COLUMNS.items() for c in cols}
    owner.update({"dob": "date_of_birth"})
    return all(owner.get(c) in design.compared for c in columns)


def _plan_training(con: duckdb.DuckDBPyConnection, design: Design) -> None:
    for columns in PRIOR_CANDIDATES:
        if _usable(columns, design) and pair_count(con, columns) > 0:
            design.prior_rules.append(list(columns))
    if not design.prior_rules:
        design.notes.append(
            "prior not estimated (no deterministic rule produced pairs): "
            "the default of 1 in 100,000 pairs is used"
        )
    untrained = set(design.compared)
    small: list[tuple[TrainingRule, int]] = []
    for rule in EM_CANDIDATES:
        if not untrained:
            break
        if not _usable(rule.columns, design):
            continue
        trains = (set(design.compared) - set(rule.blocks)) & untrained
        if not trains:
            continue
        pairs = pair_count(con, rule.columns)
        if pairs < MIN_EM_PAIRS:
            small.append((rule, pairs))
            continue
        design.em_rules.append(list(rule.columns))
        design.notes.append(
            f"EM on {' + '.join(rule.columns)} ({pairs:,} pairs) trains {', '.join(sorted(trains))}"
        )
        untrained -= trains
    for rule, pairs in small:
        trains = (set(design.compared) - set(rule.blocks)) & untrained
        if not trains or pairs < MIN_EM_PAIRS_SMALL:
            design.notes.append(
                f"EM on {' + '.join(rule.columns)} skipped: {pairs:,} pairs"
                + ("" if trains else ", nothing left for it to train")
            )
            continue
        design.em_rules.append(list(rule.columns))
        design.notes.append(
            f"EM on {' + '.join(rule.columns)} ({pairs:,} pairs, fewer than {MIN_EM_PAIRS}: "
            f"rough estimates) trains {', '.join(sorted(trains))}"
        )
        untrained -= trains
    design.untrained = sorted(untrained)
    for rule in EM_CANDIDATES:
        listed = list(rule.columns)
        if listed in design.em_rules or not _usable(rule.columns, design):
            continue
        if pair_count(con, rule.columns) >= MIN_EM_PAIRS_SMALL:
            design.em_fallbacks.append(listed)
    for name in design.untrained:
        design.notes.append(
            f"m of {name} not trained (no training rule with pairs leaves it free): "
            "Splink's starting values are used"
        )


def describe(design: Design) -> dict[str, Any]:
    """The design as the run log and ``link_runs.design_json`` keep it."""
    return json.loads(design.as_json())  # type: ignore[no-any-return]
