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

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from clearsight.federation.extract import read_extract
from clearsight.federation.identifiers import (
    BLOCKING_KINDS,
    LINK_THRESHOLD,
    NHS_DISAGREES,
    WEIGHTS,
)

# A token more people share than this is a switchboard number or a common name: no
# evidence, and a block that grows with its square.
MAX_TOKEN_PEOPLE = 20


@dataclass(frozen=True)
class ImportSummary:
    forces: list[str]
    people: int
    cross_force_links: int
    national_people: int
    cross_force_people: int
    networks: int
    cross_force_networks: int

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


def _link(con: duckdb.DuckDBPyConnection) -> int:
    """Score pairs of people of different forces that share a blocking token."""
    blocking = ", ".join(f"'{k}'" for k in BLOCKING_KINDS)
    weights = " ".join(f"WHEN '{k}' THEN {w}" for k, w in WEIGHTS.items())
    con.execute(
        f"""
        CREATE OR REPLACE TABLE fed_links AS
        WITH t AS (
            SELECT force, person, split_part(token, ':', 1) AS kind,
                   split_part(token, ':', 2) AS h
            FROM fed_tokens
        ),
        common AS (
            SELECT h FROM t GROUP BY h
            HAVING count(DISTINCT force) > 1
               AND count(DISTINCT force || person) <= {MAX_TOKEN_PEOPLE}
        ),
        candidates AS (
            SELECT DISTINCT a.force AS force_a, a.person AS person_a,
                            b.force AS force_b, b.person AS person_b
            FROM t a JOIN t b USING (h)
            WHERE a.kind IN ({blocking}) AND a.force < b.force
              AND h IN (SELECT h FROM common)
        ),
        shared AS (
            -- A swapped-date token agreeing with a plain one counts as the weaker kind.
            SELECT DISTINCT c.force_a, c.person_a, c.force_b, c.person_b,
                   CASE WHEN a.kind = 'name_dob_swapped' OR b.kind = 'name_dob_swapped'
                        THEN 'name_dob_swapped' ELSE a.kind END AS kind
            FROM candidates c
            JOIN t a ON a.force = c.force_a AND a.person = c.person_a
            JOIN t b ON b.force = c.force_b AND b.person = c.person_b AND b.h = a.h
            WHERE a.kind NOT LIKE 'object_%'
        ),
        nhs AS (SELECT DISTINCT force, person FROM t WHERE kind = 'nhs'),
        scored AS (
            SELECT s.force_a, s.person_a, s.force_b, s.person_b,
                   sum(CASE s.kind {weights} ELSE 0 END)
                   + CASE WHEN bool_or(s.kind = 'nhs') THEN 0
                          WHEN max(na.person) IS NOT NULL AND max(nb.person) IS NOT NULL
                          THEN {NHS_DISAGREES} ELSE 0 END AS score,
                   list_sort(list(s.kind)) AS kinds
            FROM shared s
            LEFT JOIN nhs na ON na.force = s.force_a AND na.person = s.person_a
            LEFT JOIN nhs nb ON nb.force = s.force_b AND nb.person = s.person_b
            GROUP BY s.force_a, s.person_a, s.force_b, s.person_b
        )
        SELECT * FROM scored WHERE score >= {LINK_THRESHOLD}
        """
    )
    return int(con.execute("SELECT count(*) FROM fed_links").fetchall()[0][0])


def _components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


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
    )
