"""Names as agencies write them: a whole name in one column, split at ingest.

Children's services and health systems often hold a person's whole name in one
field; an export then puts it in ``forenames`` or in ``surname`` and leaves the other
empty. Read as it stands it is a forename with no surname: it matches nothing, and the
twin guard, which needs a surname, cannot hold two siblings apart. The split runs only
where the other column is empty, and only where something says where the surname is:

- a comma: ``SMITH, John Paul`` (family name first, the comma after it);
- capitals: ``SMITH John``, ``John Paul SMITH`` (UK police and court records write
  the surname in capitals; words in capitals at one end of a name whose other words
  are not);
- the file's habit: where a file gives no surname on any of its named rows (at least
  ``WHOLE_NAME_SHARE`` of them) and most of those names have two or more words, the
  column holds whole names. Which end is the surname is the file's order, one for all
  its rows, read from the rows that show it (``surname_first``): a middle initial
  stands among the forenames and no surname is one letter, so ``WARD CONNOR D.`` is
  written surname first (as the Police National Computer and many case systems list
  people, in capitals) and ``Hina A. Khan`` forename first; a name split at its
  capitals says the same. Where the file's rows show no order, or as many of each,
  the last word is read as the surname, the order in which English-language records
  write a name. A charity that records first names only writes mostly one word, and is
  left alone; a name read in the wrong order is a name swapped, which linkage compares
  as such, but a surname read from a middle initial matches nothing and holds no twin
  apart.

What the agency wrote stays in the ``_raw`` column it was written in, and each split is
reported (``name_split``, with which reading) as a lineage note.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from clearsight.ingest.clean import literal, quote
from clearsight.standard import Table
from clearsight.standard.types import Name

NAME_SPLIT = "name_split"
_NAME = Name()
# A file whose named rows carry no surname on this share of them holds whole names in
# one column (an empty surname on every row is a habit, not a gap); and most of the
# names must have two words or more, which given names alone rarely do.
WHOLE_NAME_SHARE = 0.95
WHOLE_NAME_MULTIWORD = 0.5
# Fewer named rows than this say nothing about a file's habit.
WHOLE_NAME_MIN_ROWS = 10
# Fewer whole names showing their order (an initial, or capitals) than this say nothing
# about which end of its names a file writes the surname at: the last word stays.
ORDER_MIN_ROWS = 5

Split = tuple[str | None, str | None]


def split_surname_first(raw: str) -> Split | None:
    """(surname, forenames) of ``SURNAME, Forenames``, cleaned; None without a comma."""
    if "," not in raw:
        return None
    surname, _, forenames = raw.partition(",")
    parts = (_NAME.clean(surname), _NAME.clean(forenames))
    return parts if parts != (None, None) else None


def _capitals(word: str) -> bool | None:
    """True for a word in capitals (two letters or more), False for one with a small
    letter, None for an initial or a word without letters."""
    letters = [c for c in word if c.isalpha()]
    if any(c.islower() for c in letters):
        return False
    return True if len(letters) >= 2 else None


def split_capitals(raw: str) -> Split | None:
    """(surname, forenames) where the words in capitals at one end are the surname
    (``SMITH John``, ``John Paul SMITH``) and some other word is not in capitals."""
    words = raw.split()
    marks = [_capitals(w) for w in words]
    if len(words) < 2 or True not in marks or False not in marks:
        return None
    caps = [i for i, m in enumerate(marks) if m]
    if caps != list(range(caps[0], caps[-1] + 1)):
        return None
    # A letter alone before capitals at the start is the surname's prefix with its
    # apostrophe dropped (``O BRIEN Patrick``): no surname is one letter.
    if all(m is None for m in marks[: caps[0]]):
        caps = list(range(0, caps[-1] + 1))
    if caps[0] == 0 and all(m is not True for m in marks[caps[-1] + 1 :]):
        surname, forenames = words[: caps[-1] + 1], words[caps[-1] + 1 :]
    elif caps[-1] == len(words) - 1:
        surname, forenames = words[caps[0] :], words[: caps[0]]
    else:
        return None
    parts = (_NAME.clean(" ".join(surname)), _NAME.clean(" ".join(forenames)))
    return parts if None not in parts else None


def split_first_word(raw: str) -> Split | None:
    """(surname, forenames) with the first word the surname; None for one word. A first
    word of one letter is the surname's prefix with its apostrophe dropped (``O BRIEN
    PATRICK``): no surname is one letter, so the next word is the surname's too."""
    words = raw.replace(",", " ").split()
    cut = 2 if words and _initial(words[0]) else 1
    if len(words) <= cut:
        return None
    parts = (_NAME.clean(" ".join(words[:cut])), _NAME.clean(" ".join(words[cut:])))
    return parts if None not in parts else None


def _initial(word: str) -> bool:
    return sum(c.isalpha() for c in word) == 1


def shows_order(raw: str) -> bool | None:
    """Whether one whole name shows its surname first (True), last (False), or neither.

    A middle initial stands among the forenames and no surname is one letter: a last word
    that is an initial puts the surname first (``WARD CONNOR D.``); an initial before the
    last word, which is not one, puts it last (``Hina A. Khan``, ``J. Smith``). Capitals
    at one end (``SMITH John``, ``John SMITH``) say it too.
    """
    words = raw.replace(",", " ").split()
    if len(words) < 2:
        return None
    capitals = split_capitals(raw)
    if capitals is not None:
        return capitals[0] is not None and capitals[0].split()[0] == _NAME.clean(words[0])
    if _initial(words[-1]):
        return None if _initial(words[0]) else True
    if any(_initial(w) for w in words[:-1]):
        return False
    return None


def surname_first(raws: list[str]) -> bool:
    """Whether a file's whole names are written surname first: more of the names that
    show their order (``shows_order``, at least ``ORDER_MIN_ROWS``) show it than not."""
    shown = [o for o in map(shows_order, raws) if o is not None]
    first = sum(shown)
    return len(shown) >= ORDER_MIN_ROWS and first > len(shown) - first


def split_last_word(raw: str) -> Split | None:
    """(surname, forenames) with the last word the surname; None for one word."""
    words = raw.replace(",", " ").split()
    if len(words) < 2:
        return None
    parts = (_NAME.clean(words[-1]), _NAME.clean(" ".join(words[:-1])))
    return parts if None not in parts else None


def _holds_whole_names(con: duckdb.DuckDBPyConnection, t: str, held: str, other: str) -> bool:
    """Whether the file's ``held`` column holds whole names (``other`` always empty)."""
    named, alone, several = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {other} IS NULL), "
        f"count(*) FILTER (WHERE {other} IS NULL AND trim({held}) LIKE '% %') "
        f"FROM __s_{t} WHERE {held} IS NOT NULL"
    ).fetchall()[0]
    return bool(
        named >= WHOLE_NAME_MIN_ROWS
        and alone >= WHOLE_NAME_SHARE * named
        and several >= WHOLE_NAME_MULTIWORD * alone
    )


def _reading(raw: str, whole_names: bool, first: bool = False) -> tuple[Split, str] | None:
    """How one name cell splits, and in words why; None when nothing says how. ``first``:
    the file writes its whole names surname first (``surname_first``)."""
    for split, why in (
        (split_surname_first, "read as SURNAME, Forenames"),
        (split_capitals, "read with the words in capitals as the surname"),
    ):
        parts = split(raw)
        if parts is not None:
            return parts, why
    if whole_names and first:
        parts = split_first_word(raw)
        if parts is not None:
            return parts, (
                "read as a whole name written surname first (this file gives no surname on "
                "its named rows, and its names with a middle initial or a surname in "
                "capitals put the surname first): the first word as the surname"
            )
    if whole_names:
        parts = split_last_word(raw)
        if parts is not None:
            return parts, (
                "read as a whole name (this file gives no surname on its named rows): "
                "the last word as the surname"
            )
    return None


def split_names(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Split whole names in ``__c_<t>`` and record each split on its row."""
    fore, sur = table.name_part("forenames"), table.name_part("surname")
    if fore is None or sur is None:
        return
    t, f, s = table.name, quote(fore.name), quote(sur.name)
    whole = {
        fore.name: _holds_whole_names(con, t, f, s),
        sur.name: _holds_whole_names(con, t, s, f),
    }
    # One column holds the name, the other is empty: which one held it is kept.
    held = (
        f"SELECT row_number, {f} AS raw, {literal(fore.name)} AS held_in FROM __s_{t} "
        f"WHERE {f} IS NOT NULL AND {s} IS NULL AND trim({f}) LIKE '%_ _%' UNION ALL "
        f"SELECT row_number, {s}, {literal(sur.name)} FROM __s_{t} "
        f"WHERE {s} IS NOT NULL AND {f} IS NULL AND trim({s}) LIKE '%_ _%' UNION ALL "
        f"SELECT row_number, {f}, {literal(fore.name)} FROM __s_{t} "
        f"WHERE {f} LIKE '%,%' AND {s} IS NULL AND trim({f}) NOT LIKE '%_ _%' UNION ALL "
        f"SELECT row_number, {s}, {literal(sur.name)} FROM __s_{t} "
        f"WHERE {s} LIKE '%,%' AND {f} IS NULL AND trim({s}) NOT LIKE '%_ _%'"
    )
    con.execute(f"CREATE TEMP TABLE __n_{t} AS {held}")
    cells = con.execute(f"SELECT DISTINCT raw, held_in FROM __n_{t}").fetchall()
    first = {
        column: surname_first([str(raw) for raw, held_in in cells if held_in == column])
        for column in whole
    }
    known = {
        (raw, held_in): reading
        for raw, held_in in cells
        if (reading := _reading(str(raw), whole[str(held_in)], first[str(held_in)])) is not None
    }
    if not known:
        return
    arrow = pa.table(
        {
            "raw": pa.array([k[0] for k in known], pa.string()),
            "held_in": pa.array([k[1] for k in known], pa.string()),
            "surname": pa.array([r[0][0] for r in known.values()], pa.string()),
            "forenames": pa.array([r[0][1] for r in known.values()], pa.string()),
            "why": pa.array([r[1] for r in known.values()], pa.string()),
        }
    )
    con.register("__names_arrow", arrow)
    try:
        con.execute(f"CREATE TEMP TABLE __nm_{t} AS SELECT * FROM __names_arrow")
    finally:
        con.unregister("__names_arrow")
    con.execute(
        f"UPDATE __c_{t} SET {s} = m.surname, {f} = m.forenames "
        f"FROM __n_{t} n JOIN __nm_{t} m USING (raw, held_in) "
        f"WHERE __c_{t}.row_number = n.row_number"
    )
    reason = (
        "chr(39) || n.raw || chr(39) || ' in ' || n.held_in || ' ' || m.why || ': "
        "surname ' || coalesce(m.surname, '(none)') || ', forenames ' || "
        "coalesce(m.forenames, '(none)')"
    )
    con.execute(
        f"INSERT INTO __issues SELECT {literal(t)}, n.row_number, n.held_in, "
        f"{literal(NAME_SPLIT)}, {reason}, n.raw, 'warn' "
        f"FROM __n_{t} n JOIN __nm_{t} m USING (raw, held_in)"
    )
