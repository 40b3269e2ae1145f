"""Settings of the graph build and network detection: data, not constants buried in code.

``settings.yaml`` beside this module documents every setting with its default and the
domain reason it stands on; ``load_graph_settings`` reads it (and a file that overrides
some settings by name), validating names and types. ``GraphSettings()`` holds the same
defaults for programmatic use (a test keeps the two equal)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clearsight.standard.roles import CHILD_ROLES as CHILD_ROLES
from clearsight.standard.roles import LINKING_ROLES as LINKING_ROLES
from clearsight.standard.roles import OFFENDING_ROLES as OFFENDING_ROLES

# Person–person association types that are evidence two people know one another.
KNOWING_ASSOCIATIONS: tuple[str, ...] = ("associate_of", "seen_with", "family_of")
OBJECT_TYPES: tuple[str, ...] = ("phone", "vehicle", "email", "online_account")

# Person–person link types. All but shared_victim are evidence that people know one
# another; shared_victim alone is not (IICSA: such networks are "possible").
LINK_TYPES: tuple[str, ...] = (
    "co_involved",
    "shared_victim",
    "shared_object",
    "association",
    "same_address",
    "employed_at_offending_location",
    "same_incident",
    "shared_place",
    "named_in_case_review",
)
# A shared child is no evidence that two people know one another (IICSA "possible"); nor
# is being seen at one place (a busy hotel), nor being named in one review of a child's
# case (a strategy meeting names every adult of concern around her).
KNOWING_LINK_TYPES: tuple[str, ...] = tuple(
    t for t in LINK_TYPES if t not in ("shared_victim", "shared_place", "named_in_case_review")
)
# Links that never put two people in one group by themselves (graph/places.py): detection
# drops a link resting only on these, and they add their strength to other links.
SUPPORT_LINK_TYPES: tuple[str, ...] = ("shared_place",)


@dataclass(frozen=True)
class GraphSettings:
    """Caps keep hubs (a switchboard number, a hostel, a big meeting) from being evidence."""

    # An event with more linking people than this yields no co-involvement links.
    max_event_people: int = 25
    # A phone, vehicle, email or account used by more entities than this is not evidence.
    max_object_people: int = 6
    # An address shared by more entities than this (a hostel, a care home) is not evidence.
    max_address_people: int = 8
    # A child linked to more offending entities than this yields no shared-victim links.
    max_victim_offenders: int = 40
    # Evidence items kept per link (counts are always complete).
    max_evidence_items: int = 20
    # Link types that join people into one network.
    detection_link_types: tuple[str, ...] = LINK_TYPES
    # Links that join someone to a group but never make one: being employed where another
    # offended attaches the employee to people held together by some strong link (not a
    # bridging one). A component with no strong link (an employee and a lone offender at
    # his takeaway; offenders who share only a child) loses these links, and the pieces
    # left are its networks. The link is then the only evidence that the employee
    # facilitated anything, and IICSA's "allowing their property to be used" needs more
    # than working where one man once offended. Empty turns it off.
    group_only_link_types: tuple[str, ...] = ("employed_at_offending_location",)
    # An employee is an end point, never a bridge: a link resting only on being employed
    # where the other offended attaches the employee (and only the employee) to a network
    # the offender is in, held together by some strong link, and only when nothing else
    # puts the employee in a network; it never carries a path between two other people.
    # Working at a place another group's offender used is evidence about the place, not
    # that the two groups know one another (IICSA C.3 counts those "allowing their
    # property to be used", not everyone who used the place). An
    # employee linked to several such networks joins the one most of his links go to
    # (ties: the first in entity order). False: the link is a bridging link as above.
    employees_are_end_points: bool = True
    # Roles that make someone involved when held in an event with an exploitation context.
    involved_roles: tuple[str, ...] = OFFENDING_ROLES
    # An associate is involved only in these event types: adults seen with the child in
    # intelligence, a missing episode or an incident log, not family members at a
    # strategy meeting.
    associate_event_types: tuple[str, ...] = (
        "intelligence",
        "missing_episode",
        "crime",
        "incident",
    )
    # Records that review a child's case (a strategy meeting): the adults one names are the
    # adults of concern around her, from every period of her case, not people recorded
    # together in one episode (``named_in_case_review``, not ``co_involved``).
    case_review_event_types: tuple[str, ...] = ("strategy_meeting",)
    # Someone in no event on the offending side but linked by these link types (family
    # associations aside) to at least this many people who are joins them as an
    # associate: a group member police know only from its phones, vehicles and
    # associations. 0 turns it off.
    linked_member_min_links: int = 2
    linked_member_link_types: tuple[str, ...] = ("association", "shared_object")
    # Components of at least this many people are split by Leiden (leidenalg, RB
    # configuration model) into communities: two groups joined through one bridging
    # person become two networks; a dense group stays one.
    split_min_size: int = 6
    # Two Leiden communities are merged back when the link weight between them is at
    # least this share of the smaller community's link weight: a bridge through one
    # person carries a small share of a group's links, a sparse group cut in two a large
    # one (measurements: benchmarks/README.md, rounds 5 and 6).
    split_merge_ratio: float = 0.2
    # Components larger than this are always split, whatever split_min_size is.
    max_network_size: int = 40
    # Higher resolution, smaller communities: small offender groups need it high.
    leiden_resolution: float = 0.5
    leiden_iterations: int = 4
    seed: int = 0
    # Age below which a person is a child (DfE 2017: under 18).
    child_age: float = 18.0
    # A young person (under child_age) whom partners name as the associate around this
    # many exploited children, himself at risk in no record, is on the offending side as
    # intelligence (DfE 2017: children can perpetrate exploitation). 0 turns it off.
    young_associate_min_children: int = 2
    # Offence and narrative wording that marks a sexual offence or exploitation.
    sexual_pattern: str = (
        r"sexual|rape|indecen|groom|exploit|prostitut|traffick|abuse of (a )?position"
        r"|inciting a child|meeting a child|child sex|cse\b|engage in sexual"
        # Exploitation indicators in partner and intelligence narratives.
        r"|adults? linked to an address|adult males?\b|older (m[ae]n|males?)\b|who paid for"
        r"|children's home|collect(ing)? children|concerns about the adults"
        # Giving children alcohol or drugs, and children being taken to places: standard
        # CSE indicators in police intelligence.
        r"|(alcohol|drugs) to (young )?(children|girls|boys|a child)"
        r"|children (are |were )?being taken to"
        # A Child Abduction Warning Notice, and the Home Office guide's (2017) indicators
        # however worded: adults unknown to the family, adults associating with children.
        r"|abduction warning notice|\bcawns?\b"
        r"|(adults?|males?|men) not known to (the |her |his )?(family|parents|carers?)"
        r"|associating with (young )?(children|girls|boys|young people|a child)"
    )
    # An offence whose title says its victim is a child ("sexual communication with a
    # child", "rape of a child under 13"): its victim is a child whatever the recorded
    # date of birth says at the recorded date (the offending began before it was
    # reported; dates of birth are mistyped). Empty turns it off.
    child_offence_pattern: str = r"\bchild"
    # A CSE flag on a property offence (a burglary, a vehicle theft) with no sexual offence
    # and no exploitation wording in the offence or narrative: agencies put the flag on
    # the child, and it is carried onto every crime that names them, so it shows the
    # child is at risk, not that this suspect exploited the child. Such an event (and an
    # arrest or charge following it) is ``flag_marker`` in ``graph_events``: it still
    # puts its suspects on the offending side, but a child shared only through such
    # events is no ``shared_victim`` link, and makes nobody a child's associate. Empty
    # turns it off.
    flag_marker_offence_pattern: str = (
        r"burglary|theft|shoplift|criminal damage|arson|fraud|forgery|handling stolen"
        r"|making off without payment|taking (a )?(motor )?vehicle without"
    )
    # A record of who was present at a place (a patrol, a visit to premises) that names no
    # child and nobody suspected is a place sighting: its people give no ``co_involved``
    # link (``presence_note`` in ``graph_events``; settings.yaml gives the reason).
    presence_note_pattern: str = (
        r"\bpatrols?\b|\b(adults|persons|people|males|men) (were )?present\b"
        r"|no (indication|evidence|intelligence) (that )?(they|the (adults|men|males))"
        r" (know|knew|are known to|associate)|not known to (each other|one another)"
    )
    # An associate at an event with an exploitation context (a strategy meeting, a
    # referral) joins the offending side when one of these links (family associations
    # aside) ties them to someone already on it. Not ``same_address``: the child's
    # family at the meeting share a household, and a household is not evidence of
    # offending together (family_of is not either). Not ``co_involved``: the meeting.
    associate_link_types: tuple[str, ...] = (
        "shared_object",
        "association",
        "employed_at_offending_location",
    )
    # Employment where children were exploited puts a member of staff on the offending
    # side only when one of these links ties them to someone on it (settings.yaml).
    employee_knowing_link_types: tuple[str, ...] = ("association", "shared_object")
    network_min_size: int = 2
    # A two-person "network" whose two people are each other's near-duplicate by name and
    # date of birth (never a protected characteristic) is most likely one person the
    # linkage stage left as two: it goes to ``network_possible_duplicates`` for linkage
    # review, not into ``networks``. Name similarity is Jaro-Winkler on forename and
    # surname (a shared forename initial counts as agreement); with a date of birth
    # missing both names must reach ``duplicate_strict_similarity``.
    duplicate_name_similarity: float = 0.88
    duplicate_strict_similarity: float = 0.92
    # Names that agree that closely, with dates of birth at most this many days apart
    # (a year slip with a day slip: "1994-11-29" and "1995-11-28"), are near-duplicates
    # too: a date differing in two parts by a year or less tells two people apart no
    # better than a missing one, which the strict names already accept. 0 turns it off.
    duplicate_strict_dob_days: int = 366
    # A two-person "network" one of whose people is known only as unidentified ("unknown
    # male", a blank name) and whose only links are bridging ones (a shared child, a
    # place) is as likely one person recorded twice, named in one record and not in the
    # other, as two offenders: nothing shows they know one another, and nothing tells
    # them apart. It goes to ``network_possible_duplicates`` for review too, unless
    # both dates of birth are recorded and more than ``unidentified_pair_dob_days``
    # apart (then they are two people).
    unidentified_pair_dob_days: int = 366
    # Likewise a network of three or more in which at most one person is named, linked
    # only by bridging links, with recorded dates of birth at most
    # ``unidentified_pair_dob_days`` apart: one man recorded once by name and in other
    # crimes against the same child as "unknown male" is no network of three. Named
    # people who are each other's near-duplicate (above) count as one named man. Its
    # people are listed as pairs (the first with each other).
    # A network every child of whose members is a child of one other network's members,
    # at least this many in common, joins it (``cohorts.py``; settings.yaml gives the
    # reason): more than one, so one child two groups were drawn to never joins them.
    cohort_min_common_children: int = 2
    # Area-aware detection: a person's links count in the area of their evidence (the
    # area of the sources), so a person with evidence in two areas is split there and
    # can belong to a network in each; two networks found in different areas become one
    # only when they share at least this many people (evidence beyond one bridge).
    area_aware: bool = True
    # Two shared entities that are each other's near-duplicate by name and date of birth
    # count as one person there: one man the linkage stage left as two records in two
    # forces is one bridging person, not two.
    area_join_min_shared: int = 2
    # ... and when the shared people are at least this share of the smaller network: one
    # group seen in two areas, not two groups sharing a visiting member or two.
    area_join_min_fraction: float = 0.5
    # A man whose own offending (co-offending in one record, a shared victim) ties him to
    # two or more sets of people that share no child and no link once he is removed, each
    # of at least this many people, is a member of each set's network (``overlap.py``;
    # settings.yaml gives the reason). 0 turns it off.
    overlap_min_part_size: int = 3
    # Records of one episode by different agencies (the same child, people or place) are
    # one incident when their dates are at most this many days apart: a referral is
    # decided on within one working day and a child is seen at hospital the same or the
    # next day (Working Together to Safeguard Children 2023), while a partner's reported
    # date can trail the police's occurred date by days (see graph/incidents.py).
    # The offence of a harbouring adult (settings.yaml gives the reason): against a child
    # who is sexually exploited, its suspect is on the offending side. Empty: off.
    harbouring_offence_pattern: str = r"child abduction|harbour"
    incident_window_days: int = 7
    # Two records sharing only the place (no adult in both) are one incident only when at
    # most this many days apart (settings.yaml gives the reason).
    incident_place_only_days: int = 1
    # A place where at least this many children and this many adults were seen over time
    # is a hotspot (contextual safeguarding: several children meeting adults at one place
    # is where to look; one child and one adult is a household or a sighting).
    hotspot_min_children: int = 2
    hotspot_min_adults: int = 2
    # Betweenness is exact in networks up to this size, cut off at
    # ``betweenness_cutoff`` steps in larger ones (a hub-joined giant at scale).
    betweenness_exact_max: int = 2000
    betweenness_cutoff: int = 3


def documented_settings() -> dict[str, dict[str, Any]]:
    """The packaged ``settings.yaml``: each setting's ``value`` and ``reason``."""
    text = (resources.files("clearsight.graph") / "settings.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("settings.yaml: expected a mapping of setting names")
    return data


def _coerce(name: str, value: Any, default: Any, where: str) -> Any:
    """``value`` as the type of ``default``, or a ValueError naming file and setting."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{where}: {name} must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}: {name} must be a whole number, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{where}: {name} must be a number, not {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{where}: {name} must be a text, not {value!r}")
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: {name} must be a list of names, not {value!r}")
    # A misspelt link type would match no link and turn its rule off without a word.
    unknown = [v for v in value if v not in LINK_TYPES]
    if name.endswith("_link_types") and unknown:
        raise ValueError(
            f"{where}: {name}: unknown link type(s) {', '.join(unknown)}; "
            f"known: {', '.join(LINK_TYPES)}"
        )
    return tuple(value)


def load_graph_settings(path: Path | None = None, **overrides: Any) -> GraphSettings:
    """The documented defaults (``settings.yaml``), overlaid by ``path`` (a YAML mapping
    of setting name to value) and then by ``overrides``. An unknown setting or a value of
    the wrong type is a ValueError naming the file and the setting."""
    fields = {f.name: f.default for f in dataclasses.fields(GraphSettings)}
    values: dict[str, Any] = {}
    for name, entry in documented_settings().items():
        if name not in fields or not isinstance(entry, dict) or "value" not in entry:
            raise ValueError(f"settings.yaml: {name}: not a setting with a value")
        values[name] = _coerce(name, entry["value"], fields[name], "settings.yaml")
    layers: list[tuple[str, dict[str, Any]]] = []
    if path is not None:
        extra = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(extra, dict):
            raise ValueError(f"{path}: settings must be a YAML mapping of name: value")
        layers.append((str(path), extra))
    layers.append(("overrides", overrides))
    for where, layer in layers:
        for name, value in layer.items():
            if name not in fields:
                raise ValueError(f"{where}: unknown setting {name!r}")
            values[name] = _coerce(name, value, fields[name], where)
    return GraphSettings(**values)
