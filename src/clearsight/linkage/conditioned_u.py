"""u probabilities read from random pairs that disagree on the other identifiers.

Splink estimates each level's u (how often two different people agree) from random
pairs of records, taking every random pair for two different people. Where people are
recorded many times over (a child known to every agency; a file of five records a
person) enough random pairs are one person that the agreement they show is mostly the
matches': an exact date of birth then weighs little more than a town, and a person's
records stay apart.

The Fellegi-Sunter model assumes the comparisons are independent given the match
status. Under that assumption a field's u is the same among all non-matches as among
non-matches that disagree on the other identifiers, and a random pair whose forenames,
surname or date of birth plainly disagree (the "else" level: both recorded, nothing
alike) is almost never one person. So each comparison's u is read from the random pairs
in which the *other* identifying comparisons disagree or are unrecorded, at least one
plainly disagrees, and none agrees at any level: the surname's u from pairs of
different forenames and dates of birth (brothers and sisters stay in it, so a shared
surname counts for what it is in a household), the date of birth's from pairs of
different names. Fields a household shares (a place, a phone, an email) are read from
pairs of different forenames and dates of birth, so that a household's members stay in.

This replaces Splink's random sampling (one pass compares every sampled pair on every
comparison; Splink's passes once per comparison): the sample is ``u_max_pairs`` pairs,
drawn by a hash of the record key and the seed, so a run is repeatable. Where records
are seldom duplicated the condition takes out almost nothing and nothing moves. A level
random pairs show but no conditioned pair does gets half a pair's share (the floor of
``model.regularised``); a level no random pair shows is "not observed", as Splink marks
it. Where the condition removes most pairs (the identifiers too seldom recorded to
condition on), the comparison's u is read from all the sampled pairs, as Splink reads
it. The run log says which levels the condition moved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb

from clearsight.linkage.features import RECORD_KEY

# The comparisons that say who a person is, and on which two different people plainly
# disagree: names and date of birth. Each comparison's u is read under the others.
IDENTIFYING = ("forenames", "surname", "date_of_birth")
# A household shares a surname, an address, a phone and often an email, but not a
# forename or a date of birth. A field a household shares is read under the forenames
# and the date of birth only, so that brothers, sisters and parents stay among the
# pairs it is read from: what a shared address or phone is worth among them is the
# weight that keeps them apart.
HOUSEHOLD_BLIND = ("forenames", "date_of_birth")
# The condition is meant to take out the few random pairs that are one person. Where it
# takes out most of them the identifiers are too seldom recorded to condition on, and
# what is left is no random sample of non-matches: the comparison keeps Splink's u.
MIN_KEPT_SHARE = 0.5
# A level's weight must move by at least this many bits for the run log to say so.
NOTED_BITS = 0.1
DESCRIPTION = "estimate u by random sampling, pairs disagreeing on the other identifiers"
SAMPLE_TABLE = "_u_condition_sample"
GAMMA_TABLE = "_u_condition_gammas"


@dataclass(frozen=True)
class Sampled:
    """One comparison over the sampled pairs: the pairs at each non-null level among all
    pairs that hold both values (``recorded``) and among those its condition keeps
    (``conditioned``; None when nothing in the model conditions it)."""

    comparison: str
    recorded: dict[int, int]
    conditioned: dict[int, int] | None

    @property
    def usable(self) -> bool:
        kept = sum(self.conditioned.values()) if self.conditioned is not None else 0
        return kept > 0 and kept >= MIN_KEPT_SHARE * sum(self.recorded.values())

    def u(self, level: int) -> float | None:
        """The level's u, or None where no sampled pair shows it at all."""
        if self.recorded.get(level, 0) == 0:
            return None
        if self.conditioned is None or not self.usable:
            return self.recorded[level] / sum(self.recorded.values())
        # Shown by random pairs but by no conditioned one: half a pair, the floor
        # every unseen level gets (``model.regularised``).
        return max(self.conditioned.get(level, 0), 0.5) / sum(self.conditioned.values())

    def unconditioned(self, level: int) -> float | None:
        k = self.recorded.get(level, 0)
        return k / sum(self.recorded.values()) if k else None


def _sample_rows(max_pairs: float) -> int:
    # n records make n (n - 1) / 2 pairs: the n that makes max_pairs.
    return math.ceil(0.5 * (math.sqrt(8 * max_pairs + 1) + 1))


def _comparisons(con: duckdb.DuckDBPyConnection, settings: Any) -> list[Any]:
    """Splink's comparisons of ``settings`` in DuckDB's dialect (whatever backend trains)."""
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI(connection=con)
    # log_level=None: leave Splink's logging as the run set it (quiet unless --verbose).
    sample = api.register(SAMPLE_TABLE, dataset_display_name=SAMPLE_TABLE)
    # The comparisons only: the training linker's own checks cover these settings.
    linker = Linker(sample, settings, log_level=None, validate_settings=False)
    comparisons = list(linker._settings_obj.comparisons)
    # u is read without term frequencies, as Splink's random sampling reads it.
    for comparison in comparisons:
        for level in comparison.comparison_levels:
            level._tf_adjustment_column = None
    return comparisons


def gammas(
    con: duckdb.DuckDBPyConnection, table: str, settings: Any, max_pairs: float, seed: int
) -> list[str]:
    """Every pair of a random sample of ``table``'s records, compared: ``GAMMA_TABLE``
    with one ``gamma_<comparison>`` column per comparison. Returns the comparisons."""
    rows = _sample_rows(max_pairs)
    con.execute(
        # Ordered by a hash of the key and the seed: the same sample whatever the threads.
        f"CREATE OR REPLACE TEMP TABLE {SAMPLE_TABLE} AS SELECT * FROM {table} "
        f"ORDER BY hash({RECORD_KEY}::VARCHAR || '/{seed}') LIMIT {rows}"
    )
    comparisons = _comparisons(con, settings)
    columns: list[str] = []
    for comparison in comparisons:
        columns.extend(c for c in comparison._columns_to_select_for_blocking() if c not in columns)
    cases = ",\n".join(comparison._case_statement for comparison in comparisons)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {GAMMA_TABLE} AS
        WITH pairs AS (
            SELECT {", ".join(columns)}
            FROM {SAMPLE_TABLE} AS l JOIN {SAMPLE_TABLE} AS r
              ON l.{RECORD_KEY} < r.{RECORD_KEY}
        )
        SELECT {cases} FROM pairs
        """
    )
    return [comparison.output_column_name for comparison in comparisons]


def condition(name: str, compared: list[str]) -> str | None:
    """The SQL condition on a pair for ``name``'s u, or None when nothing in the model
    can condition it."""
    under = IDENTIFYING if name in IDENTIFYING else HOUSEHOLD_BLIND
    others = [c for c in under if c != name and c in compared]
    if not others:
        return None
    quiet = " AND ".join(f"gamma_{c} IN (-1, 0)" for c in others)
    plain = " OR ".join(f"gamma_{c} = 0" for c in others)
    return f"{quiet} AND ({plain})"


def counted(con: duckdb.DuckDBPyConnection, compared: list[str]) -> list[Sampled]:
    """Every comparison over the sampled pairs, with and without its condition."""
    out: list[Sampled] = []
    for name in compared:
        where = condition(name, compared)
        rows = con.execute(
            f"""
            SELECT gamma_{name}, count(*), count(*) FILTER ({where or "false"})
            FROM {GAMMA_TABLE} WHERE gamma_{name} <> -1
            GROUP BY gamma_{name}
            """
        ).fetchall()
        recorded = {int(g): int(k) for g, k, _ in rows}
        conditioned = {int(g): int(c) for g, _, c in rows if c} if where else None
        out.append(Sampled(name, recorded, conditioned))
    return out


def release(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {GAMMA_TABLE}")
    con.execute(f"DROP TABLE IF EXISTS {SAMPLE_TABLE}")


def apply(linker: Any, sampled: list[Sampled]) -> list[str]:
    """Set every level's u on ``linker``'s live settings from ``sampled``; the run-log
    notes of the levels whose u the condition moved."""
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    by_name = {s.comparison: s for s in sampled}
    notes: list[str] = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        if name not in by_name:
            continue
        for level in comparison._comparison_levels_excluding_null:
            value = level.comparison_vector_value
            u = by_name[name].u(value)
            # Splink sets each level's u from its record of estimates when a training
            # session ends: this estimate is the record.
            level.u_probability = LEVEL_NOT_OBSERVED_TEXT if u is None else u
            level._trained_u_probabilities = [
                {"probability": level._u_probability, "description": DESCRIPTION, "m_or_u": "u"}
            ]
            before = by_name[name].unconditioned(value)
            if u is not None and before and abs(math.log2(before / u)) >= NOTED_BITS:
                notes.append(
                    f"{name}: '{level.label_for_charts}' u {before:.3g} among random pairs, "
                    f"{u:.3g} among those disagreeing on the other identifiers"
                )
    return notes


def estimate(
    con: duckdb.DuckDBPyConnection,
    linker: Any,
    table: str,
    settings: Any,
    compared: list[str],
    max_pairs: float,
    seed: int,
) -> list[str]:
    """Estimate u on ``linker`` from random pairs of ``table``, each comparison's from
    the pairs that disagree on the other identifiers; the notes of what that moved."""
    try:
        gammas(con, table, settings, max_pairs, seed)
        return apply(linker, counted(con, compared))
    finally:
        release(con)
