"""The rules of the shared-context step (``context.py``): its settings, when two names
agree, and what one thin entity's candidates decide.

``context.py`` reads the records, events and places; this module decides on what it
read, so that the rules are read apart from the SQL that gathers their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

import yaml

from clearsight.linkage.context_record import ContextOutcome
from clearsight.linkage.entities import Entities
from clearsight.linkage.features import nickname_groups
from clearsight.standard.places import location_types
from clearsight.standard.roles import OFFENDING_ROLES

RULE = "context: first name only, the one adult of that name recorded with the child"
AMBIGUOUS = "first name only: more than one adult of that name is recorded with the child"
# The same, through the named adult the thin record was recorded with (its companion).
COMPANION_RULE = (
    "context: first name only, the one adult of that name recorded with the same companion"
)
AMBIGUOUS_COMPANION = (
    "first name only: more than one adult of that name is recorded with the same companion"
)
# The same, through the private place (a home, a vehicle) of the thin record's event.
PLACE_RULE = (
    "context: first name only, the one adult of that name recorded at the same private place"
)
AMBIGUOUS_PLACE = (
    "first name only: more than one adult of that name is recorded at the same private place"
)
# The same, through the men recorded with the child in her other events
# (``context_circle.py``).
CIRCLE_RULE = (
    "context: first name only, the one adult of that name recorded with a man "
    "recorded with the child"
)
AMBIGUOUS_CIRCLE = (
    "first name only: more than one adult of that name is recorded with the men "
    "recorded with the child"
)
# The same, through another adult of the event known by a first name only: the one named
# adult of the thin record's name recorded with a named adult of the other's
# (``context_pairs.py``).
PAIR_RULE = (
    "context: first name only, the one adult of that name recorded with an adult "
    "of the other first name beside it"
)
AMBIGUOUS_PAIR = (
    "first name only: more than one adult of that name is recorded with an adult "
    "of the other first name beside it"
)
REFUSED = "first name only: the one adult of that name is held apart (decision or identifiers)"


@dataclass(frozen=True)
class ContextSettings:
    """``data/context.yaml``: each value's reason is written beside it there."""

    birth_year_tolerance: int = 2
    typo_min_letters: int = 5
    offending_min_age: float = 10.0
    private_place_types: tuple[str, ...] = ("residential", "vehicle")


SETTINGS_FILE = "data/context.yaml"


@cache
def load_settings() -> ContextSettings:
    text = resources.files("clearsight.linkage").joinpath(SETTINGS_FILE).read_text("utf-8")
    return parse_settings(text)


def parse_settings(text: str, where: str = SETTINGS_FILE) -> ContextSettings:
    """The settings in ``text``; an unknown setting or a place type the standard does not
    know is an error naming ``where``."""
    raw = yaml.safe_load(text) or {}
    known = {f.name for f in fields(ContextSettings)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"{where}: unknown settings {sorted(unknown)}")
    defaults = ContextSettings()
    out = ContextSettings(
        **{k: _setting(where, k, v, getattr(defaults, k)) for k, v in raw.items()}
    )
    wrong = set(out.private_place_types) - set(location_types())
    if wrong:
        raise ValueError(
            f"{where}: private_place_types {sorted(wrong)} are not location types of the "
            "standard (schema/locations.yaml)"
        )
    return out


def _setting(where: str, name: str, value: object, default: object) -> Any:
    """``value`` as the type of the setting's default; a value of another kind (a word
    for a number, one type where a list is meant) is an error naming ``where``."""
    if isinstance(default, tuple):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValueError(
            f"{where}: {name} must be a list of words, e.g. [residential], not {value!r}"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {name} must be a number, not {value!r}")
    if isinstance(default, float):
        return float(value)
    if isinstance(value, float):
        raise ValueError(f"{where}: {name} must be a whole number, not {value!r}")
    return value


@dataclass
class Names:
    """Per root: its records' nodes and keys with their name tokens, birth years, named."""

    records: dict[int, list[tuple[int, str, list[str], int | None, bool]]]


@cache
def _variant_keys() -> dict[str, frozenset[str]]:
    """Each name in the nickname table to the groups it belongs to."""
    keys: dict[str, set[str]] = {}
    for canonical, variants in nickname_groups().items():
        for name in (canonical, *variants):
            keys.setdefault(name, set()).add(canonical)
    return {k: frozenset(v) for k, v in keys.items()}


def names_agree(a: str, b: str, typo_min_letters: int) -> bool:
    """The same name, variants of one name in the nickname table, or one keying error on
    names of ``typo_min_letters`` or more letters."""
    if a == b:
        return True
    groups = _variant_keys()
    if groups.get(a, frozenset()) & groups.get(b, frozenset()):
        return True
    if min(len(a), len(b)) >= typo_min_letters:
        import jellyfish

        return int(jellyfish.damerau_levenshtein_distance(a, b)) <= 1
    return False


def _fits_age(role: str, event_date: Any, candidate_dob: Any, settings: ContextSettings) -> bool:
    """Whether the candidate's recorded birth date allows the thin record's part in its
    event: born by then, and old enough to be on the offending side where it is."""
    if event_date is None or candidate_dob is None:
        return True
    age = (event_date - candidate_dob).days / 365.25
    if age < 0:
        return False
    return not (role in OFFENDING_ROLES and age < settings.offending_min_age)


# Whom or what a join rests on, strongest first: the child (the record is about her, and
# her adults are fewer), then a named adult recorded in the same event, then the private
# place of the event (people other than the man himself are recorded there too), then
# the men recorded with the child elsewhere (a step further than her own adults), then
# another first name beside it (two names, neither an identity alone).
# ``child_other``: the child's adults in another part than the thin record's linking one.
KINDS: tuple[str, ...] = ("child", "child_other", "companion", "place", "circle", "pair")
_RULES = {
    "child": RULE,
    "child_other": RULE,
    "companion": COMPANION_RULE,
    "place": PLACE_RULE,
    "circle": CIRCLE_RULE,
    "pair": PAIR_RULE,
}
_AMBIGUOUS = {
    "child": AMBIGUOUS,
    "child_other": AMBIGUOUS,
    "companion": AMBIGUOUS_COMPANION,
    "place": AMBIGUOUS_PLACE,
    "circle": AMBIGUOUS_CIRCLE,
    "pair": AMBIGUOUS_PAIR,
}


def decide(
    rows: list[tuple[Any, ...]], names: Names, entities: Entities, s: ContextSettings
) -> list[ContextOutcome]:
    """Per thin entity, the candidates of its strongest context that gives any; one joins
    (merged in ``entities``), two or more go to review.

    ``rows``: (thin record, its root, its event, the event's date, its role, the context
    (a record key, or a place key), the other event, the candidate's root, the
    candidate's birth date, the context's kind)."""
    thin_roots: dict[int, dict[str, dict[str, Any]]] = {}
    for row in rows:
        thin_key, thin_root, thin_event, thin_date, role, ctx_key, other, cand, dob, kind = row
        thin_root, cand = int(thin_root), int(cand)
        own = next(r for r in names.records[thin_root] if r[1] == thin_key)
        node, _key, tokens, year, _named = own
        agreeing = [
            (rec, t)
            for rec in names.records.get(cand, [])
            for t in rec[2]
            if any(names_agree(x, t, s.typo_min_letters) for x in tokens)
        ]
        if not agreeing:
            continue
        years = {rec[3] for rec in names.records.get(cand, []) if rec[3] is not None}
        tolerance = s.birth_year_tolerance
        if year is not None and any(abs(int(year) - int(y)) > tolerance for y in years):
            continue
        if not _fits_age(str(role), thin_date, dob, s):
            continue
        entry = thin_roots.setdefault(thin_root, {}).setdefault(
            str(kind),
            {"records": {}, "candidates": {}, "context": set(), "events": set()},
        )
        entry["records"].setdefault(thin_key, (node, " ".join(tokens)))
        got = entry["candidates"].setdefault(cand, {"names": set(), "anchor": None, "by": set()})
        got["names"].update(t for _rec, t in agreeing)
        got["by"].add(thin_key)
        anchors = [rec for rec, _t in agreeing if rec[4]] or [
            rec for rec in names.records[cand] if rec[4]
        ]
        if anchors:
            best = min(anchors, key=lambda rec: rec[1])
            if got["anchor"] is None or best[1] < got["anchor"][1]:
                got["anchor"] = best
        entry["context"].add(str(ctx_key))
        entry["events"].update((str(thin_event), str(other)))
    out: list[ContextOutcome] = []
    for _root, kinds in sorted(thin_roots.items()):
        kind = next(k for k in KINDS if k in kinds)
        out.extend(_outcomes(kinds[kind], entities, kind))
    return out


def _outcomes(entry: dict[str, Any], entities: Entities, kind: str) -> list[ContextOutcome]:
    """One thin entity's outcomes from the candidates one context gave."""
    candidates = entry["candidates"]
    cand_names = sorted({n for c in candidates.values() for n in c["names"]})
    cand_keys = sorted(c["anchor"][1] for c in candidates.values() if c["anchor"])
    context = sorted(entry["context"])
    common = {
        "candidate_names": cand_names,
        "candidate_keys": cand_keys,
        "child_keys": [] if kind == "place" else context,
        "events": sorted(entry["events"]),
        "place_keys": context if kind == "place" else [],
    }
    out: list[ContextOutcome] = []
    if len(candidates) != 1:
        for key, (_node, name) in sorted(entry["records"].items()):
            out.append(ContextOutcome(key, None, "review", _AMBIGUOUS[kind], name, **common))
        return out
    (only,) = candidates.values()
    anchor = only["anchor"]
    for key, (node, name) in sorted(entry["records"].items()):
        if key not in only["by"] or anchor is None:
            continue
        ra, rb = entities.find(node), entities.find(anchor[0])
        if ra != rb and (
            entities.kept_apart(ra, rb)
            or not entities.merge(node, anchor[0], checked=True, nhs_agrees=False)
        ):
            out.append(ContextOutcome(key, anchor[1], "review", REFUSED, name, **common))
            continue
        out.append(ContextOutcome(key, anchor[1], "linked", _RULES[kind], name, **common))
    return out
