"""The model's comparisons: what two person records are compared on, level by level.

Levels run strongest first; Splink numbers them from the else level up, and the
guards in ``guards.py`` read some of those numbers (``model.py``). Protected
characteristics are not compared beyond recorded sex, an identity field.
"""

from __future__ import annotations

from typing import Any

# Names entered the wrong way round: one cross agrees exactly and the other
# agrees too, is a typing error of it (Jaro-Winkler >= 0.85) or is an initial of
# it. One cross alone is what two strangers share when one's surname is the
# other's forename ("thomas green" and "john thomas"); a first letter alone
# is not enough either: "ali harris" and "hussain ali", born the same day, are
# two people.
_CROSS = (
    "({a}_l = {b}_r AND ({c}_l = {d}_r"
    " OR (length({c}_l) = 1 AND {c}_l = {d}_r[1])"
    " OR (length({d}_r) = 1 AND {d}_r = {c}_l[1])"
    " OR jaro_winkler_similarity({c}_l, {d}_r) >= 0.85))"
)
SWAPPED = (
    _CROSS.format(a="fn1", b="sn1", c="sn1", d="fn1")
    + " OR "
    + _CROSS.format(a="sn1", b="fn1", c="fn1", d="sn1")
)
# The forenames level that scores both names at once (the surname comparison is null
# for such a pair): ``ordering`` bounds it by both names' exact agreement.
SWAPPED_LABEL = "forename and surname swapped"
FULL_FORENAMES_LABEL = "every forename agrees"
DISAGREES = "disagrees"
# The first forename's exact agreement (Splink would call it "Exact match on fn1", a
# column name an analyst reading an explanation does not know).
FIRST_FORENAME_LABEL = "first forename agrees"


def one_edit(a: str, b: str) -> str:
    """SQL: ``a`` and ``b`` are at most one keyed error apart (Damerau-Levenshtein <= 1).

    The distance is the dearest function of the model (about twenty times a
    Jaro-Winkler) and nearly every pair of birth dates, NHS numbers or phone numbers
    that differ reaches the level that asks it. One edit at some position leaves the
    characters before it in place, and those after it in place counted from the end:
    in strings of nine characters or more, four lie on one side of it. So the first
    four or the last four characters agree whenever the distance is at most 1. Asked
    first, that cheap test leaves the level exactly as it was and spares the distance
    for nearly every pair.
    """
    return (
        f"(left({a}, 4) = left({b}, 4) OR right({a}, 4) = right({b}, 4)"
        f" OR least(length({a}), length({b})) < 9)"
        f" AND damerau_levenshtein({a}, {b}) <= 1"
    )


# The comparisons in model order; ``design.choose`` keeps those the data holds.
COMPARISON_NAMES = [
    "forenames",
    "surname",
    "date_of_birth",
    "place",
    "phones",
    "emails",
    "nhs_number",
    "sex",
    "area",
]


def _null(sql: str) -> Any:
    import splink.comparison_level_library as cll

    return cll.CustomLevel(sql, "null", base_dialect_str="duckdb").configure(is_null_level=True)


def _else() -> Any:
    """The last level: the field disagrees (Splink's own label, "All other comparisons",
    tells an analyst reading an explanation nothing)."""
    import splink.comparison_level_library as cll

    return cll.ElseLevel().configure(label_for_charts=DISAGREES)


def _level(sql: str, label: str) -> Any:
    import splink.comparison_level_library as cll

    return cll.CustomLevel(sql, label, base_dialect_str="duckdb")


def _forenames() -> Any:
    """Every forename, the first, nicknames and aliases."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="forenames",
        comparison_description="every forename, the first, nicknames and aliases",
        comparison_levels=[
            _null("fn1_l IS NULL OR fn1_r IS NULL"),
            # The field's complete agreement: two or more forenames, each written out,
            # the same in both records (police record every forename; a partner's
            # "SURNAME, Forenames" keeps them). Two strangers share a first name far
            # more often than every forename: the Fellegi-Sunter weight of all of them
            # agreeing is EM's to estimate, not the first name's alone. A record with one
            # forename, or a second given as an initial, is compared on the first
            # (the next level), as before.
            _level("fn_full_l = fn_full_r", FULL_FORENAMES_LABEL),
            cll.ExactMatchLevel("fn1", term_frequency_adjustments=True).configure(
                label_for_charts=FIRST_FORENAME_LABEL
            ),
            _level("list_has_any(fn_keys_l, fn_keys_r)", "nickname or variant"),
            _level(SWAPPED, SWAPPED_LABEL),
            _level("jaro_winkler_similarity(fn1_l, fn1_r) >= 0.92", "Jaro-Winkler >= 0.92"),
            _level(
                "(length(fn1_l) = 1 OR length(fn1_r) = 1) AND fn1_l[1] = fn1_r[1]",
                "initial agrees",
            ),
            _level("list_has_any(name_keys_l, name_keys_r)", "alias or other forename"),
            _level("jaro_winkler_similarity(fn1_l, fn1_r) >= 0.8", "Jaro-Winkler >= 0.8"),
            # Short names a keystroke apart ("jun" and "jnu", "amy" and "ahy") fall
            # below Jaro-Winkler 0.8; a typing error keeps the initial.
            _level(
                "fn1_l[1] = fn1_r[1] AND damerau_levenshtein(fn1_l, fn1_r) <= 1",
                "one keystroke apart",
            ),
            # A typing error of a variant: "deboxrah" and "debbie" (deborah),
            # "haryr" and "haz" (harry). Each side's form against the other's
            # variant key, at the Jaro-Winkler of one keystroke in a short name.
            _level(
                "greatest(jaro_winkler_similarity(fn_key1_l, fn_key1_r), "
                "jaro_winkler_similarity(fn1_l, fn_key1_r), "
                "jaro_winkler_similarity(fn_key1_l, fn1_r)) >= 0.88",
                "a variant within a typing error",
            ),
            _else(),
        ],
    )


def _surname() -> Any:
    """Surname, spelling and sound."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="surname, spelling and sound",
        comparison_levels=[
            # Names swapped are one fact, scored once, by the forenames level:
            # the same condition in both comparisons counted it twice (about 27
            # of evidence, more than two exactly agreeing names).
            _null(f"sn_l IS NULL OR sn_r IS NULL OR ({SWAPPED})"),
            cll.ExactMatchLevel("sn", term_frequency_adjustments=True).configure(
                label_for_charts="exact"
            ),
            _level("jaro_winkler_similarity(sn_l, sn_r) >= 0.92", "Jaro-Winkler >= 0.92"),
            _level("sn_code_l = sn_code_r", "phonetic code agrees"),
            _level(
                "list_contains(name_keys_r, sn_l) OR list_contains(name_keys_l, sn_r)",
                "surname among aliases",
            ),
            # One half of a double-barrelled surname: a child known at school by one
            # parent's surname, a woman recorded by her own or her husband's, a
            # partner's system that keeps one word ("Smith" for "Shah-Smith", "Hall"
            # for "Kowalski-Hall"). The one surname must be a whole part of the other:
            # two double-barrelled surnames sharing a part ("Brown-Jones" and
            # "Smith-Jones") are two families.
            _level(
                "list_contains(sn_parts_r, sn_l) OR list_contains(sn_parts_l, sn_r)",
                "one part of a double-barrelled surname",
            ),
            _level("jaro_winkler_similarity(sn_l, sn_r) >= 0.8", "Jaro-Winkler >= 0.8"),
            _else(),
        ],
    )


def _date_of_birth() -> Any:
    """Date of birth, full or partial."""
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="date of birth, full or partial",
        comparison_levels=[
            _null("dob_y_l IS NULL OR dob_y_r IS NULL"),
            _level("dob_l = dob_r", "exact"),
            _level("dob_swapped_l = dob_r", "day and month transposed"),
            # Which part a keyed error touched is evidence of its own: a year one
            # out is a common recording error; a different day between two
            # namesakes is as often two people. EM weighs each.
            _level(
                one_edit("dob_l", "dob_r") + " AND dob_y_l <> dob_y_r",
                "one character differs, in the year",
            ),
            _level(
                one_edit("dob_l", "dob_r"),
                "one character differs, in the day or month",
            ),
            _level(
                "dob_md_l = dob_md_r AND abs(dob_y_l - dob_y_r) <= 1",
                "day and month agree, year within one",
            ),
            _level("dob_ym_l = dob_ym_r", "year and month agree"),
            # A year alone (or a 1 January placeholder) against a full date agrees
            # as far as it goes: what a partner records for an estimated age or an
            # unknown day. Between two full dates the same year with another day
            # and month is a disagreement of its own, far more common between
            # strangers; one level for both let EM learn the second's weight for
            # the first. A year worked back from an age is one after the year of
            # birth for the part of the year before the birthday; an age given older
            # than it is (as exploited children are often told to) or estimated by
            # a professional is one before or after. Their weights:
            # ``partial_dates.py`` (EM sees too few such pairs to weigh them).
            _level(
                "(dob_ym_l IS NULL OR dob_ym_r IS NULL) AND dob_y_l = dob_y_r",
                "year agrees, one date a year only",
            ),
            _level(
                "(dob_ym_l IS NULL OR dob_ym_r IS NULL) AND abs(dob_y_l - dob_y_r) <= 1",
                "within one year, one date a year only",
            ),
            _level("dob_y_l = dob_y_r", "year agrees"),
            _level("abs(dob_y_l - dob_y_r) <= 1", "within one year"),
            _else(),
        ],
    )


def _place() -> Any:
    """Postcode and address line, compared once."""
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="place",
        comparison_description="postcode and address line, compared once",
        comparison_levels=[
            # A side with an outward code alone (``features``: ``pc_district``
            # without a postcode) has a place to compare, as far as the district.
            # A side with an outward code alone (``features``: ``pc_outward_only``)
            # has a place to compare, as far as the district.
            _null(
                "(postcode_l IS NULL OR postcode_r IS NULL) "
                "AND (address_l IS NULL OR address_r IS NULL) "
                "AND NOT (coalesce(pc_outward_only_l, false) AND pc_district_r IS NOT NULL) "
                "AND NOT (coalesce(pc_outward_only_r, false) AND pc_district_l IS NOT NULL)"
            ),
            _level(
                "postcode_l = postcode_r AND address_l = address_r",
                "address and postcode agree",
            ),
            # A town alone is not an address: two records that say only "leeds"
            # share a town of thousands, not a home (the town level below).
            _level(
                "address_l = address_r AND NOT addr_town_only_l",
                "address agrees, postcode differs or missing",
            ),
            _level("postcode_l = postcode_r", "postcode agrees, address differs or missing"),
            _level(
                "addr_number_l = addr_number_r AND addr_street_l = addr_street_r",
                "house number and street agree",
            ),
            # A town alone ("halifax": no number, no postcode, a word or three) is
            # where a charity's contact sheet or a referral says a person lives, as
            # far as it goes, as a year of birth says when they were born. Against
            # an address in that town (or the same town) it agrees as far as it
            # goes; scored as "else" it counted as a move against the pair. Its m is
            # set from the share of such records (``partial_places.py``: EM sees too
            # few of them); u from random sampling: a town is shared by thousands.
            _level(
                "(addr_town_only_l AND len(list_intersect(addr_tokens_l, addr_tokens_r)) "
                "= len(addr_tokens_l)) OR (addr_town_only_r AND "
                "len(list_intersect(addr_tokens_l, addr_tokens_r)) = len(addr_tokens_r))",
                "town agrees, one address a town only",
            ),
            _level(
                "jaro_winkler_similarity(address_l, address_r) >= 0.9",
                "address Jaro-Winkler >= 0.9",
            ),
            # Free-text addresses are written in other orders and line breaks by
            # other agencies ("flat 2, 14 groom st" and "14 groom street flat 2");
            # at least half the words in common (number, street, town, postcode)
            # is what a person reading the two would compare.
            _level(
                "len(list_intersect(addr_tokens_l, addr_tokens_r)) * 2 "
                ">= greatest(len(addr_tokens_l), len(addr_tokens_r))",
                "address shares most of its words",
            ),
            # The same street of the same locality written differently: two
            # words few records bear (a street's or a building's name, a
            # locality's) in both, whatever else the free text holds
            # (``features.RARE_ADDRESS_WORD_MAX``): "47 kent street, blue hills,
            # forest hill" and "47 kentstreet, forest hlil".
            _level(
                "len(list_intersect(addr_rare_l, addr_rare_r)) >= 2",
                "street and locality named alike",
            ),
            _level("pc_sector_l = pc_sector_r", "postcode sector agrees"),
            _level("addr_street_l = addr_street_r", "street agrees"),
            # An outward code written alone ("BD21") against a postcode in that
            # district, or the same outward code: where the person lives as far as the
            # partner wrote it, as a town alone is (the level above). Not one home: for
            # the household guards as good as no address, and a link it supports
            # still rests on the name (``model.PLACE_OUTWARD_ONLY``). Its own level,
            # not the district level of two full postcodes, which says the two homes
            # are in one district but not one street.
            _level(
                "(coalesce(pc_outward_only_l, false) OR coalesce(pc_outward_only_r, false)) "
                "AND pc_district_l = pc_district_r",
                "postcode district agrees, one postcode an outward code only",
            ),
            _level("pc_district_l = pc_district_r", "postcode district agrees"),
            _else(),
        ],
    )


# A phone number or an email address is keyed by hand from what a person says or a form
# shows, and carries no check digit (an NHS number's modulus 11 catches a keyed error
# at ingest; a phone's nothing does). So besides a value both records share, a value
# near the other's is a level of its own, weighed by EM between "shared" and "else":
# a phone one keyed error out (one digit wrong, added, dropped, or two adjacent digits
# swapped: the Damerau-Levenshtein distance the NHS number's level uses), an email
# within Jaro-Winkler 0.88 (the threshold of Splink's own ``EmailComparison``: a letter
# misheard or mistyped, a domain misspelt). Without it such a pair counts as two
# different numbers, evidence against one person. The first number each record holds
# is compared so: most records hold one, and every one is compared exactly. The
# name-led rule (``clusters.NAME_LED_SQL``) does not count a value merely alike as one
# that agrees.
PHONES_ALIKE = (
    one_edit("phones_l[1]", "phones_r[1]"),
    "phone numbers one keyed error apart",
)
EMAILS_ALIKE = (
    "jaro_winkler_similarity(emails_l[1], emails_r[1]) >= 0.88",
    "email addresses alike (a typing error)",
)
# The level of phones and emails at which the two records share a value (``_shared_list``).
SHARED_VALUE = 2


def _shared_list(column: str, what: str, alike: tuple[str, str] | None = None) -> Any:
    import splink.comparison_library as cl

    levels = [
        _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
        _level(
            f"list_has_any({column}_l, {column}_r)",
            f"{'an' if what[0] in 'aeiou' else 'a'} {what} shared",
        ),
    ]
    if alike is not None:
        levels.append(_level(*alike))
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=f"any shared {what}",
        comparison_levels=[*levels, _else()],
    )


def _exact(column: str, label: str = "exact", description: str | None = None) -> Any:
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", label),
            _else(),
        ],
    )


def _nhs_number() -> Any:
    """NHS number, exact or one keyed error."""
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="nhs_number",
        comparison_description="NHS number, exact or one keyed error",
        comparison_levels=[
            _null("nhs_number_l IS NULL OR nhs_number_r IS NULL"),
            _level("nhs_number_l = nhs_number_r", "exact"),
            _level(one_edit("nhs_number_l", "nhs_number_r"), "one keyed error"),
            _else(),
        ],
    )


def comparisons(names: list[str] | None = None) -> list[Any]:
    """The model's comparisons; with ``names``, only those (in model order)."""
    # Where the record was made: the area of the agency that holds it. Most people's
    # records are made by the agencies of the area they live in, so two records of one
    # name from two areas are less often one person than two from the same area. How
    # much less is not assumed: EM measures how often one person's records cross areas
    # in the data (m of "areas differ"). Areas are geography, not a protected
    # characteristic.
    area = _exact("area", "same area", "area of the agency that made the record")
    every = [
        _forenames(),
        _surname(),
        _date_of_birth(),
        _place(),
        _shared_list("phones", "phone number", PHONES_ALIKE),
        _shared_list("emails", "email address", EMAILS_ALIKE),
        _nhs_number(),
        _exact("sex"),
        area,
    ]
    if names is None:
        return every
    return [c for c, name in zip(every, COMPARISON_NAMES, strict=True) if name in names]
