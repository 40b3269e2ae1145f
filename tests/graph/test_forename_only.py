"""A man recorded by a forename only ("Ryan", "Bobby": how a charity or youth worker
writes down the man a child talks about) and one named man, linked only by the child
they share, are possibly one man, set aside for linkage review like an "unknown male"
(``graph/duplicates.py``): when their forenames name the same person (the same name, a
nickname of it) and their dates of birth, if both recorded, are close. Real ingest, real
store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from clearsight.graph.duplicates import FORENAME_ONLY_PAIR, _forenames_agree
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _forename(pid: str, forename: str, dob: str) -> dict[str, str]:
    return {"person_id": pid, "forenames": forename, "date_of_birth": dob, "sex": "male"}


FORENAME_ONLY = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 6)
        ),
        # "Ryan", born 1991, and Ryan Harrison each offend against C1, apart: possibly one.
        _person("R1", "Ryan", "Harrison", "1991-03-17", "male"),
        _forename("R2", "Ryan", "1991"),
        # "Bobby" and Robert Parker against C2: a nickname, possibly one man.
        _person("B1", "Robert", "Parker", "1971-11-23", "male"),
        _forename("B2", "Bobby", ""),
        # "Dean" and Ryan Marsh against C3: other names, two men.
        _person("M1", "Ryan", "Marsh", "1990-05-05", "male"),
        _forename("M2", "Dean", "1990"),
        # "Ryan" born 1960 and Ryan Jones born 1992 against C4: two men.
        _person("J1", "Ryan", "Jones", "1992-06-06", "male"),
        _forename("J2", "Ryan", "1960"),
        # "Ryan" and Ryan Quinn in one crime against C5: co-suspects, two men.
        _person("Q1", "Ryan", "Quinn", "1993-07-07", "male"),
        _forename("Q2", "Ryan", "1993"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 10)],
    "involvements": [
        *_involve("X1", "R1", child="C1"),
        *_involve("X2", "R2", child="C1"),
        *_involve("X3", "B1", child="C2"),
        *_involve("X4", "B2", child="C2"),
        *_involve("X5", "M1", child="C3"),
        *_involve("X6", "M2", child="C3"),
        *_involve("X7", "J1", child="C4"),
        *_involve("X8", "J2", child="C4"),
        *_involve("X9", "Q1", "Q2", child="C5"),
    ],
}


def test_a_forename_only_man_and_a_named_one_sharing_only_a_child_may_be_one(
    tmp_path: Path,
) -> None:
    con = _store(tmp_path, FORENAME_ONLY)
    run(con)
    networks = _networks(con)
    assert networks, "no network was found"
    pairs = con.execute(
        "SELECT entity_a, entity_b, link_types, reason FROM network_possible_duplicates "
        "ORDER BY ALL"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], t, r) for a, b, t, r in pairs] == [
        ("B1", "B2", ["shared_victim"], FORENAME_ONLY_PAIR),
        ("R1", "R2", ["shared_victim"], FORENAME_ONLY_PAIR),
    ]
    assert not any(m.keys() & {"R1", "R2", "B1", "B2"} for m in networks)
    # Other forenames, birth years far apart, or one crime together: two men, a network.
    assert {"M1": "suspect", "M2": "suspect"} in networks
    assert {"J1": "suspect", "J2": "suspect"} in networks
    assert {"Q1": "suspect", "Q2": "suspect"} in networks
    con.close()


def test_forenames_agree_on_a_name_a_nickname_or_a_close_spelling() -> None:
    assert _forenames_agree(["ryan"], ["ryan nathan"], 0.92)
    assert _forenames_agree(["bobby"], ["robert"], 0.92)
    assert _forenames_agree(["moe"], ["mohammad saqib"], 0.92)
    assert _forenames_agree(["yousuf"], ["yousef ahmad"], 0.92)
    assert not _forenames_agree(["dean"], ["ryan"], 0.92)
    # Two names sharing a nickname are two names: Harold and Henry are both "Harry".
    assert _forenames_agree(["harry"], ["henry"], 0.92)
    assert not _forenames_agree(["harold"], ["henry"], 0.92)
    assert not _forenames_agree([], ["ryan"], 0.92)
