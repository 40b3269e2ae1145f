"""A small, entirely fictional multi-agency scenario, ingested with the real ingest.

Police (wyp-police):
  E1 2024-01-10 sexual activity with a child (cse_flag yes) at the Station Hotel:
     child V1; suspects A, B and an unidentified male U.
  E2 2024-02-01 rape of a child (cse_flag no): child V2; suspect C.
     A's police record has phone +447700900555.
  E3 2024-03-01 and E4 2024-04-01 sexual assault of child V3: suspect D (E3), suspect F (E4).
     D and F share only the child: IICSA "possible".
  E5 2024-05-01 burglary of adult W: suspects G and H (not exploitation).
  E6 2024-06-01 causing a child to engage in sexual activity: child V4; suspect P.
  E7 2024-06-20 sexual grooming: child V5; suspect Q.
Children's social care (leeds-csc):
  R1 referral about child V2 (same child as police V2): C listed as associate, with
     phone 07700 900555 on his record (the phone A uses) -> A and C linked only via partner data.
  Association: P seen_with Q (partner data only) -> network {P, Q} not police-detectable.
  K employed_at the Station Hotel (where E1 happened), tied by no record to anyone who
     offended there -> a line of enquiry about the hotel, not a member (working at a place
     is not "allowing" it to be used).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from clearsight.graph import GraphSettings, NetworksSummary
from clearsight.ingest import ingest

POLICE_MANIFEST = {
    "standard_version": "1.0",
    "source_id": "wyp-police",
    "organisation": "West Yorkshire Police",
    "agency_type": "police",
    "area": "west-yorkshire",
    "extract_date": "2025-10-01",
    "period_start": "2023-04-01",
    "period_end": "2025-09-30",
}
CSC_MANIFEST = {
    **POLICE_MANIFEST,
    "source_id": "leeds-csc",
    "organisation": "Leeds Children's Social Care",
    "agency_type": "childrens_social_care",
}


def _person(pid: str, fn: str, sn: str, dob: str, sex: str, **extra: str) -> dict[str, str]:
    return {
        "person_id": pid,
        "forenames": fn,
        "surname": sn,
        "date_of_birth": dob,
        "sex": sex,
        "ethnicity_self_defined": extra.pop("eth", "W1"),
        "nationality": extra.pop("nat", "GB"),
        **extra,
    }


def sexual_crime(event_id: str, date: str, location: str = "") -> dict[str, str]:
    """A police crime record of a sexual offence against a child, flagged as
    exploitation, at ``location`` (a location id; empty: no recorded place)."""
    return {
        "event_id": event_id,
        "event_type": "crime",
        "reported_date": date,
        "offence": "Sexual activity with a child",
        "cse_flag": "yes",
        "location_id": location,
    }


POLICE = {
    "persons": [
        _person("V1", "Amelia", "Testchild", "2009-05-01", "female"),
        _person("V2", "Bella", "Examplechild", "2010-02-02", "female"),
        _person("V3", "Chloe", "Samplechild", "2008-09-09", "female"),
        _person("V4", "Daisy", "Fictionchild", "2011-01-01", "female"),
        _person("V5", "Ella", "Mockchild", "2010-10-10", "female"),
        _person("W", "Walter", "Adultvictim", "1970-01-01", "male"),
        _person("A", "Alan", "Alpha", "1985-01-01", "male", phones="07700 900555", eth="A2"),
        _person("B", "Brian", "Bravo", "1990-03-03", "male", eth="W1"),
        {"person_id": "U", "forenames": "Unknown", "surname": "Male", "sex": "male"},
        _person("C", "Colin", "Charlie", "1980-04-04", "male", eth="B1", nat="NG"),
        _person("D", "David", "Delta", "1975-05-05", "male"),
        _person("F", "Frank", "Foxtrot", "1988-06-06", "male", eth="M1"),
        _person("G", "Gary", "Golf", "1992-07-07", "male"),
        _person("H", "Harry", "Hotel", "1993-08-08", "male"),
        _person("P", "Peter", "Papa", "1982-09-09", "male", eth="A1"),
        _person("Q", "Quentin", "Quebec", "1983-10-10", "male", eth="W2"),
    ],
    "events": [
        {
            "event_id": "E1",
            "event_type": "crime",
            "reported_date": "2024-01-12",
            "occurred_date": "2024-01-10",
            "location_id": "L1",
            "offence": "Sexual activity with a child",
            "cse_flag": "yes",
            "narrative": "Child given alcohol and cigarettes at a hotel party.",
        },
        {
            "event_id": "E2",
            "event_type": "crime",
            "reported_date": "2024-02-01",
            "offence": "Rape of a child",
            "cse_flag": "no",
        },
        {
            "event_id": "E3",
            "event_type": "crime",
            "reported_date": "2024-03-01",
            "offence": "Sexual assault",
            "cse_flag": "no",
        },
        {
            "event_id": "E4",
            "event_type": "crime",
            "reported_date": "2024-04-01",
            "offence": "Sexual assault",
            "cse_flag": "yes",
        },
        {
            "event_id": "E5",
            "event_type": "crime",
            "reported_date": "2024-05-01",
            "offence": "Burglary dwelling",
            "cse_flag": "no",
        },
        {
            "event_id": "E6",
            "event_type": "crime",
            "reported_date": "2024-06-01",
            "offence": "Causing a child to engage in sexual activity",
            "narrative": "Lifts in a car and money given to the child.",
        },
        {
            "event_id": "E7",
            "event_type": "crime",
            "reported_date": "2024-06-20",
            "offence": "Sexual grooming",
        },
    ],
    "involvements": [
        {"event_id": "E1", "person_id": "V1", "role": "victim"},
        {"event_id": "E1", "person_id": "A", "role": "suspect"},
        {"event_id": "E1", "person_id": "B", "role": "suspect"},
        {"event_id": "E1", "person_id": "U", "role": "suspect"},
        {"event_id": "E2", "person_id": "V2", "role": "victim"},
        {"event_id": "E2", "person_id": "C", "role": "offender"},
        {"event_id": "E3", "person_id": "V3", "role": "victim"},
        {"event_id": "E3", "person_id": "D", "role": "suspect"},
        {"event_id": "E4", "person_id": "V3", "role": "victim"},
        {"event_id": "E4", "person_id": "F", "role": "suspect"},
        {"event_id": "E5", "person_id": "W", "role": "victim"},
        {"event_id": "E5", "person_id": "G", "role": "suspect"},
        {"event_id": "E5", "person_id": "H", "role": "suspect"},
        {"event_id": "E6", "person_id": "V4", "role": "victim"},
        {"event_id": "E6", "person_id": "P", "role": "suspect"},
        {"event_id": "E7", "person_id": "V5", "role": "victim"},
        {"event_id": "E7", "person_id": "Q", "role": "suspect"},
    ],
    "locations": [
        {
            "location_id": "L1",
            "location_type": "hotel",
            "name": "Station Hotel",
            "postcode": "LS1 4AB",
        }
    ],
    "objects": [{"object_id": "O1", "object_type": "vehicle", "value": "ab12 cde"}],
    "associations": [
        {
            "from_type": "person",
            "from_id": "P",
            "to_type": "object",
            "to_id": "O1",
            "association_type": "uses",
        }
    ],
}

CSC = {
    "persons": [
        _person("c-V2", "Bella", "Examplechild", "2010-02-02", "female"),
        _person("c-C", "Colin", "Charlie", "1980-04-04", "male", phones="07700 900555"),
        _person("c-P", "Peter", "Papa", "1982-09-09", "male"),
        _person("c-Q", "Quentin", "Quebec", "1983-10-10", "male"),
        _person("c-K", "Kevin", "Kilo", "1979-11-11", "male"),
    ],
    "events": [
        {
            "event_id": "R1",
            "event_type": "referral",
            "reported_date": "2024-02-10",
            "cse_flag": "yes",
            "narrative": "Concerns the child is being exploited; older male gives her gifts.",
        }
    ],
    "involvements": [
        {"event_id": "R1", "person_id": "c-V2", "role": "subject"},
        {"event_id": "R1", "person_id": "c-C", "role": "associate"},
    ],
    "locations": [
        {
            "location_id": "HOTEL",
            "location_type": "hotel",
            "name": "Station Hotel",
            "postcode": "ls14ab",
        }
    ],
    "associations": [
        {
            "from_type": "person",
            "from_id": "c-P",
            "to_type": "person",
            "to_id": "c-Q",
            "association_type": "seen_with",
            "start_date": "2024-06-05",
        },
        {
            "from_type": "person",
            "from_id": "c-K",
            "to_type": "location",
            "to_id": "HOTEL",
            "association_type": "employed_at",
        },
    ],
}

# What a perfect linkage says: partner records of the same people are one entity.
SAME_PERSON = {
    ("leeds-csc", "c-V2"): "wyp-police/V2",
    ("leeds-csc", "c-C"): "wyp-police/C",
    ("leeds-csc", "c-P"): "wyp-police/P",
    ("leeds-csc", "c-Q"): "wyp-police/Q",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def write_submission(folder: Path, manifest: dict[str, str], tables: dict[str, list]) -> Path:  # type: ignore[type-arg]
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for name, rows in tables.items():
        write_csv(folder / f"{name}.csv", rows)
    return folder


def load_scenario(con: duckdb.DuckDBPyConnection, tmp: Path, *, linked: bool = True) -> None:
    """Ingest both submissions; with ``linked`` write a perfect ``person_entities``."""
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, POLICE))
    ingest(con, write_submission(tmp / "csc", CSC_MANIFEST, CSC))
    if linked:
        link(con, SAME_PERSON)


def link(con: duckdb.DuckDBPyConnection, same: dict[tuple[str, str], str]) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE person_entities (source_id VARCHAR, person_id VARCHAR, "
        "record_key VARCHAR, entity_id VARCHAR, run_id INTEGER)"
    )
    rows = con.execute("SELECT source_id, person_id FROM current_persons").fetchall()
    con.executemany(
        "INSERT INTO person_entities VALUES (?, ?, ?, ?, 1)",
        [(s, p, f"{s}:{p}", same.get((s, p), f"{s}/{p}")) for s, p in rows],
    )


def member_sets(con: duckdb.DuckDBPyConnection) -> list[set[str]]:
    """Each network's members by their short ids (``wyp-police/A`` is ``A``), sorted."""
    networks: dict[str, set[str]] = {}
    for network_id, entity in con.execute(
        "SELECT network_id, entity_id FROM network_members"
    ).fetchall():
        networks.setdefault(network_id, set()).add(str(entity).split("/")[-1])
    return sorted(networks.values(), key=sorted)


def networks_and_definitions(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings | None = None
) -> NetworksSummary:
    """The networks stage then the definitions stage, as ``clearsight networks`` runs them
    (exports and network pages read both)."""
    from clearsight.definitions import evaluate_all
    from clearsight.graph import run

    summary = run(con, settings)
    evaluate_all(con)
    return summary


def shuffle_protected_characteristics(con: duckdb.DuckDBPyConnection) -> None:
    """Move ethnicity, nationality and sex to other people (a reversed assignment; sex
    swapped), so that a stage run again must give the same result if it never reads
    them. Standard 1.0 records no religion."""
    con.execute(
        """
        CREATE TEMP TABLE shuffled AS
        SELECT source_id, person_id,
               lead(ethnicity_self_defined, 3, 'O9') OVER w AS eth,
               lead(ethnicity_officer_defined, 2, 'IC3') OVER w AS ic,
               lead(nationality, 5, ['PK']) OVER w AS nat,
               CASE sex WHEN 'male' THEN 'female' WHEN 'female' THEN 'male' ELSE 'other' END AS sx
        FROM persons WINDOW w AS (ORDER BY person_id DESC)
        """
    )
    con.execute(
        "UPDATE persons p SET ethnicity_self_defined = s.eth, ethnicity_officer_defined = s.ic, "
        "nationality = s.nat, sex = s.sx FROM shuffled s "
        "WHERE s.source_id = p.source_id AND s.person_id = p.person_id"
    )
    changed = con.execute("SELECT count(*) FROM persons WHERE sex = 'female'").fetchall()[0][0]
    assert changed > 3, "the shuffle moved too few values to test anything"


def association(from_id: str, to_type: str, to_id: str, kind: str) -> dict[str, str]:
    """An association row of the standard from person ``from_id``."""
    return {
        "from_type": "person",
        "from_id": from_id,
        "to_type": to_type,
        "to_id": to_id,
        "association_type": kind,
    }


def police_store(tmp: Path, data: dict[str, list[dict[str, str]]]) -> duckdb.DuckDBPyConnection:
    """A fresh store under ``tmp`` holding one police submission ``data`` (no linkage),
    through the networks and definitions stages; the caller closes it."""
    from clearsight.store import connect

    con = connect(tmp / "police.duckdb")
    ingest(con, write_submission(tmp / "police", POLICE_MANIFEST, data))
    networks_and_definitions(con)
    return con


def police_networks(tmp: Path, data: dict[str, list[dict[str, str]]]) -> list[set[str]]:
    """The networks (member sets, ``member_sets``) of one police submission ``data``."""
    con = police_store(tmp, data)
    found = member_sets(con)
    con.close()
    return found
