"""The linkage input: identity features of every current person record, built in SQL.

Only identity fields enter here. Ethnicity and nationality are protected
characteristics: they are never selected, so no comparison or blocking rule can
see them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import duckdb
import pyarrow as pa
import yaml

from clearsight.store.sql import sql_list

INPUT_TABLE = "link_input"
RECORD_KEY = "record_key"
# A surname borne by at most this many records is a blocking key with the
# forename initial alone: a block of such a surname stays small at any scale,
# while "smith" with an initial would pair hundreds of thousands of records.
RARE_SURNAME_MAX = 50
# An address word borne by at most this many records names a street, a building
# or a locality, not "street", "road" or a town: two such words shared put two
# records on one street of one locality, a block as small as a postcode's
# (``addr_rare_pairs``). The bound keeps every block small at any scale, as the
# rare surname's does.
RARE_ADDRESS_WORD_MAX = 50
# What agencies write where a name is not known. A record whose name tokens are
# all placeholders, or which says "unknown" outright, is unidentified: its name
# is no evidence at all.
STRONG_PLACEHOLDERS = frozenset(
    {
        "unknown",
        "unk",
        "unkn",
        "nk",
        "unidentified",
        "unnamed",
        "anon",
        "anonymous",
        "notknown",
        "tbc",
        "tba",
        "withheld",
        "redacted",
        "refused",
    }
)
WEAK_PLACEHOLDERS = frozenset(
    {
        "not",
        "known",
        "given",
        "stated",
        "no",
        "name",
        "none",
        "null",
        "na",
        "n",
        "a",
        "k",
        "x",
        "xx",
        "xxx",
        "male",
        "female",
        "man",
        "woman",
        "boy",
        "girl",
        "child",
        "baby",
        "infant",
        "person",
        "youth",
        "adult",
        "suspect",
        "offender",
        "victim",
        "other",
        "mr",
        "mrs",
        "ms",
        "miss",
    }
)


@cache
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """Canonical name to its variants: a maintained English table and the shipped one.

    English nicknames come from the ``nicknames`` package (Northern and Crews'
    hand-curated table of given names and their nicknames, maintained in the
    open, Apache-2.0): Robert and Bob, Margaret and Peggy. The shipped
    ``data/nicknames.yaml`` adds the spellings and transliterations that table
    does not hold (Mohammed and Muhammad, Aisha and Ayesha) and the nicknames
    agencies here record that it lacks.
    """
    groups: dict[str, set[str]] = {k: set(vs) for k, vs in _shipped_groups().items()}
    for canonical, variants in _english_nicknames().items():
        groups.setdefault(canonical, set()).update(variants)
    return {k: tuple(sorted(vs - {k})) for k, vs in sorted(groups.items())}


@cache
def _shipped_groups() -> dict[str, frozenset[str]]:
    """``data/nicknames.yaml``: each full given name with its variants."""
    text = resources.files("clearsight.linkage").joinpath("data/nicknames.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {str(k): frozenset(str(v) for v in vs) for k, vs in raw.items()}


def _english_nicknames() -> dict[str, set[str]]:
    """The ``nicknames`` package's table: each given name with its nicknames."""
    import csv

    text = resources.files("nicknames").joinpath("names.csv").read_text("utf-8")
    out: dict[str, set[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row.get("relationship") != "has_nickname":
            continue
        name, nick = row["name1"].strip().lower(), row["name2"].strip().lower()
        # Letters only, as the features keep names.
        if name.isalpha() and nick.isalpha() and name != nick:
            out.setdefault(name, set()).add(nick)
    return out


def canonical_forenames() -> dict[str, str]:
    """Each name in the tables to one canonical form, the full given name it stands for.

    A blocking key must be one value per record, and a nickname belongs to several
    groups (Bob to bob, bobby, bert and robert; Becky to beck and rebecca). The
    shipped table's keys are full given names as agencies in England and Wales
    record them, with the forms a partner writes instead: a name that is one of its
    keys is its own canonical form (Michael, James, Rebecca), and a variant it holds
    takes the key of its largest group there (Becky: Rebecca; Mikey: Michael; Beth:
    Elizabeth before Bethany). The ``nicknames`` package's groups also gather
    translations and spelling lists (Michael under Miguel, with "miguael" and
    "miguaell"), so a name only it holds takes its largest group there, the given
    name the most short forms point to. The alphabetically first group, used before,
    put Becky on "beck" and Rebecca on "rebecca", Bob on "bert" and Robert on "bill".
    How many of the tables' name-nickname pairs share a key, each way: measured in
    benchmarks/README.md. A nickname of two names (Sam: Samantha and Samuel) keys to
    one of them; the comparison reads every group.
    """
    shipped = _shipped_groups()
    groups = nickname_groups()
    members: dict[str, set[str]] = {}
    for key, variants in groups.items():
        members.setdefault(key, set()).add(key)
        for variant in variants:
            members.setdefault(variant, set()).add(key)
    in_shipped: dict[str, set[str]] = {}
    for key, forms in shipped.items():
        for form in forms:
            in_shipped.setdefault(form, set()).add(key)
    out: dict[str, str] = {}
    for name, keys in sorted(members.items()):
        if name in shipped:
            out[name] = name
        elif name in in_shipped:
            out[name] = min(in_shipped[name], key=lambda k: (-len(shipped[k]), k))
        else:
            out[name] = min(keys, key=lambda k: (-len(groups[k]), k))
    return out


def nickname_table() -> pa.Table:
    """(name, key, canonical) rows: a name belongs to every group that lists it."""
    rows: set[tuple[str, str]] = set()
    for key, variants in nickname_groups().items():
        rows.add((key, key))
        rows.update((v, key) for v in variants)
    ordered = sorted(rows)
    canonical = canonical_forenames()
    return pa.table(
        {
            "name": [r[0] for r in ordered],
            "key": [r[1] for r in ordered],
            "canonical": [canonical[r[0]] for r in ordered],
        }
    )


def _surname_codes(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Phonetic code of each distinct surname, computed once per distinct value."""
    import jellyfish

    names = [
        r[0]
        for r in con.execute(f"SELECT DISTINCT sn FROM {source} WHERE sn IS NOT NULL").fetchall()
    ]
    codes = pa.table(
        {
            "sn": pa.array(names, pa.string()),
            "sn_code": pa.array([jellyfish.nysiis(n) or n for n in names], pa.string()),
        }
    )
    con.register("_link_surname_codes_df", codes)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _link_surname_codes AS SELECT * FROM _link_surname_codes_df"
    )
    con.unregister("_link_surname_codes_df")


def _register_nicknames(con: duckdb.DuckDBPyConnection) -> None:
    con.register("_link_nicknames_df", nickname_table())
    con.execute("CREATE OR REPLACE TEMP TABLE _link_nicknames AS SELECT * FROM _link_nicknames_df")
    con.unregister("_link_nicknames_df")


def _base(con: duckdb.DuckDBPyConnection, persons: str) -> None:
    """``_link_base``: each record's fields cleaned for comparison, one row per record."""
    strong = sql_list(sorted(STRONG_PLACEHOLDERS))
    weak = sql_list(sorted(WEAK_PLACEHOLDERS | STRONG_PLACEHOLDERS))
    # Names keep letters only: "o'neil", "o neil" and "oneil" are one surname;
    # forenames split into tokens. Diacritics fold first ("wiśniewski" is
    # "wisniewski", "łukasz" is "lukasz"), or the regex would drop the letter:
    # ingest folds them already, records inserted by other routes may not be.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO _fold(x) AS "
        "translate(strip_accents(lower(x)), 'łøđħıßæœ', 'lodhisao')"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _link_base AS
        WITH p AS (
            SELECT
                source_id || ':' || person_id AS record_key,
                source_id,
                person_id,
                list_filter(
                    string_split(trim(regexp_replace(_fold(coalesce(forenames, '')),
                        '[^a-z]+', ' ', 'g')), ' '), lambda t: t <> '') AS fn_tokens,
                list_filter(
                    string_split(trim(regexp_replace(_fold(coalesce(surname, '')),
                        '[^a-z]+', ' ', 'g')), ' '), lambda t: t <> '') AS sn_tokens,
                list_filter(flatten(list_transform(coalesce(aliases, []), lambda a:
                    string_split(trim(regexp_replace(_fold(a), '[^a-z]+', ' ', 'g')), ' '))),
                    lambda t: t <> '' AND length(t) > 1) AS alias_tokens,
                -- 1 January stands for "born in this year, day unknown": the
                -- date recorded for a child whose birth date is estimated
                -- (the Home Office's and councils' age-assessment practice) and
                -- a placeholder many systems fill in. It compares as the year
                -- it is; a person truly born on 1 January loses the day and
                -- month as evidence, never gains a false agreement.
                CASE WHEN date_of_birth LIKE '____-01-01' THEN date_of_birth[1:4]
                     ELSE date_of_birth END AS date_of_birth,
                CASE WHEN lower(sex) IN ('female', 'male', 'other') THEN lower(sex) END AS sex,
                -- A postcode written inside the free-text address, where the
                -- postcode field is empty (children's services and health
                -- systems often hold one address line): the UK pattern, outward
                -- then inward code.
                coalesce(postcode, nullif(upper(regexp_replace(regexp_extract(
                    upper(coalesce(address, '')),
                    '(^|[^A-Z0-9])([A-Z]{{1,2}}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{{2}})'
                    || '($|[^A-Z0-9])', 2),
                    '^([A-Z0-9]+?) ?([0-9][A-Z]{{2}})$', '\\1 \\2')), '')) AS postcode,
                -- An outward code written alone ("LS9", "BD21": a partner that knew the
                -- district, or a form with room for no more) is not a postcode, and
                -- ingest empties it (``invalid_postcode``, the value kept raw); it
                -- still names a postcode district, a few thousand homes, compared as
                -- one (the place comparison's district level, weaker than a
                -- postcode: ``pc_district``).
                CASE WHEN postcode IS NULL AND regexp_full_match(upper(regexp_replace(
                    coalesce(postcode_raw, ''), '[^A-Za-z0-9]', '', 'g')),
                    '[A-Z]{{1,2}}[0-9][A-Z0-9]?')
                     THEN upper(regexp_replace(postcode_raw, '[^A-Za-z0-9]', '', 'g'))
                     END AS pc_outward,
                -- Letters and digits only, one space between tokens.
                nullif(trim(regexp_replace(lower(coalesce(address, '')), '[^a-z0-9]+', ' ',
                    'g')), '') AS address,
                CASE WHEN len(phones) > 0 THEN phones END AS phones,
                CASE WHEN len(emails) > 0 THEN emails END AS emails,
                nhs_number,
                -- The area whose agency made the record (not the person's address).
                s.area
            FROM {persons} LEFT JOIN sources s USING (source_id)
        )
        SELECT *,
            len(list_concat(fn_tokens, sn_tokens)) = 0
              OR len(list_filter(list_concat(fn_tokens, sn_tokens),
                                 lambda t: NOT list_contains({weak}, t))) = 0
              OR len(list_filter(list_concat(fn_tokens, sn_tokens),
                                 lambda t: list_contains({strong}, t))) > 0
              AS is_unknown
        FROM p
        """
    )


def _names(con: duckdb.DuckDBPyConnection) -> None:
    """``_link_names``: first forename, surname, their nickname keys and name tokens."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _link_names AS
        WITH b AS (
            SELECT record_key, is_unknown,
                CASE WHEN NOT is_unknown THEN fn_tokens[1] END AS fn1,
                -- Every forename, where two or more are written out (not initials):
                -- "muhammad amir" agreeing is two names' evidence, not the first's.
                CASE WHEN NOT is_unknown
                      AND len(list_filter(fn_tokens, lambda t: length(t) > 1)) >= 2
                     THEN array_to_string(list_filter(fn_tokens, lambda t: length(t) > 1), ' ')
                     END AS fn_full,
                CASE WHEN NOT is_unknown AND len(sn_tokens) > 0
                     THEN array_to_string(sn_tokens, '') END AS sn,
                CASE WHEN NOT is_unknown THEN sn_tokens[1] END AS sn1,
                -- The parts of a double-barrelled (or two-word) surname.
                CASE WHEN NOT is_unknown AND len(sn_tokens) > 1 THEN sn_tokens END AS sn_parts,
                CASE WHEN NOT is_unknown
                     THEN list_distinct(list_concat(fn_tokens, alias_tokens)) END AS tokens
            FROM _link_base
        ),
        t AS (SELECT record_key, unnest(tokens) AS token FROM b),
        k AS (
            SELECT t.record_key, list_distinct(list(coalesce(n.key, t.token))) AS name_keys
            FROM t LEFT JOIN _link_nicknames n ON n.name = t.token
            GROUP BY t.record_key
        ),
        f AS (
            SELECT name, list_sort(list(key)) AS keys, any_value(canonical) AS canonical
            FROM _link_nicknames GROUP BY name
        )
        SELECT b.record_key, b.fn1, b.fn_full, b.sn, b.sn1, b.sn_parts,
            CASE WHEN b.fn1 IS NOT NULL THEN coalesce(f.keys, [b.fn1]) END AS fn_keys,
            -- One blocking key per forename: the canonical form (``canonical_forenames``).
            CASE WHEN b.fn1 IS NOT NULL THEN coalesce(f.canonical, b.fn1) END AS fn_key1,
            k.name_keys
        FROM b
        LEFT JOIN f ON f.name = b.fn1
        LEFT JOIN k ON k.record_key = b.record_key
        """
    )


def _input(con: duckdb.DuckDBPyConnection) -> None:
    """``link_input``: the comparison fields and blocking keys Splink reads."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {INPUT_TABLE} AS
        SELECT
            b.record_key,
            b.source_id,
            b.person_id,
            n.fn1,
            n.fn_full,
            n.fn_keys,
            n.fn_key1,
            n.name_keys,
            n.sn,
            n.sn1,
            n.sn_parts,
            -- The last part of a double-barrelled surname, a blocking key: the whole
            -- surname's phonetic code and first word (``sn_code``, ``sn1``, ``sn_init``)
            -- already find a record that keeps the first part, none one that keeps the
            -- last ("Taylor" for "Bashir-Taylor").
            n.sn_parts[-1] AS sn_part_last,
            c.sn_code,
            -- A surname few records bear, as a blocking key (``RARE_SURNAME_MAX``).
            CASE WHEN n.sn IS NOT NULL AND count(*) OVER (PARTITION BY n.sn) <= {RARE_SURNAME_MAX}
                 THEN n.sn END AS sn_rare,
            -- Keyed errors rarely touch the first letter.
            n.fn1[1] AS fn_init,
            n.sn[1] AS sn_init,
            -- Initials in either order: names swapped and both misspelt.
            least(n.fn1[1], n.sn[1]) || greatest(n.fn1[1], n.sn[1]) AS init_pair,
            -- The same for "john smith" and "smith john": names entered the wrong way round.
            CASE WHEN n.fn1 IS NOT NULL AND n.sn1 IS NOT NULL
                 THEN least(n.fn1, n.sn1) || ' ' || greatest(n.fn1, n.sn1) END AS name_pair,
            CASE WHEN length(b.date_of_birth) = 10 THEN b.date_of_birth END AS dob,
            CASE WHEN length(b.date_of_birth) >= 7 THEN b.date_of_birth[1:7] END AS dob_ym,
            TRY_CAST(b.date_of_birth[1:4] AS INTEGER) AS dob_y,
            -- Day and month swapped, where the swap is itself a date.
            CASE WHEN length(b.date_of_birth) = 10
                  AND TRY_CAST(b.date_of_birth[9:10] AS INTEGER) BETWEEN 1 AND 12
                  AND b.date_of_birth[9:10] <> b.date_of_birth[6:7]
                 THEN b.date_of_birth[1:5] || b.date_of_birth[9:10] || '-'
                      || b.date_of_birth[6:7] END AS dob_swapped,
            -- The same for a date and its day/month transposition, so one blocking
            -- key finds both.
            CASE WHEN length(b.date_of_birth) = 10 THEN least(b.date_of_birth,
                coalesce(b.date_of_birth[1:5] || b.date_of_birth[9:10] || '-'
                         || b.date_of_birth[6:7], b.date_of_birth)) END AS dob_canon,
            CASE WHEN length(b.date_of_birth) = 10 THEN b.date_of_birth[6:10] END AS dob_md,
            -- One-sided blocking keys: set only where the birth date is missing
            -- (the forename key) or partial (the year).
            CASE WHEN TRY_CAST(b.date_of_birth[1:4] AS INTEGER) IS NULL
                 THEN n.fn_key1 END AS fn_key1_undated,
            -- The surname where the birth year is missing: names swapped on
            -- one side with no date to pair on (one-sided, crossed with the
            -- forename of the other side).
            CASE WHEN TRY_CAST(b.date_of_birth[1:4] AS INTEGER) IS NULL
                 THEN n.sn1 END AS sn1_undated,
            -- The forename key where no surname was recorded: a charity or a school
            -- that knew a child or an adult by a first name (one-sided, with the year).
            CASE WHEN n.sn IS NULL THEN n.fn_key1 END AS fn_key1_no_sn,
            CASE WHEN length(b.date_of_birth) BETWEEN 4 AND 9
                 THEN TRY_CAST(b.date_of_birth[1:4] AS INTEGER) END AS dob_y_partial,
            -- A year worked back from an age is the year of birth or one after it (one
            -- before where the age was overstated): the partial year's neighbours, as
            -- one-sided keys against every record's year.
            CASE WHEN length(b.date_of_birth) BETWEEN 4 AND 9
                 THEN TRY_CAST(b.date_of_birth[1:4] AS INTEGER) - 1 END AS dob_y_partial_before,
            CASE WHEN length(b.date_of_birth) BETWEEN 4 AND 9
                 THEN TRY_CAST(b.date_of_birth[1:4] AS INTEGER) + 1 END AS dob_y_partial_after,
            b.sex,
            b.postcode,
            CASE WHEN b.postcode LIKE '% %' THEN b.postcode[1:-3] END AS pc_sector,
            coalesce(nullif(split_part(b.postcode, ' ', 1), ''), b.pc_outward) AS pc_district,
            -- The place is an outward code alone (the district is all there is).
            b.postcode IS NULL AND b.pc_outward IS NOT NULL AS pc_outward_only,
            b.address,
            -- House number and the first word of the street: "12a high st" and
            -- "12 high street, leeds" share "12 high".
            list_distinct(string_split(b.address, ' ')) AS addr_tokens,
            -- A town alone: no number, no postcode (in its field or the text), a
            -- word or three ("halifax", "hebden bridge"); the place comparison's
            -- town level.
            coalesce(b.postcode IS NULL AND NOT regexp_matches(b.address, '[0-9]')
                     AND len(string_split(b.address, ' ')) <= 3, false) AS addr_town_only,
            nullif(regexp_extract(b.address, '^([0-9]+)', 1), '') AS addr_number,
            nullif(regexp_extract(b.address, '^[0-9]+[a-z]? ([a-z]+)', 1), '') AS addr_street,
            -- The house as a blocking key (number and street word), and the same
            -- key only where no postcode was recorded: a household, as the
            -- postcode is one, for the sources that write no postcode.
            nullif(regexp_extract(b.address, '^([0-9]+[a-z]? [a-z]+)', 1), '') AS addr_house,
            CASE WHEN b.postcode IS NULL
                 THEN nullif(regexp_extract(b.address, '^([0-9]+[a-z]? [a-z]+)', 1), '')
                 END AS addr_house_no_pc,
            b.phones,
            b.emails,
            -- The two ends of the first email's local part, five characters each: an
            -- email keyed by hand with an error (a letter misheard or mistyped, the
            -- comparison's "alike" level) keeps one end or the other as the record
            -- holds it. Blocking keys only (``model.BLOCKING_RULES``), set where the
            -- local part is at least five characters long.
            CASE WHEN length(split_part(b.emails[1], '@', 1)) >= 5
                 THEN ['h' || left(split_part(b.emails[1], '@', 1), 5),
                       't' || right(split_part(b.emails[1], '@', 1), 5)] END AS email_ends,
            b.nhs_number,
            b.area,
            -- The area as a blocking key: a store without areas is one area.
            coalesce(b.area, '') AS area_key,
            b.is_unknown
        FROM _link_base b
        JOIN _link_names n USING (record_key)
        LEFT JOIN _link_surname_codes c ON c.sn = n.sn
        """
    )


def _rare_address_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """``addr_rare`` and ``addr_rare_pairs`` on ``link_input``: the address's rare words.

    Agencies that keep one free-text address line write it in their own order,
    with their own line breaks, abbreviations and typing errors, and often
    without a postcode ("37 upton street, brentwood village, woollahra" and
    "37 brentwood village, uptonsttreet, woollahra"): the house key (number and
    first street word) then differs. Two words few records bear (a street's or
    a building's name, a locality's) still agree, and place the two records on
    one street of one locality. ``addr_rare`` holds the words (the place
    comparison's "street and locality named alike" level); ``addr_rare_pairs``
    every two of them, so that the blocking join pairs records sharing any two.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _link_addr_words AS
        SELECT record_key, unnest(addr_tokens) AS w FROM {INPUT_TABLE}
        WHERE addr_tokens IS NOT NULL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _link_addr_rare AS
        WITH rare AS (
            SELECT w FROM _link_addr_words GROUP BY w HAVING count(*) <= {RARE_ADDRESS_WORD_MAX}
        ),
        mine AS (SELECT record_key, w FROM _link_addr_words JOIN rare USING (w))
        SELECT a.record_key, list(DISTINCT a.w) AS addr_rare,
               list(DISTINCT a.w || ' ' || b.w) FILTER (WHERE a.w < b.w) AS addr_rare_pairs
        FROM mine a JOIN mine b ON a.record_key = b.record_key AND a.w <= b.w
        GROUP BY a.record_key
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {INPUT_TABLE} AS
        SELECT i.*, r.addr_rare, nullif(r.addr_rare_pairs, []) AS addr_rare_pairs
        FROM {INPUT_TABLE} i LEFT JOIN _link_addr_rare r USING (record_key)
        """
    )
    for scratch in ("_link_addr_words", "_link_addr_rare"):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")


def build_input(con: duckdb.DuckDBPyConnection, persons: str = "current_persons") -> int:
    """Create the temporary table ``link_input`` from ``persons``; return its row count."""
    _register_nicknames(con)
    _base(con, persons)
    _names(con)
    _surname_codes(con, "_link_names")
    _input(con)
    _rare_address_pairs(con)
    for scratch in ("_link_base", "_link_names", "_link_surname_codes"):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")
    return int(con.execute(f"SELECT count(*) FROM {INPUT_TABLE}").fetchall()[0][0])
