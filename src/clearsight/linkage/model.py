"""The Splink model: blocking, settings and training for multi-agency person records
(the comparisons are ``comparisons.py``).

Inputs are the identity features of ``features.py``. Protected characteristics
are not among them. Splink is imported inside functions: importing it costs
about a second, which every other command would otherwise pay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clearsight.linkage.comparisons import comparisons
from clearsight.linkage.design import Design
from clearsight.linkage.features import RECORD_KEY

log = logging.getLogger(__name__)

# Columns a prediction keeps beside the comparison values: guards need them.
RETAINED_COLUMNS = ["source_id", "is_unknown"]


# Comparison levels the guards in ``guards.py`` read (Splink numbers levels
# from the else level up: 0 is "else", -1 is null).
FORENAMES_ELSE = 0
# Forename levels that are a discrepancy, not a recorded form of the same name:
# a typing error of a variant, one keystroke, Jaro-Winkler >= 0.8 or >= 0.92, and
# "else". Exact, a nickname or variant, names swapped, an initial and an alias are
# what agencies record for one person (``guards.SIBLING_GUARD`` reads these).
FORENAMES_DISCREPANT = (0, 1, 2, 3, 6)
NHS_EXACT = 2
NHS_ONE_ERROR = 1
NHS_ELSE = 0
DOB_ELSE = 0
DOB_EXACT = 10
# One birth date as recorded: exactly, or with the day and month transposed (the
# same date keyed in the other order), for the household guards.
DOB_SAME_DATE = (10, 9)
# Birth-date levels whose years differ (between two full dates or partial ones):
# one character in the year, day and month agree with the year one out, within a
# year, "else". A partial date that agrees as far as it goes (year, or year and
# month) is not among them, nor a full date one character out in the day or month.
DOB_YEARS_DIFFER = (0, 1, 3, 6, 8)
# Surname levels at or above this are one surname, or a keyed error of it:
# exact, Jaro-Winkler >= 0.92, the same phonetic code.
SURNAME_SAME_MIN = 4
# Surname levels at or above this are one household's surname as agencies write it
# (the household guards in ``guards.py`` read it): the levels above, an alias, one
# half of a double-barrelled surname (Ward for Ward-Ahmed, Wood for Wood-Smith), and
# Jaro-Winkler >= 0.8, where a transliteration (Osman and Usman, Hussain and Hussein)
# falls. Every level but "else".
SURNAME_HOUSEHOLD_MIN = 1
# Birth-date levels at or below this agree on the year (and month) at most:
# within a year, the year, the year and month. With no other identifier agreeing
# such a link rests on the name (``clusters.NAME_LED_SQL``).
DOB_PARTIAL_MAX = 5
DOB_YEAR_MONTH = 5
# A year only against another date: agreeing, or within one (an estimated age).
DOB_PARTIAL_YEAR = 4
DOB_PARTIAL_WITHIN_YEAR = 3
DOB_YEAR = 2
DOB_WITHIN_YEAR = 1

# Postcode and address line are one comparison, "place". Scored as two, the
# model (which adds comparisons as independent evidence) counted one fact twice:
# a person who had moved lost the postcode's and the address's disagreement
# (about 6.7 of evidence instead of 3.3), and two people of one household gained
# both agreements. Levels say what the pair shares, strongest first; a
# different address with a different postcode is one move.
PLACE_ELSE = 0
# Place levels that are one home: the address and postcode, the address, the
# postcode (a postcode covers about fifteen households), the house number and
# street. An address merely similar as a string is not: "90 burkitt street"
# and "15 burkitt street" are two houses.
PLACE_SAME_ADDRESS = (9, 10, 11, 12)
# A town alone against an address in it (or the same town): where, as far as a
# partner recorded it. Not one home; for the household guards it is as good as no
# address to compare, and a link it supports still rests on the name.
PLACE_TOWN_ONLY = 8
# An outward code written alone ("BD21") against a postcode of that district (or the
# same code): as far as a partner recorded it, as a town alone is, and read as one.
PLACE_OUTWARD_ONLY = 2
# Place levels that say where a person lives only as far as a partner recorded it.
PLACE_AS_FAR_AS_RECORDED = (PLACE_TOWN_ONLY, PLACE_OUTWARD_ONLY)
# A postcode of the same sector as the other: the last two characters (the unit) are
# where a keyed postcode most often goes wrong, and a family's postcode is keyed by
# every agency that records it. For the twin guard it is not a second home. An address
# merely alike as a string is not read so: free text is keyed wrongly anywhere.
PLACE_KEYED_ALIKE = (4,)


@dataclass(frozen=True)
class TrainingOptions:
    """How parameters are estimated without labels.

    ``u_max_pairs`` random pairs estimate the u probabilities (what agreement
    looks like among non-matches); EM estimates m on ``em_max_pairs`` blocked
    pairs per training rule. Both are samples: larger is slower and steadier.
    """

    u_max_pairs: float = 1e6
    # EM samples its pairs: a million per pass; what doubling changes is measured in
    # benchmarks/README.md.
    em_max_pairs: float = 1e6
    seed: int = 42
    prior_recall: float = 0.7


@dataclass(frozen=True)
class BlockingRule:
    """Candidate pairs agree on ``left`` columns of one record and ``right`` of the other.

    ``right`` defaults to ``left``. A one-sided rule (``right`` differs) pairs,
    for example, a key set only on undated records with the same key of every
    record; it proposes the pair whichever record comes first. ``explode`` pairs
    records sharing any element of a list column.
    """

    left: tuple[str, ...]
    right: tuple[str, ...] = ()
    # The first column is a list; records sharing any of its elements (and the
    # other columns) are paired.
    explode: bool = False

    @property
    def right_columns(self) -> tuple[str, ...]:
        return self.right or self.left

    @property
    def one_sided(self) -> bool:
        return bool(self.right) and self.right != self.left

    def splink_rules(self) -> list[Any]:
        """This rule as Splink rules: a one-sided rule is two, one per orientation.

        Splink proposes a pair of a dedupe only with the smaller key on the left.
        """
        from splink import block_on

        if self.explode:
            return [block_on(*self.left, arrays_to_explode=[self.left[0]])]
        if not self.one_sided:
            return [block_on(*self.left)]

        def sql(a: tuple[str, ...], b: tuple[str, ...]) -> str:
            return " AND ".join(f"l.{x} = r.{y}" for x, y in zip(a, b, strict=True))

        return [sql(self.left, self.right), sql(self.right, self.left)]


def _rule(
    *left: str, right: tuple[str, ...] = (), explode: bool = False, local: bool = False
) -> BlockingRule:
    """A blocking rule; ``local`` pairs only records made in one area (``AREA_KEY``)."""
    if local:
        left, right = (*left, AREA_KEY), ((*right, AREA_KEY) if right else ())
    return BlockingRule(tuple(left), right, explode)


# Rules that propose a pair on a name with a partial date or none, or on initials
# with a date, are local:
# they pair records made in one area. Across areas such a pair cannot reach the
# threshold on what the rule guarantees (the "areas differ" weight, about -9.5,
# outweighs a partial date), and what else would lift it (an NHS number, phone,
# email, postcode or full birth date) has a rule of its own that pairs records of
# any two areas. At 5M records over 44 areas 63M of the 67M candidate pairs
# crossed areas, nearly all from these rules.
AREA_KEY = "area_key"


# Candidate pairs: any strong identifier, or two of name, birth date, place.
# Each rule pairs a discriminating field with a second one so that no block
# grows with the square of a common value (every "Mohammed Khan" in the
# country). Recall is measured against ground truth in the benchmark.
BLOCKING_RULES: tuple[BlockingRule, ...] = (
    _rule("nhs_number"),
    _rule("phones", explode=True),
    _rule("emails", explode=True),
    # An email keyed with an error (``comparisons.EMAILS_ALIKE``, scored between
    # shared and else) shares no exact value to pair on: either end of its local part
    # (``features``: ``email_ends``) with the year of birth proposes the pair. The year
    # keeps blocks those of one name-like prefix among one year's births in one area,
    # as the name rules pair a name with a year.
    _rule("email_ends", "dob_y", explode=True, local=True),
    _rule("fn_key1", "sn_code", "dob_y", local=True),
    # A year keyed wrongly keeps day and month.
    _rule("fn_key1", "sn_code", "dob_md", local=True),
    _rule("dob_canon", "sn_code"),
    _rule("dob_canon", "fn_key1"),
    _rule("dob", "pc_district"),
    _rule("fn_key1", "sn_code", "pc_district"),
    # The year wrong and one name misspelt (keyed errors rarely touch the
    # first letter). Both names misspelt with the date right are proposed by
    # the initials rule at the end: blocking on the date with one initial
    # proposed 3.6M more pairs at 1M records for 4 more true links.
    _rule("sn_code", "dob_md", "fn_init", local=True),
    _rule("fn_key1", "dob_md", "sn_init", local=True),
    # A household postcode is a small block (about 20 records at most among
    # 1M): names swapped, misspelt or replaced. The address line adds no link
    # the postcode does not (1.7M pairs at 1M records, none needed).
    _rule("postcode"),
    _rule("name_pair", "dob_y", local=True),
    _rule("name_pair", "pc_district"),
    # Names swapped and one of them misspelt: the other still agrees, crossed.
    _rule("fn1", "dob_canon", right=("sn1", "dob_canon")),
    # No birth year on one side: the name alone proposes the pair (not decides).
    # The key is set only on the undated side, so the join pairs undated
    # records with all others and not every same-named pair.
    _rule("fn_key1_undated", "sn_code", right=("fn_key1", "sn_code"), local=True),
    # One name misspelt and the birth date partial (a year, or a year and
    # month) on one side; the same one-sided keys.
    _rule("dob_y_partial", "sn_code", "fn_init", right=("dob_y", "sn_code", "fn_init"), local=True),
    _rule("dob_y_partial", "fn_key1", "sn_init", right=("dob_y", "fn_key1", "sn_init"), local=True),
    # Names swapped and both misspelt: the initials still agree, crossed.
    _rule("dob_canon", "init_pair", local=True),
    # A rare surname with the forename initial: a misspelt forename with no
    # birth date or place to pair on ("paigk haaigh" and "paige haaigh"). The
    # surname's rarity is the evidence (term-frequency adjusted); blocks stay
    # small because common surnames have no key (``features.RARE_SURNAME_MAX``).
    _rule("sn_rare", "fn_init", local=True),
    # Sources that write the address as free text with no postcode (FEBRL-like
    # extracts, a charity's contact sheet): the house (number and street word)
    # proposes the pair as a postcode does; one-sided, so that sources with
    # postcodes are not paired on every "12 high" of the area.
    _rule("addr_house_no_pc", right=("addr_house",), local=True),
    # No birth date on one side and the surname misspelt: the forename at the
    # same house number (one-sided: the key is set only on the undated record).
    _rule("fn_key1_undated", "addr_number", right=("fn_key1", "addr_number"), local=True),
    # The same birth date at the same house: one person whose names were both
    # recorded differently (a married name and a nickname), or a household
    # member the guards and the model tell apart. A block of a few records.
    _rule("dob_canon", "addr_house"),
    # Names swapped on one side and no birth year: the surname of the undated
    # record is the other's forename, and the initials cross too.
    _rule("sn1_undated", "fn_init", right=("fn1", "sn_init"), local=True),
    # Free-text addresses written in another order, with other line breaks or
    # typing errors and no postcode: two rare words shared (a street's and a
    # locality's name) are one street of one locality, whatever the names and
    # dates say (``features.RARE_ADDRESS_WORD_MAX`` keeps the blocks small).
    _rule("addr_rare_pairs", explode=True, local=True),
    # A year of birth worked back from an age (a charity's "2014" or "2014-01-01" for
    # a child who said she was ten) is the year or one after it, one before where the
    # age was overstated: the comparison's "within one year, one date a year only"
    # level. The names with the year one out, where no postcode, address or full date
    # is shared to propose the pair otherwise. One-sided: the keys are set only on
    # records with a partial date, so blocks stay those of one name and one year.
    _rule(
        "dob_y_partial_before",
        "fn_key1",
        "sn_code",
        right=("dob_y", "fn_key1", "sn_code"),
        local=True,
    ),
    _rule(
        "dob_y_partial_after",
        "fn_key1",
        "sn_code",
        right=("dob_y", "fn_key1", "sn_code"),
        local=True,
    ),
    # The last half of a double-barrelled surname alone ("Ibrahim Taylor, 2006" and
    # "Ibrahim Bashir-Taylor, 2006-01-28"): a child known at school or by a charity by
    # one parent's surname, a woman by her own or her husband's. The surname
    # comparison has a level for it; no other key proposes the pair where the date is
    # partial on one side or the address differs. One-sided: the key is set only on
    # double-barrelled surnames, paired with whole surnames of the same forename and
    # birth year, so blocks stay those of one name and one year.
    _rule(
        "sn_part_last",
        "fn_key1",
        "dob_y",
        right=("sn", "fn_key1", "dob_y"),
        local=True,
    ),
    # No surname on one side: a voluntary-sector or school record of someone known by a
    # first name, with a year of birth (often worked back from an age). No other rule
    # proposes it: each pairs a name with a surname, a postcode, an address or a full
    # date. The missing surname is neutral in the score, so the pair is scored on the
    # forename (its rarity), the year and any place, and is linked, reviewed or left as
    # that evidence says. One-sided: the key is set only on records without a surname,
    # so blocks are those of one forename and one year in one area.
    _rule("fn_key1_no_sn", "dob_y", right=("fn_key1", "dob_y"), local=True),
)


def blocking_rules() -> list[Any]:
    """``BLOCKING_RULES`` as Splink blocking rules, in order."""
    return [splink_rule for rule in BLOCKING_RULES for splink_rule in rule.splink_rules()]


def settings(
    probability_two_random_records_match: float = 1e-5, names: list[str] | None = None
) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=RECORD_KEY,
        comparisons=comparisons(names),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=RETAINED_COLUMNS,
        max_iterations=20,
    )


def train(
    linker: Any,
    options: TrainingOptions,
    design: Design,
    estimate_u: Callable[[Any], None] | None = None,
) -> None:
    """Estimate every parameter without labels: prior, u by random sampling, m by EM.

    ``design`` (``design.choose``) names the rules that produce pairs on these
    records; a rule that produces none is never handed to Splink, which drops
    the blocked comparison from its live settings before it raises. ``estimate_u``
    sets u on the live settings (``conditioned_u.estimate``); without it, Splink's
    random sampling does.
    """
    from splink import block_on

    if design.prior_rules:
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*rule) for rule in design.prior_rules], recall=options.prior_recall
        )
    if estimate_u is not None:
        estimate_u(linker)
    else:
        linker.training.estimate_u_using_random_sampling(
            max_pairs=options.u_max_pairs, seed=options.seed
        )
    # EM passes each block on what another estimates, so every comparison gets
    # m from pairs not selected by its own agreement (``design.EM_CANDIDATES``).
    for rule in design.em_rules:
        if _em(linker, rule, options):
            continue
        # Splink refuses a session in which some level's m underflows to zero (every
        # pair at that level scored as certainly no match): a legal submission must
        # still link, so what the session trains is trained on the next rule that can.
        wanted = design.trained_by(rule)
        design.notes.append(
            f"EM on {' + '.join(rule)} failed (a level's m fell to zero); "
            f"{', '.join(sorted(wanted))} trained on another rule"
        )
        for fallback in design.em_fallbacks:
            if wanted & design.trained_by(fallback) and _em(linker, fallback, options):
                design.notes.append(f"EM on {' + '.join(fallback)} trains in its place")
                break
        else:
            design.notes.append(
                "no other rule could train them: another session's estimates, else "
                "Splink's starting values, are used"
            )


def unseen_levels(linker: Any) -> list[str]:
    """Levels whose m no EM session could estimate (no pair in any training sample fell
    there: a street-only address agreement where every address has a postcode), as
    ``comparison: level``. ``regularised`` sets them to ``M_FLOOR`` and ``ordering``
    keeps them in their comparison's order: the run says so, in its notes."""
    return [
        f"{comparison.output_column_name}: {level.label_for_charts}"
        for comparison in linker._settings_obj.comparisons
        for level in comparison.comparison_levels
        if not level.is_null_level and not level._m_is_trained
    ]


def _em(linker: Any, rule: list[str], options: TrainingOptions) -> bool:
    """One EM session blocked on ``rule``; false when Splink refuses an m of zero."""
    from splink import block_on

    # A session takes the comparisons it blocks on out of the linker's live settings
    # and puts them back only when it succeeds (Splink 5); a refused session would
    # leave the model without them (no names compared at all).
    kept = linker._settings_obj.core_model_settings.copy()
    try:
        # EM estimates one m per level: how often matches agree at that level, whatever
        # their names. The term-frequency adjustment (how rare an exactly agreeing name
        # is) is not estimated by EM but read from the names' frequencies, so the
        # expectation step reads each pair by its levels alone; Splink then iterates on
        # a table of the distinct comparison vectors and their counts, not on every
        # sampled pair.
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule),
            estimate_without_term_frequencies=True,
            max_pairs=options.em_max_pairs,
        )
    except ValueError as error:
        if "below the minimum allowed" not in str(error):
            raise
        log.warning("EM on %s: %s", " + ".join(rule), error)
        linker._settings_obj.core_model_settings = kept
        return False
    return True


def prior_weight(model: dict[str, Any]) -> float:
    """log2 prior odds: the part of every match weight that is not evidence."""
    prior = float(model["probability_two_random_records_match"])
    return math.log2(prior / (1 - prior))


# Bounds on trained probabilities. EM drives the m of a level no true pair in
# the sample showed towards zero (1e-17 for "emails differ" on synthetic data,
# a weight of -56: one person with two email addresses could never link), and
# random sampling leaves u unset for a level no random pair reached (an exact
# NHS number among 1M sampled pairs), where Splink falls back to a default u
# that made an agreeing NHS number weigh less than an agreeing surname. Not
# seen in the sample is not impossible: m is at least ``M_FLOOR`` and u at
# least half of one pair in the random sample.
M_FLOOR = 1e-3


def regularised(model: dict[str, Any], u_sample_pairs: float) -> dict[str, Any]:
    """The model with every non-null level's m and u raised to their floors."""
    u_floor = 0.5 / u_sample_pairs
    out: dict[str, Any] = json.loads(json.dumps(model))
    for comparison in out["comparisons"]:
        for lvl in comparison["comparison_levels"]:
            if lvl.get("is_null_level"):
                continue
            for key, floor in (("m_probability", M_FLOOR), ("u_probability", u_floor)):
                value = lvl.get(key)
                if not isinstance(value, int | float) or value < floor:
                    lvl[key] = floor
    return out


def rounded(model: dict[str, Any], digits: int = 9) -> dict[str, Any]:
    """The model with its probabilities rounded to ``digits`` significant digits."""

    def r(x: Any) -> Any:
        if isinstance(x, float) and x != 0.0 and math.isfinite(x):
            return float(f"{x:.{digits}g}")
        return x

    out: dict[str, Any] = json.loads(json.dumps(model))
    out["probability_two_random_records_match"] = r(out["probability_two_random_records_match"])
    for comparison in out["comparisons"]:
        for lvl in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if key in lvl:
                    lvl[key] = r(lvl[key])
    return out


def model_json(linker: Any) -> str:
    return json.dumps(linker.misc.save_model_to_json(), sort_keys=True)


def settings_hash(model: str) -> str:
    """Hash of the model's design (not its trained numbers): comparisons and blocking."""
    data = json.loads(model)
    design = {
        "comparisons": [
            {
                "output_column_name": c.get("output_column_name"),
                "levels": [lvl.get("sql_condition") for lvl in c["comparison_levels"]],
            }
            for c in data["comparisons"]
        ],
        "blocking": [
            r.get("blocking_rule") for r in data.get("blocking_rules_to_generate_predictions", [])
        ],
    }
    return hashlib.sha256(json.dumps(design, sort_keys=True).encode()).hexdigest()[:16]


def check_design(
    trained: dict[str, Any], remedy: str = "link without --model to train a model for this version"
) -> None:
    """Refuse a saved model whose comparisons are not this version's; ``remedy`` says what to do.

    The guards and clustering read comparison levels by name and number (the
    forenames "else" level, the birth-date levels, "place"); a model saved by a
    version with other comparisons would be read wrongly, not merely scored.
    """
    from clearsight.linkage.errors import LinkageError

    def shape(comparisons: list[dict[str, Any]]) -> list[tuple[str, int]]:
        return [(c["output_column_name"], len(c["comparison_levels"])) for c in comparisons]

    current = dict(shape([c.get_comparison("duckdb").as_dict() for c in comparisons()]))
    saved = shape(trained.get("comparisons", []))
    if not saved or any(current.get(name) != n for name, n in saved):
        raise LinkageError(
            "the saved model was trained with other comparisons "
            f"({', '.join(n for n, _ in saved) or 'none'}; this version compares "
            f"{', '.join(current)}, with other levels): {remedy}"
        )


def quiet_splink(verbose: bool) -> None:
    logging.getLogger("splink").setLevel(logging.INFO if verbose else logging.WARNING)
