"""Entities from scored pairs: analyst decisions, clustering, stable ids.

The guards that hold pairs back before clustering are ``guards.py``.

Clustering is single-linkage over the links that pass, processed strongest
first, refusing any merge that would put an analyst's cannot-link pair in one
entity. Plain connected components cannot honour a cannot-link: removing the
direct edge leaves the two records joined through a third.
"""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from clearsight.linkage import context
from clearsight.linkage.comparisons import SHARED_VALUE
from clearsight.linkage.entities import Entities, years_close
from clearsight.linkage.identity import FRESH_ID_SQL, assign_ids
from clearsight.linkage.model import (
    DOB_PARTIAL_MAX,
    DOB_PARTIAL_WITHIN_YEAR,
    DOB_PARTIAL_YEAR,
    DOB_WITHIN_YEAR,
    DOB_YEAR,
    DOB_YEAR_MONTH,
    FORENAMES_ELSE,
    NHS_EXACT,
    NHS_ONE_ERROR,
    PLACE_AS_FAR_AS_RECORDED,
    PLACE_ELSE,
)

# A link that rests on the name: the birth dates agree on the year (and month) at
# most, or one is missing, and no postcode, address (a town or an outward code alone
# is not one), phone, email or NHS number agrees. A common name is borne by many
# strangers, and the more records a store holds the more of them a record meets, so
# such a link is followed only when the name is not shared: at most one entity with a
# full birth date bears either record's forename and surname (``NAME_SHARED``).
NAME_LED_SQL = f"""(
    coalesce(gamma_date_of_birth, -1) <= {DOB_PARTIAL_MAX}
    AND (coalesce(gamma_place, -1) <= {PLACE_ELSE}
         OR gamma_place IN ({", ".join(map(str, PLACE_AS_FAR_AS_RECORDED))}))
    AND coalesce(gamma_phones, -1) < {SHARED_VALUE} AND coalesce(gamma_emails, -1) < {SHARED_VALUE}
    AND coalesce(gamma_nhs_number, -1) <= 0
)"""
NAME_SHARED = "name shared by several people"
# A record with no birth date linked to two records whose birth years no recording
# error explains as one person's (``_undated_between``): a father and a son of one
# name at one home, "Abdul Ali" with no date beside Abdul Ali born 1976 and Abdul Ali
# born 2004, each bearing the name as well as the other. Which of them the record is,
# nothing in it says; followed strongest first it would join one of them by chance.
# Neither link is followed: both go to review with the reason. Where an address,
# phone or email agrees with one of them only, the record does say which: its links
# that carry such evidence are followed and only the links that rest on the name go
# to review (a father and a son at one home share the address, so both stay held).
# An NHS number that agrees says which before anything else: the number is issued to
# one person for life, and a father and a son at one home each hold their own. The
# record is the person whose number it bears; its links to that person's birth year
# are followed and only those to the other year go to review.
UNDATED_BETWEEN = "no birth date, and the record fits two people of other birth dates"
# A link whose merge would put in one entity two NHS numbers, or two birth years,
# that no recording error explains (``Entities._consistent``).
CONFLICTING = "the entities hold conflicting NHS numbers, birth years or birth dates"


def entity_id_for(first_key: str) -> str:
    """An entity's id: a function of its smallest member key only.

    The same membership gives the same id in every run, whatever else changed;
    the key itself is not exposed because it names a source's own record.
    ``ENTITY_ID_SQL`` computes the same in the store.
    """
    return "E" + hashlib.sha1(first_key.encode("utf-8")).hexdigest()[:15].upper()


ENTITY_ID_SQL = FRESH_ID_SQL


def cluster(con: duckdb.DuckDBPyConnection, run_id: int, scope: str | None = None) -> int:
    """Write ``person_entities`` and ``entities`` for ``run_id``; return the entity count.

    With ``scope`` (a table of ``record_key``: an incremental run's new records
    and every record of the entities they or a decision touch, whole entities
    only) only those records are clustered again; every other entity stays as
    it is, so that the work follows the new records, not the store.
    """
    within = f"WHERE record_key IN (SELECT record_key FROM {scope})" if scope else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _link_nodes AS
        SELECT record_key, source_id, person_id,
               (row_number() OVER (ORDER BY record_key) - 1)::BIGINT AS node
        FROM link_input {within}
        """
    )
    n = int(con.execute("SELECT count(*) FROM _link_nodes").fetchall()[0][0])
    # Analyst accepts first, then links strongest first. ``checked`` is false for
    # an analyst's accept: an analyst may merge what the identifiers contradict.
    edges = con.execute(
        f"""
        WITH e AS (
            SELECT record_key_l AS l, record_key_r AS r, match_weight AS w, true AS checked,
                   gamma_nhs_number IN ({NHS_EXACT}, {NHS_ONE_ERROR}) AS nhs_agrees,
                   {NAME_LED_SQL} AS name_led, gamma_date_of_birth AS dob_level,
                   gamma_forenames AS fn_level
            FROM link_pairs WHERE linked
            UNION ALL
            SELECT record_key_l, record_key_r, 'Infinity'::DOUBLE, false, false, false, NULL,
                   NULL
            FROM current_link_decisions WHERE decision = 'accept'
        )
        SELECT a.node AS a, b.node AS b, e.checked, e.nhs_agrees, e.name_led,
               coalesce(e.dob_level, -1) AS dob_level,
               coalesce(e.fn_level, -1) AS fn_level FROM e
        JOIN _link_nodes a ON a.record_key = e.l
        JOIN _link_nodes b ON b.record_key = e.r
        ORDER BY e.w DESC, a.node, b.node
        """
    ).fetchnumpy()
    identity = con.execute(
        "SELECT n.node, i.nhs_number, i.dob_y, i.dob FROM _link_nodes n "
        "JOIN link_input i USING (record_key) "
        "WHERE i.nhs_number IS NOT NULL OR i.dob_y IS NOT NULL"
    ).fetchnumpy()
    cannot = con.execute(
        """
        SELECT a.node, b.node FROM current_link_decisions d
        JOIN _link_nodes a ON a.record_key = d.record_key_l
        JOIN _link_nodes b ON b.record_key = d.record_key_r
        WHERE d.decision = 'reject'
        """
    ).fetchall()
    entities = Entities(n, identity, cannot)
    ambiguous = _undated_between(entities.own_year, edges)
    a, b = edges["a"], edges["b"]
    checked, nhs_agrees, led_by_name = (
        np.ma.filled(edges[flag], False).astype(bool)
        for flag in ("checked", "nhs_agrees", "name_led")
    )
    held = checked & _pairs_in(a, b, ambiguous, n)
    name_led = led_by_name & ~held
    strong = ~led_by_name & ~held
    conflicting = entities.follow(a[strong], b[strong], checked[strong], nhs_agrees[strong])
    led = list(
        zip(
            a[name_led].tolist(),
            b[name_led].tolist(),
            edges["dob_level"][name_led].tolist(),
            strict=True,
        )
    )
    refused = _follow_name_led(con, entities, led)
    # A person named by a first name only, joined to the one adult of that name recorded
    # with the same child (``context.py``), once every other link is followed. A scoped
    # (incremental) run sees only its scope: it keeps the context links it re-clusters.
    shared_context = (
        context.carry_forward(con, entities) if scope else context.resolve(con, entities)
    )
    _mark_refused(
        con,
        {NAME_SHARED: refused, CONFLICTING: conflicting, UNDATED_BETWEEN: sorted(ambiguous)},
    )
    assignment = pa.table(
        {"node": pa.array(range(n), pa.int64()), "root": pa.array(entities.roots(), pa.int64())}
    )
    con.register("_link_assignment_df", assignment)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _link_assignment AS
        SELECT n.record_key, n.source_id, n.person_id, a.root,
               min(n.record_key) OVER (PARTITION BY a.root) AS first_key
        FROM _link_nodes n JOIN _link_assignment_df a USING (node)
        """
    )
    con.unregister("_link_assignment_df")
    # Ids carried over from the previous run where membership allows (identity.py).
    assign_ids(con, run_id)
    _write_entities(con, run_id, scoped=scope is not None)
    context.record(con, run_id, shared_context, scoped=scope is not None)
    for scratch in ("_link_nodes", "_link_assignment", "_link_ids"):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return int(con.execute("SELECT count(*) FROM entities").fetchall()[0][0])


def _pairs_in(a: np.ndarray, b: np.ndarray, pairs: set[tuple[int, int]], n: int) -> np.ndarray:
    """Per link ``a[i]``-``b[i]``: whether it is one of ``pairs`` (each ``(low, high)``)."""
    if not pairs:
        return np.zeros(len(a), dtype=bool)
    wanted = np.array([low * n + high for low, high in pairs], dtype=np.int64)
    return np.isin(np.minimum(a, b) * n + np.maximum(a, b), wanted)


def _undated_between(own_year: dict[int, int], edges: dict[str, Any]) -> set[tuple[int, int]]:
    """The model's links of each record with no birth year that fits two people
    (``UNDATED_BETWEEN``): a dated partner whose birth year no recording error explains
    as the same person's as the strongest partner's, and whose forename agrees with the
    record's at least as well. Where the rival bears the name less well (Holly for a
    record of Molly), the record is the one whose name it bears, and the rival's link is
    left to the consistency check."""
    partners: dict[int, list[tuple[int, int, int, bool, bool]]] = {}
    # Only the model's links between a dated and an undated record are read: at 1M
    # records a loop over every link cost seconds.
    ends = np.concatenate([edges["a"], edges["b"], np.array(list(own_year), dtype=np.int64)])
    has_year = np.zeros(int(ends.max(initial=0)) + 1, dtype=bool)
    has_year[np.fromiter(own_year, dtype=np.int64, count=len(own_year))] = True
    one_dated = np.ma.filled(edges["checked"], False).astype(bool) & (
        has_year[edges["a"]] != has_year[edges["b"]]
    )
    nhs = edges.get("nhs_agrees")
    nhs_agrees = (
        np.ma.filled(nhs, False).astype(bool)[one_dated]
        if nhs is not None
        else np.zeros(int(one_dated.sum()), dtype=bool)
    )
    # Edges come strongest first, so each record's first partner is its strongest.
    for a, b, fn_level, name_led, same_number in zip(
        edges["a"][one_dated].tolist(),
        edges["b"][one_dated].tolist(),
        edges["fn_level"][one_dated].tolist(),
        edges["name_led"][one_dated].tolist(),
        nhs_agrees.tolist(),
        strict=True,
    ):
        ya, yb = own_year.get(a), own_year.get(b)
        if ya is None and yb is not None:
            partners.setdefault(a, []).append((b, yb, fn_level, bool(name_led), same_number))
        elif yb is None and ya is not None:
            partners.setdefault(b, []).append((a, ya, fn_level, bool(name_led), same_number))
    out: set[tuple[int, int]] = set()
    for undated, dated in partners.items():
        best_year, best_name = dated[0][1], dated[0][2]
        # Only a name that agrees says the record fits both; where the forenames were
        # not compared the links' other evidence decides, strongest first.
        if best_name <= FORENAMES_ELSE:
            continue
        if not any(not years_close(best_year, p[1]) and p[2] >= best_name for p in dated[1:]):
            continue
        held = _held_between(dated)
        out.update((min(undated, d), max(undated, d)) for d in held)
    return out


def _held_between(dated: list[tuple[int, int, int, bool, bool]]) -> list[int]:
    """The partners of an undated record that fits two people whose links are held.

    Where the links with an agreeing NHS number all point to one person (birth years
    a recording error apart), the record is that person's: only the links to a birth
    year no recording error explains as theirs are held. Otherwise every one, unless
    the links that carry an address, phone or email (not the name alone) all point to
    one person: then the record is that person's, and only the name-led links to a
    birth year no recording error explains as theirs are held.
    """
    numbered = [p[1] for p in dated if p[4]]
    if numbered and all(years_close(numbered[0], y) for y in numbered[1:]):
        return [p[0] for p in dated if not any(years_close(p[1], y) for y in numbered)]
    evidenced = [p[1] for p in dated if not p[3]]
    if not evidenced or any(not years_close(evidenced[0], y) for y in evidenced[1:]):
        return [p[0] for p in dated]
    return [p[0] for p in dated if p[3] and not any(years_close(p[1], e) for e in evidenced)]


def _write_entities(con: duckdb.DuckDBPyConnection, run_id: int, *, scoped: bool) -> None:
    """``person_entities`` and ``entities`` from ``_link_assignment`` and ``_link_ids``.

    Scoped, only the clustered records' rows and their entities (before and
    after) are replaced; every row is stamped with the run, as readers take the
    latest run's rows.
    """
    # Records are counted per entity and source first: most entities hold one or two
    # records, and the distinct lists are then made over sources, not records.
    entities_sql = """
        INSERT INTO entities (entity_id, n_records, n_sources, sources, agency_types, run_id)
        WITH per_source AS (
            SELECT pe.entity_id, pe.source_id, count(*) AS n FROM person_entities pe
            {where}
            GROUP BY pe.entity_id, pe.source_id
        )
        SELECT p.entity_id, sum(p.n), count(*), list_sort(list(p.source_id)),
               list_sort(list(DISTINCT s.agency_type) FILTER (WHERE s.agency_type IS NOT NULL)),
               ?
        FROM per_source p LEFT JOIN sources s USING (source_id)
        GROUP BY p.entity_id
        """
    if scoped:
        # Records clustered again, and records no longer current (replaced or
        # withdrawn since the last run), leave their rows; their entities are
        # counted again.
        leaving = (
            "record_key IN (SELECT record_key FROM _link_assignment) "
            "OR record_key NOT IN (SELECT record_key FROM link_input)"
        )
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _link_touched AS
            SELECT DISTINCT entity_id FROM person_entities WHERE {leaving}
            UNION SELECT DISTINCT entity_id FROM _link_ids
            """
        )
        con.execute(f"DELETE FROM person_entities WHERE {leaving}")
        con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM _link_touched)")
    else:
        con.execute("DELETE FROM person_entities")
        con.execute("DELETE FROM entities")
    con.execute(
        """
        INSERT INTO person_entities (source_id, person_id, record_key, entity_id, run_id)
        SELECT a.source_id, a.person_id, a.record_key, i.entity_id, ?
        FROM _link_assignment a JOIN _link_ids i USING (root)
        """,
        [run_id],
    )
    where = "WHERE pe.entity_id IN (SELECT entity_id FROM _link_touched)" if scoped else ""
    con.execute(entities_sql.format(where=where), [run_id])
    if scoped:
        con.execute("UPDATE person_entities SET run_id = ? WHERE run_id <> ?", [run_id, run_id])
        con.execute("UPDATE entities SET run_id = ? WHERE run_id <> ?", [run_id, run_id])
        con.execute("DROP TABLE IF EXISTS _link_touched")


def _follow_name_led(
    con: duckdb.DuckDBPyConnection, entities: Entities, led: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Follow name-led links (strongest first) whose name no second person could bear.

    Returns the links refused. Holders of a name are the entities, after every
    other link, with a full birth date on a record of that forename and surname.
    A holder competes for a link only when its birth date fits the link's own
    date evidence (``_fits``): a "john smith" born in 1995 is no rival for a link
    between two records that agree on May 1980.
    """
    if not led:
        return []
    con.register(
        "_link_led_df",
        pa.table({"node": pa.array(sorted({x for a, b, _ in led for x in (a, b)}), pa.int64())}),
    )
    rows = con.execute(
        """
        WITH names AS (
            SELECT DISTINCT i.fn1, i.sn FROM _link_led_df d
            JOIN _link_nodes n ON n.node = d.node
            JOIN link_input i USING (record_key)
            WHERE i.fn1 IS NOT NULL AND i.sn IS NOT NULL
        )
        SELECT n.node, i.fn1 || ' ' || i.sn AS name, i.dob IS NOT NULL AS dated,
               i.dob_ym, i.dob_y, pe.entity_id,
               CASE WHEN i.postcode IS NOT NULL OR i.address IS NOT NULL
                    THEN i.addr_tokens END AS place
        FROM link_input i JOIN names USING (fn1, sn)
        LEFT JOIN _link_nodes n USING (record_key)
        LEFT JOIN person_entities pe ON n.node IS NULL AND pe.record_key = i.record_key
        WHERE n.node IS NOT NULL OR pe.entity_id IS NOT NULL
        """
    ).fetchall()
    towns = {
        int(node): set(tokens)
        for node, tokens in con.execute(
            "SELECT n.node, i.addr_tokens FROM _link_led_df d JOIN _link_nodes n USING (node) "
            "JOIN link_input i USING (record_key) WHERE i.addr_town_only"
        ).fetchall()
    }
    con.unregister("_link_led_df")
    # A bearer outside a scoped clustering is an entity that stays as it is:
    # named by its id, as a bearer inside is by its root.
    name_of = {int(node): str(name) for node, name, *_ in rows if node is not None}
    dates: dict[int | str, tuple[Any, Any]] = {}
    places: dict[int | str, set[str] | None] = {}
    holders: dict[str, list[int | str]] = {}
    for node, name, dated, ym, y, entity, place in rows:
        who: int | str = int(node) if node is not None else f"{entity}:{len(dates)}"
        dates[who] = (ym, y)
        places[who] = set(place) if place is not None else None
        if dated:
            holders.setdefault(str(name), []).append(who)
    refused = []
    for a, b, level in led:
        names = {name_of[x] for x in (a, b) if x in name_of}
        ends = [dates.get(a, (None, None)), dates.get(b, (None, None))]
        town = [towns[x] for x in (a, b) if x in towns]
        bearers = {
            (entities.find(x) if isinstance(x, int) else x.split(":")[0])
            for name in names
            for x in holders.get(name, [])
            if _fits(dates[x], ends, level) and _in_town(places[x], town)
        }
        if len(bearers) <= 1:
            entities.merge(a, b, checked=True, nhs_agrees=False)
        else:
            refused.append((a, b))
    return refused


def _in_town(place: set[str] | None, towns: list[set[str]]) -> bool:
    """Whether a bearer's record could be the one a link's town alone names.

    A record that says only "Leeds" names a person of Leeds: a namesake whose record
    puts them at an address in another town is not the person it was written about,
    as far as the records go (the model weighs a town that differs as a move, about as
    strongly against as an agreeing town is for). A bearer with no place recorded
    could be anyone, and competes; so does every bearer where no end is a town alone.
    """
    return place is None or not towns or any(town <= place for town in towns)


def _fits(
    holder: tuple[str | None, int | None],
    ends: list[tuple[str | None, int | None]],
    level: int,
) -> bool:
    """Whether a holder's birth date agrees with either end of a link at the link's level.

    Where the link's dates are not compared (one is missing) any holder fits:
    the undated record could be any of them.
    """
    ym, year = holder
    if level == DOB_YEAR_MONTH:
        return any(ym is not None and ym == e_ym for e_ym, _ in ends)
    if level in (DOB_YEAR, DOB_PARTIAL_YEAR):
        return any(year is not None and year == e_y for _, e_y in ends)
    if level in (DOB_WITHIN_YEAR, DOB_PARTIAL_WITHIN_YEAR):
        return any(year is not None and e_y is not None and abs(year - e_y) <= 1 for _, e_y in ends)
    return True


def _mark_refused(
    con: duckdb.DuckDBPyConnection, refused: dict[str, list[tuple[int, int]]]
) -> None:
    """Record why clustering did not follow these links (per reason): they go to review
    with it. One update for every reason: each is a pass over the store's links."""
    rows = [(a, b, reason) for reason, links in refused.items() for a, b in links]
    if not rows:
        return
    con.register(
        "_link_refused_df",
        pa.table(
            {
                "a": pa.array([a for a, _, _ in rows], pa.int64()),
                "b": pa.array([b for _, b, _ in rows], pa.int64()),
                "reason": pa.array([r for _, _, r in rows], pa.string()),
            }
        ),
    )
    con.execute(
        """
        UPDATE link_pairs AS p SET linked = false, refused_because = d.reason
        FROM _link_refused_df d
        JOIN _link_nodes a ON a.node = d.a JOIN _link_nodes b ON b.node = d.b
        WHERE p.record_key_l = a.record_key AND p.record_key_r = b.record_key
        """
    )
    con.unregister("_link_refused_df")
