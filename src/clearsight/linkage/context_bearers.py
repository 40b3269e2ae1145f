"""The named men who bear a name: the candidates of the weaker contexts of the
shared-context step (``context_pairs.py``; ``context_circle.py`` reads the same names of
the men it finds around a child).

Those contexts look for a named man of a thin record's name away from the thin record's
own events, so the round's events (``context._WANTED_EVENTS``) do not hold him. This
module finds, for the name tokens of the records asked about, every named entity whose
first forename or alias agrees with one of them, and the events where that entity is
recorded in a linking role (suspect, offender, facilitator or associate). A man is called
by his first forename or a name he is known by: evidence this thin is not read against
every middle name as well ("Ali" is not Imran Ali Khan). The agreement is
``context_rules.names_agree`` in SQL: the same name, one group of the nickname table, or
one keying error on names of ``typo_min_letters`` or more.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pyarrow as pa

from clearsight.linkage.context_rules import ContextSettings
from clearsight.linkage.features import nickname_groups
from clearsight.standard.roles import LINKING_ROLES
from clearsight.store.sql import sql_list


@cache
def _nickname_table() -> pa.Table:
    """The nickname table as (name, canonical) rows: a name with each group it is in."""
    names: list[str] = []
    canonicals: list[str] = []
    for canonical, variants in nickname_groups().items():
        for name in (canonical, *variants):
            names.append(name)
            canonicals.append(canonical)
    return pa.table({"name": pa.array(names), "canonical": pa.array(canonicals)})


# ``_ctx_bearers`` (wanted token, named root, event key): {records} is a query of the
# record keys whose name tokens are wanted; $1 the shortest name one keying error is read on.
_BEARERS = f"""
    CREATE OR REPLACE TEMP TABLE _ctx_bearers AS
    WITH wanted AS (
        SELECT DISTINCT unnest(list_concat(p.fn_tokens, p.alias_tokens)) AS tok
        FROM _ctx_people p
        WHERE p.record_key IN ({{records}})
    ),
    -- A named man by the name he is called: his first forename or a name he is known by
    -- (an alias), not a middle name ("Ali" is not Imran Ali Khan).
    named AS (
        SELECT DISTINCT p.root, unnest(list_concat(p.fn_tokens[1:1], p.alias_tokens)) AS tok
        FROM _ctx_people p JOIN _ctx_roots r ON r.root = p.root AND r.named
    ),
    vocab AS (SELECT DISTINCT tok FROM named),
    agree AS (
        SELECT w.tok AS wanted, v.tok AS named FROM wanted w JOIN vocab v ON v.tok = w.tok
        UNION
        SELECT w.tok, v.tok FROM wanted w
        JOIN _ctx_nick a ON a.name = w.tok
        JOIN _ctx_nick b ON b.canonical = a.canonical
        JOIN vocab v ON v.tok = b.name
        UNION
        SELECT w.tok, v.tok FROM wanted w JOIN vocab v
            ON abs(length(w.tok) - length(v.tok)) <= 1
           AND least(length(w.tok), length(v.tok)) >= $1
           AND damerau_levenshtein(w.tok, v.tok) <= 1
    ),
    bearer AS (
        SELECT DISTINCT a.wanted, n.root FROM agree a JOIN named n ON n.tok = a.named
    )
    SELECT DISTINCT b.wanted, b.root, v.source_id || ':' || v.event_id AS event_key
    FROM bearer b
    JOIN _ctx_people pp ON pp.root = b.root
    JOIN _link_nodes n ON n.record_key = pp.record_key
    JOIN current_involvements v ON v.source_id = n.source_id AND v.person_id = n.person_id
    WHERE list_contains({sql_list(list(LINKING_ROLES))}, v.role)
"""


def write_bearers(con: duckdb.DuckDBPyConnection, s: ContextSettings, records: str) -> None:
    """``_ctx_bearers`` for the name tokens of the records ``records`` (a query of record
    keys) selects; reads the round's ``_ctx_people`` and ``_ctx_roots``. The caller drops
    it."""
    con.register("_ctx_nick", _nickname_table())
    con.execute(_BEARERS.format(records=records), [s.typo_min_letters])
    con.unregister("_ctx_nick")
