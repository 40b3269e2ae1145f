"""Two people found only with each other who may be one person: set aside for linkage
review (``network_possible_duplicates``), not reported as a network."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from itertools import combinations

import duckdb

from clearsight import partition
from clearsight.graph.rules import bridging_link_types
from clearsight.graph.settings import SUPPORT_LINK_TYPES, GraphSettings
from clearsight.graph.unidentified import IDENTIFIED

# Why a pair was set aside (``network_possible_duplicates.reason``).
NEAR_DUPLICATE = "near-duplicate name and date of birth"
UNIDENTIFIED_PAIR = "unidentified, linked only by a shared child or place"
FORENAME_ONLY_PAIR = "known by a forename only, linked only by a shared child or place"
FORENAME_ONLY_GROUP = "one forename in several records, linked only by a shared child or place"


_NEAR_DUPLICATE = """
    WITH r AS (
        SELECT entity_id, dob, string_split(name, ' ') AS parts
        FROM graph_person_map
        WHERE NOT unidentified AND name IS NOT NULL AND list_contains($1, entity_id)
    ),
    -- The linkage stage's nickname table: each name with the canonical names it is a
    -- form of ($5 names, $6 their canonical names, pairwise).
    nick AS (SELECT unnest($5::VARCHAR[]) AS name, unnest($6::VARCHAR[]) AS canonical),
    n0 AS (SELECT entity_id, dob, parts[1] AS fore, parts[-1] AS sur FROM r WHERE len(parts) > 1),
    n AS (
        SELECT n0.*, list(DISTINCT nick.canonical) FILTER (WHERE nick.canonical IS NOT NULL)
                   AS fore_names
        FROM n0 LEFT JOIN nick ON nick.name = n0.fore GROUP BY ALL
    ),
    pairs AS (
        SELECT a.entity_id AS ea, b.entity_id AS eb, a.dob AS da, b.dob AS db,
               -- Forenames that are one name in two forms (``_one_name``: Robert and
               -- Bobby, Mohammad and Moe) agree as fully as the same spelling.
               CASE WHEN list_contains(a.fore_names, b.fore)
                         OR list_contains(b.fore_names, a.fore)
                         OR (len(list_intersect(a.fore_names, b.fore_names)) > 0
                             AND NOT (list_contains(a.fore_names, a.fore)
                                      AND list_contains(b.fore_names, b.fore)))
                    THEN 1.0
                    ELSE jaro_winkler_similarity(a.fore, b.fore) END AS fore_score,
               a.sur AS sa, b.sur AS sb, a.fore AS fa, b.fore AS fb
        FROM n a JOIN n b ON a.entity_id < b.entity_id
    ),
    scored AS (
        SELECT ea, eb, da, db,
               greatest(
                   least(jaro_winkler_similarity(sa, sb),
                         fore_score + CASE WHEN fa[1] = fb[1] THEN 1 ELSE 0 END),
                   least(jaro_winkler_similarity(sa, fb),
                         jaro_winkler_similarity(fa, sb))) AS name_score,
               least(jaro_winkler_similarity(sa, sb), fore_score) AS strict_score
        FROM pairs
    )
    SELECT DISTINCT ea, eb FROM scored
    -- Two records in one event (co-suspects) are two people, however alike.
    WHERE NOT EXISTS (
        SELECT 1 FROM graph_links l
        WHERE l.entity_a = ea AND l.entity_b = eb AND l.link_type = 'co_involved')
    AND ((da IS NOT NULL AND db IS NOT NULL AND name_score >= $2
           AND ((year(da) = year(db))::INT + (month(da) = month(db))::INT
                + (day(da) = day(db))::INT >= 2
                OR (year(da) = year(db) AND month(da) = day(db) AND day(da) = month(db))))
       OR ((da IS NULL OR db IS NULL) AND strict_score >= $3)
       -- Names agreeing closely and dates of birth under a year apart (a year slip and a
       -- day slip): no more evidence of two people than a missing date.
       OR (da IS NOT NULL AND db IS NOT NULL AND strict_score >= $3
           AND abs(date_diff('day', da, db)) <= $4))
"""


# The candidate pairs ($1, $2: entity ids) and the kinds of link between each pair.
_PAIR_LINKS = """WITH p AS (SELECT unnest($1::VARCHAR[]) AS ea, unnest($2::VARCHAR[]) AS eb),
    l AS (
        SELECT l.entity_a, l.entity_b, list(DISTINCT l.link_type) AS types
        FROM graph_links l JOIN p ON l.entity_a = p.ea AND l.entity_b = p.eb
        GROUP BY ALL
    )"""

# Two people, one or both known only as unidentified (every record "unknown male", a
# blank name), whose links are all bridging ones (nothing shows they know one another)
# and whose recorded dates of birth, if both have one, are close: possibly one person,
# named in one record and not in the other.
_UNIDENTIFIED_PAIR = f"""
    {_PAIR_LINKS}
    SELECT p.ea, p.eb FROM p
    JOIN l ON l.entity_a = p.ea AND l.entity_b = p.eb
    JOIN graph_entities a ON a.entity_id = p.ea
    JOIN graph_entities b ON b.entity_id = p.eb
    WHERE (a.unidentified OR b.unidentified) AND list_has_all($3, l.types)
      AND (a.dob IS NULL OR b.dob IS NULL OR abs(date_diff('day', a.dob, b.dob)) <= $4)
"""

# Two people, one or both known only by a forename (no record of them gives a surname: a
# charity or youth worker knows the man a child talks about as "Ryan" or "Bobby"), whose
# links are all bridging ones and whose recorded dates of birth, if both have one, are
# close: with their forenames (``_forenames_agree``), possibly one man.
_FORENAME_ONLY_PAIR = f"""
    {_PAIR_LINKS},
    names AS (
        SELECT m.entity_id, list(DISTINCT lower(trim(c.forenames))) FILTER (
                   WHERE nullif(trim(c.forenames), '') IS NOT NULL) AS forenames,
               bool_and(nullif(trim(c.surname), '') IS NULL) AS forename_only
        FROM graph_person_map m JOIN current_persons c USING (source_id, person_id)
        WHERE NOT m.unidentified
          AND (list_contains($1, m.entity_id) OR list_contains($2, m.entity_id))
        GROUP BY m.entity_id
    )
    SELECT p.ea, p.eb, na.forenames, nb.forenames FROM p
    JOIN l ON l.entity_a = p.ea AND l.entity_b = p.eb
    JOIN graph_entities a ON a.entity_id = p.ea
    JOIN graph_entities b ON b.entity_id = p.eb
    JOIN names na ON na.entity_id = p.ea
    JOIN names nb ON nb.entity_id = p.eb
    WHERE (na.forename_only OR nb.forename_only) AND list_has_all($3, l.types)
      AND (a.dob IS NULL OR b.dob IS NULL OR abs(date_diff('day', a.dob, b.dob)) <= $4)
"""

# The networks (of those given) with a strong link between two of their people: the
# links that are not bridging ones (``$3``), which keep any network a network.
_STRONG = """
    WITH m AS (SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id)
    SELECT DISTINCT a.net FROM graph_links l
    JOIN m a ON a.entity_id = l.entity_a
    JOIN m b ON b.entity_id = l.entity_b AND b.net = a.net
    WHERE NOT list_contains($3, l.link_type)
"""

# Of networks of three or more with no strong link, those in which at most one person is
# named (the others known only as unidentified) and whose recorded dates of birth are all
# close: possibly one man, named in one record and not in the others. Named entities that
# are each other's near-duplicate by name and date of birth (``person``: one
# representative per such set) are one named man the linkage stage left as two, as a
# near-duplicate pair is one man for the two-person rule and between areas.
_UNIDENTIFIED_GROUP = """
    WITH m AS (
        SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id,
               unnest($4::VARCHAR[]) AS person
    )
    SELECT m.net FROM m JOIN graph_entities g USING (entity_id)
    GROUP BY m.net
    HAVING count(DISTINCT m.person) FILTER (WHERE NOT g.unidentified) <= 1
       AND coalesce(date_diff('day', min(g.dob), max(g.dob)), 0) <= $3
"""


# The networks (``$1`` net, ``$2`` entity, ``$4`` person standing for it) in which at most
# one person is identified (``unidentified.IDENTIFIED``: some record gives two words of
# name or a full date of birth; a first name or nickname alone names no one an agency
# could look up) and whose recorded dates of birth are close (``$3`` days): each member's
# recorded forenames, for ``_one_forename_groups`` to compare.
_FEW_IDENTIFIED = f"""
    WITH m AS (
        SELECT unnest($1::BIGINT[]) AS net, unnest($2::VARCHAR[]) AS entity_id,
               unnest($4::VARCHAR[]) AS person
    ),
    ident AS ({IDENTIFIED}),
    few AS (
        SELECT m.net FROM m JOIN graph_entities g USING (entity_id)
        LEFT JOIN ident i USING (entity_id)
        GROUP BY m.net
        HAVING count(DISTINCT m.person)
                   FILTER (WHERE i.named) <= 1
           AND coalesce(date_diff('day', min(g.dob), max(g.dob)), 0) <= $3
    ),
    names AS (
        SELECT pm.entity_id, list(DISTINCT lower(trim(c.forenames))) FILTER (
                   WHERE nullif(trim(c.forenames), '') IS NOT NULL) AS forenames
        FROM graph_person_map pm JOIN current_persons c USING (source_id, person_id)
        WHERE NOT pm.unidentified AND list_contains($2, pm.entity_id)
        GROUP BY pm.entity_id
    )
    SELECT m.net, n.forenames FROM m JOIN few USING (net)
    LEFT JOIN names n USING (entity_id)
    ORDER BY m.net, m.entity_id
"""


def _possible_duplicates(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    settings: GraphSettings,
) -> dict[int, str]:
    """Two-person networks whose two people may be one person, with the reason: most
    likely one person the linkage stage left as two (a duplicate to review, not a
    network of two).

    - near-duplicates by name and date of birth;
    - one of them unidentified, and nothing but bridging links (a shared child, a place)
      between them: an "unknown male" who offended
      against the child another man offended against may be that man, and nothing in
      the records shows two people who know one another;
    - one of them known by a forename only that names the other too, on the same terms
      (``_FORENAME_ONLY_PAIR``): the man a charity records as "Ryan" about the child
      Ryan Harrison offended against, whom linkage cannot join without a surname;
    - a network of three or more, all but at most
      one of them unidentified, on the same terms: one man named in one record and not
      in two others is no network of three. Named people who are each other's
      near-duplicate count as one named man (``_one_person``);
    - a network of three or more, on the same terms, in which at most one person is
      identified and every forename recorded names the same man
      (``_one_forename_groups``)."""
    found_groups: dict[int, str] = {}
    larger = [i for i, members in enumerate(networks) if len(members) > 2]
    bridging = [*bridging_link_types(), *SUPPORT_LINK_TYPES]
    if larger:
        # Only networks with no strong link can be set aside: near-duplicates are looked
        # for among their people alone.
        strong = {
            int(i)
            for (i,) in con.execute(
                _STRONG,
                [
                    [i for i in larger for _ in networks[i]],
                    [entities[v] for i in larger for v in networks[i]],
                    bridging,
                ],
            ).fetchall()
        }
        weak = [i for i in larger if i not in strong]
        person = _one_person(con, entities, [networks[i] for i in weak], settings)
        rows = con.execute(
            _UNIDENTIFIED_GROUP, _group_params(entities, networks, weak, person, settings)
        ).fetchall()
        found_groups = {int(i): UNIDENTIFIED_PAIR for (i,) in rows}
        rest = [i for i in weak if i not in found_groups]
        found_groups |= _one_forename_groups(con, entities, networks, rest, person, settings)
    pairs = [i for i, members in enumerate(networks) if len(members) == 2]
    if not pairs:
        return found_groups
    keys: dict[int, tuple[str, str]] = {}
    for i in pairs:
        first, second = sorted(entities[v] for v in networks[i])
        keys[i] = (first, second)
    found: dict[tuple[str, str], str] = {}
    params = [
        [k[0] for k in keys.values()],
        [k[1] for k in keys.values()],
        bridging,
        settings.unidentified_pair_dob_days,
    ]
    for a, b in con.execute(_UNIDENTIFIED_PAIR, params).fetchall():
        found[(str(a), str(b))] = UNIDENTIFIED_PAIR
    for a, b, fa, fb in con.execute(_FORENAME_ONLY_PAIR, params).fetchall():
        if (str(a), str(b)) not in found and _forenames_agree(
            fa or [], fb or [], settings.duplicate_strict_similarity
        ):
            found[(str(a), str(b))] = FORENAME_ONLY_PAIR
    wanted = sorted({entities[v] for i in pairs for v in networks[i]})
    for a, b in _near_duplicates(con, wanted, settings):
        found[(a, b)] = NEAR_DUPLICATE
    return found_groups | {i: found[keys[i]] for i in pairs if keys[i] in found}


def _group_params(
    entities: list[str],
    networks: list[list[int]],
    nets: list[int],
    person: dict[int, str],
    settings: GraphSettings,
) -> list[object]:
    """The parameters of ``_UNIDENTIFIED_GROUP`` and ``_FEW_IDENTIFIED`` for ``nets``: per
    member, its network, its entity and the entity standing for its person; and how far
    apart dates of birth may be."""
    return [
        [i for i in nets for _ in networks[i]],
        [entities[v] for i in nets for v in networks[i]],
        settings.unidentified_pair_dob_days,
        [person[v] for i in nets for v in networks[i]],
    ]


def _one_forename_groups(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    weak: list[int],
    person: dict[int, str],
    settings: GraphSettings,
) -> dict[int, str]:
    """Of the ``weak`` networks (three or more people, bridging links only), those in
    which at most one person is identified and every forename recorded of their members
    names the same man (``_forenames_agree``): the man a girl's school, her social worker
    and a clinic each recorded as "Jamal", whom linkage cannot join without a surname or a
    date of birth, is one man in several records, no network of three. Different
    forenames ("Sunny", "Tariq") are different men and stay a network."""
    if not weak:
        return {}
    rows = con.execute(
        _FEW_IDENTIFIED, _group_params(entities, networks, weak, person, settings)
    ).fetchall()
    names: dict[int, list[list[str]]] = {}
    for net, forenames in rows:
        names.setdefault(int(net), []).extend([list(forenames)] if forenames else [])
    return {
        net: FORENAME_ONLY_GROUP
        for net, recorded in names.items()
        if all(
            _forenames_agree(a, b, settings.duplicate_strict_similarity)
            for a, b in combinations(recorded, 2)
        )
    }


@functools.cache
def _nickname_canonicals() -> dict[str, frozenset[str]]:
    """Each name in the linkage stage's nickname table (``linkage/data/nicknames.yaml``
    and the ``nicknames`` package) with the names of the table it is a form of (a name
    of the table is a form of itself); ``_one_name`` reads it."""
    from clearsight.linkage.features import nickname_groups

    groups: dict[str, set[str]] = {}
    for canonical, variants in nickname_groups().items():
        for name in (canonical, *variants):
            groups.setdefault(name, set()).add(canonical)
    return {name: frozenset(found) for name, found in groups.items()}


def _near_duplicates(
    con: duckdb.DuckDBPyConnection, entities: list[str], settings: GraphSettings
) -> list[tuple[str, str]]:
    """Pairs among ``entities`` that are each other's near-duplicate (``_NEAR_DUPLICATE``),
    a forename and its nickname agreeing as one name."""
    table = _nickname_canonicals()
    names = [name for name, found in table.items() for _ in found]
    canonicals = [c for found in table.values() for c in sorted(found)]
    rows = con.execute(
        _NEAR_DUPLICATE,
        [
            entities,
            settings.duplicate_name_similarity,
            settings.duplicate_strict_similarity,
            settings.duplicate_strict_dob_days,
            names,
            canonicals,
        ],
    ).fetchall()
    return [(str(a), str(b)) for a, b in rows]


def _one_name(x: str, y: str) -> bool:
    """Two forenames are one name written two ways: the same, one a nickname or variant of
    the other (Robert and Bobby), or two forms of one name neither of which is a name of
    the table in its own right (Moe and Mohammad, both forms of Mohammed). Two names of the
    table sharing a nickname are two names: Harold and Henry are both "Harry", and
    brothers Harold and Henry are two men (the near-duplicate test, ``_NEAR_DUPLICATE``,
    reads the table the same way)."""
    table = _nickname_canonicals()
    cx, cy = table.get(x, frozenset()), table.get(y, frozenset())
    return x == y or x in cy or y in cx or (bool(cx & cy) and not (x in cx and y in cy))


def _forenames_agree(a: list[str], b: list[str], similarity: float) -> bool:
    """Some forename of one record names the same person as some forename of the other:
    the same name, a variant or nickname of it (the linkage stage's table: Robert and
    Bobby, Mohammad and Moe), or a spelling within ``similarity`` (Jaro-Winkler)."""
    import jellyfish

    left = {t for name in a for t in name.split()}
    right = {t for name in b for t in name.split()}
    return any(
        x == y or _one_name(x, y) or jellyfish.jaro_winkler_similarity(x, y) >= similarity
        for x in left
        for y in right
    )


def _one_person(
    con: duckdb.DuckDBPyConnection,
    entities: list[str],
    networks: list[list[int]],
    settings: GraphSettings,
) -> dict[int, str]:
    """Per member of the given networks (entity index), the entity standing for its person:
    near-duplicates by name and date of birth (``_NEAR_DUPLICATE``) within one network are
    one person, represented by the first of them by entity id."""
    person: dict[int, str] = {}
    for members in networks:
        ids = sorted(entities[v] for v in members)
        slot = {e: i for i, e in enumerate(ids)}
        sets = partition.DisjointSets(len(ids))
        for a, b in _near_duplicates(con, ids, settings):
            sets.union(slot[a], slot[b])
        for v in members:
            person[v] = ids[sets.find(slot[entities[v]])]
    return person


def _drop(
    networks: list[list[int]], split_from: list[int | None], drop: Collection[int]
) -> tuple[list[list[int]], list[int | None]]:
    keep = [i for i in range(len(networks)) if i not in drop]
    return [networks[i] for i in keep], [split_from[i] for i in keep]


def _near_duplicate_finder(
    con: duckdb.DuckDBPyConnection, settings: GraphSettings
) -> Callable[[list[str]], list[tuple[str, str]]]:
    """Pairs among the given entities that may be one person (``_NEAR_DUPLICATE``), for
    counting the people two networks share: one man the linkage stage left as two records
    in two forces is one bridging person."""

    def find(entities: list[str]) -> list[tuple[str, str]]:
        return _near_duplicates(con, entities, settings)

    return find
