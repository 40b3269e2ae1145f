"""The near-duplicate test reads a forename and its nickname as one name (Moe and
Mohammad, Bobby and Robert: the linkage stage's nickname table), as it reads two close
spellings: a man a charity records as "Moe Ali" and the Mohammad Saqib Ali a police record
names, no date of birth on one of them, offending against one child apart, are most
likely one man the linkage stage left as two (``graph/duplicates.py``). Real ingest, real
store; everything fictional."""

from __future__ import annotations

from pathlib import Path

from clearsight.graph import run
from clearsight.graph.duplicates import NEAR_DUPLICATE
from tests.graph.scenario import _person
from tests.graph.test_detection_rules import _crime, _involve, _networks, _store


def _no_dob(pid: str, forenames: str, surname: str) -> dict[str, str]:
    return {"person_id": pid, "forenames": forenames, "surname": surname, "sex": "male"}


NICKNAMES = {
    "persons": [
        *(
            _person(f"C{i}", "Child", f"Fictional{i}", f"2010-0{i}-01", "female")
            for i in range(1, 7)
        ),
        # "Moe Ali" (1997) and Mohammad Saqib Ali (no date) against C1, apart: one man.
        _person("M1", "Moe", "Ali", "1997-04-12", "male"),
        _no_dob("M2", "Mohammad Saqib", "Ali"),
        # "Bobby Parker" (1971) and Robert Parker (no date) against C2, apart: one man.
        _person("B1", "Bobby", "Parker", "1971-11-23", "male"),
        _no_dob("B2", "Robert", "Parker"),
        # "Dean Ali" (1997) and Mohammad Ali (no date) against C3: other names, two men.
        _person("D1", "Dean", "Ali", "1997-04-12", "male"),
        _no_dob("D2", "Mohammad", "Ali"),
        # Harold and Henry Peel (no date), against C5: two names sharing a nickname
        # ("Harry"), brothers, two men.
        _no_dob("H1", "Harold", "Peel"),
        _person("H2", "Henry", "Peel", "1990-05-05", "male"),
        # "Moe Khan" and Mohammad Khan in one crime against C4: co-suspects, two men.
        _person("K1", "Moe", "Khan", "1995-02-02", "male"),
        _no_dob("K2", "Mohammad", "Khan"),
    ],
    "events": [_crime(f"X{i}", f"2024-0{i}-01") for i in range(1, 10)],
    "involvements": [
        *_involve("X1", "M1", child="C1"),
        *_involve("X2", "M2", child="C1"),
        *_involve("X3", "B1", child="C2"),
        *_involve("X4", "B2", child="C2"),
        *_involve("X5", "D1", child="C3"),
        *_involve("X6", "D2", child="C3"),
        *_involve("X7", "K1", "K2", child="C4"),
        *_involve("X8", "H1", child="C5"),
        *_involve("X9", "H2", child="C5"),
    ],
}


def test_a_nickname_and_its_name_are_near_duplicates(tmp_path: Path) -> None:
    con = _store(tmp_path, NICKNAMES)
    run(con)
    networks = _networks(con)
    assert networks, "no network was found"
    pairs = con.execute(
        "SELECT entity_a, entity_b, reason FROM network_possible_duplicates ORDER BY ALL"
    ).fetchall()
    assert [(a.split("/")[-1], b.split("/")[-1], r) for a, b, r in pairs] == [
        ("B1", "B2", NEAR_DUPLICATE),
        ("M1", "M2", NEAR_DUPLICATE),
    ]
    assert not any(m.keys() & {"M1", "M2", "B1", "B2"} for m in networks)
    # Another forename, or one crime together: two men, a network.
    assert {"D1": "suspect", "D2": "suspect"} in networks
    assert {"K1": "suspect", "K2": "suspect"} in networks
    assert {"H1": "suspect", "H2": "suspect"} in networks
    con.close()
