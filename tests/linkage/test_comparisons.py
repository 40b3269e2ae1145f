"""The model's comparison levels, evaluated by DuckDB on hand-made pairs.

Each comparison is a CASE over its levels, first match wins, as Splink builds it.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from clearsight.linkage import model
from clearsight.linkage.comparisons import comparisons, one_edit


def _level(name: str, pair: dict[str, Any]) -> str:
    """The label of the level a pair falls in for comparison ``name``."""
    (comparison,) = [
        c.get_comparison("duckdb").as_dict()
        for c in comparisons()
        if c.get_comparison("duckdb").as_dict()["output_column_name"] == name
    ]
    cases = " ".join(
        f"WHEN {lvl['sql_condition']} THEN '{lvl.get('label_for_charts', '')}'"
        for lvl in comparison["comparison_levels"]
        if lvl["sql_condition"] != "ELSE"
    )
    # A single-word surname has no parts (``features`` sets them for two or more words).
    pair = {"sn_parts_l": None, "sn_parts_r": None, **pair} if "sn_l" in pair else pair
    # One forename each unless a test gives more (``features`` sets ``fn_full`` for two).
    pair = {"fn_full_l": None, "fn_full_r": None, **pair} if "fn1_l" in pair else pair
    con = duckdb.connect()
    columns = ", ".join(f"{_typed(k, v)} AS {k}" for k, v in pair.items())
    values = [v for v in pair.values() if v is not None]
    row = con.execute(
        f"SELECT CASE {cases} ELSE 'else' END FROM (SELECT {columns})", values
    ).fetchall()
    return str(row[0][0])


def _typed(column: str, value: Any) -> str:
    """A parameter, or a NULL, of the column's type in ``link_input``."""
    kind = (
        "VARCHAR[]"
        if column.endswith(
            ("keys_l", "keys_r", "tokens_l", "tokens_r", "rare_l", "rare_r", "parts_l", "parts_r")
        )
        else ("INTEGER" if column.startswith("dob_y_") else "VARCHAR")
    )
    kind = "BOOLEAN" if column.startswith(("addr_town_only", "pc_outward_only")) else kind
    kind = "VARCHAR[]" if column.startswith(("phones_", "emails_")) else kind
    return f"NULL::{kind}" if value is None else f"?::{kind}"


def _place(
    postcode: tuple[str | None, str | None], address: tuple[str | None, str | None]
) -> dict[str, Any]:
    pair: dict[str, Any] = {}
    for side, pc, addr in (("l", postcode[0], address[0]), ("r", postcode[1], address[1])):
        number, _, street = (addr or "").partition(" ")
        # As ``features`` reads it: an outward code alone ("BD21") is no postcode,
        # and names the district.
        outward = pc is not None and " " not in pc
        pair |= {
            f"postcode_{side}": None if outward else pc,
            f"pc_sector_{side}": pc[:-2] if pc and not outward else None,
            f"pc_district_{side}": pc.split(" ")[0] if pc else None,
            f"pc_outward_only_{side}": outward,
            f"address_{side}": addr,
            # As ``features`` reads them: a leading number, then the street's first word.
            f"addr_number_{side}": number if number.isdigit() else None,
            f"addr_street_{side}": street.split(" ")[0] if street and number.isdigit() else None,
            f"addr_tokens_{side}": list(dict.fromkeys(addr.split())) if addr else None,
            # As ``features`` reads it: no number, no postcode, a word or three.
            f"addr_town_only_{side}": bool(addr)
            and (pc is None or outward)
            and not any(ch.isdigit() for ch in addr or "")
            and len((addr or "").split()) <= 3,
            # Every word counts as rare here; the store decides in a real run.
            f"addr_rare_{side}": [w for w in dict.fromkeys(addr.split()) if not w.isdigit()]
            if addr
            else None,
        }
    return pair


@pytest.mark.parametrize(
    ("postcodes", "addresses", "expected"),
    [
        (
            ("LS1 4AB", "LS1 4AB"),
            ("12 park road leeds", "12 park road leeds"),
            "address and postcode agree",
        ),
        # A mistyped postcode: the address alone says "one place".
        (
            ("LS1 4AB", "LS1 4BA"),
            ("12 park road leeds", "12 park road leeds"),
            "address agrees, postcode differs or missing",
        ),
        (
            (None, "LS1 4AB"),
            ("12 park road leeds", "12 park road leeds"),
            "address agrees, postcode differs or missing",
        ),
        (
            ("LS1 4AB", "LS1 4AB"),
            ("12 park road leeds", "3 mill lane leeds"),
            "postcode agrees, address differs or missing",
        ),
        (
            ("LS1 4AB", "LS1 4DD"),
            ("12 park road leeds", "3 mill lane leeds"),
            "postcode sector agrees",
        ),
        # A town alone (a charity's contact sheet) agrees as far as it goes: with an
        # address in that town, or the same town; never "address agrees" (one home).
        (
            (None, "HX1 2AB"),
            ("halifax", "69 cross way halifax hx1 2ab"),
            "town agrees, one address a town only",
        ),
        ((None, None), ("69 cross way halifax", "halifax"), "town agrees, one address a town only"),
        ((None, None), ("hebden bridge", "hebden bridge"), "town agrees, one address a town only"),
        ((None, None), ("halifax", "12 park road leeds"), "else"),
        # A move: different postcode and address is one disagreement, not two.
        (("LS1 4AB", "M1 2CD"), ("12 park road leeds", "3 mill lane salford"), "else"),
        ((None, "M1 2CD"), ("12 park road leeds", None), "null"),
        # An outward code alone (a partner's "BD21") against a postcode in that
        # district, or the same code: its own level, not two full postcodes' district.
        (
            ("BD21", "BD21 5NB"),
            (None, None),
            "postcode district agrees, one postcode an outward code only",
        ),
        (
            ("BD21", "BD21"),
            (None, "168 manor drive keighley"),
            "postcode district agrees, one postcode an outward code only",
        ),
        (("BD21 6GG", "BD21 5NB"), (None, None), "postcode district agrees"),
        # Another district is a place that differs; nothing to compare is null.
        (("BD21", "WF13 6BT"), (None, None), "else"),
        (("BD21", None), (None, None), "null"),
    ],
)
def test_place_levels(
    postcodes: tuple[str | None, str | None],
    addresses: tuple[str | None, str | None],
    expected: str,
) -> None:
    assert _level("place", _place(postcodes, addresses)) == expected


def test_free_text_addresses_in_other_orders_share_most_words() -> None:
    pair = _place((None, None), ("14 groom street kinross windsor", "kinross 14 groom st windsor"))
    assert _level("place", pair) == "address shares most of its words"
    other = _place((None, None), ("14 groom street kinross windsor", "9 high road leeds"))
    assert _level("place", other) == "else"


def _gamma(name: str, label: str) -> int:
    """Splink's number of a level: the else level is 0, each stronger one more."""
    (comparison,) = [
        c.get_comparison("duckdb").as_dict()
        for c in comparisons()
        if c.get_comparison("duckdb").as_dict()["output_column_name"] == name
    ]
    labels = [
        lvl.get("label_for_charts", "")
        for lvl in comparison["comparison_levels"]
        if not lvl.get("is_null_level")
    ]
    return len(labels) - 1 - labels.index(label)


def test_level_numbers_the_guards_read_name_the_levels_they_mean() -> None:
    assert {
        _gamma("place", label)
        for label in (
            "address and postcode agree",
            "address agrees, postcode differs or missing",
            "postcode agrees, address differs or missing",
            "house number and street agree",
        )
    } == set(model.PLACE_SAME_ADDRESS)
    assert _gamma("date_of_birth", "exact") == model.DOB_EXACT
    assert _gamma("surname", "phonetic code agrees") == model.SURNAME_SAME_MIN


@pytest.mark.parametrize(
    ("name", "left", "right", "expected"),
    [
        ("phones", ["+447700900123"], ["+447700900123"], "a phone number shared"),
        ("phones", ["+447700900999", "+447700900123"], ["+447700900123"], "a phone number shared"),
        # One digit keyed wrong, or two adjacent digits swapped.
        ("phones", ["+447700900123"], ["+447700900128"], "phone numbers one keyed error apart"),
        ("phones", ["+447700900123"], ["+447700900213"], "phone numbers one keyed error apart"),
        ("phones", ["+447700900123"], ["+447700911128"], "else"),
        ("emails", ["jo.bloggs@example.com"], ["jo.blogs@example.com"], "email addresses alike"),
        ("emails", ["jo.bloggs@example.com"], ["jo.bloggs@exmaple.com"], "email addresses alike"),
        ("emails", ["jo.bloggs@example.com"], ["sam.khan@example.org"], "else"),
        ("emails", ["jo.bloggs@example.com"], None, "null"),
    ],
)
def test_a_phone_or_email_keyed_slightly_wrong_is_a_level_of_its_own(
    name: str, left: list[str], right: list[str] | None, expected: str
) -> None:
    """Numbers and addresses are keyed by hand and have no check digit: one near the
    other's is weighed apart from one that differs (``comparisons.PHONES_ALIKE``)."""
    level = _level(name, {f"{name}_l": left, f"{name}_r": right})
    assert level.startswith(expected) if expected != "null" else level in ("null", "")


def test_postcode_and_address_are_one_comparison() -> None:
    # Two comparisons would add a move's disagreement (or a household's
    # agreement) twice.
    names = [c.get_comparison("duckdb").as_dict()["output_column_name"] for c in comparisons()]
    assert "place" in names
    assert "postcode" not in names and "address" not in names


def test_levels_unseen_in_training_are_floored_not_impossible() -> None:
    trained = {
        "comparisons": [
            {
                "output_column_name": "emails",
                "comparison_levels": [
                    {"sql_condition": "emails_l IS NULL", "is_null_level": True},
                    # Shared: no random pair in the sample, so Splink left u unset.
                    {"sql_condition": "shared", "m_probability": 1.0},
                    # Differ: EM saw no true pair with two addresses.
                    {"sql_condition": "ELSE", "m_probability": 1e-17, "u_probability": 1.0},
                ],
            }
        ]
    }
    out = model.regularised(trained, u_sample_pairs=1e6)
    null, shared, differ = out["comparisons"][0]["comparison_levels"]
    assert "m_probability" not in null and "u_probability" not in null
    assert shared["u_probability"] == pytest.approx(5e-7) and shared["m_probability"] == 1.0
    assert differ["m_probability"] == model.M_FLOOR and differ["u_probability"] == 1.0
    # The input is not changed in place: a saved model stays as trained.
    assert trained["comparisons"][0]["comparison_levels"][2]["m_probability"] == 1e-17


def _names(fn: tuple[str, str], sn: tuple[str, str]) -> dict[str, Any]:
    pair: dict[str, Any] = {}
    for i, side in enumerate(("l", "r")):
        pair |= {
            f"fn1_{side}": fn[i],
            f"sn_{side}": sn[i],
            f"sn1_{side}": sn[i],
            f"sn_code_{side}": sn[i].upper(),
            f"name_keys_{side}": None,
        }
    return pair


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        (("muhammad amir", "muhammad amir"), "every forename agrees"),
        # One record with the first forename only, or two with different second names:
        # the first forename's agreement, as before the level was added.
        (("muhammad amir", None), "first forename agrees"),
        (("muhammad amir", "muhammad ali"), "first forename agrees"),
    ],
)
def test_every_forename_agreeing_is_a_level_above_the_first(
    full: tuple[str | None, str | None], expected: str
) -> None:
    pair = _names(("muhammad", "muhammad"), ("shahkhan", "shahkhan")) | {
        "fn_full_l": full[0],
        "fn_full_r": full[1],
        "fn_keys_l": ["muhammad"],
        "fn_keys_r": ["muhammad"],
        "fn_key1_l": "muhammad",
        "fn_key1_r": "muhammad",
    }
    assert _level("forenames", pair) == expected


def test_swapped_names_are_counted_once_by_the_forenames() -> None:
    swapped = _names(("katherine", "shaw"), ("shaw", "katherine"))
    keys = {"fn_keys_l": None, "fn_keys_r": None, "fn_key1_l": "katherine", "fn_key1_r": "shaw"}
    assert _level("forenames", swapped | keys) == ("forename and surname swapped")
    assert _level("surname", swapped) == "null"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (("1985-04-12", "1986-04-12"), "one character differs, in the year"),
        (("1985-04-12", "1985-04-13"), "one character differs, in the day or month"),
        (("1985-04-12", "1985-07-12"), "one character differs, in the day or month"),
    ],
)
def test_a_keyed_error_says_which_part_it_touched(dates: tuple[str, str], expected: str) -> None:
    pair = {
        "dob_l": dates[0],
        "dob_r": dates[1],
        "dob_y_l": int(dates[0][:4]),
        "dob_y_r": int(dates[1][:4]),
        "dob_swapped_l": None,
        "dob_md_l": dates[0][5:],
        "dob_md_r": dates[1][5:],
        "dob_ym_l": dates[0][:7],
        "dob_ym_r": dates[1][:7],
    }
    assert _level("date_of_birth", pair) == expected


def _one_edit_neighbours(value: str) -> set[str]:
    """Every string one keyed error from ``value``: a character replaced (the dashes
    too), left out or put in, or two neighbours transposed."""
    out = set()
    for i in range(len(value) + 1):
        for c in "0127-x":
            out.add(value[:i] + c + value[i:])
            if i < len(value):
                out.add(value[:i] + c + value[i + 1 :])
        if i < len(value):
            out.add(value[:i] + value[i + 1 :])
        if i + 1 < len(value):
            out.add(value[:i] + value[i + 1] + value[i] + value[i + 2 :])
    return out - {value}


def test_the_cheap_test_before_a_keyed_error_distance_changes_no_pair() -> None:
    """``one_edit`` asks whether the first four or the last four characters agree before
    it computes the distance: over every one-edit neighbour of birth dates, NHS numbers,
    phone numbers and short values, and every neighbour of those, it must agree with
    the distance alone."""
    values = ["1985-04-12", "2011-11-11", "9434765919", "07700900123", "01632960001", "0771"]
    pairs = {(v, n) for v in values for n in _one_edit_neighbours(v)}
    pairs |= {
        (v, m) for v in values for n in _one_edit_neighbours(v) for m in _one_edit_neighbours(n)
    }
    pairs |= {(a, b) for a in values for b in values}
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE p AS SELECT unnest(?) AS a, unnest(?) AS b",
        [[a for a, _ in pairs], [b for _, b in pairs]],
    )
    differ, near = con.execute(
        f"SELECT count(*) FILTER (WHERE coalesce({one_edit('a', 'b')}, false) "
        "<> coalesce(damerau_levenshtein(a, b) <= 1, false)), "
        "count(*) FILTER (WHERE damerau_levenshtein(a, b) <= 1) FROM p"
    ).fetchall()[0]
    assert near > 500
    assert differ == 0


def _dates(left: str, right: str) -> dict[str, Any]:
    """The birth-date features of two dates as ``features.py`` makes them (a year alone
    has no full date, no month and no day)."""
    pair: dict[str, Any] = {"dob_swapped_l": None}
    for side, d in (("l", left), ("r", right)):
        full = len(d) == 10
        pair |= {
            f"dob_{side}": d if full else None,
            f"dob_y_{side}": int(d[:4]),
            f"dob_md_{side}": d[5:] if full else None,
            f"dob_ym_{side}": d[:7] if len(d) >= 7 else None,
        }
    return pair


ONE_OUT = "within one year, one date a year only"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # A charity's year of birth (or a 1 January placeholder, read as its year)
        # against a full date: agreeing as far as it goes, or one after (worked back
        # from an age given before the birthday) or before (an age given older).
        (("2010", "2010-02-11"), "year agrees, one date a year only"),
        (("2010-02-11", "2011"), ONE_OUT),
        (("2011", "2010-02-11"), ONE_OUT),
        (("2010-02-11", "2009"), ONE_OUT),
        (("2009", "2010"), ONE_OUT),
        # Two full dates of one year and another day and month: another level.
        (("2010-05-03", "2010-02-11"), "year agrees"),
        (("2010-05-03", "2009-02-11"), "within one year"),
    ],
)
def test_a_year_only_agrees_as_far_as_it_goes(dates: tuple[str, str], expected: str) -> None:
    assert _level("date_of_birth", _dates(*dates)) == expected


def test_partial_year_levels_are_read_as_year_levels_by_clustering() -> None:
    assert _gamma("date_of_birth", "year agrees, one date a year only") == model.DOB_PARTIAL_YEAR
    assert _gamma("date_of_birth", ONE_OUT) == model.DOB_PARTIAL_WITHIN_YEAR
    assert _gamma("date_of_birth", "year and month agree") == model.DOB_YEAR_MONTH
    assert _gamma("date_of_birth", "year agrees") == model.DOB_YEAR
    assert _gamma("date_of_birth", "within one year") == model.DOB_WITHIN_YEAR
    assert _gamma("date_of_birth", "day and month transposed") in model.DOB_SAME_DATE
    # Name-led links (a year at most) include the partial levels.
    assert model.DOB_PARTIAL_YEAR <= model.DOB_PARTIAL_MAX


def test_polish_diminutives_are_variants_of_the_full_name() -> None:
    """A partner records the everyday form (Darek) where the police hold the full one."""
    from clearsight.linkage.features import nickname_groups

    groups = nickname_groups()
    for full, short in (("dariusz", "darek"), ("katarzyna", "kasia"), ("jakub", "kuba")):
        assert short in groups[full], full


def _surnames(left: str, right: str) -> dict[str, Any]:
    """A pair of surnames as ``features`` reads them: letters only, and the parts of a
    double-barrelled one."""
    pair: dict[str, Any] = {}
    for side, written in (("l", left), ("r", right)):
        parts = [p for p in written.lower().replace("-", " ").split() if p]
        pair |= {
            f"fn1_{side}": None,
            f"sn_{side}": "".join(parts),
            f"sn1_{side}": parts[0],
            f"sn_parts_{side}": parts if len(parts) > 1 else None,
            f"sn_code_{side}": "".join(parts).upper(),
            f"name_keys_{side}": None,
        }
    return pair


@pytest.mark.parametrize(
    ("left", "right"),
    [("Smith", "Shah-Smith"), ("Hall", "Kowalski-Hall"), ("Mirza-Smith", "Mirza")],
)
def test_one_half_of_a_double_barrelled_surname_is_a_level_of_its_own(
    left: str, right: str
) -> None:
    """A partner keeps one word of "Shah-Smith": the surname agrees as far as it goes
    (it fell in "else", a disagreement, when the kept half was the second)."""
    assert _level("surname", _surnames(left, right)) == "one part of a double-barrelled surname"
    level = _gamma("surname", "one part of a double-barrelled surname")
    assert model.SURNAME_HOUSEHOLD_MIN <= level < model.SURNAME_SAME_MIN


def test_two_double_barrelled_surnames_sharing_a_part_are_not_one_surname() -> None:
    # Brown-Jones and Smith-Jones are two families; Smith and Jones two surnames.
    assert _level("surname", _surnames("Brown-Jones", "Smith-Jones")) == "else"
    assert _level("surname", _surnames("Smith", "Jones")) == "else"
    # One surname written as one word or two is the same surname.
    assert _level("surname", _surnames("Ward-Ahmed", "Ward Ahmed")) == "exact"


def test_every_level_is_labelled_in_words_an_analyst_reads() -> None:
    # Explanations (the entity page, alerts, `clearsight entity explain`) print the labels:
    # Splink's defaults name columns ("Exact match on fn1") or say nothing ("All other
    # comparisons").
    labels = [
        lvl.get("label_for_charts", "")
        for c in comparisons()
        for lvl in c.get_comparison("duckdb").as_dict()["comparison_levels"]
    ]
    assert labels and all(label for label in labels)
    assert not [x for x in labels if x.startswith("Exact match") or x == "All other comparisons"]
    assert not [x for x in labels if "fn1" in x or "sn_" in x or "_l" in x]
