"""The safeguarding guards: why a pair scored above the threshold is still not linked.

``mark_links`` sets ``linked`` and ``refused_because`` on ``link_pairs`` from these
rules and the analysts' decisions; clustering (``clusters.py``) follows the links
that pass. Each rule reads comparison levels by number (``model.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from clearsight.linkage.model import (
    DOB_ELSE,
    DOB_PARTIAL_WITHIN_YEAR,
    DOB_PARTIAL_YEAR,
    DOB_SAME_DATE,
    DOB_YEARS_DIFFER,
    FORENAMES_DISCREPANT,
    FORENAMES_ELSE,
    NHS_ELSE,
    NHS_EXACT,
    NHS_ONE_ERROR,
    PLACE_AS_FAR_AS_RECORDED,
    PLACE_KEYED_ALIKE,
    PLACE_SAME_ADDRESS,
    SURNAME_HOUSEHOLD_MIN,
)

# Why a pair scored above the threshold is still not linked. The model can
# add up agreeing surname, birth date and address to a high weight for twins;
# these rules say what no weight may override. A pair a rule holds back is not
# dropped: it keeps its reason in ``link_pairs.refused_because`` and goes to the
# review queue (``review.review_list``), where an analyst's accept links it.
#
# The twin and sibling guard is narrow: the same surname (or a keyed error of
# it; or, since each agency writes one household's surname its own way, a
# transliteration of it or one half of a double-barrelled surname: Osman and
# Usman, Ward and Ward-Ahmed; ``SURNAME_HOUSEHOLD_MIN``), the same full birth
# date, the same address or postcode (or none to compare, or a postcode of the
# same sector: ``PLACE_KEYED_ALIKE``) and forenames that agree at no level.
# Twins and siblings share all of that, and merging two children is the worse
# harm in safeguarding: their records of abuse and risk would be read as one
# child's. Only an identifier twins do not share lifts it: the NHS number,
# exactly or within one keyed error. A different forename outside that pattern
# (an address or birth date that differs too) is weighed by the model like any
# other disagreement.
#
# "dates of birth differ" holds back birth dates that agree at no level (not
# within a year, not transposed, not one character apart) and whose years are a
# generation apart, unless the NHS numbers agree: a parent and a child of the
# same name at one address otherwise link on name and address. A parent is at
# least ``GENERATION_YEARS`` older than their child (the youngest mothers in the
# birth statistics of England and Wales are 12 or 13); two records of one name a
# few years apart are a recording error or an estimated age, which the model
# weighs (the birth date's "else" level counts against them).
GENERATION_YEARS = 12
# Twins are twins however the date is keyed: a day and month transposed is the same
# birth date (``DOB_SAME_DATE``). And forenames that differ only as a typing error
# could (Jade and Jamie, Hassan and Hussain: twins are often given names alike) are
# held back too where both records hold an NHS number and the numbers differ beyond
# one keyed error: a forename discrepancy AND a different identifier is two
# discrepancies, less likely in one child's records than a twin, as for siblings below.
#
# "household member" holds back a pair of one surname at one home whose forenames
# agree at no level where one record has no birth date: the birth date is what tells
# the members of a household apart (siblings, a parent), and with it missing nothing
# says the two are one person but the household they share. As for twins, only an
# agreeing NHS number lifts it.
HOUSEHOLD_GUARD = "household member: same surname and address, forenames differ, no birth date"
# The same where one record holds a year of birth only (a charity's "2010", a 1 January
# placeholder, a year worked back from an age) and it agrees with the other's, or is one
# out: a year is shared by twins and by siblings born in one year, and an age worked
# back or estimated is a year out as often for a sibling as for the person. Such a date
# tells the members of a household apart no better than no date does; the forenames,
# which agree at no level and begin with different letters, say two people. Forenames
# of one initial are left to the model: keyed errors rarely touch the first letter, so
# "Epie" may be a mistyped "Evie" recorded "Eve" elsewhere, which a year cannot settle.
HOUSEHOLD_YEAR_GUARD = (
    "household member: same surname and address, forenames differ, a year of birth only"
)
TWIN_GUARD = "twins or siblings: same surname, birth date and address, forenames differ"
BIRTH_DATE_GUARD = "dates of birth differ"
# "possible siblings" holds back two records of one surname (as for twins) at one home whose
# forenames differ (not a recorded variant, nickname, initial or alias: a
# typing error at most) and whose birth years differ too, unless the NHS
# numbers agree. Household members share the surname and the address and
# differ in forename and birth date; that is how ONS and household linkage
# practice tell the members of one household apart. One person's two records
# with a discrepancy in BOTH the forename and the birth year, at one address,
# are less likely than a brother or sister: brothers are often given names a
# letter apart (Adeel and Aqeel), and birth years a character apart (1995 and
# 1997) are two children two years apart. Merging siblings is the worse harm in
# safeguarding: an offender's records would be read as his brother's, a
# witness's. The rule is narrow: one discrepancy alone (a forename typing error
# with the same birth date, or a birth year keyed wrongly with the same
# forename) links as the model weighs it; a transposed day and month, a date one
# character out in the day or month is no difference of year; both birth dates
# must be full: a partial date (a year, a year and month, a 1 January
# placeholder) is an estimate or an unknown day, which one person's records
# carry as often as siblings'; the address must be one home, not a similar string.
# And the years must be at least ``SIBLING_YEARS`` apart: a year of birth one out is
# the commonest error in a recorded birth date, not a second person. A year worked
# back from an age ("aged 14" in a referral, an estimate in a health or charity
# record) is one out for the part of every year before the birthday, and an age
# given as at the wrong date (the referral, the incident, the extract) does the
# same. Siblings a calendar year apart with near-identical forenames are left to
# the model's weighing and to the review of uncertain pairs.
SIBLING_YEARS = 2
SIBLING_GUARD = "possible siblings: same surname and address, forename and birth year both differ"
# "NHS numbers differ" holds back two records that each hold an NHS number, the two
# numbers more than one keyed error apart. An NHS number is issued once, to one person,
# for life (NHS England: the number is unique to each person); a person's records in
# health, social care and education carry the one number. Ingest keeps only numbers
# that pass the modulus-11 check digit, which catches every single keyed digit and
# every transposition of two adjacent digits, so two stored numbers that differ are
# two issued numbers: two people, or a number copied from another person's record (a
# sibling's or a parent's, on the same family file), which only the source can settle.
# The model weighs a disagreeing number as one comparison among several, and a father
# and a son of one name at one home, one record undated, outweigh it on name and
# address ("David Joseph Greenwood" with no date and "David Greenwood", born 1991, at
# one address, each with his own number). Precision first: such a pair goes to the
# review queue with the reason, and an analyst's accept links it.
NHS_GUARD = "NHS numbers differ"


@dataclass(frozen=True)
class Guards:
    """Which safeguarding rules hold pairs back.

    Casework always has every one (``ALL_GUARDS``); switching one off is for
    measuring what it costs on a benchmark, never a product setting. An analyst's
    decision and the unidentified-person rule are not guards of this kind and
    always hold.
    """

    twins: bool = True
    siblings: bool = True
    birth_dates: bool = True
    identifiers: bool = True


# Columns of ``link_pairs`` the guards read beside the levels.
GUARD_COLUMNS = {
    "dob_y_l": "INTEGER",
    "dob_y_r": "INTEGER",
    "dob_full_l": "BOOLEAN",
    "dob_full_r": "BOOLEAN",
    "fn_init_l": "VARCHAR",
    "fn_init_r": "VARCHAR",
}


def pairs_for_guards(con: duckdb.DuckDBPyConnection) -> str:
    """``link_pairs`` as the guards read it, for a reader that may not alter the store.

    A store linked by an earlier version lacks some ``GUARD_COLUMNS``: they read
    as NULL (the rule that needs them does not hold the pair back).
    """
    present = {
        str(r[0]) for r in con.execute("SELECT column_name FROM (DESCRIBE link_pairs)").fetchall()
    }
    missing = [f"NULL::{kind} AS {c}" for c, kind in GUARD_COLUMNS.items() if c not in present]
    return f"(SELECT *, {', '.join(missing)} FROM link_pairs)" if missing else "link_pairs"


ALL_GUARDS = Guards()
NO_GUARDS = Guards(twins=False, siblings=False, birth_dates=False, identifiers=False)

_NHS_DISAGREES = f"p.gamma_nhs_number NOT IN ({NHS_EXACT}, {NHS_ONE_ERROR})"


def _levels(values: tuple[int, ...]) -> str:
    return ", ".join(map(str, values))


def guard_sql(guards: Guards = ALL_GUARDS) -> str:
    """The guards as a SQL CASE over ``link_pairs p`` and ``current_link_decisions d``."""
    rules = []
    if guards.twins:
        rules.append(
            f"""
    WHEN coalesce(p.gamma_surname, -1) >= {SURNAME_HOUSEHOLD_MIN}
         AND p.gamma_date_of_birth IN ({_levels(DOB_SAME_DATE)})
         AND coalesce(p.gamma_place, -1)
             IN (-1, {_levels(PLACE_AS_FAR_AS_RECORDED)}, {_levels(PLACE_SAME_ADDRESS)},
                 {_levels(PLACE_KEYED_ALIKE)})
         AND {_NHS_DISAGREES}
         AND (p.gamma_forenames = {FORENAMES_ELSE}
              OR p.gamma_forenames IN ({_levels(FORENAMES_DISCREPANT)})
                 AND p.gamma_nhs_number = {NHS_ELSE})
        THEN '{TWIN_GUARD}'
    WHEN p.gamma_forenames = {FORENAMES_ELSE}
         AND coalesce(p.gamma_surname, -1) >= {SURNAME_HOUSEHOLD_MIN}
         AND p.gamma_date_of_birth = -1
         AND p.gamma_place IN ({_levels(PLACE_SAME_ADDRESS)})
         AND {_NHS_DISAGREES}
        THEN '{HOUSEHOLD_GUARD}'
    WHEN p.gamma_forenames = {FORENAMES_ELSE}
         AND coalesce(p.gamma_surname, -1) >= {SURNAME_HOUSEHOLD_MIN}
         AND p.gamma_date_of_birth IN ({DOB_PARTIAL_YEAR}, {DOB_PARTIAL_WITHIN_YEAR})
         AND coalesce(p.fn_init_l <> p.fn_init_r, true)
         AND p.gamma_place IN ({_levels(PLACE_SAME_ADDRESS)})
         AND {_NHS_DISAGREES}
        THEN '{HOUSEHOLD_YEAR_GUARD}'"""
        )
    if guards.birth_dates:
        rules.append(
            f"""
    WHEN p.gamma_date_of_birth = {DOB_ELSE}
         AND coalesce(abs(p.dob_y_l - p.dob_y_r), {GENERATION_YEARS}) >= {GENERATION_YEARS}
         AND {_NHS_DISAGREES}
        THEN '{BIRTH_DATE_GUARD}'"""
        )
    if guards.siblings:
        rules.append(
            f"""
    WHEN p.gamma_forenames IN ({_levels(FORENAMES_DISCREPANT)})
         AND coalesce(p.gamma_surname, -1) >= {SURNAME_HOUSEHOLD_MIN}
         AND p.gamma_date_of_birth IN ({_levels(DOB_YEARS_DIFFER)})
         AND coalesce(p.dob_full_l AND p.dob_full_r, false)
         AND coalesce(abs(p.dob_y_l - p.dob_y_r), 0) >= {SIBLING_YEARS}
         AND p.gamma_place IN ({_levels(PLACE_SAME_ADDRESS)})
         AND {_NHS_DISAGREES}
        THEN '{SIBLING_GUARD}'"""
        )
    if guards.identifiers:
        # Last: a pair the household rules hold keeps their more specific reason.
        rules.append(
            f"""
    WHEN p.gamma_nhs_number = {NHS_ELSE}
        THEN '{NHS_GUARD}'"""
        )
    return f"""
CASE
    WHEN d.decision = 'reject' THEN 'rejected by analyst'
    WHEN d.decision = 'accept' THEN NULL
    WHEN (p.is_unknown_l OR p.is_unknown_r) AND p.gamma_nhs_number <> {NHS_EXACT}
        THEN 'unidentified person'{"".join(rules)}
END
"""


GUARD_SQL = guard_sql()


def mark_links(
    con: duckdb.DuckDBPyConnection,
    threshold: float,
    *,
    guards: Guards = ALL_GUARDS,
    only: str | None = None,
) -> None:
    """Set ``linked`` and ``refused_because`` on ``link_pairs`` from guards and decisions.

    ``guards`` other than ``ALL_GUARDS`` is for measuring what a guard costs
    (benchmarks), not for casework. ``only`` (a condition on ``p``) limits the pairs marked: an
    incremental run marks the pairs it clusters again, and leaves the others
    as the clustering that followed them left them.
    """
    # Birth years and full dates beside the levels (stores linked before they
    # were kept lack them).
    for column, kind in GUARD_COLUMNS.items():
        con.execute(f"ALTER TABLE link_pairs ADD COLUMN IF NOT EXISTS {column} {kind}")
    con.execute(
        f"""
        UPDATE link_pairs AS p SET
            refused_because = g.refused,
            linked = g.refused IS NULL AND (p.evidence >= ? OR g.decision = 'accept')
        FROM (
            SELECT p.record_key_l, p.record_key_r, d.decision, {guard_sql(guards)} AS refused
            FROM link_pairs p LEFT JOIN current_link_decisions d
              ON d.record_key_l = p.record_key_l AND d.record_key_r = p.record_key_r
        ) AS g
        WHERE g.record_key_l = p.record_key_l AND g.record_key_r = p.record_key_r
          AND ({only or "true"})
        """,
        [threshold],
    )
