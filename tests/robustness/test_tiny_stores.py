"""Stores too small or too uniform for the statistics the pipeline usually leans on: one
person, two, one source, everyone the same name, nobody with a date of birth, nobody
offending, everyone a victim, ids without names. Every stage runs; every export, report,
listing and web page answers without a traceback."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest

from tests.robustness import product
from tests.robustness.conftest import Store
from tests.robustness.small_stores import SMALL_STORES

# Entities, and whether a network is expected, per store: what an analyst would expect.
# None: not asserted (whether ten records of five people link is the model's judgement
# on a store too small to estimate it from; benchmarks measure linkage, not this sweep).
EXPECTED: dict[str, tuple[int | None, bool]] = {
    "one_person": (1, False),
    "two_persons": (2, False),  # one child and one suspect: not a group
    "one_source": (5, True),
    "same_name": (10, True),  # nothing tells them apart: nothing merged
    "no_dob": (None, True),
    "no_offenders": (None, False),
    "all_victims": (None, False),
    "ids_only": (10, True),  # no names: nothing merged, networks found per source
    "empty": (0, False),  # headers only: every stage runs on nothing
    "pair_across": (None, False),
}
# A command that may refuse on such a store, and the one line it must give instead.
UNTRAINED = "the last linkage run (run 1) trained no model"
UNTRAINED_STORES = ("one_person", "same_name", "ids_only", "empty", "pair_across")


def test_linkage_explanations_are_current(tiny: Callable[[str], Store]) -> None:
    """Every small store's run wrote its explanations, even a run over no records (the web
    app warned they were missing on a store of header-only submissions)."""
    from clearsight.linkage.explain import explanations_current

    for name in SMALL_STORES:
        con = duckdb.connect(str(tiny(name).db))
        try:
            assert explanations_current(con) is True, name
        finally:
            con.close()


def _facts(store: Store) -> tuple[int, int, int]:
    con = duckdb.connect(str(store.db), read_only=True)
    try:
        records = con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0]
        entities = con.execute("SELECT count(DISTINCT entity_id) FROM person_entities")
        entities = entities.fetchall()[0][0]
        networks = con.execute("SELECT count(*) FROM networks").fetchall()[0][0]
        return int(records), int(entities), int(networks)
    finally:
        con.close()


def test_every_small_store_has_an_expectation() -> None:
    assert set(EXPECTED) == set(SMALL_STORES)


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_ingest_and_analyse(tiny: Callable[[str], Store], name: str) -> None:
    store = tiny(name)
    assert store.ingest is not None and store.ingest.ok, product.summary(store.ingest)
    summaries = store.summaries[name]
    assert summaries
    for summary, written in zip(summaries, store.written[name], strict=True):
        read = {f["file"]: f["rows_read"] for f in summary["files"]}
        assert read == {f"{t}.csv": n for t, n in written.rows.items()}
    assert store.analysed is not None and store.analysed.ok, product.summary(store.analysed)
    records, entities, networks = _facts(store)
    expected_entities, expected_network = EXPECTED[name]
    if expected_entities is None:
        assert 0 < entities <= records
    else:
        assert entities == expected_entities
    assert (networks > 0) == expected_network


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_every_export_report_and_listing(tiny: Callable[[str], Store], name: str) -> None:
    store = tiny(name)
    network = product.first_network(store.db)
    entities = product.entity_ids(store.db)
    assert entities or name == "empty"
    failed = []
    for label, command in product.export_commands(store.out, network).items():
        if label.startswith("export network ") and network is None:
            continue
        ran = product.run(store.db, *command)
        if not ran.ok or not product.written_by(command).exists():
            failed.append(product.summary(ran))
    # The language check is the shapes store's to run: it starts spaCy each time.
    first = entities[0] if entities else None
    for command in product.listing_commands(network, first, language=False):
        ran = product.run(store.db, *command)
        if not ran.ok:
            failed.append(product.summary(ran))
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_link_new_runs_or_says_why(tiny: Callable[[str], Store], name: str) -> None:
    ran = product.run(tiny(name).db, "link", "--new")
    assert ran.crash is None, ran.crash
    if ran.code != 0:
        # Nothing trained on one record or on records nothing tells apart: one clear line.
        assert ran.code == 2 and name in UNTRAINED_STORES
        assert ran.err.startswith(f"error: {UNTRAINED}") and ran.err.count("\n") == 1, ran.err


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_web_pages(tiny: Callable[[str], Store], name: str) -> None:
    pages = product.walk_pages(tiny(name).db)
    assert pages
    broken = [p for p in pages if p.crash or p.status >= 500]
    assert not broken, [(p.user, p.url, p.status, p.crash) for p in broken]
    people = [p for p in pages if p.url.startswith("/person/") and p.user.startswith("analyst")]
    assert (people or name == "empty") and all(p.status == 200 for p in people)
