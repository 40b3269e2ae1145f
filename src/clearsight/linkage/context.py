"""A person named by a first name only, resolved through the child, the companion or the
private place they are recorded with.

Children's social care, health, schools and charities write the adult in a child's life by
a first name or a nickname ("her boyfriend Ali", "a man known as Zee"), and police write
an unidentified man as UNKNOWN with the name he goes by as an alias. Such a record holds no
surname and no birth date: no blocking key proposes it, and a forename alone is no
identity (namesakes are everywhere). An analyst still resolves "Ali" in a child's
strategy-meeting note to Ali Khan when Ali Khan is the only Ali known to be with that
child: the evidence of identity is the shared context, not the name (collective entity
resolution, Bhattacharya and Getoor 2007; the practice of linking a first-name mention to
the nominal associated with the same victim).

The step runs inside clustering, after the model's links are followed, so that "the child"
and "the adult" are entities, not records:

1. A *thin* record: no surname (or only a placeholder such as UNKNOWN), no full birth date,
   at most one forename, and a forename or an alias that is a name.
2. Its *context*: the children (``clearsight.children``, the graph's own rule) of
   the events the thin record is in, not itself in a child's role.
3. Its *candidates*: the entities holding a record with a surname or a full birth date
   (a named anchor) that are recorded, not as a child, with one of those children in
   another event, and whose forename or alias agrees with the thin record's name: the
   same, variants in the nickname table (``features.nickname_groups``), or one keying
   error on names of ``typo_min_letters`` or more. A candidate whose birth year is more
   than ``birth_year_tolerance`` from the thin record's, or whose birth date makes them
   too young for the thin record's part in its event, is none.
4. One candidate over all the thin entity's children: the thin entity joins it
   (``RULE``). Two or more: none is chosen; the record goes to review (``AMBIGUOUS``).
5. Where no child gives a candidate, the *companions* do, on the same terms: the named
   adults (a record with a surname or a full birth date) recorded in the thin record's
   events, and the candidates recorded, as adults, with one of them in another event
   (``COMPANION_RULE``; two or more: ``AMBIGUOUS_COMPANION``). Police write the man
   arrested with Tyler Thompson as "KACPER"; Kacper Nowak is the one Kacper recorded
   with Tyler Thompson elsewhere. A shared associate is the relational evidence
   collective entity resolution reads (the co-author of the same paper, Bhattacharya and
   Getoor 2007) and what an analyst reads in an associate's intelligence picture. The
   child comes first: the record is about her, and her adults are fewer.
6. Where neither gives one, the *private place* of the event does: the named adults
   recorded, as adults, in another event at the same home or vehicle
   (``private_place_types``; one place across agencies keyed as the graph keys it;
   ``PLACE_RULE``; two or more: ``AMBIGUOUS_PLACE``). An address is part of a person's
   identity; a hotel or a takeaway, passed through by many, identifies no one.

7. Where none of these gives one, the *circle* of the child does: the one named adult of
   the thin record's name recorded, in a linking role, with a man recorded with the child
   in another event (``context_circle.py``, ``CIRCLE_RULE``; two or more:
   ``AMBIGUOUS_CIRCLE``). "Thomas" found with a girl whose abuser Rafiq Choudhury offends
   with Thomas Macintosh is Thomas Macintosh, when he is the one Thomas around her men.
8. Where none of these gives one, a *pair* of first names does: the thin record and
   another adult of its event known by a first name only, and the one named adult of the
   thin record's name recorded, in a linking role, with a named adult of the other's name
   elsewhere (``context_pairs.py``, ``PAIR_RULE``; two or more: ``AMBIGUOUS_PAIR``).
   "Kieran" and "Cai" in a child's referral are Kieran Doherty and Cai Pryce when they
   are the one Kieran and Cai recorded together.

The rules and settings are in ``context_rules.py``; this module reads the evidence.

Sex, ethnicity and nationality are never read. Two thin records are never joined to each
other by this step: a candidate must hold a named record. Analysts' decisions bind: a
cannot-link between the two entities keeps them apart, and merges are checked for
consistency as the model's links are (``Entities.merge``). Every outcome is kept in
``link_context`` with the child's entity, the events and the names that agreed.
"""

from __future__ import annotations

import logging
import time
from itertools import count

import duckdb
import pyarrow as pa

from clearsight.linkage.context_circle import circle_rows
from clearsight.linkage.context_pairs import keep_fitting, pair_rows
from clearsight.linkage.context_record import (
    CONTEXT_TABLE,
    ContextOutcome,
    carry_forward,
    ensure_table,
    record,
)
from clearsight.linkage.context_rules import (
    AMBIGUOUS,
    AMBIGUOUS_CIRCLE,
    AMBIGUOUS_COMPANION,
    AMBIGUOUS_PAIR,
    AMBIGUOUS_PLACE,
    CIRCLE_RULE,
    COMPANION_RULE,
    PAIR_RULE,
    PLACE_RULE,
    REFUSED,
    RULE,
    ContextSettings,
    Names,
    decide,
    load_settings,
    names_agree,
)
from clearsight.linkage.entities import Entities
from clearsight.linkage.features import STRONG_PLACEHOLDERS, WEAK_PLACEHOLDERS
from clearsight.standard.places import location_key_sql
from clearsight.standard.roles import CHILD_ROLES, LINKING_ROLES
from clearsight.store.sql import sql_list

log = logging.getLogger(__name__)


def _placeholders() -> str:
    return sql_list(sorted(WEAK_PLACEHOLDERS | STRONG_PLACEHOLDERS))


def _tokens_sql(column: str) -> str:
    """A name field's letter tokens, placeholders dropped (as ``features`` folds names)."""
    return (
        f"list_filter(string_split(trim(regexp_replace(strip_accents(lower(coalesce({column}, "
        f"''))), '[^a-z]+', ' ', 'g')), ' '), "
        f"lambda t: length(t) > 1 AND NOT list_contains({_placeholders()}, t))"
    )


def _alias_tokens_sql() -> str:
    return (
        "list_filter(flatten(list_transform(coalesce(p.aliases, []), lambda a: "
        "string_split(trim(regexp_replace(strip_accents(lower(a)), '[^a-z]+', ' ', 'g')), "
        f"' '))), lambda t: length(t) > 1 AND NOT list_contains({_placeholders()}, t))"
    )


def _dob_estimate_sql() -> str:
    """A record's birth date as the graph reads it (a year mid-year, a month mid-month)."""
    return (
        "CASE length(p.date_of_birth) "
        "WHEN 4 THEN try_cast(p.date_of_birth || '-07-01' AS DATE) "
        "WHEN 7 THEN try_cast(p.date_of_birth || '-15' AS DATE) "
        "ELSE try_cast(p.date_of_birth AS DATE) END"
    )


# The events the resolution can read: a thin entity's own events, every event of
# everyone in them (its children's other events, where the named adult is found), and
# every event at the private places of its own events.
# Thin entities are few; reading every event of every record cost most of the
# clustering stage at scale.
_WANTED_EVENTS = """
        records AS (
            SELECT pp.root, n.source_id, n.person_id
            FROM _ctx_people pp JOIN _link_nodes n USING (record_key)
        ),
        thin_events AS (
            SELECT DISTINCT v.source_id, v.event_id
            FROM records x JOIN _ctx_roots r ON r.root = x.root AND r.thin
            JOIN current_involvements v ON v.source_id = x.source_id
                 AND v.person_id = x.person_id
        ),
        near AS (
            SELECT DISTINCT x.root FROM thin_events t
            JOIN current_involvements v ON v.source_id = t.source_id AND v.event_id = t.event_id
            JOIN records x ON x.source_id = v.source_id AND x.person_id = v.person_id
        ),
        at_places AS (
            SELECT DISTINCT q.source_id, q.event_id
            FROM thin_events t
            JOIN _ctx_places p ON p.source_id = t.source_id AND p.event_id = t.event_id
            JOIN _ctx_places q ON q.place_key = p.place_key
        ),
        wanted AS (
            SELECT DISTINCT v.source_id, v.event_id
            FROM near JOIN records x USING (root)
            JOIN current_involvements v ON v.source_id = x.source_id
                 AND v.person_id = x.person_id
            UNION
            SELECT source_id, event_id FROM at_places
        )"""


def resolve(
    con: duckdb.DuckDBPyConnection,
    entities: Entities,
    settings: ContextSettings | None = None,
) -> list[ContextOutcome]:
    """Join each thin entity to the one named adult of its name with its children, or
    else with its companions, until a round joins nothing more.

    Reads ``_link_nodes`` (the records being clustered) and ``link_input``; merges in
    ``entities``; returns every record's last outcome, for ``record`` to keep. A record
    joined in one round names its entity, which can then be the named companion of
    another thin record in the next ("KACPER" joined to Kacper Nowak through the child,
    then "TYLER", arrested with "KACPER", through him): collective resolution runs to a
    fixed point. Each round joins at least one thin entity or is the last, so the rounds
    are at most the thin entities. Where a round joins nothing, the next reads the weak
    contexts too (the child's circle, a pair of first names), over every thin entity; the
    last round is one of those that joins nothing.
    """
    s = settings or load_settings()
    if not _has_events(con):
        return []
    # The records' name tokens and birth dates, read once: a round changes only roots.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ctx_names AS
        SELECT n.record_key, n.node,
               {_tokens_sql("p.forenames")} AS fn_tokens,
               {_tokens_sql("p.surname")} AS sn_tokens,
               {_alias_tokens_sql()} AS alias_tokens,
               i.dob IS NOT NULL AS dated, i.dob_y,
               {_dob_estimate_sql()} AS dob_est
        FROM _link_nodes n
        JOIN link_input i USING (record_key)
        JOIN current_persons p ON p.source_id = n.source_id AND p.person_id = n.person_id
        """
    )
    _places(con, s)
    last: dict[str, ContextOutcome] = {}
    focus: list[int] | None = None
    # The weak contexts (the child's circle, a pair of first names) are read only once
    # the stronger ones join nothing more, over every thin entity: a first name beside
    # "Kieran" must not be read as beside Kieran Doherty in the round a named companion
    # shows "Kieran" to be Kieran Ward.
    weak = False
    for round_number in count(1):
        started = time.perf_counter()
        # Records a stronger context left to review: the weak ones do not override it.
        held = frozenset(k for k, o in last.items() if o.outcome == "review" and weak)
        outcomes = _resolve_round(con, entities, s, None if weak else focus, weak, held)
        last.update((o.record_key, o) for o in outcomes)
        joined = sum(o.outcome == "linked" for o in outcomes)
        focus = _merged_nodes(con, entities, [o for o in outcomes if o.outcome == "linked"])
        log.info(
            "shared context round %d%s: %d joined, %d to review (%.1f s)",
            round_number,
            " (with the weak contexts)" if weak else "",
            joined,
            len(outcomes) - joined,
            time.perf_counter() - started,
        )
        if not joined and weak:
            break
        weak = not joined
    con.execute("DROP TABLE IF EXISTS _ctx_names; DROP TABLE IF EXISTS _ctx_places")
    return [last[k] for k in sorted(last)]


def _places(con: duckdb.DuckDBPyConnection, s: ContextSettings) -> None:
    """``_ctx_places``: each event at a private place (``private_place_types``), with the
    place's key as the graph keys places (one address across agencies)."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ctx_places AS
        SELECT e.source_id, e.event_id, e.source_id || ':' || e.event_id AS event_key,
               {location_key_sql("l")} AS place_key
        FROM current_events e
        JOIN current_locations l ON l.source_id = e.source_id AND l.location_id = e.location_id
        WHERE list_contains($1, l.location_type)
        """,
        [list(s.private_place_types)],
    )


def _merged_nodes(
    con: duckdb.DuckDBPyConnection, entities: Entities, joined: list[ContextOutcome]
) -> list[int]:
    """Every record (node) of the entities a round's joins made."""
    keys = sorted({o.record_key for o in joined})
    if not keys:
        return []
    found = con.execute(
        "SELECT node FROM _link_nodes WHERE list_contains($1, record_key)", [keys]
    ).fetchall()
    merged = {entities.find(int(r[0])) for r in found}
    return [node for node, root in enumerate(entities.roots()) if root in merged]


# After the first round only a thin entity near an entity the last round made can get
# another answer: its context (a child or companion) is that entity, or shares an event
# with it (a record joined to a named man makes him a candidate wherever that record
# was, at a private place too). Two steps over shared events from those records, and
# one to the events at the private places of their events, find every such thin entity.
_FOCUS = """
    CREATE OR REPLACE TEMP TABLE _ctx_focus AS
    WITH f AS (
        SELECT n.source_id, n.person_id FROM _ctx_focus_df d JOIN _link_nodes n USING (node)
    ),
    e1 AS (
        SELECT DISTINCT v.source_id, v.event_id FROM f
        JOIN current_involvements v USING (source_id, person_id)
    ),
    r1 AS (
        SELECT DISTINCT pp.root FROM e1
        JOIN current_involvements v USING (source_id, event_id)
        JOIN _link_nodes n ON n.source_id = v.source_id AND n.person_id = v.person_id
        JOIN _ctx_people pp USING (record_key)
    ),
    e2 AS (
        SELECT DISTINCT v.source_id, v.event_id FROM r1
        JOIN _ctx_people pp USING (root) JOIN _link_nodes n USING (record_key)
        JOIN current_involvements v ON v.source_id = n.source_id AND v.person_id = n.person_id
    )
    SELECT DISTINCT pp.root FROM (
        SELECT * FROM e2
        UNION
        SELECT q.source_id, q.event_id FROM e1
        JOIN _ctx_places p USING (source_id, event_id)
        JOIN _ctx_places q USING (place_key)
    ) e
    JOIN current_involvements v USING (source_id, event_id)
    JOIN _link_nodes n ON n.source_id = v.source_id AND n.person_id = v.person_id
    JOIN _ctx_people pp USING (record_key)
"""


def _narrow_to(con: duckdb.DuckDBPyConnection, focus: list[int]) -> None:
    """Only the thin entities near ``focus`` (nodes) stay thin for this round."""
    con.register("_ctx_focus_df", pa.table({"node": pa.array(focus, pa.int64())}))
    con.execute(_FOCUS)
    con.unregister("_ctx_focus_df")
    con.execute(
        "UPDATE _ctx_roots SET thin = false "
        "WHERE thin AND root NOT IN (SELECT root FROM _ctx_focus)"
    )
    con.execute("DROP TABLE _ctx_focus")


def _resolve_round(
    con: duckdb.DuckDBPyConnection,
    entities: Entities,
    s: ContextSettings,
    focus: list[int] | None,
    weak: bool = False,
    held: frozenset[str] = frozenset(),
) -> list[ContextOutcome]:
    """One round of ``resolve`` over the entities as they stand; after the first, only
    the thin entities near ``focus`` (the records of the entities the last round made).
    ``weak``: the circle and pair contexts (``context_circle.py``, ``context_pairs.py``)
    are read instead of the stronger ones, for thin entities with no record in ``held``."""
    from clearsight.children import child_in_event_sql, documented, event_context_sql

    roots = entities.roots()
    con.register(
        "_ctx_roots_df",
        pa.table({"node": pa.array(range(len(roots)), pa.int64()), "root": pa.array(roots)}),
    )
    graph = documented()
    own_sexual, child_offence = event_context_sql(graph, "e")
    is_child = child_in_event_sql(graph)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _ctx_people AS
        SELECT b.*, r.root::BIGINT AS root
        FROM _ctx_names b JOIN _ctx_roots_df r USING (node)
        """
    )
    con.unregister("_ctx_roots_df")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _ctx_roots AS
        SELECT root, max(dob_est) AS dob_est,
               bool_or(len(sn_tokens) > 0 OR dated) AS named,
               bool_and(len(sn_tokens) = 0 AND NOT dated AND len(fn_tokens) <= 1
                        AND len(list_concat(fn_tokens, alias_tokens)) > 0) AS thin
        FROM _ctx_people GROUP BY root
        """
    )
    if focus is not None:
        _narrow_to(con, focus)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ctx_inv AS
        WITH {_WANTED_EVENTS},
        i AS (
            SELECT pp.record_key, pp.root, e.source_id || ':' || e.event_id AS event_key,
                   v.role, coalesce(e.occurred_date, e.reported_date) AS event_date,
                   {own_sexual} AS own_sexual, {child_offence} AS child_offence,
                   date_diff('day', r.dob_est, coalesce(e.occurred_date, e.reported_date))
                       / 365.25 AS age
            FROM _ctx_people pp
            JOIN _link_nodes n USING (record_key)
            JOIN current_involvements v ON v.source_id = n.source_id
                 AND v.person_id = n.person_id
            JOIN current_events e ON e.source_id = v.source_id AND e.event_id = v.event_id
            JOIN wanted w ON w.source_id = e.source_id AND w.event_id = e.event_id
            JOIN _ctx_roots r ON r.root = pp.root
        )
        SELECT record_key, root, event_key, role, event_date, age,
               coalesce({is_child}, false) AS is_child
        FROM i
        """
    )
    if weak:
        # The stronger contexts have joined all they can: a round that reads the weak ones
        # reads only them, for the thin entities none of the stronger ones gave a
        # candidate (``held``: the records those left to review).
        rows = circle_rows(con, s)
        paired = pair_rows(con, s)
    else:
        rows = con.execute(_WITH_OTHERS).fetchall() + con.execute(_AT_PLACE).fetchall()
        paired = []
    if not rows and not paired:
        _drop(con)
        return []
    wanted = {int(r[1]) for r in rows + paired} | {int(r[7]) for r in rows + paired}
    names = _names(con, wanted | {int(r[c]) for r in paired for c in (9, 10)})
    _drop(con)
    rows = rows + keep_fitting(paired, names, s)
    if held:
        under_review = {
            root for root, recs in names.records.items() if any(r[1] in held for r in recs)
        }
        rows = [r for r in rows if int(r[1]) not in under_review]
    return decide(rows, names, entities, s)


# Whom the thin record was recorded with, a child or a named adult, and the named adults
# recorded with them elsewhere: the child and companion contexts' evidence.
_CHILDREN = sql_list(list(CHILD_ROLES))
_LINKING = sql_list(list(LINKING_ROLES))
_WITH_OTHERS = f"""
    WITH t AS (
        SELECT v.* FROM _ctx_inv v JOIN _ctx_roots r USING (root)
        WHERE r.thin AND NOT list_contains({_CHILDREN}, v.role)
    ),
    -- Whom the thin record was recorded with: a child, or a named adult (the
    -- companion), each read in their other events in the same part (a child as a
    -- child, an adult as an adult).
    c AS (
        SELECT v.* FROM _ctx_inv v JOIN _ctx_roots r USING (root)
        WHERE v.is_child OR r.named
    ),
    tc AS (
        SELECT t.record_key AS thin_key, t.root AS thin_root, t.event_key AS thin_event,
               t.event_date AS thin_date, t.role AS thin_role,
               c.root AS ctx_root, c.record_key AS ctx_key, c.is_child AS via_child
        FROM t JOIN c ON c.event_key = t.event_key AND c.root <> t.root
    ),
    other AS (
        SELECT DISTINCT tc.*, c2.event_key AS other_event
        FROM tc JOIN c c2 ON c2.root = tc.ctx_root AND c2.event_key <> tc.thin_event
             AND c2.is_child = tc.via_child
    )
    SELECT DISTINCT o.thin_key, o.thin_root, o.thin_event, o.thin_date, o.thin_role,
           o.ctx_key, o.other_event, a.root AS cand_root, r.dob_est AS cand_dob,
           -- A thin record in a linking role is read first against the adults
           -- recorded with the child in the same kind of part, as at a private
           -- place: the man who brought her in is the man suspected with her, not
           -- the youth worker who referred her. Only where none is, against her
           -- other adults ("associate" is any adult around her in a partner's
           -- record, her father too: STANDARD.md, involvements).
           CASE WHEN NOT o.via_child THEN 'companion'
                WHEN list_contains({_LINKING}, o.thin_role)
                     AND NOT list_contains({_LINKING}, a.role) THEN 'child_other'
                ELSE 'child' END AS kind
    FROM other o
    JOIN _ctx_inv a ON a.event_key = o.other_event AND NOT a.is_child
         AND a.root <> o.thin_root AND a.root <> o.ctx_root
    JOIN _ctx_roots r ON r.root = a.root AND r.named
    ORDER BY o.thin_key, a.root, o.thin_event, o.other_event, o.ctx_key
    """


# Where the thin record was recorded: the private place of its event, and the named
# adults recorded (as adults) at the same place in other events. Both in a linking role
# (a suspect, offender, facilitator or associate): a home's own household is recorded
# there too, reporting a child missing or as witnesses, and the man found with a child
# is read against the men recorded there in the same kind of part, not against her
# father who reported her missing.
_AT_PLACE = f"""
    WITH t AS (
        SELECT v.* FROM _ctx_inv v JOIN _ctx_roots r USING (root)
        WHERE r.thin AND list_contains({sql_list(list(LINKING_ROLES))}, v.role)
    ),
    other AS (
        SELECT DISTINCT t.record_key AS thin_key, t.root AS thin_root,
               t.event_key AS thin_event, t.event_date AS thin_date, t.role AS thin_role,
               p.place_key, q.event_key AS other_event
        FROM t JOIN _ctx_places p ON p.event_key = t.event_key
        JOIN _ctx_places q ON q.place_key = p.place_key AND q.event_key <> p.event_key
    )
    SELECT DISTINCT o.thin_key, o.thin_root, o.thin_event, o.thin_date, o.thin_role,
           o.place_key, o.other_event, a.root AS cand_root, r.dob_est AS cand_dob,
           'place' AS kind
    FROM other o
    JOIN _ctx_inv a ON a.event_key = o.other_event AND NOT a.is_child
         AND a.root <> o.thin_root AND list_contains({sql_list(list(LINKING_ROLES))}, a.role)
    JOIN _ctx_roots r ON r.root = a.root AND r.named
    ORDER BY o.thin_key, a.root, o.thin_event, o.other_event, o.place_key
"""


def _has_events(con: duckdb.DuckDBPyConnection) -> bool:
    """Records from sources with no events (FEBRL-like lists) give no context at all."""
    try:
        return bool(con.execute("SELECT 1 FROM current_involvements LIMIT 1").fetchall())
    except duckdb.CatalogException:
        return False


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for scratch in ("_ctx_people", "_ctx_roots", "_ctx_inv"):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")


def _names(con: duckdb.DuckDBPyConnection, roots: set[int]) -> Names:
    con.register("_ctx_wanted_df", pa.table({"root": pa.array(sorted(roots), pa.int64())}))
    found = con.execute(
        """
        SELECT p.root, p.node, p.record_key,
               list_distinct(list_concat(p.fn_tokens, p.alias_tokens)) AS tokens,
               p.dob_y, len(p.sn_tokens) > 0 OR p.dated AS named
        FROM _ctx_people p JOIN _ctx_wanted_df USING (root)
        ORDER BY p.root, p.record_key
        """
    ).fetchall()
    con.unregister("_ctx_wanted_df")
    out: dict[int, list[tuple[int, str, list[str], int | None, bool]]] = {}
    for root, node, key, tokens, year, named in found:
        out.setdefault(int(root), []).append(
            (int(node), str(key), list(tokens or []), year, bool(named))
        )
    return Names(out)


__all__ = [
    "AMBIGUOUS",
    "AMBIGUOUS_CIRCLE",
    "AMBIGUOUS_COMPANION",
    "AMBIGUOUS_PAIR",
    "AMBIGUOUS_PLACE",
    "CIRCLE_RULE",
    "COMPANION_RULE",
    "CONTEXT_TABLE",
    "PAIR_RULE",
    "PLACE_RULE",
    "REFUSED",
    "RULE",
    "ContextOutcome",
    "ContextSettings",
    "carry_forward",
    "ensure_table",
    "load_settings",
    "names_agree",
    "record",
    "resolve",
]
