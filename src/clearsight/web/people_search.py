"""Finding people: by name (fuzzy, ranked by closeness), date of birth, phone, vehicle or
postcode, in the records the viewer may see.

A name is matched word by word. Each word typed matches a word of a recorded name
(forenames, surname or an alias) that is the same, begins with it, contains it, is within
a keying error or two of it, or sounds like it; the people found are ranked by how close
their names come, and each result says why it matched.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import duckdb
import jellyfish

from clearsight.access import Principal, record_filter
from clearsight.standard.types import get_type
from clearsight.web.queries import entity_join, exists, rows, sealed_expr

SEARCH_FIELDS = ("name", "dob", "phone", "vehicle", "postcode")
SEARCH_LIMIT = 50
# Words of a recorded name a typed word may match: the closest first, so a short, common
# beginning ("a") cannot make the query unbounded.
MATCHES_PER_WORD = 200
# Jaro-Winkler was designed for names keyed by clerks (US Census record linkage): it
# rewards a shared beginning, where names are least often mistyped, so it orders matches.
# Accepting on it alone would admit unrelated short names; it only ranks.
NAME_WORDS = (
    "(string_split(trim(coalesce(p.forenames, '') || ' ' || coalesce(p.surname, '') || ' '"
    " || array_to_string(coalesce(p.aliases, []), ' ')), ' '))"
)


class SearchInputError(ValueError):
    """What was typed cannot be searched for as the chosen field: the message says why."""


@dataclass(frozen=True)
class SearchResult:
    entity_id: str
    forenames: str | None
    surname: str | None
    date_of_birth: str | None
    postcode: str | None
    sources: list[str]
    sealed: bool
    why: str = ""
    closeness: float = 1.0


# ---------------------------------------------------------------- what was typed

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# UK order, as agencies write dates: day, month, four-digit year (or month and year).
_UK = re.compile(r"(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})")


def parse_dob(text: str) -> str:
    """A date of birth typed as ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (UK order; ``-`` and ``.``
    too), or a part of one (``YYYY``, ``YYYY-MM``, ``MM/YYYY``), as the ISO prefix the
    store holds; SearchInputError saying why when it is not a date."""
    text = text.strip()
    iso, uk = _ISO.fullmatch(text), _UK.fullmatch(text)
    if iso:
        year, month, day = iso.group(1), iso.group(2), iso.group(3)
    elif uk:
        day, month, year = uk.group(1), uk.group(2), uk.group(3)
    else:
        raise SearchInputError(
            f"{text!r} is not a date: type it as YYYY-MM-DD or DD/MM/YYYY (day first),"
            " or a year (YYYY) or month (YYYY-MM)."
        )
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise SearchInputError(f"{text!r} is not a real date (day {day}, month {month}).") from None
    if not month:
        return year
    if not day:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def clean_query(field_name: str, text: str) -> str:
    """The value to look for, cleaned as the store cleans it; SearchInputError when what
    was typed cannot be one."""
    text = text.strip()
    if field_name not in SEARCH_FIELDS:
        raise SearchInputError(f"Unknown search field {field_name!r}.")
    if field_name == "dob":
        return parse_dob(text)
    value: str | None = None
    if field_name == "name":
        value = get_type("name").clean(text)
    elif field_name == "phone":
        value = get_type("phone").clean(text)
    elif field_name == "postcode":
        # A partial postcode (district "LS1") is a prefix search.
        value = get_type("postcode").clean(text) or re.sub(r"[^A-Za-z0-9]", "", text).upper()
    elif field_name == "vehicle":
        value = re.sub(r"[^A-Za-z0-9]", "", text).upper()
    if not value:
        raise SearchInputError(f"{text!r} cannot be searched for as a {field_name}.")
    return value


# ---------------------------------------------------------------- fuzzy names


def allowed_edits(word: str) -> int:
    """Keying errors tolerated in a typed word: most misspellings are one letter added,
    dropped, changed or two swapped (Damerau 1964), so one for a word of four to seven
    letters, two from eight; none below four, where one edit reaches too many other
    names ("al" is one edit from "ali", "ed", "hal")."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


@dataclass(frozen=True)
class WordMatch:
    typed: str
    recorded: str
    closeness: float
    why: str


@dataclass(frozen=True)
class Word:
    """A word of a recorded name with its sound keys, worked out once per vocabulary."""

    text: str
    metaphone: str
    nysiis: str

    @classmethod
    def of(cls, text: str) -> Word:
        return cls(text, jellyfish.metaphone(text), jellyfish.nysiis(text))


def match_word(typed: str, recorded: str | Word, sound: Word | None = None) -> WordMatch | None:
    """How ``recorded`` (a word of a name) matches ``typed``, or None."""
    word = recorded if isinstance(recorded, Word) else None
    text = word.text if word is not None else str(recorded)
    if typed == text:
        return WordMatch(typed, text, 1.0, f"{text} (exact)")
    closeness = float(jellyfish.jaro_winkler_similarity(typed, text))
    if text.startswith(typed):
        return WordMatch(typed, text, closeness, f"{text} (begins with {typed})")
    if len(typed) >= 3 and typed in text:
        return WordMatch(typed, text, closeness, f"{text} (contains {typed})")
    edits = int(jellyfish.damerau_levenshtein_distance(typed, text))
    if 0 < edits <= allowed_edits(typed):
        letters = "letter" if edits == 1 else "letters"
        return WordMatch(typed, text, closeness, f"{text} ({edits} {letters} from {typed})")
    # Sounds alike: names heard and written down (a phone call, a child's account) are
    # spelt as they sound. Two keys, each catching what the other misses: Metaphone
    # (Catherine, Kathryn) and NYSIIS, built for names in the New York State
    # Identification and Intelligence System (Sean, Shaun). Keys of very short words
    # collide too often.
    if len(typed) < 3:
        return None
    sound = sound or Word.of(typed)
    word = word or Word.of(text)
    if sound.metaphone == word.metaphone or sound.nysiis == word.nysiis:
        return WordMatch(typed, text, closeness, f"{text} (sounds like {typed})")
    return None


# The words of the names in a scope, with their sound keys, per store state: working the
# keys out costs more than the search itself, and they change only when data is loaded.
_VOCABULARIES: OrderedDict[tuple[object, ...], list[Word]] = OrderedDict()
_VOCABULARY_LOCK = threading.Lock()
VOCABULARIES_KEPT = 16


def _vocabulary(con: duckdb.DuckDBPyConnection, principal: Principal) -> list[Word]:
    """Every word of every name the viewer may search (their scope only)."""
    scope, params = record_filter(principal)
    # The store (its file) and its loads: a new batch or a replaced store is a new list.
    loads = "(SELECT max(batch_id) FROM batches), (SELECT count(*) FROM batches)"
    state = con.execute(
        "SELECT path, "
        + (loads if exists(con, "batches") else "0, 0")
        + " FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    key = (scope, *(tuple(p) if isinstance(p, list) else p for p in params), *state[0])
    with _VOCABULARY_LOCK:
        if key in _VOCABULARIES:
            _VOCABULARIES.move_to_end(key)
            return _VOCABULARIES[key]
    found = con.execute(
        f"SELECT DISTINCT unnest({NAME_WORDS}) AS w FROM current_persons p"
        f" JOIN sources s ON s.source_id = p.source_id WHERE {scope}",
        params,
    ).fetchall()
    words = [Word.of(str(r[0])) for r in found if r[0]]
    with _VOCABULARY_LOCK:
        _VOCABULARIES[key] = words
        while len(_VOCABULARIES) > VOCABULARIES_KEPT:
            _VOCABULARIES.popitem(last=False)
    return words


def word_matches(typed: list[str], vocabulary: list[Word] | list[str]) -> list[list[WordMatch]]:
    """For each typed word, the recorded words it matches, closest first."""
    words = [w if isinstance(w, Word) else Word.of(w) for w in vocabulary]
    out: list[list[WordMatch]] = []
    for text in typed:
        sound = Word.of(text)
        found = [m for w in words if (m := match_word(text, w, sound)) is not None]
        found.sort(key=lambda m: (-m.closeness, m.recorded))
        out.append(found[:MATCHES_PER_WORD])
    return out


def _name_search(
    con: duckdb.DuckDBPyConnection, principal: Principal, value: str
) -> list[SearchResult]:
    typed = value.split()
    matches = word_matches(typed, _vocabulary(con, principal))
    if not all(matches):
        return []
    # One scan, each name split once: a record qualifies when each typed word matches one
    # of its words; its closeness is, per typed word, that of its closest word, summed.
    score_args: list[object] = []
    scores, conditions = [], []
    for ms in matches:
        scores.append(
            "list_max(list_transform(words, lambda w: coalesce(list_extract(?::DOUBLE[],"
            " list_position(?::VARCHAR[], w)), 0)))"
        )
        score_args += [[m.closeness for m in ms], [m.recorded for m in ms]]
        conditions.append("list_has_any(words, ?::VARCHAR[])")
    scope, params = record_filter(principal)
    join, entity = entity_join(con)
    found = rows(
        con,
        f"""
        WITH named AS (
            SELECT p.source_id, p.person_id, p.forenames, p.surname, p.date_of_birth,
                   p.postcode, s.organisation, {NAME_WORDS} AS words
            FROM current_persons p JOIN sources s ON s.source_id = p.source_id
            WHERE {scope}
        ),
        hit AS (
            SELECT *, {" + ".join(scores)} AS closeness FROM named
            WHERE {" AND ".join(conditions)}
        )
        SELECT {entity} AS entity_id, max(p.closeness) AS closeness,
               arg_max(p.words, p.closeness) AS words,
               arg_max(p.forenames, p.closeness) AS forenames,
               arg_max(p.surname, p.closeness) AS surname,
               arg_max(p.date_of_birth, p.closeness) AS date_of_birth,
               arg_max(p.postcode, p.closeness) AS postcode,
               list_sort(list_distinct(list(p.organisation))) AS sources,
               bool_or({sealed_expr(con)}) AS sealed
        FROM hit p {join}
        GROUP BY 1
        ORDER BY closeness DESC, surname NULLS LAST, forenames NULLS LAST, 1
        LIMIT {SEARCH_LIMIT}
        """,
        [*params, *score_args, *[[m.recorded for m in ms] for ms in matches]],
    )
    results = []
    for r in found:
        held = set(r["words"])
        why = "; ".join(next((m.why for m in ms if m.recorded in held), "") for ms in matches)
        results.append(_result(r, why, float(r["closeness"]) / len(typed)))
    return results


def _result(r: dict[str, object], why: str = "", closeness: float = 1.0) -> SearchResult:
    sealed = bool(r["sealed"])
    sources = r["sources"]
    return SearchResult(
        str(r["entity_id"]),
        None if sealed else _text(r["forenames"]),
        None if sealed else _text(r["surname"]),
        None if sealed else _text(r["date_of_birth"]),
        None if sealed else _text(r["postcode"]),
        [str(s) for s in sources] if isinstance(sources, list) else [],
        sealed,
        # A sealed record's matching words would name it.
        "" if sealed else why,
        closeness,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- other fields


def _exact_condition(field_name: str, value: str) -> tuple[str, list[object]]:
    if field_name == "dob":
        return "starts_with(p.date_of_birth, ?)", [value]
    if field_name == "postcode":
        return "starts_with(replace(p.postcode, ' ', ''), ?)", [value.replace(" ", "")]
    if field_name == "phone":
        return (
            "(list_contains(p.phones, ?) OR EXISTS (SELECT 1 FROM current_associations a"
            " JOIN current_objects o ON o.source_id = a.source_id AND o.object_id = a.to_id"
            " WHERE a.source_id = p.source_id AND a.from_type = 'person'"
            " AND a.from_id = p.person_id AND a.to_type = 'object' AND o.value = ?))",
            [value, value],
        )
    return (
        "EXISTS (SELECT 1 FROM current_associations a JOIN current_objects o"
        " ON o.source_id = a.source_id AND o.object_id = a.to_id"
        " WHERE a.source_id = p.source_id AND a.from_type = 'person'"
        " AND a.from_id = p.person_id AND a.to_type = 'object'"
        " AND o.object_type = 'vehicle' AND o.value = ?)",
        [value],
    )


def search(
    con: duckdb.DuckDBPyConnection, principal: Principal, field_name: str, text: str
) -> list[SearchResult]:
    """People matching ``text`` in ``field_name``; SearchInputError when ``text`` cannot
    be searched for (an unparseable date says so rather than finding no one)."""
    value = clean_query(field_name, text)
    if not exists(con, "current_persons"):
        return []
    if field_name == "name":
        return _name_search(con, principal, value)
    condition, args = _exact_condition(field_name, value)
    scope, params = record_filter(principal)
    join, entity = entity_join(con)
    found = rows(
        con,
        f"""
        SELECT {entity} AS entity_id, any_value(p.forenames) AS forenames,
               any_value(p.surname) AS surname, any_value(p.date_of_birth) AS date_of_birth,
               any_value(p.postcode) AS postcode,
               list_sort(list_distinct(list(s.organisation))) AS sources,
               bool_or({sealed_expr(con)}) AS sealed
        FROM current_persons p JOIN sources s ON s.source_id = p.source_id {join}
        WHERE {scope} AND {condition}
        GROUP BY 1
        ORDER BY surname NULLS LAST, forenames NULLS LAST, entity_id
        LIMIT {SEARCH_LIMIT}
        """,
        [*params, *args],
    )
    return [_result(r) for r in found]
