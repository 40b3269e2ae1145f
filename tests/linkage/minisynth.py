"""A small multi-agency persons table with known truth, written straight into a store.

Enough people for Splink to train on (EM needs matches and non-matches), with the
hard cases of the issue planted by name so tests can ask about them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from clearsight.store import ensure_schema

FEMALE = [
    "bethany",
    "aisha",
    "elizabeth",
    "sophie",
    "emily",
    "fatima",
    "jessica",
    "hannah",
    "olivia",
    "zara",
    "megan",
    "chloe",
    "amelia",
    "grace",
    "lauren",
    "rebecca",
    "yasmin",
    "courtney",
    "amber",
    "kayleigh",
    "shannon",
    "samira",
    "nadia",
    "leanne",
]
MALE = [
    "mohammed",
    "william",
    "james",
    "daniel",
    "thomas",
    "joshua",
    "imran",
    "ali",
    "adam",
    "ryan",
    "liam",
    "jack",
    "callum",
    "kieran",
    "usman",
    "tariq",
    "bilal",
    "shaun",
    "craig",
    "connor",
    "harvey",
    "zain",
    "omar",
    "michael",
]
SURNAMES = [
    "smith",
    "jones",
    "khan",
    "hussain",
    "begum",
    "ahmed",
    "taylor",
    "brown",
    "wilson",
    "hughes",
    "evans",
    "walker",
    "wright",
    "robinson",
    "thompson",
    "ali",
    "shah",
    "iqbal",
    "patel",
    "clarke",
    "harrison",
    "lewis",
    "jackson",
    "wood",
    "turner",
    "mahmood",
    "rashid",
    "bibi",
    "green",
    "hall",
    "kelly",
    "murphy",
    "o'neil",
]
NICK = {
    "bethany": "beth",
    "elizabeth": "liz",
    "william": "bill",
    "aisha": "ayesha",
    "mohammed": "muhammad",
    "james": "jim",
    "daniel": "danny",
    "thomas": "tom",
    "joshua": "josh",
    "jessica": "jess",
    "rebecca": "becky",
    "michael": "mike",
    "yasmin": "jasmine",
    "omar": "umar",
}
DISTRICTS = ["LS1", "LS6", "LS9", "BD3", "BD8", "HX1", "WF1", "M8", "OL1", "S1"]
SOURCES = [
    ("pol", "police"),
    ("csc", "childrens_social_care"),
    ("hea", "health"),
    ("edu", "education"),
]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@dataclass
class Fixture:
    truth: dict[tuple[str, str], str] = field(default_factory=dict)
    named: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + s[i + 1 :] if rng.random() < 0.5 else s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def build(con: duckdb.DuckDBPyConnection, n_people: int = 600, seed: int = 7) -> Fixture:
    """Write ``sources`` and ``persons`` rows for ``n_people`` people; return the truth."""
    ensure_schema(con)
    rng = random.Random(seed)
    fx = Fixture()
    rows: list[dict[str, object]] = []
    counters = {s: 0 for s, _ in SOURCES}

    def emit(source: str, truth: str, **values: object) -> tuple[str, str]:
        counters[source] += 1
        pid = f"{source.upper()}{counters[source]:05d}"
        rows.append({"source_id": source, "person_id": pid, **values})
        fx.truth[(source, pid)] = truth
        return (source, pid)

    def person(i: int) -> dict[str, object]:
        sex = rng.choice(["female", "male"])
        return {
            "forenames": rng.choice(FEMALE if sex == "female" else MALE),
            "surname": rng.choice(SURNAMES),
            "date_of_birth": f"{rng.randint(1975, 2013)}-{rng.randint(1, 12):02d}-"
            f"{rng.randint(1, 28):02d}",
            "sex": sex,
            "postcode": f"{rng.choice(DISTRICTS)} {rng.randint(1, 9)}"
            f"{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
            "phones": [f"+4477009{rng.randint(0, 99999):05d}"] if rng.random() < 0.6 else None,
            "emails": [f"p{i}x{rng.randint(0, 999)}@example.org"] if rng.random() < 0.3 else None,
            "nhs_number": nhs_number(rng),
            "ethnicity_self_defined": rng.choice(["W1", "A2", "A3", "B1", "M1", "NS"]),
            "nationality": [rng.choice(["GB", "PK", "RO", "IE"])],
        }

    def noisy(base: dict[str, object], source: str) -> dict[str, object]:
        rec = dict(base)
        fn, sn, dob = str(rec["forenames"]), str(rec["surname"]), str(rec["date_of_birth"])
        r = rng.random()
        if r < 0.2 and fn in NICK:
            rec["forenames"] = NICK[fn]
        elif r < 0.3:
            rec["forenames"] = _typo(rng, fn)
        if rng.random() < 0.12:
            rec["surname"] = _typo(rng, sn)
        r = rng.random()
        if r < 0.06 and int(dob[8:]) <= 12:
            rec["date_of_birth"] = f"{dob[:4]}-{dob[8:]}-{dob[5:7]}"
        elif r < 0.1:
            rec["date_of_birth"] = dob[:7]
        elif r < 0.14:
            rec["date_of_birth"] = None
        if rng.random() < 0.2:
            rec["postcode"] = str(rec["postcode"])[:-2] + rng.choice(["AB", "XY", "QT"])
        if rng.random() < 0.4:
            rec["phones"] = None
        if source not in ("hea", "csc") or rng.random() < 0.3:
            rec["nhs_number"] = None
        return rec

    for i in range(n_people):
        base = person(i)
        truth = f"T{i:05d}"
        k = rng.choice([1, 1, 2, 2, 3, 4])
        for source, _ in rng.sample(SOURCES, k):
            emit(source, truth, **noisy(base, source))
            if rng.random() < 0.1:  # recorded twice by the same agency
                emit(source, truth, **noisy(base, source))
        if i % 25 == 0:  # a twin: surname, birth date, address and home phone shared
            twin = dict(
                base,
                forenames=rng.choice(FEMALE if base["sex"] == "male" else MALE),
                sex="female" if base["sex"] == "male" else "male",
                nhs_number=nhs_number(rng),
                emails=None,
            )
            for source in ("pol", "csc"):
                emit(source, f"{truth}-twin", **dict(twin, nhs_number=None))
    # The cases of the issue.
    beth = {
        "surname": "hughes",
        "sex": "female",
        "postcode": "LS9 7QT",
        "ethnicity_self_defined": "W1",
        "nationality": ["GB"],
    }
    fx.named["bethany"] = [
        emit("pol", "BETH", forenames="bethany", date_of_birth="2011-03-04", **beth),
        emit(
            "csc",
            "BETH",
            forenames="beth",
            **dict(beth, surname="hughs"),
            date_of_birth="2011-04-03",
            nhs_number="9434765919",
        ),
        emit(
            "hea",
            "BETH",
            forenames="b",
            date_of_birth="2011-03",
            **dict(beth, postcode="LS9 7QA"),
            nhs_number="9434765919",
        ),
    ]
    twins = {
        "surname": "pearson",
        "date_of_birth": "2009-06-15",
        "postcode": "BD3 8LT",
        "phones": ["+447700900555"],
    }
    fx.named["twins"] = [
        emit("pol", "TWIN-A", forenames="chloe", sex="female", **twins),
        emit("pol", "TWIN-B", forenames="amber", sex="female", **twins),
        emit("csc", "TWIN-A", forenames="chloe", sex="female", **twins),
        emit("csc", "TWIN-B", forenames="amber", sex="female", **twins),
    ]
    fx.named["unknowns"] = [
        emit(
            "pol",
            f"UNK{j}",
            forenames=name,
            surname=sn,
            sex="male",
            postcode="LS1 4AB",
            date_of_birth=None,
        )
        for j, (name, sn) in enumerate(
            [
                ("unknown male", None),
                ("unknown", "unknown"),
                (None, None),
                ("UNKNOWN", None),
                ("unknown male", None),
            ]
        )
    ]
    offender = {
        "surname": "rashid",
        "date_of_birth": "1988-11-02",
        "sex": "male",
        "postcode": "BD8 7PQ",
    }
    fx.named["offender"] = [
        emit("pol", "OFF", forenames="mohammed", phones=["+447700900777"], **offender),
        emit(
            "csc",
            "OFF",
            forenames="muhammad",
            aliases=["mo"],
            phones=["+447700900777"],
            **dict(offender, postcode="BD8 7PX"),
        ),
    ]
    # Brothers at one address, names a letter apart, birth years a character apart
    # (scenario twins-brothers-02); beside them one man recorded with a single
    # discrepancy each time: a forename typing error, then a birth year keyed wrongly.
    home = {"surname": "hussain", "sex": "male", "postcode": "LS8 5DF"}
    fx.named["brothers"] = [
        emit("pol", "ADEEL", forenames="adeel", date_of_birth="1995-06-01", **home),
        emit("csc", "AQEEL", forenames="aqeel", date_of_birth="1997-06-01", **home),
    ]
    imran = {"surname": "qureshi", "sex": "male", "postcode": "BD9 4RT"}
    fx.named["one_discrepancy"] = [
        emit("pol", "IMRAN", forenames="imran", date_of_birth="1990-03-12", **imran),
        emit("csc", "IMRAN", forenames="imarn", date_of_birth="1990-03-12", **imran),
        emit("edu", "IMRAN", forenames="imran", date_of_birth="1991-03-12", **imran),
    ]
    # A boy whose age social care estimated (a year of birth only): a forename
    # typing error and a year one out are an estimate's, not a brother's.
    tomasz = {"surname": "nowak", "sex": "male", "postcode": "LS11 6AB"}
    fx.named["estimated"] = [
        emit("pol", "TOMASZ", forenames="tomasz", date_of_birth="2009-05-14", **tomasz),
        emit("csc", "TOMASZ", forenames="tomas", date_of_birth="2008", **tomasz),
    ]
    # A young man whose year of birth a referral worked back from his age (one out)
    # and whose forename was mistyped: two common errors, not a brother.
    yusuf = {"surname": "ahmed", "sex": "male", "postcode": "HD1 3LP"}
    fx.named["year_one_out"] = [
        emit("pol", "YUSUF", forenames="yusuf", date_of_birth="2006-04-20", **yusuf),
        emit("csc", "YUSUF", forenames="yusif", date_of_birth="2007-04-20", **yusuf),
    ]
    df = pd.DataFrame(rows)
    for col in ("aliases", "phones", "emails", "nationality"):
        if col not in df:
            df[col] = None
        df[col] = df[col].astype(object)
    df["batch_id"] = 1
    df["file"] = "persons.csv"
    df["row_number"] = range(2, len(df) + 2)
    df["is_current"] = True
    con.register("_fixture_persons", df)
    con.execute("INSERT INTO persons BY NAME SELECT * FROM _fixture_persons")
    con.unregister("_fixture_persons")
    for source, agency in SOURCES:
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, 'west-yorkshire', 1)",
            [source, source.upper(), agency],
        )
    return fx
