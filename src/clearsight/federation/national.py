"""The national instance: extracts in, people linked across forces on tokens, networks out.

Tables (all ``fed_``-prefixed, replaced by each import):

- ``fed_people(force, person, national_id)``: each force's pseudonymous person and the
  national person it was linked into;
- ``fed_tokens(force, person, token)``; ``fed_events``, ``fed_involvements``;
- ``fed_links(force_a, person_a, force_b, person_b, score, kinds)``: cross-force links;
- ``fed_network_members(national_network_id, force, person, national_id, role)`` and
  ``fed_networks(national_network_id, forces, n_forces, n_people, n_local_networks)``.

A national network is a connected set of the forces' own networks, joined where one
national person belongs to networks in more than one force. Forces' detection already
weighed their clear-text evidence; the national step adds only what no force could see.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from clearsight.federation import model
from clearsight.federation.extract import read_extract
from clearsight.federation.identifiers import (
    BLOCKING_KINDS,
    COMPARISONS,
    ONE_SIDE_ONLY,
    TWO_DIFFERENCES,
    Comparison,
)
from clearsight.federation.model import NULL
from clearsight.partition import DisjointSets

# A token more people share than this is a switchboard number or a common name: no
# evidence, and a block that grows with its square.
MAX_TOKEN_PEOPLE = 20
# Match probability from which a candidate pair is linked.
LINK_PROBABILITY = 0.05
# The prior: pairs sharing a token of these kinds are taken as matches found at this
# recall (as the linkage stage estimates its prior).
PRIOR_RULE = ("name_dob", "nhs")
PRIOR_RECALL = 0.7
NAME_SESSION = ("name_date", "name_place", "dob_place")


@dataclass(frozen=True)
class ImportSummary:
    forces: list[str]
    people: int
    cross_force_links: int
    national_people: int
    cross_force_people: int
    networks: int
    cross_force_networks: int
    # Comparisons whose m this import had too few candidate pairs to estimate, so the
    # measured defaults were used (``model.default_m``).
    model_defaults: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _load(con: duckdb.DuckDBPyConnection, documents: list[dict[str, Any]]) -> None:
    people: dict[str, list[str]] = {"force": [], "person": []}
    tokens: dict[str, list[str]] = {"force": [], "person": [], "token": []}
    events: dict[str, list[Any]] = {k: [] for k in ("force", "event", "type", "date", "area")}
    sexual: list[bool] = []
    inv: dict[str, list[str]] = {k: [] for k in ("force", "event", "person", "role")}
    mem: dict[str, list[str]] = {k: [] for k in ("force", "network", "person", "role")}
    for d in documents:
        force = str(d["force"])
        for p in d["people"]:
            people["force"].append(force)
            people["person"].append(str(p["person"]))
            for t in p["tokens"]:
                tokens["force"].append(force)
                tokens["person"].append(str(p["person"]))
                tokens["token"].append(str(t))
        for e in d["events"]:
            events["force"].append(force)
            for k in ("event", "type", "date", "area"):
                events[k].append(e.get(k))
            sexual.append(bool(e.get("sexual")))
        for i in d["involvements"]:
            inv["force"].append(force)
            for k in ("event", "person", "role"):
                inv[k].append(str(i[k]))
        for m in d["network_members"]:
            mem["force"].append(force)
            for k in ("network", "person", "role"):
                mem[k].append(str(m[k]))
    for name, table in (
        ("fed_people_raw", pa.table(people)),
        ("fed_tokens", pa.table(tokens)),
        ("fed_events", pa.table({**events, "sexual": sexual})),
        ("fed_involvements", pa.table(inv)),
        ("fed_local_networks", pa.table(mem)),
    ):
        con.register("_fed_df", table)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _fed_df")
        con.unregister("_fed_df")
    con.execute(
        "CREATE OR REPLACE TABLE fed_events AS "
        "SELECT force, event, type, TRY_CAST(date AS DATE) AS date, area, sexual FROM fed_events"
    )


def _pairs(con: duckdb.DuckDBPyConnection) -> None:
    """``_fed_pairs``: every pair of people of different forces sharing a token held by at
    most ``MAX_TOKEN_PEOPLE`` people, with the kinds of the tokens they share and the
    kinds each holds. Commoner tokens are no evidence and are left out everywhere."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _fed_t AS
        SELECT force, person, split_part(token, ':', 1) AS kind,
               split_part(token, ':', 2) AS h
        FROM fed_tokens WHERE token NOT LIKE 'object_%'
        """
    )
    full = ", ".join(f"'{k}'" for k in ONE_SIDE_ONLY)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _fed_pairs AS
        WITH usable AS (
            SELECT h FROM _fed_t GROUP BY h
            HAVING count(DISTINCT (force, person)) BETWEEN 2 AND {MAX_TOKEN_PEOPLE}
        ),
        t AS (SELECT * FROM _fed_t WHERE h IN (SELECT h FROM usable)),
        shared AS (
            -- A transposed date agreeing with a plain one counts as the weaker kind.
            SELECT a.force AS force_a, a.person AS person_a,
                   b.force AS force_b, b.person AS person_b,
                   list(DISTINCT CASE WHEN 'name_dob_swapped' IN (a.kind, b.kind)
                                      THEN 'name_dob_swapped'
                                      -- A full forename's initial with an initial-only
                                      -- forename: the initial level; a full date's
                                      -- year-month or year with a partial date's: that
                                      -- partial level.
                                      WHEN a.kind IN ({full}) THEN b.kind
                                      ELSE a.kind END) AS kinds
            FROM t a JOIN t b USING (h)
            -- Pairs of one force too: they are two different people, and u comes
            -- from them (model.py).
            WHERE (a.force < b.force OR (a.force = b.force AND a.person < b.person))
              -- Two full forenames of one initial, or two full dates of one
              -- year-month: that is not agreement (they share the name tokens when
              -- the forenames agree, the full-date tokens when the dates do).
              AND NOT (a.kind IN ({full}) AND b.kind IN ({full}))
            GROUP BY ALL
        ),
        -- Kinds held, a full side counted as its counterpart: a full date's name with
        -- year is a name with a year for "both hold the kind" (``Comparison.present``).
        has AS (
            SELECT force, person, list(DISTINCT {_counterpart("kind")}) AS kinds
            FROM _fed_t GROUP BY ALL
        )
        SELECT s.*, ha.kinds AS has_a, hb.kinds AS has_b
        FROM shared s
        JOIN has ha ON ha.force = s.force_a AND ha.person = s.person_a
        JOIN has hb ON hb.force = s.force_b AND hb.person = s.person_b
        """
    )


def _counterpart(column: str) -> str:
    """SQL: the kind in ``column``, a full side (``ONE_SIDE_ONLY``) as its counterpart."""
    whens = " ".join(f"WHEN '{full}' THEN '{part}'" for full, part in ONE_SIDE_ONLY.items())
    return f"CASE {column} {whens} ELSE {column} END"


def _level_sql(comparison: Comparison) -> str:
    """The comparison's level of a pair: strongest shared level (highest number), 0 when
    both hold the kind and none agrees, -1 (null) otherwise."""
    whens = []
    for i, kinds in enumerate(comparison.levels):
        listed = ", ".join(f"'{k}'" for k in kinds)
        whens.append(f"WHEN list_has_any(kinds, [{listed}]) THEN {len(comparison.levels) - i}")
    present = f"'{comparison.present}'"
    return (
        f"CASE {' '.join(whens)} "
        f"WHEN list_contains(has_a, {present}) AND list_contains(has_b, {present}) THEN 0 "
        f"ELSE {NULL} END AS g_{comparison.name}"
    )


def _holders(con: duckdb.DuckDBPyConnection, kind: str | None) -> tuple[float, float]:
    """Pairs of people of different forces and of one force (both holding ``kind``,
    when given)."""
    held = f"{_counterpart('kind')} = '{kind}'"
    source = (
        "fed_people_raw"
        if kind is None
        else f"(SELECT DISTINCT force, person FROM _fed_t WHERE {held})"
    )
    total, squares = con.execute(
        f"SELECT coalesce(sum(n), 0), coalesce(sum(n * n), 0) FROM "
        f"(SELECT count(*)::DOUBLE AS n FROM {source} GROUP BY force)"
    ).fetchall()[0]
    cross = (float(total) ** 2 - float(squares)) / 2
    within = (float(squares) - float(total)) / 2
    return cross, within


def _train(con: duckdb.DuckDBPyConnection, columns: list[str]) -> model.Model:
    """u from pairs of one force, m by EM sessions on the cross-force candidates, the
    prior from the pairs a deterministic rule links."""
    u = []
    for comparison in COMPARISONS:
        # Pairs sharing a token of each level's kinds, whatever else they share: a level
        # never reached on its own still gets the u of its tokens.
        filters = ", ".join(
            f"count(*) FILTER (WHERE list_has_any(kinds, [{', '.join(repr(k) for k in kinds)}]))"
            for kinds in reversed(comparison.levels)
        )
        found = con.execute(
            f"SELECT {filters} FROM _fed_scored WHERE force_a = force_b"
        ).fetchall()[0]
        _, within = _holders(con, comparison.present)
        u.append(model.u_probabilities([float(x) for x in found], within))
    rule = " OR ".join(f"list_contains(kinds, '{k}')" for k in PRIOR_RULE)
    (ruled,) = con.execute(
        f"SELECT count(*) FROM _fed_scored WHERE force_a < force_b AND ({rule})"
    ).fetchall()[0]
    cross, _ = _holders(con, None)
    # At least one such pair: a small exercise with none still scores its candidates.
    prior = max(float(ruled), 1.0) / PRIOR_RECALL / max(cross, 1.0)

    blocking = ", ".join(f"'{k}'" for k in BLOCKING_KINDS)
    rows = con.execute(
        f"SELECT {', '.join(columns)}, count(*) FROM _fed_scored "
        f"WHERE force_a < force_b AND list_has_any(kinds, [{blocking}]) "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    patterns = np.array([r[:-1] for r in rows], dtype=np.int64).reshape(-1, len(columns))
    counts = np.array([r[-1] for r in rows], dtype=np.float64)
    return model.train(
        [c.name for c in COMPARISONS],
        u,
        _sessions(patterns),
        patterns,
        counts,
        prior,
        [c.one_sided for c in COMPARISONS],
        defaults=model.default_m({c.name: _level_names(c) for c in COMPARISONS}),
    )


def _level_names(comparison: Comparison) -> list[str]:
    """A comparison's levels as ``fed_model`` lists them: "else", then weakest first."""
    return ["else", *(",".join(k) for k in reversed(comparison.levels))]


def _sessions(patterns: npt.NDArray[np.int64]) -> list[tuple[npt.NDArray[np.bool_], list[int]]]:
    """EM blocks and what each estimates: no comparison on pairs its own agreement chose.
    The names (with dates and with places) where an NHS number, phone or email agrees,
    else where birth date and postcode agree; the rest where name and full date agree."""
    names = [c.name for c in COMPARISONS]
    name_date, name_place, dob_place = (names.index(n) for n in NAME_SESSION)
    identifiers = [names.index(n) for n in ("nhs", "phone", "email")]
    others = [i for i in range(len(COMPARISONS)) if i not in (name_date, name_place)]
    return [
        (patterns[:, name_date] == len(COMPARISONS[name_date].levels), others),
        ((patterns[:, identifiers] > 0).any(axis=1), [name_date, name_place]),
        (patterns[:, dob_place] == len(COMPARISONS[dob_place].levels), [name_date, name_place]),
    ]


def _link(con: duckdb.DuckDBPyConnection) -> int:
    """Score candidate pairs with the Fellegi-Sunter model; link the likely."""
    _pairs(con)
    gammas = ", ".join(_level_sql(c) for c in COMPARISONS)
    blocking = ", ".join(f"'{k}'" for k in BLOCKING_KINDS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fed_scored AS SELECT *, {gammas} FROM _fed_pairs")
    columns = [f"g_{c.name}" for c in COMPARISONS]
    fitted = _train(con, columns)
    _store_model(con, fitted)
    patterns = con.execute(f"SELECT DISTINCT {', '.join(columns)} FROM _fed_scored").fetchall()
    table = pa.table(
        {
            **{c: [p[i] for p in patterns] for i, c in enumerate(columns)},
            "evidence": [round(fitted.evidence(p), 4) for p in patterns],
            "probability": [fitted.probability(p) for p in patterns],
        }
    )
    con.register("_fed_df", table)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE fed_links AS
        SELECT s.force_a, s.person_a, s.force_b, s.person_b, w.evidence AS score,
               w.probability, list_sort(s.kinds) AS kinds
        FROM _fed_scored s JOIN _fed_df w USING ({", ".join(columns)})
        WHERE s.force_a < s.force_b AND list_has_any(s.kinds, [{blocking}])
          AND w.probability >= {LINK_PROBABILITY}
          -- Both hold NHS numbers and none agrees: two people whatever else agrees
          -- (keying errors mostly break the checksum and are cleaned away before this).
          AND s.g_nhs <> 0
          -- No name agrees in any form: a shared phone or email is a household's, a
          -- group's or a switchboard's, unless the NHS number agrees too (the linkage
          -- stage's "forenames differ" guard, on tokens).
          AND (s.g_name_date > 0 OR s.g_name_place > 0 OR s.g_nhs > 0)
          -- Name and date with two differences (a sound-alike surname, initials, a
          -- misspelt name with the date one out) is what namesakes look like: only
          -- with another comparison agreeing.
          AND {_corroborated()}
        """
    )
    con.unregister("_fed_df")
    for table_name in ("_fed_scored", "_fed_pairs", "_fed_t"):
        con.execute(f"DROP TABLE IF EXISTS {table_name}")
    return int(con.execute("SELECT count(*) FROM fed_links").fetchall()[0][0])


def _corroborated() -> str:
    """SQL over ``_fed_scored s``: the pair's name with date agrees with fewer than two
    differences (a level of no ``identifiers.TWO_DIFFERENCES`` kind), or some other
    comparison agrees."""
    weak: list[int] = []
    others: list[str] = []
    for comparison in COMPARISONS:
        if comparison.name != "name_date":
            others.append(f"s.g_{comparison.name} > 0")
            continue
        n = len(comparison.levels)
        weak += [
            n - i for i, kinds in enumerate(comparison.levels) if set(kinds) <= set(TWO_DIFFERENCES)
        ]
    if not weak:
        return "true"
    listed = ", ".join(str(level) for level in weak)
    return f"(s.g_name_date NOT IN ({listed}) OR {' OR '.join(others)})"


def _store_model(con: duckdb.DuckDBPyConnection, fitted: model.Model) -> None:
    """``fed_model``: every level's m, u and weight, and the prior, for explanation."""
    columns = ("comparison", "level", "m", "u", "weight", "m_source")
    rows: dict[str, list[Any]] = {k: [] for k in columns}
    weights = fitted.weights()
    for c, comparison in enumerate(COMPARISONS):
        for level, name in enumerate(_level_names(comparison)):
            rows["comparison"].append(comparison.name)
            rows["level"].append(f"{level}:{name}")
            rows["m"].append(fitted.m[c][level])
            rows["u"].append(fitted.u[c][level])
            rows["weight"].append(round(weights[c][level], 4))
            rows["m_source"].append(fitted.source(c))
    rows["comparison"].append("prior")
    rows["level"].append("")
    rows["m"].append(fitted.prior)
    rows["u"].append(1 - fitted.prior)
    rows["weight"].append(round(math.log2(fitted.prior / (1 - fitted.prior)), 4))
    rows["m_source"].append(model.ESTIMATED)
    con.register("_fed_df", pa.table(rows))
    con.execute("CREATE OR REPLACE TABLE fed_model AS SELECT * FROM _fed_df")
    con.unregister("_fed_df")


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Each of ``0 .. n-1``'s component, named by its smallest member."""
    sets = DisjointSets(n)
    for a, b in edges:
        sets.union(a, b)
    return sets.roots()


def _national_people(con: duckdb.DuckDBPyConnection) -> None:
    nodes = con.execute(
        "SELECT force, person, (row_number() OVER (ORDER BY force, person) - 1)::BIGINT "
        "FROM fed_people_raw"
    ).fetchall()
    index = {(str(f), str(p)): int(i) for f, p, i in nodes}
    edges = [
        (index[(fa, pa_)], index[(fb, pb)])
        for fa, pa_, fb, pb in con.execute(
            "SELECT force_a, person_a, force_b, person_b FROM fed_links"
        ).fetchall()
    ]
    roots = _components(len(nodes), edges)
    con.register(
        "_fed_df",
        pa.table(
            {
                "force": [str(f) for f, _, _ in nodes],
                "person": [str(p) for _, p, _ in nodes],
                "national_id": [f"X{roots[int(i)]:09d}" for _, _, i in nodes],
            }
        ),
    )
    con.execute("CREATE OR REPLACE TABLE fed_people AS SELECT * FROM _fed_df")
    con.unregister("_fed_df")


def _networks(con: duckdb.DuckDBPyConnection) -> None:
    """Local networks joined through shared national people, and offenders who share a
    tokenised vehicle or phone across forces."""
    rows = con.execute(
        """
        SELECT m.force || '/' || m.network, p.national_id
        FROM fed_local_networks m JOIN fed_people p USING (force, person)
        """
    ).fetchall()
    nets = sorted({str(n) for n, _ in rows})
    people = sorted({str(x) for _, x in rows})
    index = {n: i for i, n in enumerate(nets)}
    pindex = {x: len(nets) + i for i, x in enumerate(people)}
    roots = _components(len(nets) + len(people), ((index[n], pindex[x]) for n, x in rows))
    label = {n: f"XN{roots[index[n]]:08d}" for n in nets}
    con.register(
        "_fed_df",
        pa.table({"local": nets, "national_network_id": [label[n] for n in nets]}),
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE fed_network_members AS
        SELECT DISTINCT l.national_network_id, m.force, m.person, p.national_id, m.role
        FROM fed_local_networks m
        JOIN _fed_df l ON l.local = m.force || '/' || m.network
        JOIN fed_people p USING (force, person)
        """
    )
    con.unregister("_fed_df")
    con.execute(
        """
        CREATE OR REPLACE TABLE fed_networks AS
        SELECT national_network_id, list_sort(list(DISTINCT force)) AS forces,
               count(DISTINCT force) AS n_forces, count(DISTINCT national_id) AS n_people,
               count(DISTINCT force || '/' || person) AS n_local_people
        FROM fed_network_members GROUP BY national_network_id
        """
    )


def import_extracts(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> ImportSummary:
    """Load every extract (one per force; all made with one key), link, find networks."""
    documents = [read_extract(p) for p in paths]
    fingerprints = {d["key_fingerprint"] for d in documents}
    if len(fingerprints) > 1:
        raise ValueError("extracts were made with different keys: their tokens cannot match")
    forces = [str(d["force"]) for d in documents]
    if len(set(forces)) != len(forces):
        raise ValueError("two extracts from one force: import each force once")
    _load(con, documents)
    n_links = _link(con)
    _national_people(con)
    _networks(con)

    def count(sql: str) -> int:
        return int(con.execute(sql).fetchall()[0][0])

    return ImportSummary(
        forces=sorted(forces),
        people=count("SELECT count(*) FROM fed_people"),
        cross_force_links=n_links,
        national_people=count("SELECT count(DISTINCT national_id) FROM fed_people"),
        cross_force_people=count(
            "SELECT count(*) FROM (SELECT national_id FROM fed_people GROUP BY 1 "
            "HAVING count(DISTINCT force) > 1)"
        ),
        networks=count("SELECT count(*) FROM fed_networks"),
        cross_force_networks=count("SELECT count(*) FROM fed_networks WHERE n_forces > 1"),
        model_defaults=[
            str(name)
            for (name,) in con.execute(
                "SELECT DISTINCT comparison FROM fed_model WHERE m_source = ? ORDER BY 1",
                [model.DEFAULT],
            ).fetchall()
        ],
    )
