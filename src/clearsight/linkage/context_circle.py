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
- *candidates*: the named entities A whose first forename or alias agrees with T's name
  (``context_bearers.py``), recorded in a linking role in an event in which X is
  recorded in a linking role too; not T, K or X.

Read after the child, companion and place contexts give nothing, and only once they have
joined all they can (``context.resolve``): an X known only by a first name may yet be
joined to a named man who is recorded with more men. One candidate joins; two or more go
to review (``AMBIGUOUS_CIRCLE``). The birth year and the age at T's event are checked by
``decide`` as for every context.
"""

from __future__ import annotations

from typing import Any

import duckdb

from clearsight.linkage.context_bearers import write_bearers
from clearsight.linkage.context_rules import ContextSettings
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

# The events each man around a child is recorded in, in a linking role, and the named
# man of the thin record's name recorded in a linking role there.
_CIRCLE = f"""
    WITH xe AS (
        SELECT DISTINCT x.x_root, v.source_id || ':' || v.event_id AS event_key
        FROM (SELECT DISTINCT x_root FROM _ctx_around) x
        JOIN _ctx_people pp ON pp.root = x.x_root
        JOIN _link_nodes n ON n.record_key = pp.record_key
        JOIN current_involvements v ON v.source_id = n.source_id AND v.person_id = n.person_id
        WHERE list_contains({_LINKING}, v.role)
    ),
    tok AS (
        SELECT record_key, unnest(list_concat(fn_tokens, alias_tokens)) AS tok
        FROM _ctx_people WHERE record_key IN (SELECT thin_key FROM _ctx_around)
    )
    SELECT DISTINCT a.thin_key, a.thin_root, a.thin_event, a.thin_date, a.thin_role,
           a.x_key, xe.event_key AS other_event, b.root AS cand_root, r.dob_est AS cand_dob,
           '{CIRCLE_KIND}' AS kind
    FROM _ctx_around a
    JOIN xe ON xe.x_root = a.x_root
    JOIN tok ON tok.record_key = a.thin_key
    JOIN _ctx_bearers b ON b.wanted = tok.tok AND b.event_key = xe.event_key
    JOIN _ctx_roots r ON r.root = b.root
    WHERE b.root NOT IN (a.thin_root, a.child_root, a.x_root)
    ORDER BY a.thin_key, b.root, a.thin_event, xe.event_key, a.x_key
"""


def circle_rows(con: duckdb.DuckDBPyConnection, s: ContextSettings) -> list[tuple[Any, ...]]:
    """The circle context's evidence in the shape ``decide`` reads (its context the man
    recorded with the child). Reads the round's ``_ctx_inv``, ``_ctx_roots`` and
    ``_ctx_people``."""
    con.execute(_AROUND)
    if not con.execute("SELECT 1 FROM _ctx_around LIMIT 1").fetchall():
        con.execute("DROP TABLE _ctx_around")
        return []
    write_bearers(con, s, "SELECT thin_key FROM _ctx_around")
    rows = con.execute(_CIRCLE).fetchall()
    con.execute("DROP TABLE _ctx_around; DROP TABLE _ctx_bearers")
    return rows
