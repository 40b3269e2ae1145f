"""u read from random pairs that disagree on the other identifiers (``conditioned_u``):
where people are recorded many times over, the agreement random pairs show is mostly
the matches', and a birth date that agrees must still count for what it is among
strangers. Real stores, the real linkage run."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import duckdb

from clearsight.linkage import conditioned_u, run
from tests.linkage.conftest import persons_store


def _names(rng: random.Random, n: int) -> list[str]:
    """``n`` fictional names of three syllables: strangers seldom share one."""
    syllables = [c + v for c in "bdfgklmnprstvwz" for v in "aeiou"]
    return ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(n)]


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("xqz") + word[i + 1 :]


def _duplicated(people: int, copies: int, seed: int) -> list[dict[str, object]]:
    """``people`` fictional people recorded ``copies`` times each (a child known to every
    agency), names and birth date kept or keyed wrongly, no place."""
    rng = random.Random(seed)
    forenames, surnames = _names(rng, 60), _names(rng, 200)
    rows: list[dict[str, object]] = []
    for _ in range(people):
        fn, sn = rng.choice(forenames), rng.choice(surnames)
        born = f"{rng.randrange(1990, 2012)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        for _ in range(copies):
            rows.append(
                {
                    "forenames": fn if rng.random() < 0.85 else _typo(rng, fn),
                    "surname": sn if rng.random() < 0.85 else _typo(rng, sn),
                    "date_of_birth": born if rng.random() < 0.85 else None,
                }
            )
    return rows


def _level(model: dict[str, Any], name: str, label: str) -> dict[str, Any]:
    comparison = next(c for c in model["comparisons"] if c["output_column_name"] == name)
    levels = comparison["comparison_levels"]
    return next(lvl for lvl in levels if lvl.get("label_for_charts") == label)


def _trained(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any], list[str]]:
    design_json, model_json = con.execute(
        "SELECT design_json, model_json FROM link_runs ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    return json.loads(model_json), json.loads(design_json)["notes"]


def test_a_birth_date_agreeing_counts_for_what_it_is_among_strangers() -> None:
    # 150 people, six records each: about one random pair in a hundred is one person,
    # and a random pair agrees on a birth date far more often through them than by
    # chance (22 years of birth dates: one pair of strangers in about 8,000).
    con = persons_store(_duplicated(people=150, copies=6, seed=3))
    run(con)
    model, notes = _trained(con)
    exact = _level(model, "date_of_birth", "exact")
    by_chance = 1 / (22 * 12 * 28)
    assert exact["u_probability"] < 3 * by_chance
    assert any(n.startswith("date_of_birth: 'exact' u") for n in notes), notes
    assert exact["u_probability"] < by_chance * 10
    # A person's records agree on birth date and names most of the time, and that is
    # now evidence enough: the 900 records make far fewer entities (with u read from
    # every random pair, almost every record stayed an entity of its own).
    n_entities = con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    assert n_entities < 900 / 2


def test_seldom_duplicated_records_move_nothing_that_matters() -> None:
    # One record a person: random pairs are all strangers, the condition takes out
    # almost nothing, and no level's weight moves by a bit.
    rows = _duplicated(people=900, copies=1, seed=5)
    con = persons_store(rows)
    run(con)
    _, notes = _trained(con)
    moved = [n for n in notes if "disagreeing on the other identifiers" in n]
    for note in moved:
        words = note.split()
        before = float(words[words.index("among") - 1])
        after = float(words[words.index("among", words.index("among") + 1) - 1])
        assert abs(math.log2(before / after)) < 1, note


def test_a_field_a_household_shares_is_read_with_the_household_in() -> None:
    compared = ["forenames", "surname", "date_of_birth", "place", "phones"]
    # Brothers and sisters share a surname, a home and a phone: the place's and the
    # phone's u are read from pairs that differ in forename and birth date only, so
    # that they stay in.
    for shared in ("place", "phones"):
        where = conditioned_u.condition(shared, compared)
        assert where is not None
        assert "gamma_surname" not in where
        assert "gamma_forenames" in where and "gamma_date_of_birth" in where
    # A surname is read from pairs of different forenames and birth dates (households
    # in); a birth date from pairs of different names.
    surname = conditioned_u.condition("surname", compared)
    assert surname is not None and "gamma_surname" not in surname
    dob = conditioned_u.condition("date_of_birth", compared)
    assert dob is not None and "gamma_date_of_birth" not in dob and "gamma_surname" in dob
    # Nothing to condition on: Splink's estimate stands.
    assert conditioned_u.condition("phones", ["phones", "place"]) is None


def test_a_condition_that_keeps_too_few_pairs_is_not_used() -> None:
    # The surname recorded on 100 sampled pairs, the condition keeping 40 of them: too
    # few to be a sample of non-matches; u is read from all 100.
    sparse = conditioned_u.Sampled("surname", {4: 10, 0: 90}, {4: 3, 0: 37})
    assert not sparse.usable
    assert sparse.u(4) == 10 / 100
    kept = conditioned_u.Sampled("surname", {4: 10, 0: 90}, {4: 1, 0: 79})
    assert kept.usable
    assert kept.u(4) == 1 / 80
    # Seen among random pairs but not among the conditioned ones: half a pair.
    assert conditioned_u.Sampled("surname", {4: 10, 0: 90}, {0: 80}).u(4) == 0.5 / 80
    # Seen by no sampled pair at all: not observed (Splink's own marking).
    assert kept.u(7) is None
    # No condition: all the sampled pairs.
    assert conditioned_u.Sampled("phones", {1: 2, 0: 98}, None).u(1) == 2 / 100


def test_every_level_is_estimated_in_one_pass() -> None:
    con = persons_store(_duplicated(people=30, copies=2, seed=9))
    from clearsight.linkage import features, model
    from clearsight.linkage.backend import backend_for

    features.build_input(con)
    backend = backend_for(con)
    compared = ["forenames", "surname", "date_of_birth"]
    linker = backend.linker(
        backend.register_input(features.INPUT_TABLE), model.settings(names=compared)
    )
    conditioned_u.estimate(
        con, linker, features.INPUT_TABLE, model.settings(names=compared), compared, 1e4, 1
    )
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            assert [r["description"] for r in level._trained_u_probabilities] == [
                conditioned_u.DESCRIPTION
            ]
    # The sample's tables are gone.
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not tables & {conditioned_u.SAMPLE_TABLE, conditioned_u.GAMMA_TABLE}
