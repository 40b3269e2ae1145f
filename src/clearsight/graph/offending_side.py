"""Who is on the offending side (``graph_involved``): suspects, offenders and facilitators
in records of exploitation, associates in police records of it, adults recorded with an
exploited child or named by a partner agency around her (intelligence, not
police-confirmed), employees of places used for it, and linked members."""

from __future__ import annotations

import duckdb

from clearsight.graph.households import household_key
from clearsight.graph.rules import default_rules, standard_codes
from clearsight.graph.settings import CHILD_ROLES, LINKING_ROLES, OFFENDING_ROLES, GraphSettings
from clearsight.graph.staff import staff_facilitators_sql
from clearsight.graph.statements import _sql_list, _timed

# A child's family (``family_of`` in any source) and household (one home on any of their
# person records, however each agency wrote it: ``households``): adults at her meeting or
# in her referral as family, not as exploiters.
FAMILY_AND_HOME = f"""
        family AS (
            SELECT f.entity_id AS a, t.entity_id AS b
            FROM current_associations x
            JOIN graph_person_map f ON f.source_id = x.source_id AND f.person_id = x.from_id
            JOIN graph_person_map t ON t.source_id = x.source_id AND t.person_id = x.to_id
            WHERE x.from_type = 'person' AND x.to_type = 'person'
              AND x.association_type = 'family_of'
        ),
        home AS (
            SELECT DISTINCT m.entity_id, {household_key("p")} AS address_key
            FROM current_persons p JOIN graph_person_map m USING (source_id, person_id)
            WHERE {household_key("p")} IS NOT NULL
        )"""


def child_side(children: str) -> str:
    """The condition on a ``graph_involvements`` row that puts its person on the child
    (exploited, protected) side, never the offending side: a child in that event; the
    subject of a record or a missing person (the person a partner is safeguarding or
    treating: agencies record the adults of concern around their subject as associates,
    never as the subject); or a victim in a record with an exploitation context (a young
    adult exploited since childhood). An exploited child is recorded as the associate of
    the men who exploit her, so such a person is never taken for one of them.
    An adult who is the victim of a theft or an assault is not on that side: the Home
    Office Counting Rules record a victim for every crime, and people who offend are often
    victims of crime themselves (the victim-offender overlap the Crime Survey for England
    and Wales shows), so an adult's own burglary is no evidence about a partner's record
    that names him around an exploited child."""
    return f"(is_child OR (list_contains({children}, role) AND (sexual OR role <> 'victim')))"


def child_associates(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """``_child_associates``: a person recorded as ``associate_of`` or ``seen_with`` (never
    ``family_of``) a child who is the victim of a sexual offence, or the associate in
    such a child's missing episode,
    when that person is not themselves on the child side of any event. Such a person
    shares the child with its offenders (a ``shared_victim`` link); the associate in a
    missing episode is on the offending side, the associate by record only if also an
    associate in an event with an exploitation context."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _child_associates (adult VARCHAR, child VARCHAR, "
        "via VARCHAR, record_key VARCHAR, source_id VARCHAR, date DATE, police BOOLEAN)"
    )
    children = _sql_list(CHILD_ROLES)
    # Children who were sexually exploited, and everyone on the child side of an event.
    ctes = f"""
        victims AS (
            SELECT DISTINCT i.entity_id FROM graph_involvements i
            JOIN graph_events e USING (event_key)
            WHERE i.is_child AND i.sexual AND list_contains({children}, i.role)
              AND NOT e.flag_marker
        ),
        child_side AS (
            SELECT DISTINCT entity_id FROM graph_involvements
            WHERE {child_side(children)}
        )"""
    _timed(
        con,
        f"""
        INSERT INTO _child_associates
        WITH {ctes},
        ends AS (
            SELECT a.association_type, a.start_date, a.source_id, f.police,
                   f.entity_id AS ef, f.record_key AS rf, t.entity_id AS et,
                   t.record_key AS rt
            FROM current_associations a
            JOIN graph_person_map f ON f.source_id = a.source_id AND f.person_id = a.from_id
            JOIN graph_person_map t ON t.source_id = a.source_id AND t.person_id = a.to_id
            WHERE a.from_type = 'person' AND a.to_type = 'person'
              AND a.association_type IN ('associate_of', 'seen_with')
              AND f.entity_id <> t.entity_id
        ),
        both_ways AS (
            SELECT ef AS adult, et AS child, association_type AS via, [rf, rt] AS records,
                   source_id, start_date AS date, police FROM ends
            UNION ALL
            SELECT et, ef, association_type, [rt, rf], source_id, start_date, police
            FROM ends
        )
        SELECT b.adult, b.child, b.via, unnest(b.records) AS record_key, b.source_id,
               b.date, b.police
        FROM both_ways b SEMI JOIN victims v ON v.entity_id = b.child
        WHERE b.adult NOT IN (SELECT entity_id FROM child_side)
        """,
    )
    # The person a sexually exploited child was with while missing.
    _event_pairs(
        con,
        ctes,
        "missing episode",
        "e.event_type = 'missing_episode' AND a.role = 'associate' AND c.role = 'missing_person'",
    )
    if s.harbouring_offence_pattern:
        _harbouring(con, s, ctes)
    _found_with(con, s, ctes)
    _partner_intelligence(con, s, ctes)


def _found_with(con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str) -> None:
    """The adults police record as present (``associate``) in their own record of a
    sexually exploited child's exploitation, she the victim, subject or missing person
    there: police attended and found her with them (the Rochdale and Rotherham reviews
    describe officers finding girls with men at the houses and flats used). Such an adult
    shares the child with her offenders, as the adult she is found with while missing
    does. Not a known child (a friend found with her), not her family or household, nobody
    on a child side; the record must carry an exploitation context of its own, and be one
    of the police record types whose associates are on the offending side
    (``associate_event_types``; not a strategy meeting police attend, where the adults
    around the child are her family and professionals). Her missing episode has its own
    rule (``_event_pairs``, above)."""
    children = _sql_list(CHILD_ROLES)
    attended = _sql_list(tuple(t for t in s.associate_event_types if t != "missing_episode"))
    _event_pairs(
        con,
        ctes,
        "police record",
        f"""e.police AND e.relevant AND NOT e.flag_marker
              AND list_contains({attended}, e.event_type)
              AND a.role = 'associate' AND NOT coalesce(a.age < {s.child_age}, false)
              AND c.is_child AND list_contains({children}, c.role)""",
        outside_family=True,
    )


def _harbouring(con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str) -> None:
    """The suspect or offender of a harbouring offence (``harbouring_offence_pattern``:
    child abduction, the offence behind child abduction warning notices) against a child
    who is sexually exploited: on the offending side through that record, sharing the
    child with her offenders, as the adult she is found with while missing is. The
    record keeps its own context (a child abduction alone is not a sexual offence)."""
    pattern = s.harbouring_offence_pattern.replace("'", "''")
    offending = _sql_list(OFFENDING_ROLES)
    _event_pairs(
        con,
        ctes,
        "harbouring offence",
        f"coalesce(regexp_matches(lower(e.offence), '{pattern}'), false)"
        f" AND list_contains({offending}, a.role) AND c.role = 'victim'",
    )


def _event_pairs(
    con: duckdb.DuckDBPyConnection, ctes: str, via: str, where: str, *, outside_family: bool = False
) -> None:
    """Adult ``a`` and sexually exploited child ``c`` recorded in one event matching
    ``where``, the adult not on any child side: into ``_child_associates``, the event
    named as ``via``. ``outside_family``: nor the child's family (``family_of`` in any
    source) nor her household (the same address)."""
    family = f",\n        {FAMILY_AND_HOME}" if outside_family else ""
    apart = (
        """
          AND NOT EXISTS (SELECT 1 FROM family f
                          WHERE (f.a = p.adult AND f.b = p.child)
                             OR (f.a = p.child AND f.b = p.adult))
          AND NOT EXISTS (SELECT 1 FROM home ha JOIN home hc USING (address_key)
                          WHERE ha.entity_id = p.adult AND hc.entity_id = p.child)"""
        if outside_family
        else ""
    )
    _timed(
        con,
        f"""
        INSERT INTO _child_associates
        WITH {ctes}{family},
        pairs AS (
            SELECT a.entity_id AS adult, c.entity_id AS child,
                   '{via} ' || e.event_key AS via,
                   [a.record_key, c.record_key] AS records, e.source_id,
                   e.event_date::DATE AS date, e.police
            FROM graph_events e
            JOIN graph_involvements a USING (event_key)
            JOIN graph_involvements c USING (event_key)
            WHERE {where} AND a.entity_id <> c.entity_id
        )
        SELECT p.adult, p.child, p.via, unnest(p.records), p.source_id, p.date, p.police
        FROM pairs p SEMI JOIN victims v ON v.entity_id = p.child
        WHERE p.adult NOT IN (SELECT entity_id FROM child_side){apart}
        """,
    )


def _partner_intelligence(con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str) -> None:
    """Adults a partner agency (social care, health, education, the voluntary sector)
    names as the associate in its own record of an exploitation concern about a child:
    the "older boyfriend" in a referral, the adult at a strategy meeting. Inspectors found
    agencies did not share what partners knew about the adults around a child ("Time to
    listen", the joint targeted area inspections of Ofsted, CQC, HMIC and HMI Probation,
    2016); such a person shares the
    child with its offenders and is on the offending side, as intelligence, not
    police-confirmed (``graph_involved.police_confirmed``). Not the child's family
    (``family_of`` the child in any source) nor a member of the child's household (the
    same address): a parent at the child's meeting is there as family, and a household is
    no evidence of exploitation. Not a child at that event (a friend named in a referral)
    nor anyone on the child side of any event."""
    children = _sql_list(CHILD_ROLES)
    # The partner agencies and the role read are the partner_intelligence rule's.
    rule = default_rules()["partner_intelligence"]
    # An empty agency list is every agency (the pack's convention).
    agencies = _sql_list(rule.agencies or tuple(sorted(standard_codes("agencies"))))
    roles = _sql_list(rule.roles)
    concern = f"""list_contains({agencies}, e.agency_type) AND e.relevant
              AND NOT e.flag_marker AND list_contains({roles}, a.role)
              AND c.is_child AND list_contains({children}, c.role)"""
    _event_pairs(
        con,
        ctes,
        "partner record",
        f"{concern} AND NOT coalesce(a.age < {s.child_age}, false)",
        outside_family=True,
    )
    if s.young_associate_min_children > 0:
        _young_associates(con, s, ctes, concern)
    _unflagged_partner_records(con, s, ctes, agencies, roles)


def _place_key(alias: str, association: str) -> str:
    """SQL for the place a ``current_locations`` row aliased ``alias`` stands for, reached
    through association ``association``: its household key (postcode and premises, as a
    person's address gives), or, with no address, the location itself in its source."""
    return (
        f"coalesce({household_key(alias)}, "
        f"{association}.source_id || '|location|' || {alias}.location_id)"
    )


def _located(association_type: str) -> str:
    """SQL: (entity_id, place) for every person recorded ``association_type`` a location."""
    return f"""
            SELECT m.entity_id, {_place_key("l", "x")} AS place
            FROM current_associations x
            JOIN graph_person_map m ON m.source_id = x.source_id AND m.person_id = x.from_id
            JOIN current_locations l ON l.source_id = x.source_id AND l.location_id = x.to_id
            WHERE x.from_type = 'person' AND x.to_type = 'location'
              AND x.association_type = '{association_type}'"""


# The evidence item of ``_unflagged_partner_records``; the decision record reads it back.
UNFLAGGED_PARTNER_VIA = "partner record about an exploited child"

# (adult, child): the adult is employed at a place the child lives (``resides_at`` it, or
# her own record's address is its address).
_CARERS = f"""lives AS (
            SELECT m.entity_id, {household_key("p")} AS place
            FROM current_persons p JOIN graph_person_map m USING (source_id, person_id)
            WHERE {household_key("p")} IS NOT NULL
            UNION {_located("resides_at")}
        ),
        carers AS (
            SELECT DISTINCT w.entity_id AS adult, h.entity_id AS child
            FROM ({_located("employed_at")}) w JOIN lives h USING (place)
        )"""


def _unflagged_partner_records(
    con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str, agencies: str, roles: str
) -> None:
    """Adults a partner agency names as the associate in its record about a child whom
    some record shows sexually exploited, where that partner's record carries no
    exploitation concern of its own: partner intelligence as above. An agency's
    ``cse_flag`` is its own (the standard), and most partner systems hold none, or set it
    only on the record that raised the concern: a hospital attendance or a school's
    concern about a child already known to social care names the adult she came with and
    says nothing of exploitation. The joint inspections found exactly this knowledge
    unshared ("Time to listen", 2016). An agency's own ``no`` is its judgement and stands;
    a blank or ``unknown`` flag is no judgement. Adults only: a young person named beside
    one child is her friend (``_young_associates``). Not an adult the record gives the
    child's surname: the standard has no family role, so a school's or a hospital's
    extract maps the parent who brought her, or whom it called, to ``associate``; in a
    record that raised no concern of its own, an adult of her surname is her family as
    far as that record says (her family and household are excluded as for every partner
    record, when the records show them). Nor an adult employed at the place she lives (a
    children's home, supported accommodation: ``employed_at`` the location she
    ``resides_at``, or whose address her record gives): staff there are her carers (the
    Children's Homes (England) Regulations 2015), and carers take a looked-after child to
    her health appointments (Promoting the health and well-being of looked-after children,
    statutory guidance, 2015). Only in a record that raised no concern
    of its own: where a record raises one about a member of staff, its own rule counts
    them."""
    children = _sql_list(CHILD_ROLES)
    # One surname per record (a record key is one person record), looked up for each
    # side of a pair: a join of records on surname alone grows with the square of the
    # commonest surname's records and exhausts memory at a million.
    surnames = f"""{ctes},
        surnames AS (
            SELECT m.record_key, lower(trim(p.surname)) AS surname
            FROM graph_person_map m JOIN current_persons p USING (source_id, person_id)
            WHERE NOT m.police AND nullif(trim(p.surname), '') IS NOT NULL
        ),
        {_CARERS}"""
    _event_pairs(
        con,
        surnames,
        UNFLAGGED_PARTNER_VIA,
        f"""list_contains({agencies}, e.agency_type) AND NOT e.relevant
              AND coalesce(e.cse_flag, 'unknown') <> 'no'
              AND list_contains({roles}, a.role) AND NOT coalesce(a.age < {s.child_age}, false)
              AND c.is_child AND list_contains({children}, c.role)
              AND NOT coalesce(
                  (SELECT sa.surname FROM surnames sa WHERE sa.record_key = a.record_key)
                  = (SELECT sc.surname FROM surnames sc WHERE sc.record_key = c.record_key),
                  false)
              AND NOT EXISTS (SELECT 1 FROM carers k
                              WHERE k.adult = a.entity_id AND k.child = c.entity_id)""",
        outside_family=True,
    )


def _young_associates(
    con: duckdb.DuckDBPyConnection, s: GraphSettings, ctes: str, concern: str
) -> None:
    """A young person (under ``child_age`` in the record) whom partner records of an
    exploitation concern name as the associate around ``young_associate_min_children`` or
    more different children, and whom no record puts on a child side (``_event_pairs``):
    on the offending side as partner intelligence, like an adult so named. Children can
    exploit children (DfE 2017: "children or adults"; Working Together 2023, child-on-child
    abuse). A young person named beside one child is her friend or peer, as partners name
    the friends a child is with, and stays off it."""
    _event_pairs(
        con,
        ctes,
        "partner record",
        f"""{concern} AND a.age < {s.child_age}
              AND a.entity_id IN (
                  -- The exploited children (not his family or household) he is named around.
                  SELECT a.entity_id FROM graph_events e
                  JOIN graph_involvements a USING (event_key)
                  JOIN graph_involvements c USING (event_key)
                  WHERE {concern} AND a.entity_id <> c.entity_id
                    AND c.entity_id IN (SELECT entity_id FROM victims)
                    AND NOT EXISTS (SELECT 1 FROM family f
                                    WHERE (f.a = a.entity_id AND f.b = c.entity_id)
                                       OR (f.a = c.entity_id AND f.b = a.entity_id))
                    AND NOT EXISTS (SELECT 1 FROM home ha JOIN home hc USING (address_key)
                                    WHERE ha.entity_id = a.entity_id
                                      AND hc.entity_id = c.entity_id)
                  GROUP BY a.entity_id
                  HAVING count(DISTINCT c.entity_id) >= {s.young_associate_min_children})""",
        outside_family=True,
    )


def offending_side(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """``graph_involved``: who is on the offending side, with ``police_confirmed``."""
    involved = _sql_list(s.involved_roles)
    assoc_types = _sql_list(s.associate_event_types)
    # Evidence of knowing an offender outside a shared meeting or referral (not a
    # household: see GraphSettings.associate_link_types).
    expand_links = _sql_list(s.associate_link_types)
    # Who is on the offending side: involved in, or facilitating, the exploitation of a child.
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE graph_involved AS
        SELECT i.entity_id,
               CASE WHEN bool_or(i.role = 'offender') THEN 'offender'
                    WHEN bool_or(i.role = 'suspect') THEN 'suspect'
                    WHEN bool_or(i.role = 'facilitator') THEN 'facilitator'
                    ELSE 'associate' END AS role,
               count(DISTINCT i.event_key) AS n_events,
               min(i.event_date) AS first_date, max(i.event_date) AS last_date
        FROM graph_involvements i JOIN graph_events e USING (event_key)
        WHERE e.relevant AND (list_contains({involved}, i.role)
              OR (i.role = 'associate' AND list_contains({assoc_types}, e.event_type)))
        GROUP BY i.entity_id
        UNION ALL
        {staff_facilitators_sql(s)}
        """,
    )
    _timed(
        con,
        """
        CREATE OR REPLACE TABLE graph_involved AS
        SELECT entity_id,
               CASE WHEN bool_or(role = 'offender') THEN 'offender'
                    WHEN bool_or(role = 'suspect') THEN 'suspect'
                    WHEN bool_or(role = 'facilitator') THEN 'facilitator'
                    ELSE 'associate' END AS role,
               sum(n_events) AS n_events, min(first_date) AS first_date,
               max(last_date) AS last_date
        FROM graph_involved GROUP BY entity_id
        """,
    )
    _incident_associates(con, s)
    # An associate in any event with an exploitation context (a strategy meeting, a
    # referral) who is known to someone already involved (an association other than
    # family, a shared phone or vehicle, the same event): the group's less visible members.
    # Family at a child's strategy meeting are not, unless linked to an offender. Nobody
    # on the child side of any event (as for partner intelligence and linked members): an
    # exploited child is recorded as the associate of the men who exploit her.
    children = _sql_list(CHILD_ROLES)
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        WITH cand AS (
            SELECT i.entity_id, count(DISTINCT i.event_key) AS n_events,
                   min(i.event_date) AS first_date, max(i.event_date) AS last_date
            FROM graph_involvements i JOIN graph_events e USING (event_key)
            WHERE e.relevant AND i.role = 'associate'
              AND i.entity_id NOT IN (SELECT entity_id FROM graph_involved)
              AND i.entity_id NOT IN (SELECT entity_id FROM graph_involvements
                                      WHERE {child_side(children)})
            GROUP BY i.entity_id
        ),
        known AS (
            SELECT entity_a AS entity_id, entity_b AS other FROM graph_links
            WHERE list_contains({expand_links}, link_type) AND NOT family_only
            UNION ALL
            SELECT entity_b, entity_a FROM graph_links
            WHERE list_contains({expand_links}, link_type) AND NOT family_only
        )
        SELECT c.entity_id, 'associate', c.n_events, c.first_date, c.last_date
        FROM cand c SEMI JOIN (
            SELECT k.entity_id FROM known k JOIN graph_involved g ON g.entity_id = k.other
            WHERE g.role <> 'associate'
            UNION ALL
            SELECT adult FROM _child_associates
        ) x USING (entity_id)
        """,
    )
    # The person a sexually exploited child was with while missing is on the offending
    # side through that episode (which carries no exploitation context of its own).
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        SELECT adult, 'associate', count(DISTINCT via), min(date), max(date)
        FROM _child_associates
        WHERE (via LIKE 'missing episode %' OR via LIKE 'harbouring offence %'
               OR starts_with(via, '{UNFLAGGED_PARTNER_VIA} '))
          AND adult NOT IN (SELECT entity_id FROM graph_involved)
        GROUP BY adult
        """,
    )
    # Kept for detection: the children a network's members are recorded with
    # (``cohorts.py`` reads a member's children as the shared-victim rule does); and for
    # the decision record, the evidence item of each (what the rules read, no more).
    con.execute(
        "CREATE OR REPLACE TABLE graph_child_associates AS "
        "SELECT DISTINCT adult, child, police FROM _child_associates ORDER BY ALL; "
        "CREATE OR REPLACE TABLE graph_child_associate_evidence AS "
        "SELECT DISTINCT adult, child, via FROM _child_associates ORDER BY ALL; "
        "DROP TABLE _child_associates"
    )
    if s.linked_member_min_links > 0:
        _linked_members(con, s)
    _police_confirmed(con)


def _incident_associates(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """The associates in another agency's record of an incident the police recorded with
    its associates on the offending side (``associate_event_types``): one episode seen
    by several agencies (``incident_records``) has one offending side, and the social
    care or hospital record of it names people present whom the police record does not
    (Working Together to Safeguard Children 2023: each agency records its own part of
    one episode). Whatever their age, as the police record's associates are: peers can
    exploit a child too. Never the child's family or household, nor anyone on the child
    side of any event; intelligence, not police-confirmed (``police_confirmed``). The
    rule pack's ``associate_in_incident_record``: its agencies and role."""
    rule = default_rules()["associate_in_incident_record"]
    agencies = _sql_list(rule.agencies or tuple(sorted(standard_codes("agencies"))))
    roles = _sql_list(rule.roles)
    assoc_types = _sql_list(s.associate_event_types)
    children = _sql_list(CHILD_ROLES)
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        WITH police_incidents AS (
            SELECT DISTINCT r.incident_id FROM incident_records r
            JOIN graph_events e USING (event_key)
            JOIN graph_involvements i USING (event_key)
            WHERE e.police AND e.relevant AND list_contains({assoc_types}, e.event_type)
              AND i.role = 'associate'
        ),
        kids AS (
            SELECT event_key, entity_id FROM graph_involvements
            WHERE is_child OR list_contains({children}, role)
        ),
        {FAMILY_AND_HOME},
        cand AS (
            SELECT i.entity_id, i.event_key, i.event_date
            FROM incident_records r SEMI JOIN police_incidents USING (incident_id)
            JOIN graph_events e USING (event_key)
            JOIN graph_involvements i USING (event_key)
            WHERE list_contains({agencies}, e.agency_type) AND e.relevant
              AND list_contains({roles}, i.role)
              AND i.entity_id NOT IN (SELECT entity_id FROM graph_involved)
              AND i.entity_id NOT IN (SELECT entity_id FROM kids)
              AND NOT EXISTS (
                  SELECT 1 FROM kids k JOIN family f
                    ON (f.a = i.entity_id AND f.b = k.entity_id)
                    OR (f.b = i.entity_id AND f.a = k.entity_id)
                  WHERE k.event_key = i.event_key)
              AND NOT EXISTS (
                  SELECT 1 FROM kids k JOIN home hc ON hc.entity_id = k.entity_id
                  JOIN home ha ON ha.address_key = hc.address_key
                  WHERE k.event_key = i.event_key AND ha.entity_id = i.entity_id)
        )
        SELECT entity_id, 'associate', count(DISTINCT event_key), min(event_date),
               max(event_date)
        FROM cand GROUP BY entity_id
        """,
    )


def _police_confirmed(con: duckdb.DuckDBPyConnection) -> None:
    """``graph_involved.police_confirmed``: some police record puts the person on the
    offending side (a suspect, offender, facilitator or associate in a police record with
    an exploitation context), or, for someone on it only through links (a linked member,
    an employee), some of those links rest on police evidence. Otherwise the person is
    there on partner intelligence alone: never to be presented as a police suspect."""
    linking = _sql_list(LINKING_ROLES)
    _timed(
        con,
        f"""
        CREATE OR REPLACE TABLE graph_involved AS
        WITH by_record AS (
            SELECT DISTINCT i.entity_id FROM graph_involvements i
            JOIN graph_events e USING (event_key)
            WHERE e.police AND e.relevant AND list_contains({linking}, i.role)
        ),
        by_link AS (
            SELECT entity_a AS entity_id FROM graph_links WHERE police_evidence
            UNION SELECT entity_b FROM graph_links WHERE police_evidence
        )
        SELECT g.*, g.entity_id IN (SELECT entity_id FROM by_record)
               OR (g.n_events = 0 AND g.entity_id IN (SELECT entity_id FROM by_link))
                   AS police_confirmed
        FROM graph_involved g
        """,
    )


def _linked_members(con: duckdb.DuckDBPyConnection, s: GraphSettings) -> None:
    """People in no event on the offending side whom police link (an association other
    than family, a shared phone or vehicle) to several people who are: a group's members
    known only from its intelligence picture. Without them two members linked only
    through such a person are two strangers. The people counted are suspects, offenders,
    facilitators and associates; never another linked member. Nobody on the child side
    of an event is one."""
    linked = _sql_list(s.linked_member_link_types)
    # Associates count too: the associate named in an intelligence report about
    # exploitation is on the offending side as much as a suspect; never another linked
    # member (a chain of people known only through one another is no evidence).
    counted = "g.role <> 'linked'"
    # Someone on the child side of any event is never a linked member: an exploited
    # child is recorded as seen with, or an associate of, the men who exploit her.
    children = _sql_list(CHILD_ROLES)
    not_child_side = (
        "AND k.entity_id NOT IN (SELECT entity_id FROM graph_involvements "
        f"WHERE {child_side(children)})"
    )
    _timed(
        con,
        f"""
        INSERT INTO graph_involved
        WITH k AS (
            SELECT entity_a AS entity_id, entity_b AS other FROM graph_links
            WHERE list_contains({linked}, link_type) AND NOT family_only
            UNION ALL
            SELECT entity_b, entity_a FROM graph_links
            WHERE list_contains({linked}, link_type) AND NOT family_only
        )
        SELECT k.entity_id, 'linked', 0, NULL::DATE, NULL::DATE
        FROM k JOIN graph_involved g ON g.entity_id = k.other AND {counted}
        WHERE k.entity_id NOT IN (SELECT entity_id FROM graph_involved) {not_child_side}
        GROUP BY k.entity_id
        HAVING count(DISTINCT k.other) >= {s.linked_member_min_links}
        """,
    )
