"""Which identifier variants are tokenised, and how they are compared nationally.

Tokens only agree exactly, so the fuzziness of clear-text linkage is rebuilt from
variants computed before hashing: nickname groups for forenames, a phonetic code for
surnames, one-letter deletions of a name (two names one typing error apart share one),
sorted initials, day and month transposed, partial birth dates, names in either order.
The normalisation is the linkage stage's own (``linkage.features``), so both see a name
the same way.

Every name token is combined with a birth date or a postcode (and the one token without
a name combines both): no bare name, date, initials or postcode is ever released, so a
token's value space is too large for frequency analysis to map it back (see
docs/federation.md for each kind's risk).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Kinds a record with a full forename releases only to meet a forename given as an
# initial ("John Smith" and "J Smith"), each hashed as its initial-only kind: one of them
# with its initial-only counterpart is the initial level, two of them (two full forenames
# of one initial: John and James) are no agreement of any level (``national._pairs``).
FULL_FORENAME_SIDE: dict[str, str] = {
    "fi_sn_dob": "init_sn_dob",
    "fi_sn_near_dob": "init_sn_near_dob",
    "fi_sn_postcode": "init_sn_postcode",
}
# Kinds a record with a full birth date releases only to meet a record without one: the
# name with the year-month or the year is evidence that a partial date is compatible
# with a full one ("2012-01" and "2012-01-10"), while two full dates sharing only their
# year-month differ in the day, so their dates disagree ("2012-01-10" and "2012-01-30").
# Each is hashed as its partial kind; two of them are no agreement (``national._pairs``),
# and a person whose own full date completes a partial one holds only the full side
# (``extract``).
FULL_DATE_SIDE: dict[str, str] = {
    "fd_name_ym": "name_ym",
    "fd_name_year": "name_year",
    "fd_fn_typo_year": "fn_typo_year",
    "fd_sn_typo_year": "sn_typo_year",
}
# Every kind that meets only its counterpart, never itself: full side -> counterpart.
ONE_SIDE_ONLY: dict[str, str] = {**FULL_FORENAME_SIDE, **FULL_DATE_SIDE}
# A variant hashed in another kind's space so that it meets that kind's tokens: a
# transposed date is compared with the other side's plain date.
HASHED_AS: dict[str, str] = {"name_dob_swapped": "phonetic_dob", **ONE_SIDE_ONLY}
# Names shorter than this have no deletion variants: "al" would give "a" and "l".
MIN_TYPO_LENGTH = 4


@dataclass(frozen=True)
class Comparison:
    """One comparison of the national model: agreement levels from strongest, each the
    kinds of which one shared token puts a pair at that level; ``present`` is the kind
    both people must hold for a pair that agrees on none to count as disagreeing (else
    the comparison is null and counts for nothing)."""

    name: str
    levels: tuple[tuple[str, ...], ...]
    present: str
    # Disagreement is no evidence: a person seen by two forces has often lived, or
    # offended, in both areas, so a different postcode says nothing against a link.
    one_sided: bool = False


# Name with date, strongest first. A name code and full date whose spelt-out surname
# tokens disagree (the surnames sound alike but are not one typing error apart: Moore
# and Morris) is a level of its own below the partial dates: a shared sound code is
# far weaker evidence than a shared spelling or one typing error (the linkage stage's
# own model weighs them so; figures in benchmarks/README.md), and a near birth date is
# weaker than an exact one. Both people hold the spelt-out tokens whenever they hold
# the phonetic one (same fields), so "only the code agrees" means "the spellings
# differ" (a spelt-out token is dropped as too common only when its phonetic one is
# too). The same pair always shares the name code with the date within a year, so it
# is scored at that level: the full date no longer makes the code count as the name.
# A forename one typing error apart with such a surname (``fn_typo_dob`` without
# ``pair_typo_dob``) has two differences and is scored at the level itself.
# A forename given only as an initial with the full surname and full date ("J Smith" and
# "John Smith") sits below the one-typo names: in the linkage stage's model an initial
# agreeing is worth 3.6 bits against 7.3 for the forename, about what one typing error
# in the surname costs (10.1 -> 6.7), and less than a year one out costs the date.
# The year-month and year levels are a partial date meeting a full or partial one
# (``FULL_DATE_SIDE``): two full dates sharing only their month or year disagree.
# The name with the date within two years is of the name spelt out: one difference, the
# year. One difference in the name (a typing error, a surname alike only in sound, an
# initial) with one in the date (the year one out, or day and month transposed) is a
# level of its own below the initials with date: two differences, which namesakes have
# too, so it links only with another agreement (``TWO_DIFFERENCES``). Before, a sound-alike
# surname with the year out sat with the spelt-out name at the near-date level, where it
# could link two different girls, while a misspelt name with the year out was "else" on
# name with date whatever else agreed.
# A misspelt name with only a year is a level below the name spelt alike with a year.
COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "name_date",
        (
            ("name_dob",),
            ("name_dob_swapped", "sn_typo_dob", "pair_typo_dob"),
            ("init_sn_dob",),
            ("name_near_dob",),
            ("name_ym",),
            ("phonetic_dob", "fn_typo_dob"),
            ("init_dob",),
            ("typo_near_dob", "phonetic_near_dob", "init_sn_near_dob"),
            ("name_year",),
            ("fn_typo_year", "sn_typo_year"),
        ),
        present="name_year",
    ),
    Comparison(
        "name_place",
        (
            ("name_postcode",),
            ("fn_typo_postcode", "sn_typo_postcode"),
            ("init_sn_postcode",),
            ("name_sector",),
        ),
        present="name_sector",
        one_sided=True,
    ),
    Comparison("dob_place", (("dob_postcode",),), present="dob_postcode", one_sided=True),
    Comparison("nhs", (("nhs",),), present="nhs"),
    Comparison("phone", (("phone",),), present="phone"),
    Comparison("email", (("email",),), present="email"),
)
# Name-with-date kinds whose agreement leaves two differences between the identities:
# a surname agreeing only in its sound (with a forename typing error, or alone), only
# initials, or one difference in the name with one in the date (a year out or day and
# month transposed). Namesakes look like that: such a pair links only when another
# comparison agrees too (a place, a number; ``national._link``), never on name and date
# alone, whatever weight EM gives the level.
TWO_DIFFERENCES: tuple[str, ...] = (
    "phonetic_dob",
    "fn_typo_dob",
    "init_dob",
    "typo_near_dob",
    "phonetic_near_dob",
    "init_sn_near_dob",
)
# Kinds that propose a pair for scoring: all but a name with a birth year alone, which
# common names share with too many strangers, and the near dates of a name with one
# difference, which link only with another agreement that proposes the pair itself
# (both still count as evidence).
BLOCKING_KINDS: tuple[str, ...] = tuple(
    kind
    for comparison in COMPARISONS
    for level in comparison.levels
    for kind in level
    if kind
    not in (
        "name_year",
        "fn_typo_year",
        "sn_typo_year",
        "typo_near_dob",
        "phonetic_near_dob",
        "init_sn_near_dob",
    )
)
TOKEN_KINDS: tuple[str, ...] = tuple(
    kind for comparison in COMPARISONS for level in comparison.levels for kind in level
) + tuple(ONE_SIDE_ONLY)


def _text(row: dict[str, object], column: str) -> str | None:
    value = row.get(column)
    return value if isinstance(value, str) and value else None


def _list(row: dict[str, object], column: str) -> list[str]:
    value = row.get(column)
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str) and v]
    return []


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter deleted: two names one insertion,
    deletion, substitution or adjacent transposition apart share at least one."""
    if len(word) < MIN_TYPO_LENGTH:
        return {word}
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _names(row: dict[str, object], *, phonetic: bool = True) -> set[str]:
    """Name keys: each nickname-group key of the forename with the surname (its
    phonetic code when ``phonetic``), and the raw first forename and surname in both
    orders (entered swapped)."""
    if row.get("is_unknown"):
        return set()
    keys = _list(row, "fn_keys")
    surname = _text(row, "sn_code" if phonetic else "sn")
    names = {f"{k}|{surname}" for k in keys} if surname else set()
    fn1, sn1 = _text(row, "fn1"), _text(row, "sn1")
    if fn1 and sn1:
        names |= {f"{fn1}|{sn1}", f"{sn1}|{fn1}"}
    return names


def _typo_names(row: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(kind prefix, value): the forename misspelt with the surname code, and each
    forename key with the surname misspelt."""
    if row.get("is_unknown"):
        return
    fn1, code, surname = _text(row, "fn1"), _text(row, "sn_code"), _text(row, "sn")
    if fn1 and code:
        for variant in deletions(fn1):
            yield "fn_typo", f"{variant}|{code}"
    sn1 = _text(row, "sn1")
    if fn1 and sn1:
        # Forename and surname in either order, one of them misspelt.
        for a, b in [(v, sn1) for v in deletions(fn1)] + [(fn1, v) for v in deletions(sn1)]:
            yield "pair_typo", "|".join(sorted((a, b)))
    if surname:
        for key in _list(row, "fn_keys"):
            for variant in deletions(surname):
                yield "sn_typo", f"{key}|{variant}"


def _near_dates(row: dict[str, object]) -> list[str]:
    """The birth day and month with the year and its neighbours: two records whose years
    are at most two apart share one (a year mistyped or misremembered), while a parent and
    child of one name born on one day of the year decades apart share none."""
    md, year = _text(row, "dob_md"), row.get("dob_y")
    if not md or not isinstance(year, int):
        return []
    return [f"{year + d}-{md}" for d in (-1, 0, 1)]


def _one_out_dates(row: dict[str, object]) -> list[str]:
    """The full birth date with day and month in either order and the year or the next:
    two dates share one when they are equal, transposed, or a year apart with day and
    month alike (one difference), and none when two years apart. Only the year and the
    next, not its two neighbours, so that "one out" is one year, not two."""
    md, year = _text(row, "dob_md"), row.get("dob_y")
    if not md or not isinstance(year, int) or not _text(row, "dob"):
        return []
    day_month = "-".join(sorted(md.split("-")))
    return [f"{year + d}-{day_month}" for d in (0, 1)]


def _one_difference_names(row: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(kind, name) of the names one difference from the record's: the forename one
    typing error apart with the surname, or each forename key with the surname one typing
    error apart (``typo_near_dob``), and each forename key with the surname's phonetic
    code, the surname only sounding alike (``phonetic_near_dob``)."""
    if row.get("is_unknown"):
        return
    fn1, surname, code = _text(row, "fn1"), _text(row, "sn"), _text(row, "sn_code")
    typos: set[str] = set()
    if fn1 and surname:
        typos |= {f"{v}|{surname}" for v in deletions(fn1)}
    for key in _list(row, "fn_keys"):
        if surname:
            typos |= {f"{key}|{v}" for v in deletions(surname)}
        if code:
            yield "phonetic_near_dob", f"{key}|{code}"
    for name in sorted(typos):
        yield "typo_near_dob", name


def _partial(kind: str, row: dict[str, object]) -> str:
    """A name with part of the birth date: the full-date side (``FULL_DATE_SIDE``) when
    the record has the whole date, which meets only records that have not."""
    return f"fd_{kind}" if _text(row, "dob") else kind


def _dated(names: Iterable[str], row: dict[str, object]) -> Iterator[tuple[str, str]]:
    year = row.get("dob_y")
    parts = [
        ("phonetic_dob", _text(row, "dob")),
        ("name_dob_swapped", _text(row, "dob_swapped")),
        (_partial("name_ym", row), _text(row, "dob_ym")),
        (_partial("name_year", row), None if year is None else str(year)),
    ]
    for name in names:
        for kind, value in parts:
            if value:
                yield kind, f"{name}|{value}"
    # The name spelt out (not its phonetic code) with the year out: one difference.
    # A surname agreeing only in its code has a difference already, and meets the
    # date one out only among the two-difference kinds below.
    near = _near_dates(row)
    for name in _names(row, phonetic=False):
        for value in near:
            yield "name_near_dob", f"{name}|{value}"
    one_out = _one_out_dates(row)
    for kind, name in _one_difference_names(row):
        for value in one_out:
            yield kind, f"{name}|{value}"


def _placed(names: Iterable[str], row: dict[str, object]) -> Iterator[tuple[str, str]]:
    postcode, sector = _text(row, "postcode"), _text(row, "pc_sector")
    for name in names:
        if postcode:
            yield "name_postcode", f"{name}|{postcode}"
        if sector:
            yield "name_sector", f"{name}|{sector}"


def _initial_forename(row: dict[str, object]) -> Iterator[tuple[str, str]]:
    """The forename's initial with the full surname and the full birth date, or the
    postcode: "J Smith" meets "John Smith". A record whose forename is only an initial
    holds ``init_sn_*``; one with a full forename holds the same value as ``fi_sn_*``
    (hashed alike), which meets an initial-only forename but not another full one."""
    fn1, surname = _text(row, "fn1"), _text(row, "sn")
    if row.get("is_unknown") or not fn1 or not surname:
        return
    prefix = "init_sn" if len(fn1) == 1 else "fi_sn"
    for part, column in (("dob", "dob"), ("postcode", "postcode")):
        value = _text(row, column)
        if value:
            yield f"{prefix}_{part}", f"{fn1[0]}|{surname}|{value}"
    for date in _one_out_dates(row):
        yield f"{prefix}_near_dob", f"{fn1[0]}|{surname}|{date}"


def variants(row: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(kind, normalised value) pairs of one linkage-input row."""
    names = _names(row)
    yield from _dated(names, row)
    yield from _placed(names, row)
    dob, postcode = _text(row, "dob"), _text(row, "postcode")
    if dob:
        # The full surname, not its phonetic code, at the strongest level: Moore and
        # Morris share a NYSIIS code.
        for name in _names(row, phonetic=False):
            yield "name_dob", f"{name}|{dob}"
    year = row.get("dob_y")
    for prefix, value in _typo_names(row):
        if dob:
            yield f"{prefix}_dob", f"{value}|{dob}"
        if prefix == "pair_typo":
            continue
        if isinstance(year, int):
            # A misspelt name where one side knows only the birth year.
            yield _partial(f"{prefix}_year", row), f"{value}|{year}"
        if postcode:
            yield f"{prefix}_postcode", f"{value}|{postcode}"
    yield from _initial_forename(row)
    initials = _text(row, "init_pair")
    if dob and initials and not row.get("is_unknown"):
        yield "init_dob", f"{initials}|{dob}"
    if dob and postcode:
        yield "dob_postcode", f"{dob}|{postcode}"
    nhs = _text(row, "nhs_number")
    if nhs:
        yield "nhs", nhs
    for kind, column in (("phone", "phones"), ("email", "emails")):
        for value in _list(row, column):
            yield kind, value
