"""Names as agencies write them: ``SURNAME, Forenames`` in one column, split at ingest.

Children's services and health systems often hold a person's whole name in one
field, family name first and a comma after it (``SMITH, John Paul``); an export then
puts it in ``forenames`` or in ``surname`` and leaves the other empty. Read as it
stands it is a forename with no surname, and it matches nothing. The split runs only
where the comma says which part is the family name and the other column is empty;
a name without a comma is never split, because nothing in it says where the
surname is. What the agency wrote stays in the ``_raw`` column it was written in,
and each split is reported (``name_split``) as a lineage note.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from clearsight.ingest.clean import literal, quote
from clearsight.standard import Table
from clearsight.standard.types import Name

NAME_SPLIT = "name_split"
_NAME = Name()


def split_surname_first(raw: str) -> tuple[str | None, str | None] | None:
    """(surname, forenames) of ``SURNAME, Forenames``, cleaned; None without a comma."""
    if "," not in raw:
        return None
    surname, _, forenames = raw.partition(",")
    parts = (_NAME.clean(surname), _NAME.clean(forenames))
    return parts if parts != (None, None) else None


def split_names(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Split surname-first names in ``__c_<t>`` and record each split on its row."""
    fore, sur = table.name_part("forenames"), table.name_part("surname")
    if fore is None or sur is None:
        return
    t, f, s = table.name, quote(fore.name), quote(sur.name)
    # One column holds the name, the other is empty: which one held it is kept.
    held = (
        f"SELECT row_number, {f} AS raw, {literal(fore.name)} AS held_in FROM __s_{t} "
        f"WHERE {f} LIKE '%,%' AND {s} IS NULL UNION ALL "
        f"SELECT row_number, {s}, {literal(sur.name)} FROM __s_{t} "
        f"WHERE {s} LIKE '%,%' AND {f} IS NULL"
    )
    con.execute(f"CREATE TEMP TABLE __n_{t} AS {held}")
    raws = [r for (r,) in con.execute(f"SELECT DISTINCT raw FROM __n_{t}").fetchall()]
    splits = {raw: split_surname_first(raw) for raw in raws}
    known = {raw: parts for raw, parts in splits.items() if parts is not None}
    if not known:
        return
    arrow = pa.table(
        {
            "raw": pa.array(list(known), pa.string()),
            "surname": pa.array([p[0] for p in known.values()], pa.string()),
            "forenames": pa.array([p[1] for p in known.values()], pa.string()),
        }
    )
    con.register("__names_arrow", arrow)
    try:
        con.execute(f"CREATE TEMP TABLE __nm_{t} AS SELECT * FROM __names_arrow")
    finally:
        con.unregister("__names_arrow")
    con.execute(
        f"UPDATE __c_{t} SET {s} = m.surname, {f} = m.forenames "
        f"FROM __n_{t} n JOIN __nm_{t} m USING (raw) WHERE __c_{t}.row_number = n.row_number"
    )
    reason = (
        "chr(39) || n.raw || chr(39) || ' in ' || n.held_in || ' read as SURNAME, Forenames: "
        "surname ' || coalesce(m.surname, '(none)') || ', forenames ' || "
        "coalesce(m.forenames, '(none)')"
    )
    con.execute(
        f"INSERT INTO __issues SELECT {literal(t)}, n.row_number, n.held_in, "
        f"{literal(NAME_SPLIT)}, {reason}, n.raw, 'warn' "
        f"FROM __n_{t} n JOIN __nm_{t} m USING (raw)"
    )
