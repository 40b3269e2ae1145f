"""The evidence rule pack (``evidence_rules.yaml``): each kind of evidence that puts a
person on the offending side or links two people into one group, with its strength and
the definition or guidance it rests on. Validated at load: an unknown field, kind, role,
agency or table, a strength outside (0, 1], a missing reason or a duplicate id is a
``RulePackError`` naming the file and the rule."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clearsight.graph.settings import LINK_TYPES


def standard_codes(kind: str) -> frozenset[str]:
    """The standard's codes for involvement ``roles`` or manifest ``agencies``: a rule may
    name only what agencies can submit (read from the standard, never listed twice)."""
    from clearsight.standard import load_standard
    from clearsight.standard.types import Code

    standard = load_standard()
    value_type = (
        standard.tables["involvements"].columns["role"].type
        if kind == "roles"
        else standard.manifest["agency_type"].type
    )
    assert isinstance(value_type, Code)
    return frozenset(value_type.values)


TABLES = frozenset({"persons", "events", "involvements", "objects", "locations", "associations"})
KINDS = ("membership", "link")
_REQUIRED = ("id", "kind", "description", "records", "roles", "agencies", "strength", "reason")
_FIELDS = frozenset({*_REQUIRED, "bridging", "pairs_with", "makes_group"})


class RulePackError(ValueError):
    """The rule pack is invalid; the message names the file and the rule."""


@dataclass(frozen=True)
class EvidenceRule:
    id: str
    kind: str
    description: str
    records: tuple[str, ...]
    roles: tuple[str, ...]
    agencies: tuple[str, ...]
    strength: float
    reason: str
    bridging: bool = False
    # Link types that, with this (bridging) link between the same two people, make the pair
    # a group of its own (``bridging.join_bridged``).
    pairs_with: tuple[str, ...] = ()
    # A bridging link that makes the pair a group by itself (never joining two groups).
    makes_group: bool = False


def _strings(value: Any, where: str, name: str, allowed: frozenset[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulePackError(f"{where}: {name} must be a list of names")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise RulePackError(
            f"{where}: unknown {name} {', '.join(unknown)} (known: {', '.join(sorted(allowed))})"
        )
    return tuple(value)


def _parse(raw: Any, where: str) -> EvidenceRule:
    if not isinstance(raw, dict):
        raise RulePackError(f"{where}: a rule must be a mapping")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise RulePackError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = [f for f in _REQUIRED if f not in raw]
    if missing:
        raise RulePackError(f"{where}: missing field(s) {', '.join(missing)}")
    if raw["kind"] not in KINDS:
        raise RulePackError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if raw["kind"] == "link" and raw["id"] not in LINK_TYPES:
        raise RulePackError(
            f"{where}: no link type {raw['id']!r} is built (known: {', '.join(LINK_TYPES)})"
        )
    strength = raw["strength"]
    if isinstance(strength, bool) or not isinstance(strength, int | float):
        raise RulePackError(f"{where}: strength must be a number")
    if not 0 < float(strength) <= 1:
        raise RulePackError(f"{where}: strength {strength} is not in (0, 1]")
    for name in ("description", "reason"):
        if not isinstance(raw[name], str) or not raw[name].strip():
            raise RulePackError(f"{where}: {name} must be a non-empty text")
    bridging = raw.get("bridging", False)
    if not isinstance(bridging, bool):
        raise RulePackError(f"{where}: bridging must be true or false")
    pairs_with = _strings(raw.get("pairs_with", []), where, "pairs_with", frozenset(LINK_TYPES))
    if pairs_with and not (raw["kind"] == "link" and bridging):
        raise RulePackError(f"{where}: pairs_with is for bridging links only")
    makes_group = raw.get("makes_group", False)
    if not isinstance(makes_group, bool):
        raise RulePackError(f"{where}: makes_group must be true or false")
    if makes_group and not (raw["kind"] == "link" and bridging):
        raise RulePackError(f"{where}: makes_group is for bridging links only")
    return EvidenceRule(
        id=str(raw["id"]),
        kind=str(raw["kind"]),
        description=" ".join(str(raw["description"]).split()),
        records=_strings(raw["records"], where, "records", TABLES),
        roles=_strings(raw["roles"], where, "roles", standard_codes("roles")),
        agencies=_strings(raw["agencies"], where, "agencies", standard_codes("agencies")),
        strength=float(strength),
        reason=" ".join(str(raw["reason"]).split()),
        bridging=bridging,
        pairs_with=pairs_with,
        makes_group=makes_group,
    )


def load_rules(path: Path | None = None) -> dict[str, EvidenceRule]:
    """The rule pack at ``path`` (default: the packaged ``evidence_rules.yaml``), by id."""
    if path is None:
        text = (resources.files("clearsight.graph") / "evidence_rules.yaml").read_text("utf-8")
        name = "evidence_rules.yaml"
    else:
        text, name = path.read_text(encoding="utf-8"), path.name
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulePackError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or set(raw) != {"rules"} or not isinstance(raw["rules"], list):
        raise RulePackError(f"{name}: expected one key, 'rules', holding a list")
    rules: dict[str, EvidenceRule] = {}
    for index, item in enumerate(raw["rules"], start=1):
        label = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
        rule = _parse(item, f"{name}: rule {label}")
        if rule.id in rules:
            raise RulePackError(f"{name}: rule {rule.id}: duplicate id")
        rules[rule.id] = rule
    links = {r.id for r in rules.values() if r.kind == "link"}
    missing = sorted(set(LINK_TYPES) - links)
    if missing:
        raise RulePackError(f"{name}: no rule for link type(s) {', '.join(missing)}")
    return rules


@functools.cache
def default_rules() -> dict[str, EvidenceRule]:
    """The packaged rule pack, loaded (and validated) once."""
    return load_rules()


def bridging_link_types() -> tuple[str, ...]:
    """Link types that join a person to a group but never two groups (``bridging: true``):
    a shared child, being employed where another offended, a shared place."""
    return tuple(r.id for r in default_rules().values() if r.kind == "link" and r.bridging)


def pairing_link_types() -> dict[str, tuple[str, ...]]:
    """Bridging link types that make a pair a group together with another link between the
    same two people (``pairs_with``): a shared child and a shared place."""
    return {r.id: r.pairs_with for r in default_rules().values() if r.pairs_with}


def group_making_link_types() -> tuple[str, ...]:
    """Bridging link types that make a pair a group by themselves (``makes_group``): being
    named in one review of a child's case."""
    return tuple(r.id for r in default_rules().values() if r.makes_group)
