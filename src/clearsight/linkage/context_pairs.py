"""Two first names recorded together, resolved through the two named men recorded together
elsewhere: the *pair* context of the shared-context step (``context.py``).

A child tells social care about "Kieran" and "Cai", older men who drive her around; the
referral names both by first name only, and no child, named companion or private place in
it gives either a candidate. Police hold Kieran Doherty and Cai Pryce, suspected together
of offending against another girl in the same town. An analyst reads the two first names
that already offend together as the same two men: one forename is no identity, but two
forenames recorded together, borne by the one pair of named men recorded together, are
relational evidence (collective entity resolution reads the co-occurrence of two
references, not each alone: Bhattacharya and Getoor 2007). It is the link the Rotherham
and Rochdale reviews say agencies failed to make (Jay 2014 ch. 5 and 11; Rochdale SCR
2013): what a child says of the men around her, against what police hold of them.

The evidence, for a thin record T and another adult M of its event known by a first name
only (no surname, no full birth date on any of M's records):

- *candidates* for T: named entities A whose first forename or an alias agrees with T's
  name (``context_rules.names_agree``), recorded in another event with a named entity B
  whose first forename or an alias agrees with M's, A and B there both in a linking role
  (suspect, offender, facilitator or associate: recorded together as the men around an
  offence, not as a household or professionals), A not B. A man is called by his first forename
  or a name he is known by; two names each matched to any of two men's middle names are
  too many ways to agree for evidence this thin ("Ali" is not Imran Ali Khan);
- B's birth years within the tolerance of M's recorded year, as A's are checked against
  T's (``decide``).

The pair is the weakest context: it is read only where no child, named companion or
private place gives T a candidate (``context_rules.KINDS``), and, as every context, one
candidate joins and two or more go to review. Once T has joined A, A is a named companion
of M in T's event, and the next round resolves M through him (``COMPANION_RULE``).
"""

from __future__ import annotations

from typing import Any

import duckdb

from clearsight.linkage.context_bearers import write_bearers
from clearsight.linkage.context_rules import ContextSettings, Names, names_agree
from clearsight.standard.roles import CHILD_ROLES
from clearsight.store.sql import sql_list

PAIR_KIND = "pair"


# The thin records that share an event with another adult known by a first name only.
_MATES = f"""
    CREATE OR REPLACE TEMP TABLE _ctx_mates AS
    SELECT DISTINCT t.record_key AS thin_key, t.root AS thin_root, t.event_key AS thin_event,
           t.event_date AS thin_date, t.role AS thin_role,
           m.record_key AS mate_key, m.root AS mate_root
    FROM _ctx_inv t JOIN _ctx_roots r ON r.root = t.root AND r.thin
    JOIN _ctx_inv m ON m.event_key = t.event_key AND m.root <> t.root AND NOT m.is_child
    JOIN _ctx_roots q ON q.root = m.root AND NOT q.named
    WHERE NOT list_contains({sql_list(list(CHILD_ROLES))}, t.role)
"""

# Per thin record and mate: the named A (agreeing with the thin record) and B (agreeing
# with the mate) recorded together in another event.
_PAIRS = """
    WITH tok AS (
        SELECT record_key, unnest(list_concat(fn_tokens, alias_tokens)) AS tok
        FROM _ctx_people
        WHERE record_key IN (SELECT thin_key FROM _ctx_mates UNION SELECT mate_key FROM _ctx_mates)
    )
    SELECT DISTINCT x.thin_key, x.thin_root, x.thin_event, x.thin_date, x.thin_role,
           x.mate_key, a.event_key AS other_event, a.root AS cand_root, r.dob_est AS cand_dob,
           x.mate_root, b.root AS mate_cand
    FROM _ctx_mates x
    JOIN tok ta ON ta.record_key = x.thin_key
    JOIN _ctx_bearers a ON a.wanted = ta.tok
    JOIN tok tb ON tb.record_key = x.mate_key
    JOIN _ctx_bearers b ON b.wanted = tb.tok AND b.event_key = a.event_key
    JOIN _ctx_roots r ON r.root = a.root
    WHERE a.root <> b.root AND a.event_key <> x.thin_event
      AND a.root NOT IN (x.thin_root, x.mate_root) AND b.root NOT IN (x.thin_root, x.mate_root)
    ORDER BY x.thin_key, a.root, x.thin_event, a.event_key, x.mate_key
"""


def pair_rows(con: duckdb.DuckDBPyConnection, s: ContextSettings) -> list[tuple[Any, ...]]:
    """The pair context's evidence as rows of ``mate_root``/``mate_cand`` beside the
    shape ``decide`` reads (its context the mate's record); ``keep_fitting`` checks each
    mate's candidate and drops both columns. Reads the round's ``_ctx_inv``,
    ``_ctx_roots`` and ``_ctx_people``."""
    con.execute(_MATES)
    if not con.execute("SELECT 1 FROM _ctx_mates LIMIT 1").fetchall():
        con.execute("DROP TABLE _ctx_mates")
        return []
    write_bearers(con, s, "SELECT thin_key FROM _ctx_mates UNION SELECT mate_key FROM _ctx_mates")
    rows = con.execute(_PAIRS).fetchall()
    con.execute("DROP TABLE _ctx_mates; DROP TABLE _ctx_bearers")
    return rows


def keep_fitting(
    rows: list[tuple[Any, ...]], names: Names, s: ContextSettings
) -> list[tuple[Any, ...]]:
    """The rows whose mate's candidate B bears an agreeing name and no birth year further
    from the mate's than the tolerance, as ``decide`` reads them (kind ``pair``)."""
    out: list[tuple[Any, ...]] = []
    for row in rows:
        *head, mate_key, other, cand, dob, mate_root, mate_cand = row
        mate = next(r for r in names.records[int(mate_root)] if r[1] == mate_key)
        bearer = names.records.get(int(mate_cand), [])
        if not any(
            names_agree(x, t, s.typo_min_letters) for rec in bearer for t in rec[2] for x in mate[2]
        ):
            continue
        years = {rec[3] for rec in bearer if rec[3] is not None}
        if mate[3] is not None and any(
            abs(int(mate[3]) - int(y)) > s.birth_year_tolerance for y in years
        ):
            continue
        out.append((*head, mate_key, other, cand, dob, PAIR_KIND))
    return out
