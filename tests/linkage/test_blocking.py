"""The hashed-key blocking proposes exactly the pairs Splink's own blocking proposes."""

from __future__ import annotations

import shutil
from pathlib import Path

from clearsight.linkage import blocking, features, model
from clearsight.store import connect
from tests.linkage.conftest import Linked


def _pairs(rows: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(left, right) for _, left, right in rows}


def test_hashed_blocking_equals_splink_blocking(linked: Linked, tmp_path: Path) -> None:
    from splink import DuckDBAPI, Linker

    # Splink writes its working tables into the store: work on a copy.
    copy = tmp_path / "store.duckdb"
    shutil.copy(linked.path, copy)
    con = connect(copy)
    n = features.build_input(con)
    assert n > 1000
    count = blocking.blocked_pairs(con, features.INPUT_TABLE)
    ours = con.execute(
        f"SELECT match_key, join_key_l, join_key_r FROM {blocking.PAIRS_TABLE}"
    ).fetchall()
    assert len(ours) == count
    assert all(left < right for _, left, right in ours)

    api = DuckDBAPI(connection=con)
    linker = Linker(api.register(features.INPUT_TABLE), model.settings())
    theirs_df = linker.inference.compute_blocked_pairs_for_predict()
    theirs = con.execute(
        f"SELECT match_key, join_key_l, join_key_r FROM {theirs_df.physical_name}"
    ).fetchall()
    con.close()

    assert _pairs(ours) == _pairs(theirs)
    # Each pair names the rule that proposed it (Splink's match_key is only
    # informative: it takes the minimum of string keys, so "11" before "2").
    assert {int(key) for key, _, _ in ours} <= set(range(len(model.BLOCKING_RULES)))


def test_one_sided_rule_pairs_either_order() -> None:
    rule = model.BlockingRule(("fn_key1_undated", "sn_code"), ("fn_key1", "sn_code"))
    assert rule.one_sided
    assert rule.splink_rules() == [
        "l.fn_key1_undated = r.fn_key1 AND l.sn_code = r.sn_code",
        "l.fn_key1 = r.fn_key1_undated AND l.sn_code = r.sn_code",
    ]


def _proposed(
    rows: list[dict[str, object]], rules: tuple[model.BlockingRule, ...]
) -> set[tuple[str, str]]:
    """Person-id pairs ``rules`` propose over ``rows`` (one source, one area)."""
    from tests.linkage.conftest import persons_store

    con = persons_store(rows)
    features.build_input(con)
    blocking.blocked_pairs(con, features.INPUT_TABLE, rules)
    pairs = con.execute(
        f"SELECT l.person_id, r.person_id FROM {blocking.PAIRS_TABLE} p "
        f"JOIN {features.INPUT_TABLE} l ON l.record_key = p.join_key_l "
        f"JOIN {features.INPUT_TABLE} r ON r.record_key = p.join_key_r"
    ).fetchall()
    con.close()
    return {(min(a, b), max(a, b)) for a, b in pairs}


def test_a_year_worked_back_from_an_age_is_proposed_one_year_out() -> None:
    """A charity's "Tyler Hartley, 2014, Leeds" for a boy born in June 2015: the year
    worked back from his age is one before the police record's (and "2016-01-01" one
    after); no postcode, address or full date is shared. Two years out is not proposed
    on the names and year, nor is a full date one year out from another full date (the
    rare-surname rule would propose them all: the year rules are tested alone)."""
    year_rules = tuple(r for r in model.BLOCKING_RULES if r.left[0].startswith("dob_y_partial_"))
    assert len(year_rules) == 2
    police = {
        "forenames": "Tyler",
        "surname": "Hartley",
        "date_of_birth": "2015-06-28",
        "postcode": "LS11 9HN",
        "address": "121 Oak Grove, Leeds",
    }
    proposed = _proposed(
        [
            police,
            {
                "forenames": "Tyler",
                "surname": "Hartley",
                "date_of_birth": "2014",
                "address": "Leeds",
            },
            {"forenames": "Tyler", "surname": "Hartley", "date_of_birth": "2016-01-01"},
            {"forenames": "Tyler", "surname": "Hartley", "date_of_birth": "2013"},
            {"forenames": "Tyler", "surname": "Hartley", "date_of_birth": "2016-09-02"},
        ],
        year_rules,
    )
    assert ("0", "1") in proposed and ("0", "2") in proposed
    assert ("0", "3") not in proposed and ("0", "4") not in proposed


def test_the_last_half_of_a_double_barrelled_surname_is_proposed() -> None:
    """A charity's "Ibrahim Taylor, 2006-01-01, Leeds" and the police's "Ibrahim
    Bashir-Taylor, 2006-01-28" at an address: the surname comparison has a level for one
    half of a double-barrelled surname, but no rule proposed the pair (the whole
    surname's code and first word are Bashir's). The first half is proposed by the
    other rules already; another forename, another year or a surname that merely ends
    the same is not proposed by this rule."""
    (rule,) = (r for r in model.BLOCKING_RULES if r.left[0] == "sn_part_last")
    assert rule.one_sided
    police = {
        "forenames": "Ibrahim",
        "surname": "Bashir-Taylor",
        "date_of_birth": "2006-01-28",
        "address": "37 Canal Road, Leeds",
    }
    proposed = _proposed(
        [
            police,
            {"forenames": "Ibrahim", "surname": "Taylor", "date_of_birth": "2006-01-01"},
            {"forenames": "Ibrahim", "surname": "Taylor", "date_of_birth": "2006"},
            {"forenames": "Yusuf", "surname": "Taylor", "date_of_birth": "2006"},
            {"forenames": "Ibrahim", "surname": "Taylor", "date_of_birth": "2009"},
            {"forenames": "Ibrahim", "surname": "Bashir-Taylor", "date_of_birth": "2006"},
            {"forenames": "Ibrahim", "surname": "Smith-Taylor", "date_of_birth": "2006"},
        ],
        (rule,),
    )
    assert ("0", "1") in proposed and ("0", "2") in proposed
    assert not {("0", "3"), ("0", "4"), ("0", "5"), ("0", "6")} & proposed
    # Two records of one single-word surname are not this rule's (no part on either).
    assert ("1", "2") not in proposed


def test_a_record_with_no_surname_is_proposed_on_its_forename_and_year() -> None:
    """A charity's "Wei, 2012, Dewsbury" (no surname) and the police's "WEI YANG,
    2012-10-18" at an address in Dewsbury: no rule proposed the pair (each pairs a name
    with a surname, a postcode, an address or a full date). The forename key and the year
    do, one-sided: another forename or another year is not proposed, nor two records that
    both hold a surname."""
    (rule,) = (r for r in model.BLOCKING_RULES if r.left[0] == "fn_key1_no_sn")
    assert rule.one_sided
    wei = {"forenames": "Wei"}
    yang = {"forenames": "WEI", "surname": "YANG", "address": "45 Oak Ave, Dewsbury"}
    rows: list[dict[str, object]] = [
        yang | {"date_of_birth": "2012-10-18"},
        wei | {"date_of_birth": "2012-01-01", "address": "Dewsbury"},
        wei | {"date_of_birth": "2012"},
        wei | {"date_of_birth": "2013"},
        {"forenames": "Lin", "date_of_birth": "2012"},
        wei | {"surname": "Chen", "date_of_birth": "2012-05-01"},
    ]
    proposed = _proposed(rows, (rule,))
    assert ("0", "1") in proposed and ("0", "2") in proposed
    assert not {("0", "3"), ("0", "4"), ("0", "5")} & proposed
    # A surname on both sides is the other rules' business; one without is this rule's.
    assert ("1", "5") in proposed


def test_a_nickname_and_its_full_name_share_one_blocking_key() -> None:
    """A charity's "Becky" and the police's "Rebecca", "Bob" and "Robert", "Lottie" and
    "Charlotte": one forename key, so the rules on the forename key propose them (the
    alphabetically first group put Becky on "beck" and Robert on "bill"). A name the
    table does not hold is its own key."""
    from tests.linkage.conftest import persons_store

    names = ["Becky", "Rebecca", "Bob", "Robert", "Rob", "Lottie", "Charlotte", "Tori"]
    names += ["Victoria", "Eddie", "Edward", "Michael", "Michal", "Jamie", "James", "Zebedeus"]
    con = persons_store([{"forenames": n, "surname": "Hartley"} for n in names])
    features.build_input(con)
    key = dict(con.execute(f"SELECT fn1, fn_key1 FROM {features.INPUT_TABLE}").fetchall())
    con.close()
    assert len(key) == len(names)
    for short, full in (("becky", "rebecca"), ("bob", "robert"), ("rob", "robert")):
        assert key[short] == key[full] == full
    assert key["lottie"] == key["charlotte"]
    assert key["tori"] == key["victoria"]
    assert key["eddie"] == key["edward"]
    # A full given name of the shipped table is its own key, whatever larger group
    # the English table files it under (Michael under Miguel, James beside Benjamin).
    assert key["michael"] == key["michal"] == "michael"
    assert key["jamie"] == key["james"] == "james"
    assert key["zebedeus"] == "zebedeus"


def test_the_canonical_forename_is_a_group_of_the_name() -> None:
    """Every name's canonical key is one of its own groups, so the comparison's
    nickname level (any shared group) agrees wherever the blocking key does."""
    groups = features.nickname_groups()
    canonical = features.canonical_forenames()
    assert len(canonical) > 1000
    for name, key in canonical.items():
        assert key == name or name in groups[key], name


def test_an_email_keyed_with_an_error_is_proposed_on_either_end() -> None:
    """A charity's record with no forename, the surname and the email each mistyped, the
    birth date a few weeks out, against the police's: the email comparison has a level
    for an email alike, but no exact value was shared to pair on. Either end of the
    email's local part with the year proposes the pair; another year, or a local part
    too short to have two ends, does not."""
    (rule,) = (r for r in model.BLOCKING_RULES if r.left[0] == "email_ends")
    police = {
        "forenames": "Jessica",
        "surname": "Arellano",
        "date_of_birth": "1990-03-14",
        "emails": ["jessica.arellano@example.com"],
    }
    rows: list[dict[str, object]] = [
        police,
        # The end of the local part mistyped: the first five letters agree.
        {
            "surname": "Aerllano",
            "date_of_birth": "1990-05-02",
            "emails": ["jessica.arelano@example.com"],
        },
        # The beginning mistyped: the last five agree.
        {
            "surname": "Arelano",
            "date_of_birth": "1990-04-11",
            "emails": ["jsesica.arellano@exmple.com"],
        },
        # Another year of birth: not proposed.
        {
            "surname": "Brown",
            "date_of_birth": "1985-01-01",
            "emails": ["jessica.brown@example.com"],
        },
        # Local parts of fewer than five characters: no ends to pair on.
        {"surname": "Lee", "date_of_birth": "1990-07-01", "emails": ["jo@example.com"]},
        {"surname": "Lea", "date_of_birth": "1990-08-01", "emails": ["jo@example.org"]},
    ]
    proposed = _proposed(rows, (rule,))
    assert ("0", "1") in proposed and ("0", "2") in proposed
    assert not {("0", "3"), ("4", "5")} & proposed
    # No other rule proposes the first two pairs: the rule is what finds them.
    others = tuple(r for r in model.BLOCKING_RULES if r is not rule)
    assert not {("0", "1"), ("0", "2")} & _proposed(rows, others)
