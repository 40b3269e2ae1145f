"""Small stores, each its own case: one person, two, one source, everyone the same name, no
births, nobody offending, everyone a victim, ids only, headers only, one child twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.robustness.submissions import (
    REQUIRED,
    Row,
    Table,
    Written,
    event,
    full_tables,
    group_world,
    person,
    role,
    write_submission,
)


def _one_source(persons: list[Row], events: list[Row], involvements: list[Row]) -> dict[str, Table]:
    return full_tables({"persons": persons, "events": events, "involvements": involvements})


def one_person(root: Path) -> list[Written]:
    tables = _one_source(
        [person("P1", "Ffion", "Ellis", "2010-01-01")],
        [event("E1", "referral", "2024-02-02")],
        [role("E1", "P1", "subject")],
    )
    return [write_submission(root, "one-person", tables)]


def two_persons(root: Path) -> list[Written]:
    tables = _one_source(
        [person("P1", "Ffion", "Ellis", "2010-01-01"), person("P2", "Gareth", "Lloyd", "1980")],
        [event("E1", "crime", "2024-02-02", cse_flag="yes")],
        [role("E1", "P1", "victim"), role("E1", "P2", "suspect")],
    )
    return [write_submission(root, "two-persons", tables)]


def one_source(root: Path) -> list[Written]:
    return [write_submission(root, "only-police", full_tables(group_world()))]


def _two_agencies(
    root: Path,
    sources: tuple[str, str],
    agencies: tuple[str, str],
    change: Callable[[str, Row], None],
) -> list[Written]:
    """The same small world sent by two agencies, each row changed by ``change(table, row)``."""
    written = []
    for src, agency in zip(sources, agencies, strict=True):
        world = group_world()
        for name, rows in world.items():
            for r in rows:
                change(name, r)
        written.append(
            write_submission(root, src, full_tables(world), manifest={"agency_type": agency})
        )
    return written


def same_name(root: Path) -> list[Written]:
    def one_name(table: str, r: Row) -> None:
        if table == "persons":
            r.update(
                forenames="John",
                surname="Smith",
                date_of_birth="1990-01-01",
                phones="",
                postcode="",
            )

    return _two_agencies(root, ("same-a", "same-b"), ("police", "childrens_social_care"), one_name)


def no_dob(root: Path) -> list[Written]:
    def undated(table: str, r: Row) -> None:
        if table == "persons":
            r["date_of_birth"] = ""

    return _two_agencies(root, ("nodob-a", "nodob-b"), ("police", "health"), undated)


def no_offenders(root: Path) -> list[Written]:
    def calm(table: str, r: Row) -> None:
        if table == "involvements":
            r["role"] = {"suspect": "witness", "offender": "reporting_person"}.get(
                r["role"], r["role"]
            )

    return _two_agencies(root, ("calm-a", "calm-b"), ("police", "education"), calm)


def all_victims(root: Path) -> list[Written]:
    def victim(table: str, r: Row) -> None:
        if table == "involvements":
            r["role"] = "victim"

    return _two_agencies(
        root, ("victims-a", "victims-b"), ("police", "childrens_social_care"), victim
    )


def ids_only(root: Path) -> list[Written]:
    """Two agencies that send their people as ids alone, no names, births or phones (the
    standard makes every person column but the id optional), with full event records:
    nothing can link them, and the networks of each must still be found."""
    written = []
    for n, src in enumerate(["anon-a", "anon-b"]):
        tables = full_tables(group_world())
        tables["persons"] = Table(
            ["person_id"], [{"person_id": r["person_id"]} for r in tables["persons"].rows]
        )
        kind = ["police", "childrens_social_care"][n]
        written.append(write_submission(root, src, tables, manifest={"agency_type": kind}))
    return written


def empty(root: Path) -> list[Written]:
    """A submission of headers only: an agency with nothing to report this period."""
    tables = {name: Table(list(REQUIRED[name])) for name in ("persons", "events", "involvements")}
    return [write_submission(root, "nothing-yet", tables)]


def pair_across(root: Path) -> list[Written]:
    """One child known to the police and to health, nobody else: two records, one pair."""
    child = person(
        "P1",
        "Ffion",
        "Ellis",
        "2010-01-01",
        sex="female",
        phones="07700 900111",
        postcode="CF10 1AA",
    )
    written = []
    for n, src in enumerate(["pair-police", "pair-health"]):
        tables = _one_source(
            [dict(child)], [event("E1", "referral", "2024-02-02")], [role("E1", "P1", "subject")]
        )
        kind = ["police", "health"][n]
        written.append(write_submission(root, src, tables, manifest={"agency_type": kind}))
    return written


SMALL_STORES: dict[str, Callable[[Path], list[Written]]] = {
    "one_person": one_person,
    "two_persons": two_persons,
    "one_source": one_source,
    "same_name": same_name,
    "no_dob": no_dob,
    "no_offenders": no_offenders,
    "all_victims": all_victims,
    "ids_only": ids_only,
    "empty": empty,
    "pair_across": pair_across,
}
