"""A first name recorded with a child, resolved through the men recorded around her: the
*circle* context of the shared-context step (``context.py``).

A girl is reported missing and found "in the company of Thomas"; no Thomas is named in any
other record about her, so the child context gives no candidate. She is recorded as the
victim of Rafiq Choudhury, and police hold Rafiq Choudhury with Thomas Macintosh, suspected
together against another girl. An analyst reads "Thomas" as Thomas Macintosh: the one
Thomas among the men around her abuser. Group-based exploitation shares victims among the
men of a group (IICSA 2022, part C; Jay 2014, chapter 5: girls "passed around" a group's
men), so the men recorded with a child's abusers are the first place an analyst looks for
the man a first name in her record is; the association chart of the man she is known to
be with is how the name is read (the shared-associate evidence of collective entity
resolution, Bhattacharya and Getoor 2007, one step further than the companion).

The evidence, for a thin record T in an event with a child K:

- *the men around her*: the adults X recorded in a linking role (suspect, offender,
  facilitator or associate) in another event in which K is a child;
- *candidates*: the named entities A recorded in a linking role in an event in which X
  is recorded in a linking role too, whose first forename or alias agrees with T's name
  (``context_rules.names_agree``; a man is called by his first forename or a name he is
  known by, as ``context_bearers.py`` says); not T, K or X.

Read after the child, companion and place contexts give nothing, and only once they have
joined all they can (``context.resolve``): an X known only by a first name may yet be
joined to a named man who is recorded with more men. One candidate joins; two or more go
to review (``AMBIGUOUS_CIRCLE``). The birth year and the age at T's event are checked by
``decide`` as for every context.
"""

from __future__ import annotations

from typing import Any

import duckdb

from clearsight.linkage.context_rules import ContextSettings, names_agree
from clearsight.standard.roles import CHILD_ROLES, LINKING_ROLES
from clearsight.store.sql import sql_list

CIRCLE_KIND = "circle"

_LINKING = sql_list(list(LINKING_ROLES))

# The thin records, the children of their events, and the men recorded in a linking role
# with those children in the children's other events.
_AROUND = f"""
    CREATE OR REPLACE TEMP TABLE _ctx_around AS
    WITH t AS (
        SELECT v.record_key, v.root, v.event_key, v.event_date, v.role
        FROM _ctx_inv v JOIN _ctx_roots r ON r.root = v.root AND r.thin
        WHERE NOT list_contains({sql_list(list(CHILD_ROLES))}, v.role)
    ),
    k AS (
        SELECT DISTINCT t.*, c.root AS child_root
        FROM t JOIN _ctx_inv c ON c.event_key = t.event_key AND c.is_child AND c.root <> t.root
    )
    SELECT DISTINCT k.record_key AS thin_key, k.root AS thin_root, k.event_key AS thin_event,
           k.event_date AS thin_date, k.role AS thin_role, k.child_root,
           x.root AS x_root, x.record_key AS x_key
    FROM k
    JOIN _ctx_inv c2 ON c2.root = k.child_root AND c2.is_child AND c2.event_key <> k.event_key
    JOIN _ctx_inv x ON x.event_key = c2.event_key AND NOT x.is_child
         AND list_contains({_LINKING}, x.role) AND x.root NOT IN (k.root, k.child_root)
"""

# The named men recorded in a linking role in an event in which a man around a child is
# recorded in a linking role too: the candidates, before their names are read.
_CIRCLE = f"""
    WITH xe AS (
        SELECT DISTINCT x.x_root, v.source_id, v.event_id
        FROM (SELECT DISTINCT x_root FROM _ctx_around) x
        JOIN _ctx_people pp ON pp.root = x.x_root
        JOIN _link_nodes n ON n.record_key = pp.record_key
        JOIN current_involvements v ON v.source_id = n.source_id AND v.person_id = n.person_id
        WHERE list_contains({_LINKING}, v.role)
    ),
    co AS (
        SELECT DISTINCT xe.x_root, xe.source_id || ':' || xe.event_id AS event_key,
               pp.root AS cand_root
        FROM xe
        JOIN current_involvements v ON v.source_id = xe.source_id AND v.event_id = xe.event_id
        JOIN _link_nodes n ON n.source_id = v.source_id AND n.person_id = v.person_id
        JOIN _ctx_people pp ON pp.record_key = n.record_key
        JOIN _ctx_roots r ON r.root = pp.root AND r.named
        WHERE list_contains({_LINKING}, v.role) AND pp.root <> xe.x_root
    )
    SELECT DISTINCT a.thin_key, a.thin_root, a.thin_event, a.thin_date, a.thin_role,
           a.x_key, co.event_key AS other_event, co.cand_root, r.dob_est AS cand_dob,
           '{CIRCLE_KIND}' AS kind
    FROM _ctx_around a
    JOIN co ON co.x_root = a.x_root
    JOIN _ctx_roots r ON r.root = co.cand_root
    WHERE co.cand_root NOT IN (a.thin_root, a.child_root)
    ORDER BY a.thin_key, co.cand_root, a.thin_event, co.event_key, a.x_key
"""

# The thin records' name tokens, and each candidate's names by which he is called (his
# first forename and aliases: ``context_bearers.py`` says why).
_THIN_TOKENS = """
    SELECT record_key, list_concat(fn_tokens, alias_tokens) FROM _ctx_people
    WHERE record_key IN (SELECT thin_key FROM _ctx_around)
"""
_CALLED = """
    SELECT root, list_distinct(flatten(list(list_concat(fn_tokens[1:1], alias_tokens))))
    FROM _ctx_people WHERE list_contains($1, root) GROUP BY root
"""


def circle_rows(con: duckdb.DuckDBPyConnection, s: ContextSettings) -> list[tuple[Any, ...]]:
    """The circle context's evidence in the shape ``decide`` reads (its context the man
    recorded with the child). Reads the round's ``_ctx_inv``, ``_ctx_roots`` and
    ``_ctx_people``."""
    con.execute(_AROUND)
    if not con.execute("SELECT 1 FROM _ctx_around LIMIT 1").fetchall():
        con.execute("DROP TABLE _ctx_around")
        return []
    rows = con.execute(_CIRCLE).fetchall()
    thin = {str(k): list(t or []) for k, t in con.execute(_THIN_TOKENS).fetchall()}
    roots = sorted({int(r[7]) for r in rows})
    called = {int(k): list(t or []) for k, t in con.execute(_CALLED, [roots]).fetchall()}
    con.execute("DROP TABLE _ctx_around")
    return [
        r
        for r in rows
        if any(
            names_agree(x, t, s.typo_min_letters)
            for x in thin.get(str(r[0]), [])
            for t in called.get(int(r[7]), [])
        )
    ]
