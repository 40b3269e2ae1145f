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
    "same_name": (0, False),  # nothing tells them apart: linkage stops, nothing written
    "no_dob": (None, True),
    "no_offenders": (None, False),
    "all_victims": (None, False),
    "ids_only": (0, False),  # no names: linkage stops with the clear error
    "empty": (0, False),  # headers only: every stage runs on nothing
    "pair_across": (0, False),
}
# A command that may refuse on such a store, and the one line it must give instead.
UNTRAINED = "the last linkage run (run 1) trained no model"
UNTRAINED_STORES = ("one_person", "empty")
# Stores whose records hold nothing linkable: analyse stops at linkage with one clear line
# naming each source and what it holds, and writes nothing partial (issue 18 item 1).
# One child's two identical records (pair_across) is one too: every field holds one value.
NOTHING_LINKABLE = ("same_name", "ids_only", "pair_across")
NO_RUN = "no trained linkage run to link new records with"


def test_linkage_explanations_are_current(tiny: Callable[[str], Store]) -> None:
    """Every small store's run wrote its explanations, even a run over no records (the web
    app warned they were missing on a store of header-only submissions)."""
    from clearsight.linkage.explain import explanations_current

    for name in SMALL_STORES:
        con = duckdb.connect(str(tiny(name).db))
        try:
            # A store where nothing could be linked has no run to explain (None).
            expected = None if name in NOTHING_LINKABLE else True
            assert explanations_current(con) is expected, name
        finally:
            con.close()


def _facts(store: Store) -> tuple[int, int, int]:
    con = duckdb.connect(str(store.db), read_only=True)
    try:
        records = con.execute("SELECT count(*) FROM current_persons").fetchall()[0][0]
        entities = con.execute("SELECT count(DISTINCT entity_id) FROM person_entities")
        entities = entities.fetchall()[0][0]
        has_networks = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'networks'"
        ).fetchall()[0][0]
        # A store where linkage stopped never reached the networks stage.
        networks = (
            con.execute("SELECT count(*) FROM networks").fetchall()[0][0] if has_networks else 0
        )
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
    assert store.analysed is not None
    if name in NOTHING_LINKABLE:
        ran = store.analysed
        assert ran.crash is None and ran.code == 2, product.summary(ran)
        assert ran.err.startswith("error: nothing linkable") and ran.err.count("\n") == 1
    else:
        assert store.analysed.ok, product.summary(store.analysed)
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
    assert entities or name in ("empty", *NOTHING_LINKABLE)
    failed = []
    for label, command in product.export_commands(store.out, network).items():
        if label.startswith("export network ") and network is None:
            continue
        ran = product.run(store.db, *command)
        # Before any linkage a command may refuse, in one line, never with a traceback.
        refused = name in NOTHING_LINKABLE and ran.code == 2 and ran.crash is None
        if not refused and (not ran.ok or not product.written_by(command).exists()):
            failed.append(product.summary(ran))
    # The language check is the shapes store's to run: it starts spaCy each time.
    first = entities[0] if entities else None
    for command in product.listing_commands(network, first, language=False):
        ran = product.run(store.db, *command)
        refused = name in NOTHING_LINKABLE and ran.code == 2 and ran.crash is None
        if not ran.ok and not refused:
            failed.append(product.summary(ran))
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_link_new_runs_or_says_why(tiny: Callable[[str], Store], name: str) -> None:
    ran = product.run(tiny(name).db, "link", "--new")
    assert ran.crash is None, ran.crash
    if ran.code != 0:
        # Nothing trained on one record or on records nothing tells apart: one clear line.
        assert ran.code == 2 and name in (*UNTRAINED_STORES, *NOTHING_LINKABLE)
        said = NO_RUN if name in NOTHING_LINKABLE else UNTRAINED
        assert ran.err.startswith(f"error: {said}") and ran.err.count("\n") == 1, ran.err


@pytest.mark.parametrize("name", sorted(SMALL_STORES))
def test_web_pages(tiny: Callable[[str], Store], name: str) -> None:
    pages = product.walk_pages(tiny(name).db)
    assert pages
    broken = [p for p in pages if p.crash or p.status >= 500]
    assert not broken, [(p.user, p.url, p.status, p.crash) for p in broken]
    people = [p for p in pages if p.url.startswith("/person/") and p.user.startswith("analyst")]
    assert (people or name in ("empty", *NOTHING_LINKABLE)) and all(p.status == 200 for p in people)
